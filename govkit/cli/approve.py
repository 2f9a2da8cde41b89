"""`govkit approve`: record a reviewer's sign-off of data files (先审查、后公开)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from govkit.errors import GovkitError


def command(
    paths: Annotated[list[Path], typer.Argument(help="审核通过的数据文件或文件夹（文件夹中递归查找 *.yaml）")],
    by: Annotated[str, typer.Option("--by", help="审核人姓名")],
    note: Annotated[str, typer.Option("--note", help="审核意见（可选）")] = "",
) -> None:
    """记录审核：审核人、时间和数据文件（及上年文件）的内容指纹；此后文件有改动即显示为“审核后已修改”。"""  # noqa: D415
    from govkit.approvals import APPROVALS_FILE, approve, params_root
    from govkit.datafile import discover
    from govkit.render.inputs import load_for_render

    missing = [p for p in paths if not p.exists()]
    if missing:
        raise GovkitError(f"{missing[0]}：文件或文件夹不存在")
    files = discover(list(paths))
    if not files:
        raise GovkitError(f"在 {'、'.join(str(p) for p in paths)} 中没有找到数据文件（.yaml）")
    for f in files:
        _, _, findings = load_for_render(f)  # refuses an unreadable file before anything is recorded
        record = approve(f, by, note)
        errors = sum(x.severity == "error" for x in findings)
        warn = f"；注意：有 {errors} 个错误，发布时仍会被拦下" if errors else ""
        typer.echo(
            f"已审核：{record['agency']} {record['year']}年（{f}，指纹 {record['sha256'][:8]}），"
            f"审核人 {record['by']}{warn}；记录在 {params_root(f) / APPROVALS_FILE}"
        )
