"""Prose against tables (R12) and stated totals against the parts the prose lists.

Both rules are deliberately conservative: a sentence is only read when its wording is unambiguous,
and a quantity is only reported when no statement about it agrees with the tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from govkit.checks.common import num, place
from govkit.checks.numerals import FULL_WIDTH, NUMBER, parse_number
from govkit.checks.registry import CheckContext, registry
from govkit.findings import Finding
from govkit.formats import ColPath, RowPath
from govkit.model import PREAMBLE, Report
from govkit.references import MASK, mask

PROSE_SECTIONS = (PREAMBLE, "一", "二", "三", "四", "六")
MAX_TEXT = 200_000
N = rf"(?P<n>{NUMBER})"
G = r"[^，。；、\d]"  # a gap character inside one clause
CLAUSE_SPLIT = re.compile(r"[。；;！!？?\n，,]")
CLAUSE_RUN = re.compile(r"[^。；;！!？?\n，,]+")
# A clause with any of these talks about another period, a part, or something else than the table.
COMPARISON = re.compile(r"同比|较上年|比上年|较去年|比去年|同期|累计|历年|增长|下降|减少|增加")
SUBSCOPE = re.compile(
    r"其中|自然人|法人|企业|组织|机构|网上|网络|信函|当面|邮寄|传真|邮件|现场|窗口|复议|诉讼|"
    r"建议|提案|热线|12345|信访|咨询|来电|留言"
)
YEAR = re.compile(r"(\d{4})年")
CASE_DETAIL = re.compile(r"维持|纠正|其他结果|审结|其中")


@dataclass(frozen=True)
class Quantity:
    """Something the tables count that prose states, with the patterns that state it."""

    id: str
    name: str
    patterns: tuple[str, ...]
    zero_patterns: tuple[str, ...] = ()
    excluded: re.Pattern[str] = SUBSCOPE
    other_years: bool = False  # carry-over clauses name the neighbouring year


QUANTITIES = (
    Quantity(
        "received",
        "本年新收申请",
        (
            rf"(?:新收|收到|接到|受理)了?{G}{{0,14}}?申请{G}{{0,4}}?{N}[件个份]",
            rf"(?:新收|收到|接到|受理)了?{G}{{0,6}}?{N}[件份个]{G}{{0,12}}?申请",
        ),
        zero_patterns=(rf"(?:没有|未)(?:收到|接到|受理)(?:新的|任何)?{G}{{0,12}}?申请",),
    ),
    Quantity(
        "carried_in",
        "上年结转申请",
        (
            rf"(?:上年|上一年|上年度|去年|\d{{4}}年底?){G}{{0,4}}?结转{G}{{0,10}}?{N}件",
            rf"{N}件[^，。；]{{0,20}}?结转过来",
            rf"结转过来的?{G}{{0,6}}?{N}件",
        ),
        other_years=True,
    ),
    Quantity(
        "handled",
        "本年办结申请",
        (
            rf"办结{G}{{0,10}}?{N}件",
            rf"办理{G}{{0,12}}?申请{G}{{0,4}}?{N}件",
        ),
    ),
    Quantity(
        "carried_over",
        "结转下年度继续办理",
        (
            rf"结转(?:至|到)?(?:下一?年度?|\d{{4}}年度?)(?:继续)?(?:办理)?{G}{{0,4}}?{N}件",
            rf"{N}件{G}{{0,10}}?结转(?:至|到)?(?:下一?年度?|\d{{4}}年)",
        ),
        zero_patterns=(
            r"(?:无|没有)(?:结转(?:至|到)?下一?年度?|下一?年度?结转)",
            # "all handled" leaves nothing to carry over
            r"(?:均已|已全部|已经全部|全部|均)(?:按时|按期|依法)?(?:办结|办理完毕|答复完毕)",
        ),
        other_years=True,
    ),
    Quantity(
        "disclosed_partly",
        "予以公开及部分公开",
        (
            rf"予以公开(?:及|和|与|、|或)部分公开{G}{{0,4}}?{N}件",
            rf"全部或部分(?:予以)?公开{G}{{0,4}}?{N}件",
        ),
    ),
    Quantity(
        "disclosed", "予以公开", (rf"(?<!部分)(?<!不)予以公开{G}{{0,4}}?{N}件", rf"{N}件(?:均|已|全部|都)?予以公开")
    ),
    Quantity("partly", "部分公开", (rf"部分(?:予以)?公开{G}{{0,4}}?{N}件",)),
    Quantity("withheld", "不予公开", (rf"不予(?:以)?公开{G}{{0,4}}?{N}件",)),
    Quantity("unavailable", "无法提供", (rf"无法提供{G}{{0,4}}?{N}件",)),
    Quantity("not_processed", "不予处理", (rf"不予(?:以)?处理{G}{{0,4}}?{N}件",)),
    Quantity(
        "review",
        "行政复议",
        (
            rf"行政复议{G}{{0,6}}?{N}(?:件|起|宗)",
            rf"{N}(?:件|起|宗){G}{{0,8}}?行政复议",
        ),
        zero_patterns=(r"(?:没有|未)(?:发生|收到|出现|产生|有)[^，。；\d]{0,15}?行政复议",),
        excluded=CASE_DETAIL,
    ),
    Quantity(
        "litigation",
        "行政诉讼",
        (
            rf"行政诉讼{G}{{0,6}}?{N}(?:件|起|宗)",
            rf"{N}(?:件|起|宗){G}{{0,8}}?行政诉讼",
        ),
        zero_patterns=(r"(?:没有|未)(?:发生|收到|出现|产生|有)[^，。；\d]{0,20}?行政诉讼",),
        excluded=CASE_DETAIL,
    ),
    Quantity(
        "normative",
        "制发规范性文件",
        (
            rf"(?:制发|出台|制定)了?(?:行政)?规范性文件{G}{{0,3}}?{N}件",
            rf"(?:制发|出台|制定)了?{N}件(?:行政)?规范性文件",
        ),
        excluded=re.compile(r"累计|现行有效|清理|废止"),
    ),
)
_COMPILED = {q.id: ([re.compile(p) for p in q.patterns], [re.compile(p) for p in q.zero_patterns]) for q in QUANTITIES}


@dataclass(frozen=True)
class Target:
    """Where the tables hold a quantity, and the values a statement may rightly give."""

    table: str
    row: RowPath
    column: ColPath
    accepted: tuple[int, ...]
    label: str | None = None  # how the message names a place that is a sum of cells
    parts: tuple[tuple[RowPath, ColPath], ...] = ()  # the cells a sum adds up (empty: the one cell above)


def targets(report: Report) -> dict[str, Target]:
    fmt = report.format
    out: dict[str, Target] = {}
    total = fmt.column("三", "total")

    def t3(*ids: str) -> int | None:
        value = num(report.get("三", fmt.row("三", *ids), total))
        return int(value) if value is not None else None

    def t3_group(*ids: str) -> int | None:
        value = num(report.sum_rows("三", fmt.row("三", *ids), total))
        return int(value) if value is not None else None

    def add(
        qid: str,
        table: str,
        row: RowPath,
        column: ColPath,
        *values: int | None,
        label: str | None = None,
        parts: tuple[tuple[RowPath, ColPath], ...] = (),
    ) -> None:
        if values and all(v is not None for v in values):
            out[qid] = Target(table, row, column, tuple(values), label, parts)  # type: ignore[arg-type]

    received, carried_in = t3("received"), t3("carried_in")
    add(
        "received",
        "三",
        fmt.row("三", "received"),
        total,
        received,
        None if received is None or carried_in is None else received + carried_in,
    )
    add("carried_in", "三", fmt.row("三", "carried_in"), total, carried_in)
    add("handled", "三", fmt.row("三", "outcomes", "total"), total, t3("outcomes", "total"))
    add("carried_over", "三", fmt.row("三", "carried_over"), total, t3("carried_over"))
    disclosed, partly = t3("outcomes", "disclosed"), t3("outcomes", "partly")
    add("disclosed", "三", fmt.row("三", "outcomes", "disclosed"), total, disclosed)
    add("partly", "三", fmt.row("三", "outcomes", "partly"), total, partly)
    if disclosed is not None and partly is not None:
        add(
            "disclosed_partly",
            "三",
            fmt.row("三", "outcomes", "disclosed")[:-1],
            total,
            disclosed + partly,
            label="表三 / （一）予以公开 + （二）部分公开 / 总计",
            parts=((fmt.row("三", "outcomes", "disclosed"), total), (fmt.row("三", "outcomes", "partly"), total)),
        )
    for qid in ("withheld", "unavailable", "not_processed"):
        add(qid, "三", fmt.row("三", "outcomes", qid), total, t3_group("outcomes", qid))
    review_total = fmt.column("四", "review", "total")
    add("review", "四", (), review_total, num(report.get("四", (), review_total)))  # type: ignore[arg-type]
    direct_total, after_total = fmt.column("四", "direct", "total"), fmt.column("四", "after_review", "total")
    direct = num(report.get("四", (), direct_total))
    after = num(report.get("四", (), after_total))
    if direct is not None and after is not None:
        add(
            "litigation",
            "四",
            (),
            ("行政诉讼",),
            int(direct + after),
            label="表四 / 行政诉讼 / 未经复议直接起诉 + 复议后起诉 / 总计",
            parts=(((), direct_total), ((), after_total)),
        )
    column_id = "issued" if fmt.version == "2021" else "made"
    column = fmt.column("二", column_id, part="art20_1")
    row = fmt.row("二", "art20_1", "normative")
    value = num(report.get("二", row, column))
    add("normative", "二", row, column, int(value) if value is not None else None)
    return out


@dataclass(frozen=True)
class Statement:
    quantity: str
    value: int
    section: str
    quote: str
    span: tuple[int, int] | None = None  # where the number stands in the section's text (None: stated in words)


def clauses(text: str) -> Iterator[str]:
    """The text's clauses (split at sentence and comma punctuation), full-width digits made plain."""
    for _, clause in clause_spans(text):
        yield clause


