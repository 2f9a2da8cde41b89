"""What each worker process keeps for a whole batch: a warm kernel, the notebook, the exporter.

A worker renders many agencies; everything that does not depend on the agency is built once per
process (or once per notebook file) here instead of once per agency. Notebooks run through
papermill's engine registry with the ``govkit`` engine (:class:`govkit.kernels.GovkitEngine`),
which executes in this process's warm kernel and resets it afterwards.
"""

from __future__ import annotations

import copy
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ENGINE = "govkit"

_notebooks: dict[tuple[str, str], Any] = {}


class KernelDied(Exception):
    """The kernel died while running a notebook (the agency may be retried once)."""


def skip_slow_imports() -> None:
    """Keep two slow imports that no batch uses out of this process.

    * ``rfc3987_syntax``: jsonschema imports it only to check the ``iri`` formats, which no
      notebook schema uses, and it builds a grammar at import (~1.3 s). Marked missing before
      jsonschema is imported, jsonschema skips those checks.
    * ``pyarrow.fs`` (with pyarrow and numpy, ~0.1 s of CPU per worker): papermill's I/O module
      imports it for ``hdfs://`` notebooks, which govkit never reads. It is marked missing only
      while papermill is imported, so other code in the process (a Dask worker's other tasks)
      can still import it.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    if "papermill.iorw" in sys.modules or "pyarrow.fs" in sys.modules:
        return
    sys.modules["pyarrow.fs"] = None  # type: ignore[assignment]
    try:
        import papermill.iorw  # noqa: F401
    finally:
        if "pyarrow.fs" in sys.modules and sys.modules["pyarrow.fs"] is None:
            del sys.modules["pyarrow.fs"]


def warm_imports() -> None:
    """Import papermill's and nbconvert's stack, build the exporter and use it once.

    The first data file read and the first page exported compile regular expressions, Jinja
    templates and CSS selectors (~0.3 s); doing it here, while the kernel starts, keeps that off the
    first agency.
    """
    skip_slow_imports()
    import nbformat
    import papermill  # noqa: F401
    import papermill.engines  # noqa: F401

    from govkit import datafile
    from govkit.render import render_fragment
    from govkit.render.export import export_html
    from govkit.synthetic import synthetic_report

    report = datafile.loads(datafile.dumps(synthetic_report("示例镇", 2021, seed=0)))
    cell = nbformat.v4.new_code_cell(
        outputs=[nbformat.v4.new_output("display_data", {"text/html": render_fragment(report, [])})]
    )
    export_html(nbformat.v4.new_notebook(cells=[cell]), report.title)


def init_worker(kernel_name: str = "python3", notebook: str | None = None) -> None:
    """Process-pool initializer: ready the kernel and the stack before the first agency.

    The kernel is launched first and warms up in its own process while this one imports papermill
    and nbconvert, so a worker is ready after the slower of the two instead of after both. It
    warms what ``notebook`` imports besides govkit's usual modules (see
    :func:`govkit.kernels.notebook_imports`).
    """
    from govkit import kernels

    try:
        modules = kernels.notebook_imports(json.loads(Path(notebook).read_bytes())) if notebook else frozenset()
        kernel = kernels.warm_kernel(kernel_name, wait=False, modules=modules)
        warm_imports()
        kernel.ensure()
    except Exception:  # noqa: BLE001 - the first agency reports the problem with its own name
        pass


def template(path: Path) -> Any:
    """The notebook as papermill loads it, read once per process and content."""
    from papermill.iorw import load_notebook_node

    data = path.read_bytes()
    key = (str(path), hashlib.sha1(data).hexdigest())
    if key not in _notebooks:
        _notebooks.clear()
        _notebooks[key] = load_notebook_node(str(path))
    return _notebooks[key]


def execute(
    notebook: Path, parameters: dict[str, Any], kernel_name: str, timeout: int, prime: str | None = None
) -> Any:
    """Parameterize and execute the notebook in the warm kernel; return the executed notebook.

    ``prime`` is code run in the kernel first, outside the notebook (it hands the kernel what this
    worker already loaded; see :func:`govkit.render.inputs.load_and_prime_code`).

    Papermill's own file I/O is skipped (the template is parsed once, the result is written once by
    the caller), so an agency costs one notebook execution and no JSON-schema validation.

    Raises:
        papermill.exceptions.PapermillExecutionError: a cell raised; ``.nb`` is the partial notebook.
        nbclient.exceptions.CellTimeoutError: a cell hung; the kernel was replaced; ``.nb`` as above.
        KernelDied: the kernel died; it will be replaced on the next call.
    """
    skip_slow_imports()  # a worker whose initializer did not run
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.engines import papermill_engines
    from papermill.execute import prepare_notebook_metadata, raise_for_execution_errors, remove_error_markers
    from papermill.parameterize import parameterize_notebook

    nb = copy.deepcopy(template(notebook))
    nb = parameterize_notebook(nb, parameters, kernel_name=kernel_name, engine_name=ENGINE)
    nb = remove_error_markers(prepare_notebook_metadata(nb, str(notebook), "", False))
    if prime:
        from govkit import kernels

        kernels.warm_kernel(kernel_name).prepare(prime, timeout)
    try:
        nb = papermill_engines.execute_notebook_with_engine(
            ENGINE,
            nb,
            input_path=str(notebook),
            output_path=None,
            kernel_name=kernel_name,
            progress_bar=False,
            log_output=False,
            start_timeout=60,
            execution_timeout=timeout,
        )
    except CellTimeoutError as exc:
        setattr(exc, "nb", nb)  # noqa: B010 - cells run so far, with their outputs (nbclient fills them in place)
        raise
    except DeadKernelError as exc:
        raise KernelDied(str(exc) or type(exc).__name__) from exc
    try:
        raise_for_execution_errors(nb, None)  # adds papermill's error banner to ``nb`` in place
    except Exception as exc:
        setattr(exc, "nb", nb)  # noqa: B010 - the caller keeps the notebook with its error banner
        raise
    return nb
