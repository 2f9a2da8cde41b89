"""One finished report per agency: execute the report notebook, export it, write data and findings.

:func:`render_one` is a picklable top-level function that does one agency completely and never
raises for a user problem; :func:`render_all` maps it over a ``concurrent.futures`` executor
(processes by default: papermill is not thread-safe), then prints PDFs and writes the index.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import IO, TYPE_CHECKING

from govkit.batch.models import Options, Result

if TYPE_CHECKING:
    from govkit.batch.incremental import Build
from govkit.errors import GovkitError
from govkit.fs import atomic_write, ensure_folder
from govkit.paths import bundled_notebook
from govkit.paths import output_stem as stem_of


def problems_line(findings: list, shown: int = 3) -> str:
    """The findings in one line: errors first, at most ``shown`` of them spelt out, the rest counted."""
    from govkit.findings import SEVERITY_LABELS

    ordered = sorted(findings, key=lambda f: f.severity != "error")
    parts = [f"【{SEVERITY_LABELS.get(f.severity, f.severity)}】{f.message}" for f in ordered[:shown]]
    if len(ordered) > shown:
        parts.append(f"另有 {len(ordered) - shown} 项（共 {len(ordered)} 项，见审阅稿）")
    return "；".join(parts)


def default_notebook() -> Path:
    """The report notebook shipped with govkit (``govkit/notebooks/report.ipynb``)."""
    return bundled_notebook("report.ipynb")


def notebook_path(options: Options) -> Path:
    path = Path(options.notebook) if options.notebook else default_notebook()
    if not path.is_file():
        raise GovkitError(f"找不到报告笔记本 {path}；请用 --notebook 指定 report.ipynb 的位置")
    return path


def output_stem(out: Path, agency: str, year: int) -> Path:
    """``out/<year>/<output stem of the agency>``, to which .html/.ipynb/.json/.pdf are appended."""
    return Path(out) / str(year) / stem_of(agency)


def render_one(data_file: str | os.PathLike[str], out: str | os.PathLike[str], options: Options) -> Result:
    """Render one agency's report completely; every failure is returned, not raised."""
    from govkit.render import jsonio
    from govkit.render.inputs import load_and_prime_code

    data_file, out = Path(data_file), Path(out)
    result = Result(data_file=str(data_file))
    try:
        (report, previous, findings), prime = load_and_prime_code(data_file)
    except GovkitError as exc:
        return _fail(result, "load", str(exc))
    meta = report.meta
    result.agency, result.level, result.year, result.title = meta.agency, meta.level or "", meta.year, report.title
    result.errors = sum(f.severity == "error" for f in findings)
    result.warnings = sum(f.severity == "warning" for f in findings)
    result.problems = problems_line(findings)
    stem = output_stem(out, meta.agency, meta.year)
    try:
        owner = _claim(stem, data_file, options.batch_id)
    except GovkitError as exc:
        return _fail(result, "write", f"{data_file}：{exc}")
    if owner is not None:
        return _fail(
            result,
            "duplicate",
            f"{data_file}：与 {owner} 是同一机关同一年度（{meta.agency} {meta.year}年），输出会互相覆盖，未生成",
        )
    html_path, nb_path, json_path = (stem.with_name(stem.name + s) for s in (".html", ".ipynb", ".json"))
    result.json = _rel(json_path, out)
    data = {"report": jsonio.report_to_dict(report), "findings": jsonio.findings_to_records(findings)}
    tujie_href = _write_tujie(result, report, previous, html_path, out) if options.tujie else None
    try:
        nb = _execute(notebook_path(options), data_file, nb_path, options, tujie_href, prime)
        result.notebook = _rel(nb_path, out)
        from govkit.render.export import export_html

        atomic_write(html_path, export_html(nb, report.title))
        result.html = _rel(html_path, out)
    except _ExecutionFailed as exc:
        result.notebook = _rel(nb_path, out) if nb_path.exists() else None
        html_path.unlink(missing_ok=True)
        _fail(result, exc.stage, f"{data_file}：{exc}")
    except GovkitError as exc:
        html_path.unlink(missing_ok=True)
        _fail(result, "execute", str(exc))
    except Exception as exc:  # noqa: BLE001 - an export failure must not stop the batch
        html_path.unlink(missing_ok=True)
        _fail(result, "export", f"{data_file}：导出 HTML 失败（{type(exc).__name__}: {exc}）")
    data["status"] = {
        "status": result.status,
        "stage": result.stage,
        "error": result.error,
        "errors": result.errors,
        "warnings": result.warnings,
    }
    try:
        atomic_write(json_path, jsonio.dumps(data))
    except GovkitError as exc:
        _fail(result, "write", f"{data_file}：{exc}")
    return result


class _ExecutionFailed(Exception):
    def __init__(self, message: str, stage: str = "execute"):
        super().__init__(message)
        self.stage = stage


