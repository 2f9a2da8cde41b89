"""Map a neutral document onto the official format: metadata, the six sections, and every cell.

Tables are read as a stream of cells in logical order. A row label starts a row; the values that
follow it, up to the next label or the end of the source row, are the row's values. Table 四 has
no row label: its values follow its headers. A row whose value count matches its columns is filled
in order; any other row only where the table's arithmetic makes a cell's place certain
(:mod:`.placement`). Whatever is missing, blank or unreadable becomes ``None`` (an unreadable
text is kept in :attr:`Report.raw`) and a finding with its place and source line; nothing is
guessed silently.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from govkit.checks.registry import registry
from govkit.datafile import breaks_yaml_name
from govkit.datafile.parse import quote
from govkit.errors import ImportFailed, one_line
from govkit.findings import Finding
from govkit.formats import (
    KNOWN_VERSIONS,
    ColPath,
    ColumnSpec,
    Format,
    RowPath,
    all_formats,
    find_format_for_year,
    latest_format,
    load_format,
)
from govkit.importers.cells import (
    clean_line,
    is_number,
    is_slot,
    normalize,
    parse_value,
    strip_numbering,
    strip_paren_tail,
)
from govkit.importers.document import Document, Paragraph, Table
from govkit.importers.labels import Label, LabelIndex, index_for
from govkit.importers.meta import Given, Title, find_published, find_title, is_date_line, resolve_meta
from govkit.importers.placement import Placement, place, relations
from govkit.importers.sections import heading_of, is_attachment_marker, is_chrome, is_prose
from govkit.model import MAX_PROSE_CHARS, PREAMBLE, SECTION_IDS, Meta, Report, Value, name_problem, too_many_subrows

SECTION_TABLE = {"二": "二", "三": "三", "四": "四"}
SECTION_NAMES = {
    "一": "一、总体情况",
    "二": "二、主动公开政府信息情况",
    "三": "三、收到和处理政府信息公开申请情况",
    "四": "四、政府信息公开行政复议、行政诉讼情况",
    "五": "五、存在的主要问题及改进情况",
    "六": "六、其他需要报告的事项",
}
# Findings about parts of the report that are missing or could not be read: --strict refuses them.
INCOMPLETE_RULES = frozenset(
    {
        "import-missing-table",
        "import-missing-row",
        "import-missing-cell",
        "import-unreadable-cell",
        "import-unknown-label",
        "import-missing-section",
        "import-missing-meta",
        "import-agency-uncertain",
        "import-extra-cells",
        "import-stray-value",
        "import-amount-unit-unknown",  # kept as written until a person confirms the unit
    }
)
_MAX_JOIN = 5
_MAX_LABEL = 40
# Twice what a valid report holds in characters (seven parts of prose at their limits). A published
# report has < 500 paragraphs and cells; a workbook with every table-二 row split into the most local
# sub-rows has 6,300. Mapping costs ~1 µs per character and up to ~90 µs per paragraph (heading, label
# and prose tests), so a document beyond these is refused before any label is looked up.
MAX_DOCUMENT_CHARS = 2 * (len(SECTION_IDS) + 1) * MAX_PROSE_CHARS
MAX_DOCUMENT_PIECES = 10_000
# Pieces of a label split over lines add up to a label (the longest is 37 characters) with its numbering
# and spacing; joining prose lines beyond this would only repeat label lookups over ever longer text.
_MAX_JOINED = 3 * _MAX_LABEL


@dataclass(frozen=True)
class _Tok:
    text: str
    cell: bool = False  # an empty cell of a real table row is a blank value, an empty text line is not
    row_end: bool = False
    section: str | None = None
    line: int = 0  # the source line (text) or the paragraph / table row number in reading order
    lone: bool = False  # a line holding only "|": a blank cell, or the start of the next row


_ROW_END = _Tok("", row_end=True)


@dataclass
class _Target:
    table: str
    row: RowPath
    sub: str | None = None
    unknown: str | None = None
    slots: list[_Tok] = field(default_factory=list)
    line: int = 0


def map_document(doc: Document, name: str, given: Given | None = None) -> tuple[Report, list[Finding]]:
    """The report a document holds and the import findings; :class:`ImportFailed` if it holds none.

    ``given`` holds what the person importing states (year, agency, level, format): it overrides the text.
    """
    return _Mapper(doc, name, given or Given()).run()


class _Mapper:
    def __init__(self, doc: Document, name: str, given: Given):
        self.doc = doc
        self.name = name
        self.given = given
        self.findings: list[Finding] = []

    def note(
        self,
        rule: str,
        message: str,
        table: str = "",
        row: RowPath = (),
        column: ColPath = (),
        section: str = "",
        actual: str = "",
        line: int = 0,
    ) -> None:
        message = one_line(re.sub(r"(?<!\s)\s*[\r\n]\s*", " ", message))  # quoted cells may hold line breaks
        self.findings.append(
            registry.finding(
                rule,
                message,
                table=table,
                row=row,
                column=column,
                section=section,
                actual=actual,
                line=line or None,
            )
        )

    # -- the whole document -------------------------------------------------------------------

    def run(self) -> tuple[Report, list[Finding]]:
        texts = self.all_texts()
        paragraphs = [clean_line(b.text) for b in self.doc.blocks if isinstance(b, Paragraph)]
        by_labels = self.detect_format(texts)
        fmt = by_labels or latest_format()  # every format has the same section headings
        title = find_title(paragraphs)
        headings = self.headings(paragraphs, fmt, title[0] if title else -1)
        tokens = self.tokens(fmt, headings)
        table_found = any(not t.row_end and t.section is None and index_for(fmt.version).lookup(t.text) for t in tokens)
        if title is None and not headings and not table_found and not self.doc.hints.get("agency"):
            raise ImportFailed(f"{self.name}：未识别出政府信息公开工作年度报告（没有找到标题、章节标题或统计表）")
        meta = self.meta(paragraphs, title, headings)
        hinted = self.given.format or self.doc.hints.get("format")
        if hinted in KNOWN_VERSIONS:
            chosen = load_format(hinted)
        else:  # the format comes from the tables' own headers, else from the year
            chosen = by_labels or find_format_for_year(meta.year) or latest_format()
        if chosen.version != fmt.version:
            fmt = chosen
            tokens = self.tokens(fmt, headings)
        report = Report.blank(meta, fmt, fill=None)
        report.sections = (
            self.prose(paragraphs, title, headings, meta, fmt)
            if self.doc.sections is None
            else (self.stated_sections())
        )
        _Tables(self, fmt, report).fill(tokens)
        if not fmt.covers(meta.year):
            want = find_format_for_year(meta.year)
            should = f"应使用 {want.version} 版格式" if want is not None else "没有适用的官方格式"
            self.note(
                "import-old-format",
                f"报告使用 {fmt.version} 版格式，而 {meta.year} 年度报告{should}；"
                f"已按原样导入（数据文件写明 format: '{fmt.version}'）",
            )
        return report, self.findings

    def too_much(self, chars: int) -> ImportFailed:
        over = (
            f"超过 {MAX_DOCUMENT_CHARS} 字"
            if chars > MAX_DOCUMENT_CHARS
            else f"超过 {MAX_DOCUMENT_PIECES} 个段落或单元格"
        )
        return ImportFailed(f"{self.name}：文字过多（{over}），不像是一份年度报告，未导入")

    def detect_format(self, texts: list[str]) -> Format | None:
        """The format whose own labels the report uses most (本年新制作数量 vs 本年制发件数 …); None: no such label."""
        indexes = {fmt.version: index_for(fmt.version) for fmt in all_formats()}
        score: Counter[str] = Counter({version: 0 for version in indexes})
        for text in texts:
            having = [version for version, index in indexes.items() if index.lookup(text) is not None]
            if len(having) == 1:  # a label only one format has
                score[having[0]] += 1
        (best, top), *rest = score.most_common()
        if all(count < top for _, count in rest):
            return load_format(best)
        return None

    def all_texts(self) -> list[str]:
        """Every paragraph and cell, refused as soon as they are more than a report can hold.

        Counted while collected and before any label is looked up: a refusal costs no more than
        reading up to the limit.
        """
        out: list[str] = []
        chars = 0
        for block in self.doc.blocks:
            if isinstance(block, Paragraph):
                if len(block.text) > MAX_DOCUMENT_CHARS:
                    raise self.too_much(len(block.text))
                pieces = _split_line(block.text)[0] or [block.text]
            else:
                pieces = [cell for row in block.rows for cell in row]
            out.extend(pieces)
            chars += sum(len(piece) for piece in pieces)
            if chars > MAX_DOCUMENT_CHARS or len(out) > MAX_DOCUMENT_PIECES:
                raise self.too_much(chars)
        return out

    def headings(self, paragraphs: list[str], fmt: Format, after: int) -> dict[int, str]:
        """Paragraph index → section id, in order (a heading must come after the previous one)."""
        found: dict[int, str] = {}
        last = -1
        for i, line in enumerate(paragraphs):
            if i <= after:
                continue
            sid = heading_of(line, fmt)
            if sid is not None and SECTION_IDS.index(sid) > last:
                found[i] = sid
                last = SECTION_IDS.index(sid)
        return found

    def tokens(self, fmt: Format, headings: dict[int, str]) -> list[_Tok]:
        index = index_for(fmt.version)
        out: list[_Tok] = []
        p = -1
        line = 0
        for block in self.doc.blocks:
            if isinstance(block, Paragraph):
                p += 1
                line += 1
                if p in headings:
                    out.append(_Tok("", section=headings[p], line=line))
                    continue
                if clean_line(block.text) in ("|", "｜"):
                    out.append(_Tok("", cell=True, line=line, lone=True))
                    continue
                cells, is_row = _split_line(block.text)
                if is_row:
                    out.extend(_Tok(c, cell=True, line=line) for c in cells)
                    out.append(_ROW_END)
                else:
                    out.extend(_Tok(c, line=line) for c in cells)
            elif isinstance(block, Table):
                for row in block.rows:
                    line += 1
                    cells = [clean_line(c) for c in row]
                    layout_only = not any(is_slot(c) for c in cells) and not any(
                        (lab := index.lookup(c)) is not None and lab.kind == "row" for c in cells
                    )
                    if layout_only:
                        cells = [c for c in cells if c]
                    out.extend(_Tok(c, cell=True, line=line) for c in cells)
                    out.append(_ROW_END)
        return out

    # -- metadata -------------------------------------------------------------------------------

    def meta(self, paragraphs: list[str], title: Title | None, headings: dict[int, str]) -> Meta:
        hints = {k: v.strip() if isinstance(v, str) else v for k, v in self.doc.hints.items()}
        published = (
            _date(hints.get("published"))
            if "published" in hints
            else find_published([*paragraphs, *self.row_texts()], max(headings, default=len(paragraphs)))
        )
        meta = resolve_meta(
            paragraphs,
            title,
            hints,
            self.given,
            self.name,
            published,
            lambda rule, message, at: self.note(rule, message, line=self.source_line(at)),
        )
        for label, value in (("机关名称", meta.agency), ("简称", meta.short_name), ("所属地区", meta.district)):
            problem = name_problem(value) if value else None
            if problem:
                raise ImportFailed(f"{self.name}：{label}「{quote(value)}」{problem}，未导入")
        return meta

    def source_line(self, paragraph: int | None) -> int:
        """The line number (as the cell tokens count them) of a paragraph; 0 when there is none."""
        if paragraph is None:
            return 0
        line = p = 0
        for block in self.doc.blocks:
            if isinstance(block, Paragraph):
                line += 1
                if p == paragraph:
                    return line
                p += 1
            else:
                line += len(block.rows)
        return 0

    def row_texts(self) -> list[str]:
        return [" ".join(row) for b in self.doc.blocks if isinstance(b, Table) for row in b.rows]

    # -- prose ------------------------------------------------------------------------------------

    def prose(
        self, paragraphs: list[str], title: Title | None, headings: dict[int, str], meta: Meta, fmt: Format
    ) -> dict[str, str]:
        index = index_for(fmt.version)
        sections = {sid: "" for sid in SECTION_IDS}
        starts = sorted(headings)
        begin = (title.at + (0 if title.in_sentence else 1)) if title else 0  # a sentence naming the report stays
        first = starts[0] if starts else len(paragraphs)
        preamble = [line for line in paragraphs[begin:first] if self.preamble_line(line, meta, index)]
        if preamble:
            sections[PREAMBLE] = "\n".join(preamble)
        for n, start in enumerate(starts):
            sid = headings[start]
            end = starts[n + 1] if n + 1 < len(starts) else len(paragraphs)
            lines = paragraphs[start + 1 : end]
            if n + 1 == len(starts):
                lines = _until_footer(lines, meta)
            keep = [line for line in lines if line and not is_chrome(line) and not is_attachment_marker(line)]
            if sid in SECTION_TABLE:
                keep = [
                    line for line in keep if is_prose(line) and index.lookup(line) is None and not _split_line(line)[1]
                ]
            sections[sid] = "\n".join(keep)
        for sid in SECTION_IDS:
            if sid not in headings.values():
                self.note("import-missing-section", f"没有找到第{sid}部分「{SECTION_NAMES[sid]}」", section=sid)
        return sections

    def stated_sections(self) -> dict[str, str]:
        stated = self.doc.sections or {}
        for sid in SECTION_IDS:
            if sid not in stated:
                self.note("import-missing-section", f"没有找到第{sid}部分「{SECTION_NAMES[sid]}」", section=sid)
        sections = {sid: stated.get(sid, "") for sid in SECTION_IDS}
        if stated.get(PREAMBLE):
            sections[PREAMBLE] = stated[PREAMBLE]
        return sections

    def preamble_line(self, line: str, meta: Meta, index: LabelIndex) -> bool:
        if not line or len(line) < 8 or is_chrome(line) or is_attachment_marker(line) or is_date_line(line):
            return False
        if normalize(line) in (normalize(meta.agency), normalize(meta.title)) or index.lookup(line) is not None:
            return False
        return bool(re.search(r"[，。,；]", line)) and not _split_line(line)[1]  # a flattened table row is no prose


class _Tables:
    """The table part of the mapping: a small state machine over the cell stream."""

    def __init__(self, mapper: _Mapper, fmt: Format, report: Report):
        self.m = mapper
        self.fmt = fmt
        self.report = report
        self.index = index_for(fmt.version)
        self.context: str | None = None
        self.current: _Target | None = None
        self.parent: RowPath | None = None  # a table-二 row that may be split into local sub-rows
        self.rows: dict[tuple[str, RowPath], list[_Tok]] = {}
        self.subrows: dict[RowPath, dict[str, list[_Tok]]] = {}
        self.labelled: set[tuple[str, RowPath]] = set()
        self.t4: list[_Tok] = []
        self.t4_seen = False
        self.headers_seen: set[tuple[str, str]] = set()
        self.header_texts: list[tuple[str, str]] = []  # (label key, text as printed) of every header seen
        self.misfits: list[tuple[str, RowPath, list[_Tok]]] = []
        self.lines: dict[tuple[str, RowPath], int] = {}  # where each row's label was read
        self.verify: set[tuple[str, RowPath]] = set()  # rows of the right count whose order is not certain

    def width(self, table: str, row: RowPath) -> int:
        return len(self.fmt.table(table).part_of(row).leaf_columns())

    def fill(self, tokens: list[_Tok]) -> None:
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            i += 1
            if tok.row_end:
                self.close()
            elif tok.section is not None:
                self.close()
                self.parent = None
                self.context = SECTION_TABLE.get(tok.section)
                self.t4_seen = self.t4_seen or self.context == "四"
            elif is_slot(tok.text) or (tok.cell and not tok.text):
                self.value(tok)
            else:
                label, used = self.match(tokens, i - 1)
                if label is not None and label.kind == "header":
                    self.header_variant(label, "".join(t.text for t in tokens[i - 1 : i + used]), tok.line)
                i += used
                if label is not None:
                    self.label(label, tok.line)
                    if self.current is not None and tok.cell:
                        i = self.skip_padding(tokens, i)
                elif tok.cell and (self.in_value_position(tokens, i - 1) or self.in_t4_values(tokens, i - 1)):
                    self.value(tok)  # e.g. 不详 where a number should be: an unreadable cell, not a new row
                elif (headers := self.header_line(tok.text)) is not None:
                    for header, text in headers:  # 结果维持 结果纠正 … on one line, separated by spaces
                        self.header_variant(header, text, tok.line)
                        self.label(header, tok.line)
                else:
                    self.unknown(tok.text, tok.line)
        self.close()
        self.finish()

    def header_line(self, text: str) -> list[tuple[Label, str]] | None:
        """A line of column headers separated by spaces, as labels; None unless every word is part of one."""
        words = clean_line(text).split()
        if len(words) < 2:
            return None
        out: list[tuple[Label, str]] = []
        i = 0
        while i < len(words):
            for j in range(min(len(words), i + _MAX_JOIN), i, -1):  # the longest run of words that is a header
                label = self.index.lookup("".join(words[i:j]))
                if label is not None and label.kind == "header":
                    out.append((label, " ".join(words[i:j])))
                    i = j
                    break
            else:
                return None
        return out

    def header_variant(self, label: Label, text: str, line: int = 0) -> None:
        """A column header printed with extra words, e.g. 现行有效件数 (历史累计): evaluators reject 擅自修改表头."""
        self.header_texts.append((label.text, text))
        if normalize(text) != label.text and (label.text, text) not in self.headers_seen:
            self.headers_seen.add((label.text, text))
            self.m.note(
                "import-header-variant",
                f"表头「{clean_line(text)}」与官方格式「{label.text}」不一致（不应擅自修改表头），按官方表头导入",
                table=label.table or self.context or "",
                actual=clean_line(text),
                line=line,
            )

    def skip_padding(self, tokens: list[_Tok], at: int) -> int:
        """Past the empty label-column cells between a row label and its values (an unmerged grid)."""
        cur = self.current
        assert cur is not None
        rest = 0
        for tok in tokens[at:]:
            if tok.row_end or tok.section is not None:
                break
            rest += 1
        surplus = rest - self.width(cur.table, cur.row)
        while surplus > 0 and at < len(tokens) and tokens[at].cell and not tokens[at].text and not tokens[at].row_end:
            at += 1
            surplus -= 1
        return at

    def in_value_position(self, tokens: list[_Tok], at: int) -> bool:
        """Whether a text cell stands where the current row's values are (rather than being a new label)."""
        cur = self.current
        if cur is None or cur.unknown is not None:
            return False
        left = self.width(cur.table, cur.row) - len(cur.slots)
        rest = 0
        for tok in tokens[at:]:
            if tok.row_end or tok.section is not None:
                break
            rest += 1
        return 0 < rest <= left

    def in_t4_values(self, tokens: list[_Tok], at: int) -> bool:
        """Whether a text cell stands in table 四's row of values (most cells of its source row are values)."""
        if self.context != "四" or self.current is not None:
            return False
        line = tokens[at].line
        near = tokens[max(0, at - 40) : at + 40]  # a source row holds at most a few dozen cells
        row = [t for t in near if t.line == line and t.cell and not t.row_end]
        width = len(self.fmt.table("四").parts[0].leaf_columns())
        return sum(1 for t in row if is_slot(t.text)) * 2 >= width

    def match(self, tokens: list[_Tok], at: int) -> tuple[Label | None, int]:
        """The label at ``at``, joining a label split over lines (结/果/维/持, （三）不予/公开)."""
        label = self.index.lookup(tokens[at].text)
        if label is not None:
            return label, 0
        text = tokens[at].text
        for k in range(1, _MAX_JOIN + 1):
            if at + k >= len(tokens):
                break
            nxt = tokens[at + k]
            if nxt.row_end or nxt.section is not None or not nxt.text or len(text) + len(nxt.text) > _MAX_JOINED:
                break
            if is_slot(nxt.text):
                break
            text += nxt.text
            label = self.index.lookup(text)
            if label is not None:
                return label, k
        return None, 0

    def value(self, tok: _Tok) -> None:
        cur = self.current
        if cur is not None:
            cur.slots.append(tok)  # more values than columns: placement decides which belong here
        elif tok.lone:
            return  # a row border outside any row
        elif self.context == "四":
            self.t4.append(tok)
        elif self.context and tok.text:
            self.m.note(
                "import-stray-value",
                f"表{self.context}中的数值「{tok.text}」不属于任何一行，未导入",
                table=self.context,
                actual=tok.text,
                line=tok.line,
            )

    def label(self, label: Label, line: int = 0) -> None:
        self.close()
        if label.table:
            self.context = label.table
            self.t4_seen = self.t4_seen or label.table == "四"
        if label.kind == "row" and label.table:
            key = (label.table, label.row)
            self.parent = label.row if self.fmt.table(label.table).local_subrows else None
            if key in self.rows and any(t.text for t in self.rows[key]) or label.row in self.subrows:
                self.m.note(
                    "import-extra-cells",
                    f"行「{label.text}」重复出现，只导入第一次出现的数值",
                    table=label.table,
                    row=label.row,
                    line=line,
                )
                self.current = _Target(label.table, label.row, unknown=label.text, line=line)
                return
            self.current = _Target(label.table, label.row, line=line)
        elif label.kind in ("group", "caption"):
            self.parent = None

    def unknown(self, text: str, line: int = 0) -> None:
        key = normalize(text)
        self.close()
        if self.context is None or not key or len(key) > _MAX_LABEL or is_prose(text):
            return
        if self.context == "四":
            return  # e.g. a 件数 label cell in front of table 四's one row of values
        parent = self.parent
        if self.context == "二" and parent is not None and not any(t.text for t in self.rows.get(("二", parent), [])):
            name = clean_line(text)
            if not breaks_yaml_name(name):
                self.current = _Target("二", parent, sub=name, line=line)
                return
        guess = self.fuzzy(key)
        if guess is not None:
            self.current = _Target(self.context, guess.row, line=line)
            self.m.note(
                "import-label-variant",
                f"「{clean_line(text)}」按「{guess.text}」导入，请核对",
                table=self.context,
                row=guess.row,
                actual=clean_line(text),
                line=line,
            )
            return
        self.current = _Target(self.context, (), unknown=clean_line(text), line=line)

    def fuzzy(self, key: str) -> Label | None:
        """An official row the text is a close variant of (e.g. 规范性文件 for 行政规范性文件)."""
        core = strip_paren_tail(strip_numbering(key))
        if len(core) < 4:
            return None
        best: tuple[float, Label] | None = None
        for label in self.index.value_rows.values():
            if label.table != self.context or (label.table, label.row) in self.rows:
                continue
            other = strip_paren_tail(strip_numbering(normalize(label.text)))
            ratio = difflib.SequenceMatcher(None, core, other).ratio()
            if (core in other or other in core) and min(len(core), len(other)) / max(len(core), len(other)) >= 0.6:
                ratio = max(ratio, 0.85)
            if ratio >= 0.8 and (best is None or ratio > best[0]):
                best = (ratio, label)
        return best[1] if best else None

    def close(self) -> None:
        cur, self.current = self.current, None
        if cur is None:
            return
        if cur.unknown is not None:
            numbers = [t.text for t in cur.slots if t.text]
            if numbers and cur.row == ():
                self.m.note(
                    "import-unknown-label",
                    f"表{cur.table}中有无法对应官方格式的行「{cur.unknown}」（数值 {' '.join(numbers[:8])}），未导入",
                    table=cur.table,
                    actual=cur.unknown,
                    line=cur.line,
                )
            return
        if cur.sub is not None:
            names = self.subrows.setdefault(cur.row, {})
            if cur.sub in names:
                self.m.note(
                    "import-extra-cells",
                    f"子项「{cur.sub}」重复出现，只导入第一次出现的数值",
                    table=cur.table,
                    row=(*cur.row, cur.sub),
                    line=cur.line,
                )
            else:
                names[cur.sub] = cur.slots
                self.lines[(cur.table, (*cur.row, cur.sub))] = cur.line
            return
        key = (cur.table, cur.row)
        self.labelled.add(key)
        self.lines.setdefault(key, cur.line)
        if cur.slots and key not in self.rows:
            self.rows[key] = cur.slots

    # -- writing the cells ----------------------------------------------------------------------

    def finish(self) -> None:
        for table in self.fmt.tables.values():
            if table.id == "四":
                self.finish_t4()
                continue
            present = any(k[0] == table.id for k in (*self.rows, *self.labelled)) or (
                table.local_subrows and self.subrows
            )
            if not present:
                self.m.note(
                    "import-missing-table", f"没有找到表{table.id}「{table.title}」，全部单元格留空", table=table.id
                )
                continue
            for part in table.parts:
                for row, _ in part.leaf_rows():
                    self.finish_row(table.id, row)
        self.place_misfits()

    def finish_row(self, table: str, row: RowPath) -> None:
        names = self.subrows.get(row) if self.fmt.table(table).local_subrows else None
        if names:
            reason = too_many_subrows(len(names))
            if reason:
                raise ImportFailed(f"{self.m.name}：表{table}「{'/'.join(row)}」{reason}")
            self.report.split_row(table, row, list(names))
            for name, values in names.items():
                self.put(table, (*row, name), values)
            return
        slots = self.rows.get((table, row))
        line = self.lines.get((table, row), 0)
        if slots is None:
            if (table, row) in self.labelled:
                self.m.note("import-missing-cell", f"行「{row[-1]}」没有数值", table=table, row=row, line=line)
            else:
                self.m.note("import-missing-row", f"表{table}缺少行「{' / '.join(row)}」", table=table, row=row)
            return
        self.put(table, row, slots)

    def columns(self, table: str, row: RowPath) -> list[tuple[ColPath, ColumnSpec]]:
        return self.fmt.table(table).part_of(self.report.official_row(table, row)).leaf_columns()

    def put(self, table: str, row: RowPath, slots: list[_Tok], verify: bool = False) -> None:
        """A row's values in order when they match its columns one to one; otherwise later, by placement.

        ``verify``: the count matches but the values may not be one row (placement checks the order).
        """
        columns = self.columns(table, row)
        for col, _ in columns:
            self.report.cells[table][(row, col)] = None  # split_row fills new sub-rows with 0
        while len(slots) > len(columns) and not slots[-1].text:
            slots = slots[:-1]  # blank cells past the last column (row borders) hold nothing to place
        if len(slots) != len(columns) or verify:
            self.misfits.append((table, row, slots))
            if verify:
                self.verify.add((table, row))
            return
        for (col, spec), tok in zip(columns, slots, strict=True):
            self.write(table, row, col, spec, tok)

    def write(self, table: str, row: RowPath, col: ColPath, spec: ColumnSpec, tok: _Tok) -> None:
        """One cell from its text: the value, or None with the original text kept and a finding."""
        text = tok.text
        unit = self.amount_unit(spec) if spec.type == "amount" else None
        stated = re.search(r"元", normalize(text)) is not None
        if unit == "元" and not stated and is_number(text):
            text = f"{clean_line(text)}元"  # the header gives the unit: converted with a note, as a stated 元
        parsed = parse_value(text, spec)
        self.report.cells[table][(row, col)] = parsed.value

        def note(rule: str, message: str) -> None:
            self.m.note(rule, message, table=table, row=row, column=col, actual=clean_line(tok.text), line=tok.line)

        if parsed.problem and not normalize(tok.text):
            note("import-missing-cell", f"{_where(row, col, table)}：{parsed.problem}")
        elif parsed.problem:
            self.report.set_raw(table, row, col, clean_line(tok.text))
            note("import-unreadable-cell", parsed.problem)
        if parsed.note:
            shown = clean_line(tok.text)
            note("import-unit-converted", parsed.note.replace(f"「{text}」", f"「{shown}」（表头单位为元）", 1))
        if spec.type == "amount" and parsed.value is not None and unit is None and not stated:
            note(
                "import-amount-unit-unknown",
                f"金额单位不明：表头和数值「{clean_line(tok.text)}」都没有写明单位（元或万元），"
                f"暂按所写数字 {clean_line(tok.text)} 导入（数据文件中的金额单位为万元），请核对后确认",
            )

    def amount_unit(self, spec: ColumnSpec) -> str | None:
        """The unit the report's own header states for an amount column (万元 or 元), None if none."""
        keys = {normalize(t) for t in (spec.label, spec.printed, *spec.aliases)}
        keys |= {strip_paren_tail(k) for k in keys}
        texts = [normalize(text) for key, text in self.header_texts if key in keys]
        if any("万元" in t for t in texts):
            return "万元"
        if any("元" in t for t in texts):
            return "元"
        return None

    def finish_t4(self) -> None:
        part = self.fmt.table("四").parts[0]
        row = part.leaf_rows()[0][0]
        if not self.t4:
            self.m.note(
                "import-missing-table",
                "没有找到表四「政府信息公开行政复议、行政诉讼情况」的数值，全部单元格留空",
                table="四",
            )
            return
        self.lines.setdefault(("四", row), self.t4[0].line)
        # Rows printed one per line, yet table 四's values come from several lines: a wrapped row, or
        # a number that belongs elsewhere. Only the table's arithmetic can tell.
        per_line = Counter(t.line for t in self.t4)
        self.put("四", row, self.t4, verify=len(per_line) > 1 and max(per_line.values()) > 1)

    def place_misfits(self) -> None:
        """Rows whose value count differs from their columns: only the cells whose place is certain.

        Rows that placement settles completely go first, so that their cells can check the others.
        """
        rels = relations(self.report)
        pending = list(self.misfits)
        unsettled = {(t, r) for t, r, _ in pending}

        def known(table: str, row: RowPath, col: ColPath) -> Value:
            return None if (table, row) in unsettled else self.report.cells[table].get((row, col))

        done: dict[tuple[str, RowPath], Placement] = {}
        tried: dict[tuple[str, RowPath], tuple[int, Placement]] = {}  # placement, and how many rows were settled then
        for _ in range(4):  # a settled row's cells can check its neighbours; a few rounds reach them
            settled = len(done)
            for table, row, slots in pending:
                key = (table, row)
                if key in done or (key in tried and tried[key][0] == len(done)):
                    continue
                found = self.placement(table, row, slots, rels, known)
                tried[key] = (len(done), found)
                if found.fitting == 1 and found.checked:
                    done[key] = found
                    unsettled.discard(key)
                    self.place_cells(table, row, slots, found)
            if len(done) == settled:
                break
        for table, row, slots in pending:
            key = (table, row)
            if key not in done:
                last = tried.get(key)
                found = last[1] if last and last[0] == len(done) else self.placement(table, row, slots, rels, known)
                self.place_cells(table, row, slots, found)
                done[key] = found
        for table, row, slots in pending:
            self.misfit_finding(table, row, slots, done[(table, row)])

    def place_cells(self, table: str, row: RowPath, slots: list[_Tok], found: Placement) -> None:
        for (col, spec), index in zip(self.columns(table, row), found.chosen, strict=True):
            if index is not None:
                self.write(table, row, col, spec, slots[index])

    def placement(self, table: str, row: RowPath, slots: list[_Tok], rels: list, known) -> Placement:
        columns = self.columns(table, row)
        values = [
            parse_value(t.text, spec).value for t, (_, spec) in zip(slots, _cycle(columns, len(slots)), strict=True)
        ]
        loose = None
        if (table, row) in self.verify:
            per_line = Counter(t.line for t in slots)
            loose = [i for i, t in enumerate(slots) if per_line[t.line] == 1]  # numbers alone on a line
        return place(table, row, [c for c, _ in columns], values, rels, known, loose)

    def misfit_finding(self, table: str, row: RowPath, slots: list[_Tok], found: Placement) -> None:
        columns = self.columns(table, row)
        names = ["/".join(c[-2:]) if table == "四" else c[-1] for c, _ in columns]
        where = f"行「{row[-1]}」" if row else f"表{table}"
        seen = " ".join(clean_line(t.text) or "（空）" for t in slots[:20]) + (" …" if len(slots) > 20 else "")
        count = f"有 {len(slots)} 个数值（{seen}）"
        if len(slots) < len(columns):
            count += f"，少于 {len(columns)} 个栏目"
        elif len(slots) > len(columns):
            count += f"，多于 {len(columns)} 个栏目"
        else:
            count += f"，分写在 {len({t.line for t in slots})} 行（不一定是同一行的数值）"
        blank = [n for n, i in zip(names, found.chosen, strict=True) if i is None]
        used = {i for i in found.chosen if i is not None}
        if not found.checked:
            why = "该行没有可核对位置的合计关系，无法确定每个数值属于哪一栏"
        elif found.fitting == 0 and len(slots) == len(columns):
            why = "按顺序填入与表中的合计关系不符，无法确定每个数值属于哪一栏"
        elif found.fitting == 0:
            why = "任何一种排法都与表中的合计关系不符，无法确定每个数值属于哪一栏"
        elif found.fitting > 1:
            why = f"有 {found.fitting} 种排法都符合表中的合计关系，无法确定每个数值属于哪一栏"
        else:
            why = "按表中的合计关系只有一种排法"
        parts = [f"{where}{count}：{why}"]
        if used and blank:
            parts.append(f"其余数值按此放入各栏，留空的栏目：{'、'.join(blank)}")
        elif blank:
            parts.append(f"本行全部留空（{'、'.join(blank)}）")
        if len(slots) > len(columns) and found.fitting == 1:
            left = [clean_line(t.text) for i, t in enumerate(slots) if i not in used and t.text]
            if left:
                parts.append(f"「{' '.join(left[:8])}」不属于本行，未导入")
        line = self.lines.get((table, row)) or (slots[0].line if slots else 0)
        rule = "import-missing-cell" if len(slots) < len(columns) else "import-extra-cells"
        if len(slots) == len(columns) and found.fitting == 1:
            return  # a wrapped row whose order the arithmetic confirms: nothing to report
        column = columns[found.chosen.index(None)][0] if len(blank) == 1 else ()
        self.m.note(rule, "；".join(parts), table=table, row=row, column=column, line=line)


