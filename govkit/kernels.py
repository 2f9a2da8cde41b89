"""Warm kernels behind papermill: start a kernel once per worker process, reuse it per agency.

Starting a kernel and importing pandas and govkit costs seconds; executing one report notebook in
a warm kernel costs a fraction of that. Reuse leaks state unless it is designed away, so after
every notebook the kernel is reset to the baseline recorded right after warm-up: user namespace,
modules imported since, working directory, environment, ``sys.path``, warning filters, pandas
options, matplotlib settings and the decimal context. A kernel that died or timed out is replaced.

``papermill --engine govkit`` uses :class:`GovkitEngine` (registered through the
``papermill.engine`` entry point).

This module is imported inside kernels too, so it imports nothing heavy at module level, and
``GovkitEngine`` is built on first access: papermill loads its entry points while
``papermill.engines`` itself is still being imported, so the engine cannot be defined by a module
that imports ``papermill.engines`` at the top (that would be a circular import).
"""

from __future__ import annotations

import atexit
import multiprocessing.util
import os
import shutil
import tempfile
from collections.abc import Iterable
from typing import Any, cast

RECYCLE_AFTER = 250  # notebooks per kernel before it is replaced by a fresh one (memory stays flat)
RESET_CODE = "import govkit.kernels as _govkit_kernels; _govkit_kernels.kernel_reset()"
# Imported by every kernel: what the report notebooks need in any case.
ALWAYS_WARM = ("IPython.display", "govkit.checks", "govkit.datafile", "govkit.render")
# Packages warmed when a notebook imports them: govkit's own modules (they may bring pandas along),
# and the libraries whose settings the reset restores. Other modules a notebook imports are
# imported by it and removed again by the reset, so that nothing leaks into the next notebook.
WARM_PACKAGES = ("govkit", "IPython", "pandas", "numpy", "matplotlib")


def warmup_code(modules: Iterable[str] = ()) -> str:
    names = ",".join(sorted(set(modules)))
    return f"import govkit.kernels as _govkit_kernels; _govkit_kernels.kernel_warmup({names!r})"


def notebook_imports(nb: Any) -> frozenset[str]:
    """The modules a notebook's code cells import that are worth warming (see ``WARM_PACKAGES``).

    ``nb`` is a notebook node or the notebook file's JSON as read (cell sources may be lists of lines).
    """
    import ast

    found: set[str] = set()
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        lines = "".join(source) if isinstance(source, list) else source
        # IPython's magics and shell escapes are not Python; the imports around them still count.
        code = "\n".join(line for line in lines.splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module)
    return frozenset(name for name in found if name.split(".")[0] in WARM_PACKAGES)


# --------------------------------------------------------------------------------------------
# Inside the kernel

_baseline: dict[str, Any] = {}


def kernel_warmup(modules: str = "") -> None:
    """Import what report notebooks need, then remember the clean state to return to.

    ``modules`` (comma-separated) are the warm-worthy imports of the notebooks this kernel runs
    (:func:`notebook_imports`). Called again with more of them (between two notebooks, after a
    reset), it imports those and adds them to the baseline.
    """
    import decimal
    import gc
    import importlib
    import sys
    import warnings

    wanted = [*ALWAYS_WARM, *filter(None, modules.split(","))]
    if _baseline and all(name in sys.modules for name in wanted):
        return
    if any(name.split(".")[0] == "matplotlib" for name in wanted):
        import matplotlib

        matplotlib.use("Agg")  # no display in a kernel that renders reports
        wanted.append("matplotlib.pyplot")  # so that the reset can close the figures a notebook left
    for name in wanted:
        try:
            importlib.import_module(name)
        except ImportError:  # the notebook's own import then says what is missing
            pass
    pandas_options = _pandas_options() if "pandas" in sys.modules else None
    # Settings as warm-up left them (govkit may have registered CJK fonts), not library defaults.
    rc = dict(sys.modules["matplotlib"].rcParams) if "matplotlib" in sys.modules else None
    if _baseline:  # more modules for a kernel already in use: the rest of the baseline stays
        _baseline.update(modules=set(sys.modules), pandas=pandas_options, matplotlib=rc)
    else:
        _baseline.update(
            modules=set(sys.modules),
            cwd=os.getcwd(),
            environ=dict(os.environ),
            path=list(sys.path),
            warnings=list(warnings.filters),
            decimal=decimal.getcontext().copy(),
            pandas=pandas_options,
            matplotlib=rc,
        )
    # Everything alive now is permanent: later collections (ours and IPython's on reset) then scan
    # only what a notebook created, which makes a reset cost milliseconds instead of ~0.3 s.
    gc.collect()
    gc.freeze()


def _pandas_options() -> dict[str, Any]:
    import pandas
    from pandas._config.config import _registered_options  # type: ignore[attr-defined]  # pandas lists its options nowhere public

    return {key: pandas.get_option(key) for key in _registered_options}


