"""One finished report per agency: execute the report notebook, export it, write data and findings.

:func:`render_one` is a picklable top-level function that does one agency completely and never
raises for a user problem; :func:`render_all` maps it over a ``concurrent.futures`` executor
(processes by default: papermill is not thread-safe), then prints PDFs and writes the index.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import IO, TYPE_CHECKING

from govkit.batch import ledger
from govkit.batch.layout import REVIEW_MARK, Layout
from govkit.batch.models import Options, Result

if TYPE_CHECKING:
    pass
from govkit.errors import GovkitError
from govkit.fs import atomic_write, ensure_folder, write_if_changed
from govkit.paths import bundled_notebook


def problems_line(findings: list, shown: int = 3) -> str:
    """The findings in one line: errors first, at most ``shown`` of them spelt out, the rest counted."""
    from govkit.findings import SEVERITY_LABELS

    ordered = sorted(findings, key=lambda f: f.severity != "error")
    parts = [
        f"【{SEVERITY_LABELS.get(f.severity, f.severity)}】"
        + (f"{f.place}：{f.message}" if f.place and f.place not in f.message else f.message)
        for f in ordered[:shown]
    ]
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


def render_one(
    data_file: str | os.PathLike[str],
    out: str | os.PathLike[str],
    options: Options,
    published: dict[str, dict] | None = None,
) -> Result:
    """Check one agency's report and, unless the publish gate holds it, render it completely.

    Pages are written to the batch's staging folder (see :class:`Layout`); the parent moves them
    into place once PDFs are printed and the ledger agrees. Every failure is returned, not raised.

    Args:
        data_file: the agency's data file.
        out: the output folder.
        options: the batch's options.
        published: the latest ledger entry of each published report (:func:`govkit.batch.ledger.latest`).
    """
    from govkit.approvals import sha256_file
    from govkit.render import jsonio
    from govkit.render.inputs import load_and_prime_code

    data_file, layout = Path(data_file), Layout(Path(out), options.mode)
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
    result.data_sha256 = sha256_file(data_file) or ""
    result.content_sha256 = jsonio.content_hash(report)
    owner = _claim(layout, meta.agency, meta.year, data_file, options.batch_id)
    if owner is not None:
        return _fail(
            result,
            "duplicate",
            f"{data_file}：与 {owner} 是同一机关同一年度（{meta.agency} {meta.year}年），输出会互相覆盖，未生成",
        )
    data = {"report": jsonio.report_to_dict(report), "findings": jsonio.findings_to_records(findings)}
    write_if_changed(layout.record(meta.agency, meta.year), jsonio.dumps(data))
    if not layout.review:
        last = (published or {}).get(ledger.key(meta.agency, meta.year))
        if _gate(result, data_file, report, findings, options, layout, last):
            return result
    stage = layout.staging(options.batch_id)
    html_path = stage / layout.page(meta.agency, meta.year)
    nb_path, json_path = layout.notebook(meta.agency, meta.year), html_path.with_suffix(".json")
    public = {"report": data["report"]} if not layout.review else data
    tujie_href = _write_tujie(result, report, previous, html_path, stage) if options.tujie else None
    title = f"{report.title}（{REVIEW_MARK}）" if layout.review else report.title
    notice = {"correction": f"{ledger.today()}：{result.correction}" if result.correction else ""}
    try:
        nb = _execute(notebook_path(options), data_file, nb_path, options, tujie_href, notice, prime)
        result.notebook = nb_path.relative_to(layout.internal).as_posix()
        from govkit.render.export import export_html

        atomic_write(html_path, export_html(nb, title))
        atomic_write(json_path, jsonio.dumps(public))
        result.html, result.json = _rel(html_path, stage), _rel(json_path, stage)
        result.publication = "" if layout.review else "published"
    except _ExecutionFailed as exc:
        result.notebook = nb_path.relative_to(layout.internal).as_posix() if nb_path.exists() else None
        _fail(result, exc.stage, f"{data_file}：{exc}")
    except GovkitError as exc:
        _fail(result, "execute", str(exc))
    except Exception as exc:  # noqa: BLE001 - an export failure must not stop the batch
        _fail(result, "export", f"{data_file}：导出 HTML 失败（{type(exc).__name__}: {exc}）")
    return result


def _gate(
    result: Result,
    data_file: Path,
    report,  # noqa: ANN001 - Report
    findings: list,
    options: Options,
    layout: Layout,
    last: dict | None,
) -> bool:
    """Decide whether a report may be published now; hold it (return True) with the reason if not.

    A held report's previously published page (if any) stays as it is and stays linked.
    """
    from govkit.approvals import MODIFIED, PENDING, approval_state, requires_approval
    from govkit.render.inputs import previous_path

    errors = [f for f in findings if f.severity == "error"]
    if errors and not options.allow_errors:
        return _hold(result, "errors", f"未发布（有错误）：{problems_line(errors)}", layout, last)
    if options.require_approval or requires_approval(data_file):
        approval = approval_state(data_file, previous_path(data_file, report))
        if approval.state == PENDING:
            return _hold(result, "pending", "未发布（待审核）：请审核后用 govkit approve 记录", layout, last)
        if approval.state == MODIFIED:
            record = approval.record or {}
            when = str(record.get("time", ""))[:10]
            return _hold(
                result,
                "modified",
                f"未发布（审核后已修改）：{approval.by} {when} 审核后，数据文件或上年文件有改动，须重新审核",
                layout,
                last,
            )
        result.approved_by = approval.by
    if last is None:
        return False
    if last.get("content_sha256") == result.content_sha256:
        if _link_published(result, layout, last):
            result.publication = "current"
            return True  # published before and unchanged: never rewritten
        return False  # the published page is missing: publish the same content again
    if not options.correction:
        return _hold(
            result,
            "correction",
            f'未发布：{str(last.get("time", ""))[:10]} 已发布的内容有变动，重新发布须用 --correction "更正说明…" '
            "写明更正内容（已发布的页面保持不变）",
            layout,
            last,
        )
    result.correction = options.correction
    return False


def _hold(result: Result, publication: str, reason: str, layout: Layout, last: dict | None) -> bool:
    result.status, result.publication, result.error = "held", publication, reason
    if last is not None:
        _link_published(result, layout, last)
    return True


def _link_published(result: Result, layout: Layout, last: dict) -> bool:
    """Point the result at the pages of its last publication; False if the page is gone."""
    page = last.get("page")
    if not page or not (layout.site / page).is_file():
        return False
    result.html = page
    stem = Path(page).with_suffix("")
    for attr, rel in (("pdf", stem.with_suffix(".pdf")), ("json", stem.with_suffix(".json"))):
        if (layout.site / rel).is_file():
            setattr(result, attr, rel.as_posix())
    from govkit.render.tujie import tujie_paths

    tujie_page, png = tujie_paths(layout.site / page)
    if tujie_page.is_file():
        result.tujie = _rel(tujie_page, layout.site)
    if png.is_file():
        result.tujie_png = _rel(png, layout.site)
    return True


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
    notebook: Path,
    data_file: Path,
    nb_path: Path,
    options: Options,
    tujie: str | None = None,
    notice: dict | None = None,
    prime: str | None = None,
):
    """Run the notebook in this worker's warm kernel; keep the (possibly partial) executed notebook.

    A kernel that dies is replaced and the agency retried once; a hung kernel (cell timeout) is
    replaced and the agency reported with its partial notebook.
    """
    import nbformat

    from govkit.batch import worker

    params: dict[str, object] = {"data_file": str(data_file.resolve()), "mode": options.mode, "tujie": tujie or ""}
    params |= {"allow_errors": options.allow_errors, **(notice or {})}
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


def _claim(layout: Layout, agency: str, year: int, data_file: Path, batch_id: str) -> str | None:
    """Reserve an output name for this batch; return the other data file if it is taken."""
    folder = layout.claims(batch_id)
    folder.mkdir(parents=True, exist_ok=True)
    claim = folder / f"{year}.{layout.name(agency)}"
    try:
        fd = os.open(claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return claim.read_text(encoding="utf-8") or "另一个数据文件"
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(str(data_file))
    return None


def _release_claims(layout: Layout, batch_id: str) -> None:
    shutil.rmtree(layout.claims(batch_id), ignore_errors=True)
    for folder in (layout.claims(batch_id).parent, layout.staging(batch_id).parent):
        try:
            folder.rmdir()  # only when no other batch is running into the same folder
        except OSError:
            pass


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
    internal = Layout(out).internal
    for folder in [*internal.glob("claims/*"), *internal.glob("staging/*")]:  # one folder per batch
        shutil.rmtree(folder, ignore_errors=True)
    tmp = [*out.glob(".*.tmp"), *out.glob("*/.*.tmp"), *out.glob("*/*/.*.tmp"), *out.glob("*/*/*/.*.tmp")]
    for leftover in [*tmp, *out.glob("*/.*.claim")]:  # claims beside the pages: folders of earlier versions
        leftover.unlink(missing_ok=True)
    fcntl.flock(handle, fcntl.LOCK_SH)
    return handle


def _fail(result: Result, stage: str, message: str) -> Result:
    """Mark a result failed; its staged pages are never moved into place, so it links none."""
    result.status, result.stage, result.error = "failed", stage, message
    result.html = result.json = result.pdf = result.tujie = result.tujie_png = None
    return result


def _rel(path: Path, out: Path) -> str:
    return path.relative_to(out).as_posix()


def _print_pdfs(results: list[Result], stage: Path, progress: bool = False) -> None:
    """Print the PDF of every successful staged result, one progress step each; record failures on the results."""
    from tqdm import tqdm

    from govkit.render.pdf import print_pdfs

    wanted = {(stage / r.html): r for r in results if r.ok and r.html}
    with tqdm(total=len(wanted), desc="打印 PDF", unit="份", disable=not progress or not wanted) as bar:

        def step(_html: Path) -> None:
            bar.update(1)

        errors = print_pdfs(((html, html.with_suffix(".pdf")) for html in wanted), on_done=step)
    for html, result in wanted.items():
        if html in errors:
            _fail(result, "pdf", f"{result.data_file}：{errors[html]}")
        else:
            result.pdf = _rel(html.with_suffix(".pdf"), stage)


def _tujie_pngs(results: list[Result], stage: Path) -> None:
    """Screenshot every staged 图解 page of a successful result to PNG; record failures on the results."""
    from govkit.render.tujie import write_pngs

    wanted = {(stage / r.tujie): r for r in results if r.ok and r.tujie}
    errors = write_pngs(wanted)
    for page, result in wanted.items():
        if page in errors:
            _fail(result, "tujie", f"{result.data_file}：{errors[page]}")
        else:
            result.tujie_png = _rel(page.with_suffix(".png"), stage)


def _move_into_place(results: list[Result], stage: Path, site: Path) -> None:
    """Move the staged files of every successful result to the site (each file atomically)."""
    for r in results:
        if not r.ok:
            continue
        for rel in (r.html, r.json, r.pdf, r.tujie, r.tujie_png):
            if rel and (stage / rel).is_file():
                target = site / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.is_file() and target.read_bytes() == (stage / rel).read_bytes():
                    continue  # the same page again: keep the file (and its time) as it is
                os.replace(stage / rel, target)


def public_text(text: str, data_file: str) -> str:
    """A message with the data file's path shown as ``<year>/<file>`` (no path of the building machine)."""
    path = Path(data_file)
    short = "/".join(path.parts[-2:])
    for form in sorted({str(path), str(path.resolve()), str(path.absolute())}, key=len, reverse=True):
        text = text.replace(form, short)
    return text


