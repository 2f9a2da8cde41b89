"""Batches beyond one machine: a Dask cluster as the batch's executor (``govkit[dask]``).

Each Dask worker process keeps its own warm kernel across agencies (and across batches), exactly
like a worker of the local process pool. Data files and the output folder must be reachable under
the same paths on every worker (a shared file system).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

from govkit.errors import GovkitError


@contextmanager
def dask_executor(
    address: str, timeout: float = 30, kernel_name: str = "python3", notebook: str | None = None
) -> Iterator[Executor]:
    """A ``concurrent.futures`` executor that runs on the Dask cluster at ``address``.

    Every worker first readies its kernel and imports (as a local pool's initializer does), all at
    once, so that the batch's fixed cost is paid in parallel and not by each worker's first agency.

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
        with client.get_executor(pure=False) as executor:
            yield executor
    finally:
        client.close()
