"""The ``govkit`` command: a thin layer over the library, one module per command.

Every user error is printed as one Chinese line (no traceback) and gives exit code 2; a check
that finds errors gives exit code 1.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

import typer

from govkit.errors import GovkitError, escape_controls

app = typer.Typer(
    name="govkit",
    help="政府信息公开工作年度报告：检查、生成、导入与导出。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _fold_long_help() -> None:
    """Let help text wrap inside long Chinese phrases instead of being cut with "…" on narrow terminals.

    Rich wraps at spaces and cuts a longer "word" with an ellipsis; Chinese has no spaces, so whole
    sentences of option help vanished at 80 columns. Folding breaks them between characters instead.
    """
    from rich.text import Text
    from typer import rich_utils

    make = rich_utils._make_rich_text
    if getattr(make, "govkit_folds", False):
        return

    def folding(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - same signature as typer's
        text = make(*args, **kwargs)
        if isinstance(text, Text):
            text.overflow = "fold"
        return text

    folding.govkit_folds = True  # type: ignore[attr-defined]
    rich_utils._make_rich_text = folding


def _register() -> None:
    _fold_long_help()
    if app.registered_commands:
        return
    from govkit.cli import approve, check, export, link_prose, new, render, serve
    from govkit.cli import import_ as import_module

    app.command("check")(check.command)
    app.command("render")(render.command)
    app.command("approve")(approve.command)
    app.command("new")(new.command)
    app.command("import")(import_module.command)
    app.command("export")(export.command)
    app.command("link-prose")(link_prose.command)
    app.command("serve")(serve.command)


class _EscapingStream:
    """A text stream that escapes control characters (terminal escapes from data files) before printing."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(escape_controls(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def main() -> None:
    """Entry point of the console script."""
    _register()
    # Whatever reaches the terminal passes here: a U+009B or ESC from a data file cannot act on it.
    sys.stdout = _EscapingStream(sys.stdout)  # type: ignore[assignment]
    sys.stderr = _EscapingStream(sys.stderr)  # type: ignore[assignment]
    try:
        app()
    except GovkitError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        sys.exit(130)
