"""Prose against tables (R12) and stated totals against the parts the prose lists.

Both rules are deliberately conservative: a sentence is only read when its wording is unambiguous,
and a quantity is only reported when no statement about it agrees with the tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from govkit.checks.common import num, place
from govkit.checks.numerals import FULL_WIDTH, NUMBER, parse_number
from govkit.checks.registry import CheckContext, registry
from govkit.findings import Finding
from govkit.formats import ColPath, RowPath
from govkit.model import PREAMBLE, Report
from govkit.references import MASK, mask, sentence_at

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
# Outcomes of cases (upheld, corrected, lost …): "未发生…纠错" says nothing about how many cases there were.
CASE_DETAIL = re.compile(r"维持|纠正|纠错|败诉|撤销|确认违法|改变|其他结果|审结|其中")
# Table 二's decisions: a clause about reviews, sub-scopes or other periods is not the row's count.
DECISION_SCOPE = re.compile(r"其中|复议|诉讼|网上|线上|即办|承诺|公示|信息|条")
_DECIDE = r"(?:处理|办理|作出|办结|审批|实施|受理)"


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
    *(
        Quantity(
            qid,
            word,
            (
                rf"{_DECIDE}了?{G}{{0,4}}?{word}{G}{{0,8}}?{N}件",
                rf"{word}{G}{{0,6}}?{_DECIDE}了?{G}{{0,4}}?{N}件",
                rf"{_DECIDE}了?{G}{{0,3}}?{N}件{G}{{0,4}}?{word}",
            ),
            excluded=DECISION_SCOPE,
        )
        for qid, word in (("licensing", "行政许可"), ("penalty", "行政处罚"), ("coercion", "行政强制"))
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

    applicants = [path for path, _ in report.table("三").parts[0].leaf_columns() if path != total]
    computed: set[RowPath] = set()  # rows whose 总计 is blank: the figure is the applicant columns' sum

    def row_total(row: RowPath) -> int | None:
        value = num(report.get("三", row, total))
        if value is None:
            parts = [num(report.get("三", row, c)) for c in applicants]
            if any(p is None for p in parts):
                return None
            computed.add(row)
            return int(sum(parts))  # type: ignore[arg-type]
        return int(value)

    def t3(*ids: str) -> int | None:
        return row_total(fmt.row("三", *ids))

    def t3_group(*ids: str) -> int | None:
        prefix = fmt.row("三", *ids)
        values = [row_total(r) for r in report.rows("三") if r[: len(prefix)] == prefix]
        return None if not values or any(v is None for v in values) else sum(values)  # type: ignore[arg-type]

    def cells_of(*prefixes: RowPath) -> tuple[tuple[RowPath, ColPath], ...]:
        rows = [r for r in report.rows("三") if any(r[: len(p)] == p for p in prefixes)]
        if not any(r in computed for r in rows):
            return ()
        return tuple((r, c) for r in rows for c in ([total] if r not in computed else applicants))

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

    def add3(qid: str, row: RowPath, *values: int | None, label: str | None = None) -> None:
        """A table-三 quantity; where a 总计 is blank the figure is the sum of the applicant columns."""
        parts = cells_of(row)
        if parts:
            label = (label or place(report, "三", row, total)) + "（总计栏空白，按各申请人栏目之和）"
        add(qid, "三", row, total, *values, label=label, parts=parts)

    received, carried_in = t3("received"), t3("carried_in")
    add3(
        "received",
        fmt.row("三", "received"),
        received,
        None if received is None or carried_in is None else received + carried_in,
    )
    add3("carried_in", fmt.row("三", "carried_in"), carried_in)
    add3("handled", fmt.row("三", "outcomes", "total"), t3("outcomes", "total"))
    add3("carried_over", fmt.row("三", "carried_over"), t3("carried_over"))
    disclosed, partly = t3("outcomes", "disclosed"), t3("outcomes", "partly")
    add3("disclosed", fmt.row("三", "outcomes", "disclosed"), disclosed)
    add3("partly", fmt.row("三", "outcomes", "partly"), partly)
    if disclosed is not None and partly is not None:
        both = (fmt.row("三", "outcomes", "disclosed"), fmt.row("三", "outcomes", "partly"))
        label = "表三 / （一）予以公开 + （二）部分公开 / 总计"
        parts = cells_of(*both)
        add(
            "disclosed_partly",
            "三",
            both[0][:-1],
            total,
            disclosed + partly,
            label=label + "（总计栏空白，按各申请人栏目之和）" if parts else label,
            parts=parts or tuple((r, total) for r in both),
        )
    for qid in ("withheld", "unavailable", "not_processed"):
        add3(qid, fmt.row("三", "outcomes", qid), t3_group("outcomes", qid))
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
    column = fmt.columns_with_role("二", "issued", part="art20_1")[0]
    row = fmt.row("二", "art20_1", "normative")
    value = num(report.get("二", row, column))
    add("normative", "二", row, column, int(value) if value is not None else None)
    for qid, part in (("licensing", "art20_5"), ("penalty", "art20_6"), ("coercion", "art20_6")):
        row = fmt.row("二", part, qid)
        column = fmt.column("二", "decisions", part=part)
        value = num(report.get("二", row, column))
        add(qid, "二", row, column, int(value) if value is not None else None)
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
                zero = pattern.search(clause)
                if zero and not any(zero.start() < b and a < zero.end() for a, b in taken):
                    taken.append(zero.span())
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
                f"{_section_name(report, s.section)}：正文“{_cut(_sentence(report, s), 120)}”称{names[qid]} {s.value} 件，"
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


def _sentence(report: Report, statement: Statement) -> str:
    """The whole sentence a statement was read from (its clause if its place is not known)."""
    if statement.span is None:
        return statement.quote
    return sentence_at(report.sections.get(statement.section) or "", *statement.span) or statement.quote


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
    listed: str = "其后“其中”所列各项"


# A stated 主动公开 total, then the channels it went through (通过门户网站公开800条，政务微博200条…).
PUBLISHED_TOTAL = re.compile(rf"主动公开{G}{{0,16}}?(?:{NUMBER})[{UNITS}]")
CHANNEL = re.compile(
    r"网站|网|微博|微信|公众号|新媒体|客户端|APP|App|公开栏|公告栏|宣传栏|报|广播|电视|平台|头条|抖音|专栏"
)


def breakdowns(report: Report) -> Iterator[Breakdown]:
    """Every "N units … 其中 A n1 units, B n2 units …" whose list is complete and of one unit.

    A stated 主动公开 total followed directly (same or next sentence) by the channels it went
    through counts as such a list too, when every item names a channel.
    """
    for sid in PROSE_SECTIONS:
        text = mask(report.sections.get(sid))[:MAX_TEXT].translate(FULL_WIDTH)
        for paragraph in text.split("\n"):
            for match in re.finditer("其中", paragraph):
                found = _breakdown(sid, paragraph, match.start(), match.end())
                if found is not None:
                    yield found
            for match in PUBLISHED_TOTAL.finditer(paragraph):
                rest = paragraph[match.end() :]
                lead = re.match(r"[，。；,;：:]?\s*(?:分别|主要|包括|具体)?(?:为|是|有)?[：:]?", rest)
                skip = lead.end() if lead else 0
                if rest[skip:].startswith("其中"):
                    continue  # read above
                found = _breakdown(sid, paragraph, match.end(), match.end() + skip)
                if found is not None and all(CHANNEL.search(label) for label, _ in found.items):
                    yield replace(found, listed="其后所列各公开渠道")


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
                f"而{b.listed}之和为 {total} {b.unit}（{listed}）"
            ),
        )


# ---------------------------------------------------------------------------------------------
# A stated total of applications against the handled and carried-over figures stated after it

SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
STATED_TOTAL = re.compile(r"总计|共计|合计|共")


@dataclass(frozen=True)
class Balance:
    section: str
    quote: str
    total: int
    handled: int
    carried_over: int
    carried_in: int | None


def balances(report: Report) -> Iterator[Balance]:
    """Every "共收到申请 N 件" followed, in the same or the next sentence, by 办结 a 件 and 结转 b 件."""
    for sid in PROSE_SECTIONS:
        text = mask(report.sections.get(sid), keep_length=True)[:MAX_TEXT].translate(FULL_WIDTH)
        sentences = [m.group(0) for m in SENTENCE.finditer(text) if m.group(0).strip()]
        for i, first in enumerate(sentences):
            stated = [s for s in section_statements(report, sid, first) if s.quantity == "received" and s.span]
            totals = [s for s in stated if STATED_TOTAL.search(s.quote)]
            if not totals:
                continue
            window = first + (sentences[i + 1] if i + 1 < len(sentences) else "")
            found: dict[str, int] = {}
            for s in section_statements(report, sid, window):
                found.setdefault(s.quantity, s.value)
            if "handled" not in found or "carried_over" not in found:
                continue
            yield Balance(
                sid,
                window.strip(),
                totals[0].value,
                found["handled"],
                found["carried_over"],
                found.get("carried_in"),
            )


@registry.register(
    "prose-balance",
    "warning",
    title="正文申请总数",
    message="正文所述申请总数须等于其后所述已办结与结转下年度继续办理之和（可含上年结转）",
)
def prose_balance(ctx: CheckContext) -> Iterator[Finding]:
    report = ctx.report
    fmt = report.format
    table_carried_in = num(report.get("三", fmt.row("三", "carried_in"), fmt.column("三", "total")))
    for b in balances(report):
        right = b.handled + b.carried_over
        accepted = {b.total}
        for carried_in in (b.carried_in, table_carried_in):
            if carried_in is not None:
                accepted.add(b.total + int(carried_in))
        if right in accepted:
            continue
        yield registry.finding(
            "prose-balance",
            section=b.section,
            expected=str(right),
            actual=str(b.total),
            message=(
                f"{_section_name(report, b.section)}：正文“{_cut(b.quote, 120)}”称共收到申请 {b.total} 件，"
                f"而其后所述已办结 {b.handled} 件 + 结转下年度 {b.carried_over} 件 = {right} 件"
            ),
        )
