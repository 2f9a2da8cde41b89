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


COMMANDS = {
    "check": "check",
    "render": "render",
    "approve": "approve",
    "new": "new",
    "import": "import_",
    "export": "export",
    "link-prose": "link_prose",
    "serve": "serve",
}


@app.callback()
def _group() -> None:
    """Keep ``govkit`` a group of commands even when only the one being run is registered."""


def _register(only: str | None = None) -> None:
    """Register the commands, or only ``only`` (a command's name) to spare the others' imports.

    Each command module imports what it needs (the editor's widgets, the server, the importers);
    ``govkit render`` should not pay for ``govkit serve``.
    """
    from importlib import import_module

    registered = {command.name for command in app.registered_commands}
    for name, module in COMMANDS.items():
        if (only is None or name == only) and name not in registered:
            app.command(name)(import_module(f"govkit.cli.{module}").command)


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
    invoked = sys.argv[1] if len(sys.argv) > 1 else None
    _register(invoked if invoked in COMMANDS else None)
    if invoked not in COMMANDS or "--help" in sys.argv:  # only help needs it (and rich's layout costs ~50 ms)
        _fold_long_help()
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