def clause_spans(text: str) -> Iterator[tuple[int, str]]:
    """Each clause of :func:`clauses` with its offset in ``text``."""
    for m in CLAUSE_RUN.finditer(text[:MAX_TEXT].translate(FULL_WIDTH)):
        clause = m.group(0)
        if clause.strip():
            yield m.start() + len(clause) - len(clause.lstrip()), clause.strip()


def statements(report: Report) -> Iterator[Statement]:
    """Every unambiguous statement of a table quantity in the report's prose."""
    for sid in PROSE_SECTIONS:
        # A reference ({{表三 一 总计}}) is consistent by construction: only typed numbers are read.
        yield from section_statements(report, sid, mask(report.sections.get(sid), keep_length=True))


def section_statements(report: Report, sid: str, text: str) -> Iterator[Statement]:
    """The statements in one section's (masked) text, with the number's place in that text."""
    years = {str(report.meta.year)}
    for offset, clause in clause_spans(text):
        if COMPARISON.search(clause):
            continue
        foreign_year = any(y not in years for y in YEAR.findall(clause))
        taken: list[tuple[int, int]] = []
        for quantity in QUANTITIES:
            if quantity.excluded.search(clause) or (foreign_year and not quantity.other_years):
                continue
            patterns, zeros = _COMPILED[quantity.id]
            for pattern in patterns:
                for match in pattern.finditer(clause):
                    if any(match.start() < b and a < match.end() for a, b in taken):
                        continue
                    value = parse_number(match.group("n"))
                    if value is None:
                        continue
                    taken.append(match.span())
                    start, end = match.span("n")
                    yield Statement(quantity.id, value, sid, clause, (offset + start, offset + end))
            for pattern in zeros:
                match = pattern.search(clause)
                if match and not any(match.start() < b and a < match.end() for a, b in taken):
                    taken.append(match.span())
                    yield Statement(quantity.id, 0, sid, clause)


