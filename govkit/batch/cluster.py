"""Batches beyond one machine: a Dask cluster as the batch's executor (``govkit[dask]``).

Each Dask worker process keeps its own warm kernel across agencies (and across batches), exactly
like a worker of the local process pool. Data files and the output folder must be reachable under
the same paths on every worker (a shared file system).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from typing import Any

from govkit.errors import GovkitError


@contextmanager
def dask_executor(
    address: str, timeout: float = 30, kernel_name: str = "python3", notebook: str | None = None
) -> Iterator[Executor]:
    """A ``concurrent.futures`` executor that runs on the Dask cluster at ``address``.

    Every worker first readies its kernel and imports (as a local pool's initializer does), all at
    once, so that the batch's fixed cost is paid in parallel and not by each worker's first agency.
    Each worker's statistical profiler is paused for the batch (see :func:`pause_profiler`).

    Raises:
        GovkitError: ``distributed`` is not installed, or the scheduler cannot be reached.
    """
    try:
        from distributed import Client
    except ImportError:
        raise GovkitError(
            "使用 --scheduler 需要安装 Dask 分布式组件：pip install 'govkit[dask]'（或 pip install distributed）"
        ) from None
    try:
        client = Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise GovkitError(f"无法连接 Dask 调度器 {address}（{type(exc).__name__}: {exc}）") from None
    try:
        from govkit.batch.worker import init_worker

        client.run(init_worker, kernel_name, notebook)
        client.run(pause_profiler)
        try:
            with client.get_executor(pure=False) as executor:
                yield executor
        finally:
            try:
                client.run(resume_profiler)
            except Exception:  # noqa: BLE001 - a lost worker or scheduler: nothing left to resume
                pass
    finally:
        client.close()


# Dask workers sample the stack of every running task 100 times a second and keep one profile tree
# per second for the last 1,000 seconds (``distributed.worker.profile``). Notebook execution has
# deep, varied stacks, so over a batch that history alone grew each worker by ~0.3 MB a second
# (~180 MB over 5,000 agencies on two workers) and the sampling cost CPU. Batches pause it;
# concurrent batches on one cluster count themselves so that the last one to finish resumes it.
_PROFILER_CALLBACKS = ("profile", "profile-cycle")
_PAUSED = "_govkit_profiler_paused"


def pause_profiler(dask_worker: Any) -> None:
    """Stop the worker's statistical profiler (run on every worker through ``client.run``)."""
    setattr(dask_worker, _PAUSED, getattr(dask_worker, _PAUSED, 0) + 1)
    for name in _PROFILER_CALLBACKS:
        callback = dask_worker.periodic_callbacks.get(name)
        if callback is not None:
            callback.stop()


def resume_profiler(dask_worker: Any) -> None:
    """Restart the worker's statistical profiler once no batch has it paused."""
    paused = max(0, getattr(dask_worker, _PAUSED, 0) - 1)
    setattr(dask_worker, _PAUSED, paused)
    if paused:
        return
    for name in _PROFILER_CALLBACKS:
        callback = dask_worker.periodic_callbacks.get(name)
        if callback is not None and not callback.is_running():
            callback.start()