def kernel_reset() -> None:
    """Return the kernel to the state :func:`kernel_warmup` recorded."""
    import decimal
    import gc
    import sys
    import warnings

    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=False)
        shell.execution_count = 1  # every notebook numbers its cells as in a fresh kernel
    for name in list(sys.modules):
        module = sys.modules[name]
        origin = getattr(module, "__file__", None) or ""
        # Extension modules cannot be initialised twice; pure-Python ones are re-imported fresh.
        if name not in _baseline["modules"] and not origin.endswith((".so", ".pyd")):
            del sys.modules[name]
    os.chdir(_baseline["cwd"])
    os.environ.clear()
    os.environ.update(_baseline["environ"])
    sys.path[:] = _baseline["path"]
    cast(list, warnings.filters)[:] = _baseline["warnings"]  # typeshed declares it a read-only Sequence
    decimal.setcontext(_baseline["decimal"].copy())
    pandas: Any = sys.modules.get("pandas")
    # Only options that changed are set back: resetting all of them costs more than checking.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key, value in (_baseline["pandas"] or {}).items():
            try:
                if pandas.get_option(key) != value:
                    pandas.set_option(key, value)
            except Exception:  # noqa: BLE001 - a deprecated or odd option must not break the reset
                pass
    if _baseline["matplotlib"] is not None:
        rc = sys.modules["matplotlib"].rcParams
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            changed = {k: v for k, v in _baseline["matplotlib"].items() if rc.get(k) is not v and rc.get(k) != v}
            rc.update(changed)
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")
    inputs = sys.modules.get("govkit.render.inputs")
    if inputs is not None:  # what a worker primed for a notebook that never asked for it
        inputs._primed.clear()
    gc.collect()


# --------------------------------------------------------------------------------------------
# In the worker process