def _section_name(report: Report, sid: str) -> str:
    if sid == PREAMBLE:
        return "报告开头"
    return report.format.section(sid).title


@registry.register(
    "prose-numbers",
    "warning",
    title="正文与表格数字",
    message="正文所述数字（收到、办结、结转申请，办理结果，行政复议、诉讼，制发规范性文件）须与表格一致",
)
def prose_numbers(ctx: CheckContext) -> Iterator[Finding]:
    report = ctx.report
    found_targets = targets(report)
    by_quantity: dict[str, list[Statement]] = {}
    for statement in statements(report):
        if statement.quantity in found_targets:
            by_quantity.setdefault(statement.quantity, []).append(statement)
    names = {q.id: q.name for q in QUANTITIES}
    for qid, found in by_quantity.items():
        target = found_targets[qid]
        if any(s.value in target.accepted for s in found):
            continue  # one statement agrees: the others likely speak of a part
        seen: set[int] = set()
        for s in found:
            if s.value in seen:
                continue
            seen.add(s.value)
            where = target.label or place(report, target.table, target.row, target.column)
            message = (
                f"{_section_name(report, s.section)}：正文“{_cut(s.quote)}”称{names[qid]} {s.value} 件，"
                f"而{where}为 {target.accepted[0]}"
            )
            if target.label:
                # A sum of several cells is no one place in the tables: the place is the prose, and
                # ``actual`` is the figure the prose states there.
                yield registry.finding(
                    "prose-numbers",
                    section=s.section,
                    expected=str(target.accepted[0]),
                    actual=str(s.value),
                    message=message,
                )
                continue
            # The place is the table cell, so ``actual`` is the cell's value; the prose figure is
            # what the statement expects the cell to hold.
            yield registry.finding(
                "prose-numbers",
                table=target.table,
                row=target.row,
                column=target.column,
                section=s.section,
                expected=str(s.value),
                actual=str(target.accepted[0]),
                message=message,
            )


