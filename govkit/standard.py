"""Standard paragraphs for the parts every agency writes from its tables, written with references.

:func:`standard_paragraphs` gives, for sections 二 (主动公开 counts of table 二), 三 (依申请公开) and
四 (行政复议、行政诉讼), one paragraph in the register of the official reports whose every figure is
a table reference (``{{表三 一 总计}}``), so it cannot contradict the tables; the writer keeps,
changes or deletes it. ``govkit new --standard-text`` puts them into the (empty) sections of a new
report (opt-in: a new file holds no text nobody asked for); the editor inserts one with a button.
"""

from __future__ import annotations

from govkit.formats import ColPath, RowPath
from govkit.model import Report
from govkit.references import reference_for, short_label

SECTIONS = ("二", "三", "四")


def _ref(report: Report, table: str, row: RowPath, column: ColPath) -> str:
    return reference_for(report, table, row, column)


def _sum(*refs: str) -> str:
    return "{{" + " + ".join(r[2:-2] for r in refs) + "}}"


def _section_2(report: Report) -> str:
    fmt = report.format
    art1 = "art20_1"
    rules, normative = fmt.row("二", art1, "rules"), fmt.row("二", art1, "normative")
    normative_name = short_label(next(s for s in fmt.table("二").parts[0].rows if s.id == "normative"))

    def pair(column_id: str, verb: str) -> str:
        col = fmt.column("二", column_id, part=art1)
        return f"{verb}规章{_ref(report, '二', rules, col)}件、{normative_name}{_ref(report, '二', normative, col)}件"

    def decisions(part: str, row_ids: tuple[str, ...], column_id: str) -> list[str]:
        col = fmt.column("二", column_id, part=part)
        out = []
        for row_id in row_ids:
            row = fmt.row("二", part, row_id)
            out.append(f"{row[-1]}决定{_ref(report, '二', row, col)}件")
        return out

    if fmt.has_column("二", "issued", part=art1):  # the 2021 block: 制发 / 废止 / 现行有效
        first = "，".join([pair("issued", "制发"), pair("repealed", "废止"), pair("in_force", "现行有效")])
        made = decisions("art20_5", ("licensing",), "decisions") + decisions(
            "art20_6", ("penalty", "coercion"), "decisions"
        )
        fee_row = fmt.row("二", "art20_8", "fees")
        fee_col = fmt.column("二", "fee_amount", part="art20_8")
        fee = f"收取行政事业性收费{_ref(report, '二', fee_row, fee_col)}万元"
        return f"本年度，本机关{first}；作出{'、'.join(made)}；{fee}。具体情况见下表。"
    first = "，".join([pair("made", "新制作"), pair("published", "新公开"), pair("published_total", "对外公开")])
    made = decisions("art20_5", ("licensing", "other_services"), "decisions") + decisions(
        "art20_6", ("penalty", "coercion"), "decisions"
    )
    proc_row = fmt.row("二", "art20_9", "procurement")
    items = _ref(report, "二", proc_row, fmt.column("二", "procurement_items", part="art20_9"))
    amount = _ref(report, "二", proc_row, fmt.column("二", "procurement_amount", part="art20_9"))
    return (
        f"本年度，本机关{first}；作出{'、'.join(made)}；"
        f"政府集中采购项目{items}项，采购总金额{amount}万元。具体情况见下表。"
    )


def _section_3(report: Report) -> str:
    fmt = report.format
    total = fmt.column("三", "total")
    natural = fmt.column("三", "natural")
    legal = [fmt.column("三", cid) for cid in ("commercial", "research", "public_welfare", "legal_services", "other")]
    received, carried_in = fmt.row("三", "received"), fmt.row("三", "carried_in")
    outcomes = next(s for s in fmt.table("三").parts[0].rows if s.id == "outcomes")
    parts = [
        f"{short_label(spec)}{_ref(report, '三', fmt.row('三', 'outcomes', spec.id), total)}件"
        for spec in outcomes.children
        if spec.role != "total"
    ]
    handled = _ref(report, "三", fmt.row("三", "outcomes", "total"), total)
    over = _ref(report, "三", fmt.row("三", "carried_over"), total)
    legal_sum = _sum(*(_ref(report, "三", received, col) for col in legal))
    return (
        f"本年度，本机关共收到政府信息公开申请{_ref(report, '三', received, total)}件，"
        f"上年结转政府信息公开申请{_ref(report, '三', carried_in, total)}件。"
        f"本年新收申请中，自然人申请{_ref(report, '三', received, natural)}件，法人或其他组织申请{legal_sum}件。"
        f"本年度办理结果总计{handled}件，其中{'，'.join(parts)}；结转下年度继续办理{over}件。"
    )


def _section_4(report: Report) -> str:
    fmt = report.format
    part = fmt.table("四").parts[0]
    review = [(path, spec) for path, spec in part.leaf_columns() if path[0] == fmt.column("四", "review", "total")[0]]
    results = "，".join(
        f"{spec.label}{_ref(report, '四', (), path)}件" for path, spec in review if spec.role != "total"
    )
    direct = _ref(report, "四", (), fmt.column("四", "direct", "total"))
    after = _ref(report, "四", (), fmt.column("四", "after_review", "total"))
    direct_name = fmt.column("四", "direct", "total")[-2]
    after_name = fmt.column("四", "after_review", "total")[-2]
    return (
        f"本年度，本机关因政府信息公开工作被申请行政复议{_ref(report, '四', (), fmt.column('四', 'review', 'total'))}件，"
        f"其中{results}；被提起行政诉讼{_sum(direct, after)}件，其中{direct_name}{direct}件，{after_name}{after}件。"
    )


def standard_paragraphs(report: Report) -> dict[str, str]:
    """The standard paragraph of sections 二, 三 and 四 for this report's format."""
    return {"二": _section_2(report), "三": _section_3(report), "四": _section_4(report)}


def add_standard_paragraphs(report: Report, only_empty: bool = True) -> list[str]:
    """Put the standard paragraphs into the report's sections 二–四; return the sections changed.

    With ``only_empty`` (the default) a section that already holds text is left exactly as it is.
    """
    changed = []
    for sid, text in standard_paragraphs(report).items():
        current = report.sections.get(sid) or ""
        if only_empty and current.strip():
            continue
        report.sections[sid] = text if not current.strip() else current.rstrip("\n") + "\n" + text
        changed.append(sid)
    return changed
