"""A real Dask cluster on this machine, started as a user would: ``dask scheduler`` + ``dask worker``.

Used by the slow test and the Dask benchmark to run ``govkit render --scheduler`` against separate
scheduler and worker processes (not an in-process ``LocalCluster``). Listens on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _dask_command() -> list[str]:
    found = Path(sys.executable).with_name("dask")
    return [str(found)] if found.is_file() else [shutil.which("dask") or "dask"]


@contextmanager
def dask_cluster(
    nworkers: int = 2, nthreads: int = 1, log_dir: Path | None = None, timeout: float = 120
) -> Iterator[tuple[str, subprocess.Popen, subprocess.Popen]]:
    """Start ``dask scheduler`` and ``dask worker --nworkers N --nthreads T``; yield (address, scheduler, worker).

    Both are stopped (terminated, then killed) on exit.
    """
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = log_dir or Path(os.devnull)
    if log_dir:
        log_dir.mkdir(parents=True, exist_ok=True)
    sched_log = open(logs / "scheduler.log" if log_dir else os.devnull, "w")  # noqa: SIM115 - closed below
    work_log = open(logs / "worker.log" if log_dir else os.devnull, "w")  # noqa: SIM115 - closed below
    dask = _dask_command()
    scheduler = subprocess.Popen(
        [*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        stdout=sched_log,
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(
        [
            *dask,
            "worker",
            address,
            "--nworkers",
            str(nworkers),
            "--nthreads",
            str(nthreads),
            "--host",
            "127.0.0.1",
            "--no-dashboard",
            "--memory-limit",
            "0",
        ],
        stdout=work_log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_workers(address, nworkers, timeout)
        yield address, scheduler, worker
    finally:
        for proc in (worker, scheduler):
            proc.terminate()
        for proc in (worker, scheduler):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        sched_log.close()
        work_log.close()


def _wait_for_workers(address: str, n: int, timeout: float) -> None:
    from distributed import Client

    deadline = time.monotonic() + timeout
    while True:
        try:
            with Client(address, timeout=5) as client:
                client.wait_for_workers(n, timeout=max(1, deadline - time.monotonic()))
                return
        except (OSError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
