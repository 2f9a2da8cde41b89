"""`govkit serve`: the editor as a web app under Voila, for staff who never see code."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer

from govkit.errors import GovkitError
from govkit.widgets.launch import PARAMS_ENV

IOPUB_TIMEOUT = 60  # seconds an executed cell's output may take to arrive
TEMPLATE = "govkit"  # Voila's lab template without the Font Awesome CDN links (govkit/jupyter/voila/templates)
CULL_IDLE = 600
CULL_INTERVAL = 60


def voila_command(
    params: Path,
    port: int,
    ip: str = "127.0.0.1",
    cull_idle: int = CULL_IDLE,
    cull_interval: int = CULL_INTERVAL,
    base_env: Mapping[str, str] | None = None,
) -> tuple[list[str], dict[str, str]]:
    """The Voila command line and environment (``base_env``, default ours) serving the editing notebook.

    The kernel of a page is shut down when the page unloads; a kernel whose page went away without
    saying so (a closed laptop, a crashed browser) is culled once idle for ``cull_idle`` seconds.
    """
    from govkit.paths import bundled_notebook

    root = Path(os.path.abspath(params))
    if not root.is_dir():
        raise GovkitError(f"数据文件夹不存在：{params}")
    if cull_idle <= 0 or cull_interval <= 0:
        raise GovkitError("空闲内核的回收时间和检查间隔必须是正整数（秒）")
    env = dict(os.environ if base_env is None else base_env)
    env[PARAMS_ENV] = str(root)
    templates = str(Path(__file__).resolve().parents[1] / "jupyter")
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (templates, env.get("JUPYTER_PATH", "")) if p)
    command = [
        sys.executable,
        "-m",
        "voila",
        "--no-browser",
        f"--port={port}",
        "--Voila.port_retries=0",
        f"--Voila.ip={ip}",
        f"--template={TEMPLATE}",
        f"--MappingKernelManager.cull_idle_timeout={cull_idle}",
        f"--MappingKernelManager.cull_interval={cull_interval}",
        # The editor's output is large; on a busy 2-core server it can follow its cell by more than
        # nbclient's default 4 s, which left the page without an editor.
        f"--VoilaExecutor.iopub_timeout={IOPUB_TIMEOUT}",
        str(bundled_notebook("edit.ipynb")),
    ]
    return command, env


def command(
    params: Annotated[Path, typer.Argument(help="数据文件夹（其下按年度分文件夹）")] = Path("params"),
    port: Annotated[int, typer.Option("--port", help="端口")] = 8866,
    ip: Annotated[str, typer.Option("--ip", help="监听地址（默认只允许本机访问）")] = "127.0.0.1",
    cull_idle: Annotated[int, typer.Option("--cull-idle", help="页面关闭后空闲内核保留的秒数")] = CULL_IDLE,
    cull_interval: Annotated[int, typer.Option("--cull-interval", help="检查空闲内核的间隔秒数")] = CULL_INTERVAL,
) -> None:
    """用 Voila 提供编辑网页：列出数据文件夹中的数据文件，打开后编辑；关闭页面后的空闲内核自动回收。"""  # noqa: D415 - Chinese help text for typer
    argv, env = voila_command(params, port, ip, cull_idle, cull_interval)
    typer.echo(f"编辑网页：http://{ip}:{port}/ （数据文件夹 {Path(os.path.abspath(params))}；按 Ctrl+C 停止）")
    try:
        code = subprocess.call(argv, env=env)
    except KeyboardInterrupt:
        code = 0
    raise typer.Exit(code)
