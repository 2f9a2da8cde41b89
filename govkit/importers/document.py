"""The neutral document every reader produces and the mapper consumes.

A reader expands nothing: a table is its rows in order, each row its cells in order, exactly as
the source lists them (a merged cell appears once, in the row where it starts). Mapping that onto
the official format is the mapper's job, by logical order and label, never by grid position.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    """One line of running text: a title, a heading, a prose paragraph, or a cell copied as text."""

    text: str


@dataclass
class Table:
    """A table as logical rows of cell texts; an empty string is a blank cell."""

    rows: list[list[str]]
    name: str = ""


Block = Paragraph | Table


@dataclass
class Document:
    """What a reader found in a file, in reading order.

    ``hints`` carries metadata the source states explicitly (e.g. the 基本信息 sheet of a workbook
    written by ``govkit export --xlsx``), keyed like :class:`govkit.model.Meta` fields, and
    ``page_title`` for an HTML page's ``<title>``.
    """

    blocks: list[Block] = field(default_factory=list)
    hints: dict[str, str] = field(default_factory=dict)
    kind: str = "文本"
    sections: dict[str, str] | None = None  # prose stated section by section (a 正文 sheet), taken as is

    def paragraphs(self) -> list[str]:
        return [b.text for b in self.blocks if isinstance(b, Paragraph)]
