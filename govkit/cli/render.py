"""`govkit render`: placeholder until its issue lands."""

import typer


def command() -> None:
    """尚未实现。"""
    raise typer.Exit(3)