class WarmKernel:
    """One kernel, started and warmed once, reset after each notebook."""

    def __init__(self, kernel_name: str = "python3", startup_timeout: float = 60):
        self.kernel_name = kernel_name
        self.modules: frozenset[str] = frozenset()  # warmed besides ``ALWAYS_WARM`` (see :func:`notebook_imports`)
        self.startup_timeout = startup_timeout
        self.km: Any = None
        self._ipc_dir: str | None = None
        self.kc: Any = None
        self.executed = 0
        self.ready = False

    def start(self) -> None:
        self.launch()
        self.wait()

    def launch(self) -> None:
        """Start the kernel process, which warms up on its own; return without waiting for it.

        The warm-up runs as the kernel's start-up code, so that it overlaps with whatever the
        worker does meanwhile (importing papermill and nbconvert) instead of following it.
        """
        from jupyter_client.manager import KernelManager

        # IPC sockets in a private folder: no TCP port to open, so ipykernel has no "unencrypted TCP"
        # warning to print for every worker.
        self._ipc_dir = tempfile.mkdtemp(prefix="govkit-kernel-")
        self.km = KernelManager(kernel_name=self.kernel_name, transport="ipc", ip=os.path.join(self._ipc_dir, "k"))
        # No history database: nothing to write per cell, no lock shared by many kernels, and cell
        # numbers can restart at 1 for every notebook.
        self.km.start_kernel(
            extra_arguments=["--HistoryManager.enabled=False", f"--IPKernelApp.exec_lines={warmup_code(self.modules)}"]
        )
        self.ready = False

    def wait(self) -> None:
        """Wait until the launched kernel answers and has warmed up."""
        from jupyter_client.session import Session

        # Our own session id: ZMQ routes replies by socket identity, which is the session id, and
        # the notebook clients papermill creates use the manager's session.
        session = Session(key=self.km.session.key, signature_scheme=self.km.session.signature_scheme)
        self.kc = self.km.client(session=session)
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=self.startup_timeout)
        # Start-up code that fails is only logged by ipykernel: warm up again here, where it raises.
        self._run(warmup_code(self.modules), timeout=self.startup_timeout)
        self.ready = True

    def want(self, modules: frozenset[str]) -> None:
        """Warm ``modules`` too (a notebook that imports more than the ones before); now if ready, else on start."""
        if modules <= self.modules:
            return
        self.modules |= modules
        if self.ready:
            try:
                self._run(warmup_code(self.modules), timeout=self.startup_timeout)
            except Exception:  # noqa: BLE001 - the notebook then imports them itself
                pass

    def notebook_client(self) -> Any:
        """A fresh asynchronous client for one notebook, channels started.

        nbclient needs an asynchronous client: with a blocking one (what a blocking manager's
        ``client()`` gives) its output poll blocks the event loop and cell timeouts never fire. A
        new session per notebook also means no reply meant for an earlier notebook can reach it.
        """
        from jupyter_client.asynchronous import AsyncKernelClient
        from jupyter_client.session import Session

        session = Session(key=self.km.session.key, signature_scheme=self.km.session.signature_scheme)
        kc = AsyncKernelClient(session=session)
        kc.load_connection_info(self.km.get_connection_info())
        kc.allow_stdin = False
        kc.start_channels()
        return kc

    def _run(self, code: str, timeout: float) -> None:
        reply = self.kc.execute_interactive(code, timeout=timeout, store_history=False, output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(
                f"kernel set-up failed: {reply['content'].get('ename')}: {reply['content'].get('evalue')}"
            )

    def prepare(self, code: str, timeout: float) -> None:
        """Run ``code`` before the next notebook, outside it (no output, no cell number)."""
        try:
            self._run(code, timeout=timeout)
        except Exception:  # noqa: BLE001 - the notebook then does the work itself
            pass

    def alive(self) -> bool:
        return self.km is not None and self.km.is_alive()

    def ensure(self) -> None:
        """Make the kernel ready: start it if absent or dead, wait for it if only launched."""
        if not self.alive():
            self.shutdown()
            self.launch()
        if not self.ready:
            self.wait()

    def reset(self, timeout: float = 30) -> None:
        try:
            self._run(RESET_CODE, timeout=timeout)
        except Exception:  # a kernel that cannot reset is not trusted again
            self.shutdown()

    def shutdown(self) -> None:
        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None
        if self.km is not None:
            try:
                self.km.shutdown_kernel(now=True)
            except Exception:  # already dead
                pass
            self.km = None
        self.ready = False
        if self._ipc_dir:
            shutil.rmtree(self._ipc_dir, ignore_errors=True)
            self._ipc_dir = None


_kernels: dict[str, WarmKernel] = {}


def warm_kernel(kernel_name: str = "python3", wait: bool = True, modules: frozenset[str] = frozenset()) -> WarmKernel:
    """This process's warm kernel (started on first use, replaced when dead).

    With ``wait=False`` a kernel that is not running yet is only launched; the next call waits for it.
    ``modules`` are warmed besides the usual ones (:func:`notebook_imports` of the notebook to run).
    """
    kernel = _kernels.get(kernel_name)
    if kernel is None:
        kernel = _kernels[kernel_name] = WarmKernel(kernel_name)
        atexit.register(kernel.shutdown)
        # Worker processes of multiprocessing pools leave through os._exit and skip atexit.
        multiprocessing.util.Finalize(None, kernel.shutdown, exitpriority=10)
    kernel.want(modules)
    if wait:
        kernel.ensure()
    elif not kernel.alive():
        kernel.shutdown()
        kernel.launch()
    return kernel


def shutdown_kernels() -> None:
    for kernel in _kernels.values():
        kernel.shutdown()
    _kernels.clear()


def _engine_class() -> type:
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine

    if "GovkitEngine" in globals():  # defined meanwhile, by papermill loading its entry points
        return globals()["GovkitEngine"]

    class GovkitEngine(NBClientEngine):
        """A papermill engine that executes in this process's warm kernel and resets it afterwards."""

        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man: Any,
            kernel_name: str,
            log_output: bool = False,
            stdout_file: Any = None,
            stderr_file: Any = None,
            start_timeout: int = 60,
            execution_timeout: float | None = None,
            **kwargs: Any,
        ) -> Any:
            kernel = warm_kernel(kernel_name or "python3", modules=notebook_imports(nb_man.nb))
            client = PapermillNotebookClient(
                nb_man,
                km=kernel.km,
                timeout=execution_timeout or kwargs.get("timeout"),
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            client.kc = kernel.notebook_client()  # set after construction: the constructor clears it
            try:
                return client.execute(cleanup_kc=False)
            except (CellTimeoutError, DeadKernelError, TimeoutError):
                kernel.shutdown()  # busy or dead: the next notebook gets a fresh kernel
                raise
            finally:
                if client.kc is not None:  # the notebook's own client; the kernel keeps ours
                    client.kc.stop_channels()
                kernel.executed += 1
                if kernel.alive():
                    kernel.reset()
                if kernel.alive() and kernel.executed % RECYCLE_AFTER == 0:
                    # A kernel's memory creeps up with use (~0.1-0.3 MB per notebook, allocator
                    # fragmentation, not live objects); a fresh one, launched now so that it warms up
                    # while this worker exports, keeps a worker's memory flat over any batch size.
                    kernel.shutdown()
                    kernel.launch()

    GovkitEngine.__module__ = __name__
    GovkitEngine.__qualname__ = "GovkitEngine"
    globals()["GovkitEngine"] = GovkitEngine
    return GovkitEngine


def __getattr__(name: str) -> Any:
    if name == "GovkitEngine":
        return _engine_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