def _write_tujie(result: Result, report, previous, html_path: Path, out: Path) -> str | None:  # noqa: ANN001
    """Write the report's 图解 page in this process (no kernel round trip); return its link from the report."""
    from urllib.parse import quote

    from govkit.render.tujie import render_tujie, tujie_paths

    page, _ = tujie_paths(html_path)
    try:
        atomic_write(page, render_tujie(report, previous, report_href=quote(html_path.name)))
    except Exception as exc:  # noqa: BLE001 - a chart failure must not stop the batch
        page.unlink(missing_ok=True)
        _fail(result, "tujie", f"{result.data_file}：生成图解失败（{type(exc).__name__}: {exc}）")
        return None
    result.tujie = _rel(page, out)
    return quote(page.name)


def _execute(  # noqa: ANN202 - NotebookNode
    notebook: Path, data_file: Path, nb_path: Path, options: Options, tujie: str | None = None, prime: str | None = None
):
    """Run the notebook in this worker's warm kernel; keep the (possibly partial) executed notebook.

    A kernel that dies is replaced and the agency retried once; a hung kernel (cell timeout) is
    replaced and the agency reported with its partial notebook.
    """
    import nbformat

    from govkit.batch import worker

    params: dict[str, object] = {"data_file": str(data_file.resolve()), "mode": options.mode, "tujie": tujie or ""}
    for attempt in (1, 2):
        try:
            nb = worker.execute(notebook, params, options.kernel_name, options.timeout, prime)
            break
        except worker.KernelDied as exc:
            if attempt == 2:
                raise _ExecutionFailed(f"执行报告笔记本失败：内核两次意外退出（{exc}）", "crash") from None
        except Exception as exc:  # noqa: BLE001 - papermill and nbclient raise many kinds
            partial = getattr(exc, "nb", None)
            if partial is not None:
                atomic_write(nb_path, nbformat.v4.writes_json(partial))
            raise _ExecutionFailed(*_explain(exc, options.timeout)) from None
    atomic_write(nb_path, nbformat.v4.writes_json(nb))
    return nb


def _explain(exc: Exception, timeout: int) -> tuple[str, str]:
    name = type(exc).__name__
    if "Timeout" in name or isinstance(exc, TimeoutError):
        return f"执行报告笔记本超时（超过 {timeout} 秒）", "timeout"
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:
        return f"执行报告笔记本失败：{ename}: {evalue}", "execute"
    return f"执行报告笔记本失败：{name}: {exc}", "execute"


