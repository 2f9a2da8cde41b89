"""Who published a report and for which year, read from its title; the agency's level from its name."""

from __future__ import annotations

import re
from datetime import date

from govkit.importers.cells import clean_line

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?")
_REPORT = re.compile(r"政府信息公开(?:工作)?年度?报告")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?")
_LABELLED_DATE = re.compile(r"(?:发布日期|发布时间|成文日期|公开日期)\s*[:：]?\s*" + _DATE.pattern)
_AGENCY_JUNK = re.compile(r"^[《“\"]+|[》”\"]+$|^关于")
_DISTRICT = re.compile(r"^(.*?(?:区|县|旗))(?!人民政府$)(.+)$")


def find_title(lines: list[str], limit: int = 80) -> tuple[int, str | None, int | None] | None:
    """The index of the title line, the agency and the year it names (either may be missing)."""
    for i, raw in enumerate(lines):
        line = clean_line(raw)
        if len(line) > limit or not _REPORT.search(line):
            continue
        head = line[: _REPORT.search(line).start()]  # type: ignore[union-attr]
        year_match = _YEAR.search(head)
        year = int(year_match.group(1)) if year_match else None
        agency = head
        if year_match:
            before, after = head[: year_match.start()], head[year_match.end() :]
            agency = before if clean_line(before) else after
        agency = _AGENCY_JUNK.sub("", clean_line(agency)).strip()
        if not agency and i > 0:
            previous = next((clean_line(p) for p in reversed(lines[:i]) if clean_line(p)), "")
            if previous and len(previous) <= 40 and not re.search(r"[。，,：:；>]", previous):
                agency = previous
        if year is None and not agency:
            continue
        return i, agency or None, year
    return None


def guess_level(agency: str) -> str:
    """The level of an agency from its name: 镇/乡 → 乡镇, 街道 → 街道, 局/委/办… → 部门, 区/县政府 → 区县政府."""
    name = re.sub(r"\s", "", agency)
    if re.search(r"街道(办事处)?$", name):
        return "街道"
    if re.search(r"(镇|乡)(人民政府)?$", name):
        return "乡镇"
    if re.search(r"(局|委|委员会|办|办公室|办公厅|厅|署|中心|院|所|队|站|处|部|会|馆|台)$", name):
        return "部门"
    if re.search(r"省人民政府$|省政府$", name):
        return "省政府"
    if re.search(r"(区|县|旗|县级市)(人民)?政府$", name) or re.search(r"(区|县|旗)$", name):
        return "区县政府"
    if re.search(r"市(人民)?政府$", name):
        return "市政府"
    return "其他"


def split_agency(agency: str, level: str) -> tuple[str | None, str | None]:
    """(short name, district): 北京市密云区穆家峪镇 → (穆家峪镇, 北京市密云区)."""
    if level in ("市政府", "省政府"):
        return None, None
    if level == "区县政府":
        return None, re.sub(r"(人民)?政府$", "", agency) or None
    match = _DISTRICT.match(agency)
    if not match:
        return None, None
    return match.group(2), match.group(1)


def find_published(lines: list[str], tail_from: int) -> date | None:
    """A publication date the report states: a labelled one anywhere, or a date line after the last section."""
    for raw in lines:
        match = _LABELLED_DATE.search(raw)
        if match:
            return _date(match.groups())
    for raw in lines[tail_from:]:
        line = clean_line(raw)
        match = _DATE.fullmatch(line)
        if match:
            return _date(match.groups())
    return None


def is_date_line(line: str) -> bool:
    return _DATE.fullmatch(clean_line(line)) is not None


def _date(parts: tuple[str, ...]) -> date | None:
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None
