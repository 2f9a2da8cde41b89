"""`govkit render`: one finished report per agency, an index, and optionally PDFs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from govkit.batch.layout import Layout
from govkit.errors import GovkitError


def command(
    paths: Annotated[list[Path], typer.Argument(help="数据文件或文件夹（文件夹中递归查找 *.yaml）")],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出文件夹")],
    mode: Annotated[
        str, typer.Option("--mode", help="publish（发布版）或 review（审阅版，标出检查发现的问题）")
    ] = "publish",
    workers: Annotated[
        int, typer.Option("--workers", "-j", min=1, help="并行进程数（默认为 CPU 核数）")
    ] = os.cpu_count() or 1,
    timeout: Annotated[int, typer.Option("--timeout", min=1, help="每个机关的执行时限（秒，按单元格计）")] = 600,
    pdf: Annotated[bool, typer.Option("--pdf", help="同时打印 A4 PDF")] = False,
    tujie: Annotated[
        bool,
        typer.Option("--tujie/--no-tujie", help="同时生成每份报告的图解（HTML 页面和 1080 像素宽的 PNG，默认生成）"),
    ] = True,
    district: Annotated[bool, typer.Option("--district", help="同时生成全区汇总")] = False,
    notebook: Annotated[
        Path | None, typer.Option("--notebook", help="报告笔记本（默认使用随 govkit 安装的 report.ipynb）")
    ] = None,
    publish: Annotated[
        bool,
        typer.Option("--publish", help="只发布已审核且审核后未改动的报告（params 文件夹的 publish.json 也可设定）"),
    ] = False,
    allow_errors: Annotated[
        bool,
        typer.Option("--allow-errors", help="紧急情况下发布有错误的报告（页面上醒目标明未通过检查）"),
    ] = False,
    correction: Annotated[
        str,
        typer.Option(
            "--correction", help="更正说明：重新发布内容有变动的已发布报告时必须写明，显示在页面上并记入发布记录"
        ),
    ] = "",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不显示进度条")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="全部重新生成（默认跳过自上次成功生成以来没有变化的机关）")
    ] = False,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="把生成任务交给已有的 Dask 集群（调度器地址，如 tcp://10.0.0.5:8786；需安装 govkit\\[dask]，输出文件夹须为各节点共享）",
        ),
    ] = None,
) -> None:
    """由数据文件生成并发布每个机关的年度报告（public/ 下的 HTML，可选 PDF）和索引；有错误、待审核或失败的报告不发布，此时退出码为 1。"""  # noqa: D415 - Chinese help text for typer
    from govkit.batch.runner import Options, render_all
    from govkit.datafile import discover
    from govkit.render.html import MODES

    if mode not in MODES:
        raise GovkitError(f"未知的模式「{mode}」；可用：{'、'.join(MODES)}")
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise GovkitError(f"{missing[0]}：文件或文件夹不存在")
    files = discover(list(paths))
    if not files:
        raise GovkitError(f"在 {'、'.join(str(p) for p in paths)} 中没有找到数据文件（.yaml）")
    options = Options(
        mode=mode,
        timeout=timeout,
        notebook=str(notebook) if notebook else None,
        pdf=pdf,
        tujie=tujie,
        allow_errors=allow_errors,
        require_approval=publish,
        correction=correction.strip(),
    )
    layout = Layout(Path(out), mode)
    if scheduler:
        from govkit.batch.cluster import dask_executor
        from govkit.batch.runner import notebook_path

        with dask_executor(
            scheduler, kernel_name=options.kernel_name, notebook=str(notebook_path(options))
        ) as executor:
            results = render_all(
                files, out, options, executor=executor, progress=not quiet, force=force, district=district
            )
    else:
        results = render_all(files, out, options, workers=workers, progress=not quiet, force=force, district=district)
    code = summarize(results, layout)
    if district:
        typer.echo(f"全区汇总：{layout.site}/district-{max((r.year or 0) for r in results)}.html")
    if code:
        raise typer.Exit(code)


def summarize(results: list, layout: Layout) -> int:
    """Print what was published, what was held back and why, and what failed; return the exit code."""
    from govkit.batch.index import status_of

    for r in results:
        if r.status == "failed":
            typer.echo(f"失败：{r.error}", err=True)
        elif r.held:
            typer.echo(f"{r.agency} {r.year}年（{r.data_file}）{r.error}", err=True)
    failed = sum(r.status == "failed" for r in results)
    held = [r for r in results if r.held]
    reused = sum(r.reused for r in results)
    skipped = f"（其中 {reused} 份没有变化，未重新生成）" if reused else ""
    done = len(results) - failed - len(held)
    if layout.review:
        typer.echo(f"已生成审阅稿 {done} 份{skipped}，失败 {failed} 份；审阅稿索引：{layout.site / 'index.html'}")
        return 1 if failed else 0
    counts = {key: sum(status_of(r) == key for r in held) for key in ("errors", "pending", "modified", "correction")}
    names = {"errors": "未发布（有错误）", "pending": "待审核", "modified": "审核后已修改", "correction": "待更正说明"}
    held_text = "".join(f"，{names[k]} {n} 份" for k, n in counts.items() if n)
    typer.echo(f"已发布 {done} 份报告{skipped}{held_text}，失败 {failed} 份；索引：{layout.site / 'index.html'}")
    return 1 if failed or held else 0