def _cut(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


# ---------------------------------------------------------------------------------------------
# Stated totals against their listed parts

UNITS = "条件个项篇期次份"
ITEM = re.compile(rf"^(?P<label>[^\d，、；:：]{{1,20}}?)(?P<n>{NUMBER})(?P<u>[{UNITS}])$")
INCOMPLETE = re.compile(r"等|其余|另有|以上|包括|约|余|多")
LOOKBACK = 80


@dataclass(frozen=True)
class Breakdown:
    section: str
    total: int
    quote: str
    items: tuple[tuple[str, int], ...]
    unit: str


def breakdowns(report: Report) -> Iterator[Breakdown]:
    """Every "N units … 其中 A n1 units, B n2 units …" whose list is complete and of one unit."""
    for sid in PROSE_SECTIONS:
        text = mask(report.sections.get(sid))[:MAX_TEXT].translate(FULL_WIDTH)
        for paragraph in text.split("\n"):
            for match in re.finditer("其中", paragraph):
                found = _breakdown(sid, paragraph, match.start(), match.end())
                if found is not None:
                    yield found


def _breakdown(sid: str, paragraph: str, start: int, end: int) -> Breakdown | None:
    sentence = re.split(r"[。！？!?]", paragraph[end:], maxsplit=1)[0]
    segments = [s.strip() for s in re.split(r"[，、；,;]", sentence.lstrip("：:，, "))]
    segments = [s for s in segments if s]
    items: list[tuple[str, int]] = []
    units = set()
    for segment in segments:
        m = ITEM.match(segment)
        if m is None or INCOMPLETE.search(segment):
            return None  # a segment that is not "label n unit": the list may be partial
        value = parse_number(m.group("n"))
        if value is None:
            return None
        items.append((m.group("label"), value))
        units.add(m.group("u"))
    if len(items) < 2 or len(units) != 1:
        return None
    unit = units.pop()
    before = paragraph[max(0, start - LOOKBACK) : start]
    for stop in ("其中", MASK):  # a reference may be the total: never reach past it to an earlier number
        if stop in before:
            before = before[before.rindex(stop) + len(stop) :]
    totals = list(re.finditer(rf"(?P<n>{NUMBER}){unit}", before))
    if not totals:
        return None
    last = totals[-1]
    total = parse_number(last.group("n"))
    if total is None:
        return None
    clause_start = max(before.rfind(ch, 0, last.start()) for ch in "，。；,;：") + 1
    if INCOMPLETE.search(before[clause_start : last.end() + 2]):
        return None
    quote = before[clause_start : last.end()].strip()
    return Breakdown(sid, total, quote, tuple(items), unit)


@registry.register("prose-sum", "warning", title="正文合计", message="正文所述总数须等于其后“其中”所列各项之和")
def prose_sum(ctx: CheckContext) -> Iterator[Finding]:
    report = ctx.report
    for b in breakdowns(report):
        parts = [n for _, n in b.items]
        total = sum(parts)
        running = 0
        prefix_hits = False
        for n in parts[:-1]:
            running += n
            prefix_hits = prefix_hits or running == b.total
        if total == b.total or prefix_hits:
            continue  # equal, or the list holds two breakdowns of the same total
        listed = " + ".join(f"{label}{n}" for label, n in b.items)
        yield registry.finding(
            "prose-sum",
            section=b.section,
            expected=str(total),
            actual=str(b.total),
            message=(
                f"{_section_name(report, b.section)}：正文“{_cut(b.quote)}”，"
                f"而其后“其中”所列各项之和为 {total} {b.unit}（{listed}）"
            ),
        )
