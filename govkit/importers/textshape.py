"""Shapes of text a report is published in, brought to the shape the mapper reads.

* Traditional characters: the whole document is converted with OpenCC ``t2s`` when the official
  words read better converted (政府信息公開 → 政府信息公开); the digits must come out unchanged, or
  nothing is converted. The import reports the conversion.
* Markdown: heading markers (``#``), bold markers and table separator rows (``|---|``) are markup,
  not content; ``|`` table rows are read like any flattened row.
* A whole report on one line (line breaks lost when copied): it is broken before each section
  heading and after the title; inside the table sections (二、三、四) at every space, as if each cell
  were on its own line; in the prose sections after each sentence that ends a paragraph.
"""

from __future__ import annotations

import re
from functools import cache

from govkit.importers.document import Document, Paragraph, Table
from govkit.importers.sections import heading_keywords

_OFFICIAL_WORDS = (
    "政府信息公开",
    "年度报告",
    "行政复议",
    "行政诉讼",
    "申请",
    "总计",
    "处理",
    "主动公开",
    "机关",
    "条例",
)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+|(?=[^#\s]))(.*?)(?:\s+#+)?\s*$")
_MD_SEPARATOR = re.compile(r"^\s*(?:\|\s*)?:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*(?:\|\s*)?$")
_MD_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_ONE_LINE_MIN = 400
_REPORT_END = re.compile(r"(政府信息公开(?:工作)?年度?报告)\s+")
_SENTENCE_BREAK = re.compile(
    r"(?<=[。！？；!?;])\s+|(?<!\s)\s+(?=[（(][一二三四五六七八九十]+[）)])"
    r"|(?<!\s)\s+(?=(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$)"
)


@cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def simplify(doc: Document) -> bool:
    """Convert a document written in traditional characters to simplified, in place; whether it was."""
    texts = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    texts += [cell for b in doc.blocks if isinstance(b, Table) for row in b.rows for cell in row]
    texts += list((doc.sections or {}).values())
    sample = "\n".join(texts)
    if not _looks_traditional(sample):
        return False
    convert = _converter().convert
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            block.text = _same_digits(block.text, convert(block.text))
        else:
            block.rows = [[_same_digits(cell, convert(cell)) for cell in row] for row in block.rows]
    if doc.sections is not None:
        doc.sections = {key: _same_digits(text, convert(text)) for key, text in doc.sections.items()}
    doc.hints = {key: _same_digits(text, convert(text)) if key != "format" else text for key, text in doc.hints.items()}
    return True


def _looks_traditional(text: str) -> bool:
    converted = _converter().convert(text)
    changed = sum(1 for a, b in zip(text, converted, strict=False) if a != b)
    hits = sum(converted.count(word) - text.count(word) for word in _OFFICIAL_WORDS)
    return changed >= 5 and hits >= 2


def _same_digits(before: str, after: str) -> str:
    """The converted text, or the original where conversion would touch a digit (numbers never change)."""
    return after if re.findall(r"\d", before) == re.findall(r"\d", after) else before


def markdown_lines(lines: list[str]) -> list[str]:
    """Lines of a Markdown report without its markup, or the lines as they are if it is not Markdown."""
    headings = sum(1 for line in lines if _MD_HEADING.match(line))
    separators = sum(1 for line in lines if "|" in line and _MD_SEPARATOR.match(line))
    if headings < 2 and separators == 0:
        return lines
    out = []
    for line in lines:
        if "|" in line and _MD_SEPARATOR.match(line):
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            line = heading.group(1)
        out.append(_MD_EMPHASIS.sub(lambda m: m.group(1) or m.group(2), line))
    return out


def unflatten(lines: list[str]) -> list[str]:
    """A report written on one line, as lines; other text unchanged."""
    out: list[str] = []
    for line in lines:
        if len(line) >= _ONE_LINE_MIN and len(_heading_pattern().findall(line)) >= 2:
            out.extend(_split_report_line(line))
        else:
            out.append(line)
    return out


@cache
def _heading_pattern() -> re.Pattern[str]:
    words = "|".join(sorted({w for ws in heading_keywords().values() for w in ws}, key=len, reverse=True))
    return re.compile(rf"(?<!\S)(([一二三四五六])[、.．]\s*\S{{0,12}}?(?:{words})\S{{0,20}})(?=\s|$)")


def _split_report_line(line: str) -> list[str]:
    pieces: list[tuple[str | None, str]] = []
    last_end, last_id = 0, None
    for match in _heading_pattern().finditer(line):
        pieces.append((last_id, line[last_end : match.start()]))
        pieces.append(("heading", match.group(1)))
        last_end, last_id = match.end(), match.group(2)
    pieces.append((last_id, line[last_end:]))
    out: list[str] = []
    for section, text in pieces:
        text = text.strip()
        if not text:
            continue
        if section == "heading":
            out.append(text)
        elif section in ("二", "三", "四"):
            out.extend(text.split())
        elif section is None:
            head = _REPORT_END.sub(lambda m: m.group(1) + "\n", text, count=1)
            for part in head.split("\n"):
                out.extend(_SENTENCE_BREAK.split(part.strip()))
        else:
            out.extend(_SENTENCE_BREAK.split(text))
    return out