def _where(row: RowPath, col: ColPath, table: str) -> str:
    return f"行「{row[-1]}」栏目「{col[-1]}」" if row else f"表{table}栏目「{'/'.join(col[-2:])}」"


def _cycle(columns: list, count: int) -> list:
    """The columns repeated to ``count`` entries (the spec a surplus value is read against)."""
    return [columns[min(i, len(columns) - 1)] for i in range(count)]


def _split_line(line: str) -> tuple[list[str], bool]:
    """A text line as cells, and whether it is a flattened table row (| or tabs, or label + numbers)."""
    text = clean_line(line)
    if not text:
        return [], False
    if "|" in text or "｜" in text:
        parts = [clean_line(p) for p in re.split(r"[|｜]", text)]
        # Pipes at either end are row borders or colspan padding ("第二十条第（一）项 | |||"), not
        # cells; web pages copied one cell per line end every line with one ("0 |").
        parts = _trimmed(parts, end=True)
        if len(parts) >= 2:
            return parts, True
        return parts, False
    if "\t" in text:
        parts = _trimmed([clean_line(p) for p in text.split("\t")], end=False)
        if sum(1 for p in parts if p) >= 2:
            return parts, True
        return [p for p in parts if p], False
    words = text.split()
    if len(words) >= 2:
        k = len(words)
        while k > 0 and is_slot(words[k - 1]):
            k -= 1
        values = words[k:]
        label = "".join(words[:k])
        if values and any(is_number(v) for v in values) and len(label) <= _MAX_LABEL and not is_prose(label):
            return ([label] if label else []) + values, True
    return [text], False


def _trimmed(parts: list[str], end: bool) -> list[str]:
    """``parts`` without its empty leading (and, if ``end``, trailing) entries, in time linear in their number."""
    first = next((i for i, p in enumerate(parts) if p), len(parts))
    last = len(parts)
    if end:
        while last > first and not parts[last - 1]:
            last -= 1
    return parts[first:last]


def _until_footer(lines: list[str], meta: Meta) -> list[str]:
    """The last section's lines up to the page footer, without the closing signature and date."""
    out: list[str] = []
    for line in lines:
        if is_chrome(line) and not is_prose(line):
            break
        out.append(line)
    names = {normalize(meta.agency), normalize(meta.agency + "人民政府")}
    while out and (not out[-1] or is_date_line(out[-1]) or normalize(out[-1]) in names):
        out.pop()
    return out


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(str(text).strip()[:10]) if text else None
    except ValueError:
        return None