def _claim(stem: Path, data_file: Path, batch_id: str) -> str | None:
    """Reserve an output name for this batch; return the other data file if it is taken."""
    ensure_folder(stem.parent)
    claim = stem.with_name(f".{stem.name}.{batch_id}.claim")
    try:
        fd = os.open(claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return claim.read_text(encoding="utf-8") or "另一个数据文件"
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(str(data_file))
    return None


def _release_claims(out: Path, batch_id: str) -> None:
    for claim in out.glob(f"*/.*.{batch_id}.claim"):
        claim.unlink(missing_ok=True)


LOCK_FILE = ".govkit.lock"  # empty; stays in the output folder (removing it would race with a starting run)


def _lock_output(out: Path) -> IO[bytes] | None:
    """Mark ``out`` as in use by this run; remove what killed runs left there when no other run uses it.

    Every run holds a shared lock on ``out/.govkit.lock`` until it ends (the kernel drops it when a
    process dies, even by SIGKILL). A run that can take the lock exclusively is alone, so every
    claim and temporary file in ``out`` is a leftover of a killed run and is removed.
    """
    try:
        import fcntl
    except ImportError:  # not on POSIX: leftovers stay hidden, the next run ignores them
        return None
    try:
        handle = open(out / LOCK_FILE, "ab")  # noqa: SIM115 - held open until the run ends
    except OSError:
        return None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fcntl.flock(handle, fcntl.LOCK_SH)  # another run is active: its claims are not leftovers
        return handle
    for leftover in [*out.glob("*/.*.claim"), *out.glob(".*.tmp"), *out.glob("*/.*.tmp")]:
        leftover.unlink(missing_ok=True)
    fcntl.flock(handle, fcntl.LOCK_SH)
    return handle


def _fail(result: Result, stage: str, message: str) -> Result:
    result.status, result.stage, result.error = "failed", stage, message
    return result


def _rel(path: Path, out: Path) -> str:
    return path.relative_to(out).as_posix()


def _print_pdfs(results: list[Result], out: Path, progress: bool = False) -> None:
    """Print the PDF of every successful result, one progress step each; record failures on the results."""
    from tqdm import tqdm

    from govkit.render.pdf import print_pdfs

    wanted = {(out / r.html): r for r in results if r.ok and r.html}
    with tqdm(total=len(wanted), desc="打印 PDF", unit="份", disable=not progress or not wanted) as bar:

        def step(_html: Path) -> None:
            bar.update(1)

        errors = print_pdfs(((html, html.with_suffix(".pdf")) for html in wanted), on_done=step)
    for html, result in wanted.items():
        if html in errors:
            _fail(result, "pdf", f"{result.data_file}：{errors[html]}")
        else:
            result.pdf = _rel(html.with_suffix(".pdf"), out)


def _tujie_pngs(results: list[Result], out: Path) -> None:
    """Screenshot every 图解 page of a successful result to PNG; record failures on the results."""
    from govkit.render.tujie import write_pngs

    wanted = {(out / r.tujie): r for r in results if r.ok and r.tujie}
    errors = write_pngs(wanted)
    for page, result in wanted.items():
        if page in errors:
            _fail(result, "tujie", f"{result.data_file}：{errors[page]}")
        else:
            result.tujie_png = _rel(page.with_suffix(".png"), out)


def render_all(
    files: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    options: Options,
    executor: Executor | None = None,
    workers: int | None = None,
    progress: bool = True,
    force: bool = False,
) -> list[Result]:
    """Render every data file into ``out``, then PDFs (if asked), ``index.html`` and ``manifest.json``.

    Agencies whose data file, last year's file, notebook, govkit and options are unchanged since
    their last successful render into ``out`` are not rendered again; their previous result is
    listed as before (see :mod:`govkit.batch.incremental`).

    Args:
        files: data files (see :func:`govkit.datafile.discover`).
        out: the output folder.
        options: rendering options.
        executor: any ``concurrent.futures`` executor (e.g. a Dask client's); by default a process
            pool of ``workers``, each worker keeping one warm kernel for the whole batch.
        workers: processes of the default pool (default: ``os.cpu_count()``).
        progress: show a tqdm progress bar.
        force: render every agency, changed or not.

    Returns:
        One result per file, sorted by year and agency.
    """
    from govkit.batch.incremental import Build

    paths = [Path(f) for f in files]
    out = Path(out)
    build = Build(out, options, notebook_path(options))  # fails early, once, if the notebook is missing
    ensure_folder(out)
    lock = _lock_output(out)
    try:
        return _render_locked(paths, out, options, build, executor, workers, progress, force)
    finally:
        if lock is not None:
            lock.close()


def _render_locked(
    files: list[Path],
    out: Path,
    options: Options,
    build: Build,
    executor: Executor | None,
    workers: int | None,
    progress: bool,
    force: bool,
) -> list[Result]:
    from tqdm import tqdm

    from govkit.batch.incremental import file_hash
    from govkit.batch.index import write_index
    from govkit.batch.manifest import write_manifest
    from govkit.datafile import identity_conflicts, peek_identity

    results: list[Result] = []
    todo: list[Path] = []
    # Two files of one identity (or one output name) are both refused: neither is published in place of the other.
    named = {f: found for f in files if (found := peek_identity(f)) is not None}
    conflicts = identity_conflicts(named)
    for f in files:
        if f in conflicts:
            agency, year = named[f]
            results.append(_fail(Result(data_file=str(f), agency=agency, year=year), "conflict", conflicts[f]))
            continue
        previous = None if force else build.reusable(f)
        # A reused output name is claimed too, so that a new file for the same agency is a duplicate.
        if (
            previous is not None
            and _claim(output_stem(out, previous.agency, previous.year), f, options.batch_id) is None
        ):
            results.append(previous)
        else:
            todo.append(f)
    hashes = {f: file_hash(f) for f in todo}
    own = executor is None
    if own and todo:
        from govkit.batch.worker import init_worker

        # Papermill and nbconvert are not imported here: each worker imports them while its kernel
        # starts (see init_worker), which overlaps the two instead of running them one after the other.
        executor = ProcessPoolExecutor(
            max_workers=max(1, min(workers or os.cpu_count() or 1, len(todo))),
            initializer=init_worker,
            initargs=(options.kernel_name,),
        )
    rendered: list[Result] = []
    try:
        futures: dict[Future, Path] = {executor.submit(render_one, f, out, options): f for f in todo} if todo else {}
        with tqdm(total=len(futures), desc="生成报告", unit="份", disable=not progress) as bar:
            for future in as_completed(futures):
                try:
                    rendered.append(future.result())
                except Exception as exc:  # noqa: BLE001 - a crashed worker fails one agency only
                    rendered.append(
                        _fail(
                            Result(data_file=str(futures[future])),
                            "crash",
                            f"{futures[future]}：工作进程异常退出（{type(exc).__name__}: {exc}）",
                        )
                    )
                bar.update(1)
    finally:
        if own and executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        _release_claims(out, options.batch_id)
    if options.tujie:
        _tujie_pngs(rendered, out)
    if options.pdf:
        _print_pdfs(rendered, out, progress)
    by_file = {str(f): f for f in todo}
    for r in rendered:
        build.record(by_file[r.data_file], hashes[by_file[r.data_file]], r)
    results.extend(rendered)
    results.sort(key=lambda r: (r.year or 0, r.agency, r.data_file))
    write_manifest(results, out, options)
    write_index(results, out, options)
    build.save()
    return results