def render_all(
    files: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    options: Options,
    executor: Executor | None = None,
    workers: int | None = None,
    progress: bool = True,
    force: bool = False,
    district: bool = False,
) -> list[Result]:
    """Render every data file into ``out``; print PDFs (if asked); publish; write the index and manifest.

    In publish mode the gate holds back every report with error findings (unless
    ``options.allow_errors``), every report that needs an approval it does not have, and every
    published report whose content changed (unless ``options.correction``); published reports go to
    ``out/public/`` and into the ledger, everything internal to ``out/internal/``
    (see :class:`~govkit.batch.layout.Layout`). Review copies go to ``out/internal/review/``.

    Agencies whose data file, last year's file, approvals, notebook, govkit and options are
    unchanged since their last render into ``out`` are not rendered again; their previous result is
    listed as before (see :mod:`govkit.batch.incremental`), and no file is rewritten.

    Args:
        files: data files (see :func:`govkit.datafile.discover`).
        out: the output folder.
        options: rendering options.
        executor: any ``concurrent.futures`` executor (e.g. a Dask client's); by default a process
            pool of ``workers``, each worker keeping one warm kernel for the whole batch.
        workers: processes of the default pool (default: ``os.cpu_count()``).
        progress: show a tqdm progress bar.
        force: render every agency, changed or not.
        district: also write the district page (rebuilt only when its inputs changed), linked from the index.

    Returns:
        One result per file, sorted by year and agency.
    """
    paths = [Path(f) for f in files]
    out = Path(out)
    notebook_path(options)  # fails early, once, if the notebook is missing
    ensure_folder(out)
    lock = _lock_output(out)
    try:
        return _render_locked(paths, out, options, executor, workers, progress, force, district)
    finally:
        if lock is not None:
            lock.close()


def _render_locked(
    files: list[Path],
    out: Path,
    options: Options,
    executor: Executor | None,
    workers: int | None,
    progress: bool,
    force: bool,
    district: bool,
) -> list[Result]:
    from tqdm import tqdm

    from govkit.batch.incremental import Build, file_hash
    from govkit.batch.index import district_links, status_of, write_index
    from govkit.batch.manifest import write_manifest

    paths = [Path(f) for f in files]
    layout = Layout(Path(out), options.mode)
    layout.site.mkdir(parents=True, exist_ok=True)
    build = Build(layout.site, options, notebook_path(options), path=layout.build_file)  # fails early if no notebook
    published = {} if layout.review else ledger.latest(ledger.read_ledger(layout.public))
    from govkit.datafile import identity_conflicts, peek_identity

    results: list[Result] = []
    todo: list[Path] = []
    # Two files of one identity (or one output name) are both refused: neither is published in place of the other.
    named = {f: found for f in paths if (found := peek_identity(f)) is not None}
    conflicts = identity_conflicts(named)
    for f in paths:
        if f in conflicts:
            agency, year = named[f]
            results.append(_fail(Result(data_file=str(f), agency=agency, year=year), "conflict", conflicts[f]))
            continue
        previous = None if force else build.reusable(f)
        # A reused output name is claimed too, so that a new file for the same agency is a duplicate.
        if previous is not None and _claim(layout, previous.agency, previous.year or 0, f, options.batch_id) is None:
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
            initargs=(options.kernel_name, str(notebook_path(options))),
        )
    rendered: list[Result] = []
    stage = layout.staging(options.batch_id)
    try:
        futures: dict[Future, Path] = (
            {executor.submit(render_one, f, Path(out), options, published): f for f in todo}
            if todo and executor is not None
            else {}
        )
        with tqdm(total=len(futures), desc="生成报告", unit="份", disable=not progress) as bar:
            for future in as_completed(futures):
                # Dropped as soon as it is done: a Dask worker keeps a task's result in memory while
                # any future of it is held, so holding all of them would grow workers with the batch.
                data_file = futures.pop(future)
                try:
                    rendered.append(future.result())
                except Exception as exc:  # noqa: BLE001 - a crashed worker fails one agency only
                    rendered.append(
                        _fail(
                            Result(data_file=str(data_file)),
                            "crash",
                            f"{data_file}：工作进程异常退出（{type(exc).__name__}: {exc}）",
                        )
                    )
                del future
                bar.update(1)
        staged = [r for r in rendered if r.ok and r.publication in ("", "published")]
        if options.tujie:
            _tujie_pngs(staged, stage)
        if options.pdf:
            _print_pdfs(staged, stage, progress)
        _move_into_place(staged, stage, layout.site)
        if not layout.review:
            ledger.publish([r for r in staged if r.ok], layout.public, layout.internal)
    finally:
        if own and executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(stage, ignore_errors=True)
        _release_claims(layout, options.batch_id)
    by_file = {str(f): f for f in todo}
    for r in rendered:
        build.record(by_file[r.data_file], hashes[by_file[r.data_file]], r)
    results.extend(rendered)
    results.sort(key=lambda r: (r.year or 0, r.agency, r.data_file))
    write_manifest(results, layout.manifest, options)
    statuses = {r.data_file: status_of(r) for r in results}
    link = None
    if district:
        from govkit.batch.district import district_page

        page, _ = district_page(paths, layout, links=district_links(results, statuses))
        link = page.relative_to(layout.site).as_posix()
    write_index([_for_index(r) for r in results], layout.site, options, statuses=statuses, district=link)
    build.save()
    return results


def _for_index(result: Result) -> Result:
    """The result as the index shows it: no internal link, no path of the building machine."""
    from dataclasses import replace

    return replace(result, notebook=None, error=public_text(result.error, result.data_file))
