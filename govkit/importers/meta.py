"""Who published a report and for which year: found in the text, or given, never invented.

The title is looked for on one line or wrapped over up to three (agency and year on one line,
年度报告 on the next), inside Markdown headings, after 标题：, and behind a ``Page N -`` page
header. A title inside a sentence (…特编制某局2020年政府信息公开工作年度报告。) gives its year, and
an agency only when the words before the year are a name on their own. The year may also come
from the statistics period (统计期限自2020年1月1日起至2020年12月31日止) or, flagged, from the
publication date. An agency that cannot be found with confidence is never taken from a sentence:
the flag or the file name stands in, with a finding.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from govkit.errors import ImportFailed
from govkit.formats import KNOWN_VERSIONS
from govkit.importers.cells import clean_line
from govkit.importers.sections import is_attachment_marker, is_chrome
from govkit.model import LEVELS, Meta

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?")
_REPORT = re.compile(r"政府信息公开(?:工作)?年度?报告")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?")
_LABELLED_DATE = re.compile(r"(?:发布日期|发布时间|成文日期|公开日期)\s*[:：]?\s*" + _DATE.pattern)
_PERIOD = re.compile(
    r"统计(?:期限|时限|时间|期间|区间|周期)[^。]{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日[^。]{0,6}?(?:至|到|—|-|－|~)\s*"
    r"((?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日"
)
_ATTACHMENT = re.compile(r"^附件\s*[0-9一二三四五六七八九十]*\s*[:：]?\s*")
_AGENCY_JUNK = re.compile(r"^[《“\"「]+|[》”\"」]+$|^关于|关于$")
_DISTRICT = re.compile(r"^(.*?(?:区|县|旗))(?!人民政府$)(.+)$")
_MARKDOWN = re.compile(r"^\s{0,3}#{1,6}\s*|(?<!\s)\s+#+\s*$|\*\*|__")
_PAGE_HEADER = re.compile(
    r"^(?:(?:page|PAGE|Page)\s*\d+(?:\s*(?:of|/)\s*\d+)?|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?)\s*[-–—:：|｜]\s*"
)
_LABEL = re.compile(r"^(?:标题|题目|文章标题|报告名称|名称)\s*[:：]\s*")
_SENTENCE = re.compile(r"[。，,；;：:！？!?]")
_NOT_A_NAME = re.compile(
    r"根据|依据|按照|条例|规定|编制|公布|发布|现将|如下|特此|本报告|以下|印发|[。，,；;：:、！？!?《》“”\"<>|（）()\s]"
)
_VERBS = re.compile(r"^(?:特|现|并|已|予以|正式)?(?:将|编制|公布|发布|形成|制定|编写|印发|报送|公开)(?:了|的)?")
_INSTITUTION = re.compile(
    r"(?:人民政府|政府|办事处|街道|委员会|办公室|办公厅|局|委|办|厅|署|中心|院|所|队|站|处|部|会|馆|台|镇|乡|区|县|旗|市|州|盟)"
    r"[一二三四五六七八九十\d]*$"
)
_SELF = ("街道", "镇", "乡", "局", "委", "办", "区", "县")
_SELF_WORDS = ("本", "我", "该", "全", "各")  # 本镇, 我局: a reference, not a name
_SOURCE = re.compile(r"^(?:信息来源|来源|发布机构|发文机关|发布单位|主办单位)\s*[:：]\s*(\S+)$")


class Title(NamedTuple):
    """A report title found in the text: its (last) line, the agency and the year it names."""

    at: int
    agency: str | None
    year: int | None
    in_sentence: bool = False
    text: str = ""


@dataclass(frozen=True)
class Given:
    """What the person importing states (``--year``, ``--agency``, ``--level``, ``--format``); None: not given."""

    year: int | None = None
    agency: str | None = None
    level: str | None = None
    format: str | None = None

    def __post_init__(self) -> None:
        if self.year is not None and not 2008 <= self.year <= 2100:
            raise ImportFailed(f"--year {self.year}：年度应在 2008–2100 之间")
        if self.level is not None and self.level not in LEVELS:
            raise ImportFailed(f"--level {self.level}：层级应为 {'、'.join(LEVELS)} 之一")
        if self.format is not None and self.format not in KNOWN_VERSIONS:
            raise ImportFailed(f"--format {self.format}：格式应为 {' 或 '.join(KNOWN_VERSIONS)}")
        if self.agency is not None and not title_text(self.agency):
            raise ImportFailed("--agency：机关名称不能为空")


Note = Callable[[str, str, int | None], None]  # (rule, message, paragraph index)


def title_text(line: str) -> str:
    """A line without the markup around a title: Markdown markers, 标题：, a ``Page N -`` page header."""
    text = _MARKDOWN.sub("", clean_line(line))
    for pattern in (_PAGE_HEADER, _LABEL):
        text = pattern.sub("", clean_line(text))
    return clean_line(text)


def find_title(lines: list[str], limit: int = 80) -> Title | None:
    """The report's title: a line (or up to three wrapped lines) that names the report, else one in a sentence."""
    in_sentence: Title | None = None
    for i, raw in enumerate(lines):
        line = title_text(raw)
        if not line:
            continue
        found = _REPORT.search(line)
        if found and len(line) <= limit and _standalone(line, found):
            title = _from_title_line(lines, i, i, line, found)
            if title is not None:
                return title
            continue
        if found:
            in_sentence = in_sentence or _from_sentence(i, line, found)
            continue
        wrapped = _wrapped(lines, i, limit)
        if wrapped is not None:
            return wrapped
    return in_sentence


def _standalone(text: str, found: re.Match[str]) -> bool:
    """Whether the report's name ends the text and nothing before it reads as a sentence."""
    tail = text[found.end() :]
    return (
        not _SENTENCE.search(text[: found.start()]) and re.fullmatch(r"[（(][^）)]{0,8}[）)]|[。.]?", tail) is not None
    )


def _wrapped(lines: list[str], i: int, limit: int) -> Title | None:
    """A title wrapped by the page: its first line here, the report's name completed on the next one or two."""
    parts = [title_text(lines[i])]
    if len(parts[0]) > 40 or _SENTENCE.search(parts[0]):
        return None
    j = i
    for _ in range(2):
        j += 1
        while j < len(lines) and not title_text(lines[j]):
            j += 1
        if j >= len(lines):
            return None
        part = title_text(lines[j])
        if len(part) > 40 or _SENTENCE.search(part):
            return None
        parts.append(part)
        joined = "".join(parts)
        found = _REPORT.search(joined)
        if found and len(joined) <= limit:
            if found.start() >= len(joined) - len(part) or not _standalone(joined, found):
                return None  # the name is whole on the later line: that line is the title, not a wrap
            return _from_title_line(lines, i, j, joined, found)
    return None


def _from_title_line(lines: list[str], first: int, last: int, line: str, found: re.Match[str]) -> Title | None:
    head = line[: found.start()]
    year_match = _YEAR.search(head)
    year = int(year_match.group(1)) if year_match else None
    agency = head
    if year_match:
        before, after = head[: year_match.start()], head[year_match.end() :]
        agency = before if clean_line(before) else after
    agency = re.sub(r"\s+", "", _ATTACHMENT.sub("", _AGENCY_JUNK.sub("", clean_line(agency)).strip()))
    if not agency and first > 0:
        previous = next((title_text(p) for p in reversed(lines[:first]) if title_text(p)), "")
        chrome = is_chrome(previous) or is_attachment_marker(previous) or is_date_line(previous)
        if previous and len(previous) <= 40 and not chrome and not re.search(r"[。，：:；>]", previous):
            agency = previous
    if agency and not plausible_agency(agency):
        agency = ""
    if year is None and not agency:
        return None
    return Title(last, agency or None, year, False, line)


def _from_sentence(i: int, line: str, found: re.Match[str]) -> Title | None:
    """Year, and a name if it stands alone, from a sentence such as …特编制某局2020年政府信息公开工作年度报告."""
    head = line[: found.start()]
    years = list(_YEAR.finditer(head))
    if not years:
        return None
    last = years[-1]
    if clean_line(head[last.end() :]):
        return None  # words between the year and the report's name: not this report's title
    segment = re.split(r"[。，,；;：:、！？!?《》“”\"（）()\s]", head[: last.start()])[-1]
    agency = _VERBS.sub("", segment)
    ok = plausible_agency(agency) and _INSTITUTION.search(agency) is not None and not agency.startswith(_SELF_WORDS)
    return Title(i, agency if ok else None, int(last.group(1)), True, line)


def plausible_agency(name: str) -> bool:
    """Whether text can be an agency's name: short, no sentence words or punctuation."""
    return 2 <= len(name) <= 40 and not _NOT_A_NAME.search(name) and not _YEAR.search(name)


def statistics_year(lines: list[str]) -> tuple[int, int] | None:
    """The year the report's statistics period covers (1 January to 31 December of one year) and its line."""
    for i, line in enumerate(lines):
        match = _PERIOD.search(line)
        if match and match.group(1) == match.group(2):
            return int(match.group(1)), i
    return None


def resolve_meta(
    paragraphs: list[str],
    title: Title | None,
    hints: dict[str, str],
    given: Given,
    name: str,
    published: date | None,
    note: Note,
) -> Meta:
    """The report's metadata from the flags, the source's explicit hints and the text, in that order."""
    year = given.year or _int(hints.get("year")) or (title.year if title else None)
    if year is None:
        year = _year_elsewhere(paragraphs, hints, name, published, note)
    if not 2008 <= year <= 2100:
        raise ImportFailed(f"{name}：报告年度 {year} 不在 2008–2100 之间；可用 --year 指定")
    agency = given.agency or hints.get("agency") or (title.agency if title else None)
    if not agency and hints.get("page_title"):
        page = find_title([hints["page_title"]])
        agency = page.agency if page and not page.in_sentence else None
    if not agency:
        agency = _self_named(paragraphs, note)
    if not agency:
        agency = re.sub(r"[\s.]+", "", name.rsplit("/", 1)[-1].rsplit(".", 1)[0])[:60] or "未知机关"
        shown = f"（标题为「{title.text[:60]}」）" if title else "（没有找到标题）"
        note(
            "import-agency-uncertain",
            f"未能可靠识别机关名称{shown}，暂以文件名「{agency}」作为机关名称；请核对，或用 --agency 指定",
            title.at if title else None,
        )
    agency = _meta_text(title_text(agency))
    if not agency:
        agency = "未知机关"
        note("import-agency-uncertain", "机关名称无法识别，暂以「未知机关」导入；请用 --agency 指定", None)
    level = given.level or (hints.get("level") if hints.get("level") in LEVELS else None) or guess_level(agency)
    short, district = split_agency(agency, level)
    if "short_name" in hints or "district" in hints:
        short, district = hints.get("short_name") or None, hints.get("district") or None
    return Meta(
        agency=agency,
        year=year,
        level=level,
        short_name=_meta_text(short) or None if short else None,
        district=_meta_text(district) or None if district else None,
        published=published,
    )


def _year_elsewhere(paragraphs: list[str], hints: dict[str, str], name: str, published: date | None, note: Note) -> int:
    period = statistics_year(paragraphs)
    if period is not None:
        return period[0]  # the statistics period states the year as plainly as a title
    if published is not None and published.month <= 6:
        note(
            "import-missing-meta",
            f"标题中没有年度，按发布日期 {published.isoformat()} 推断为 {published.year - 1} 年度，请核对或用 --year 指定",
            next((i for i, line in enumerate(paragraphs) if _date_of(line) == published), None),
        )
        return published.year - 1
    years = Counter(int(y) for line in paragraphs[:60] for y in re.findall(r"((?:19|20)\d{2})年", line))
    if years:
        year = years.most_common(1)[0][0]
        note(
            "import-missing-meta", f"标题中没有年度，按正文中最常出现的年份 {year} 年导入，请核对或用 --year 指定", None
        )
        return year
    stem = name.rsplit("/", 1)[-1]
    in_name = re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", stem)
    if len(set(in_name)) == 1:
        note(
            "import-missing-meta",
            f"报告中没有年度，按文件名「{stem}」中的 {in_name[0]} 年导入，请核对或用 --year 指定",
            None,
        )
        return int(in_name[0])
    raise ImportFailed(
        f"{name}：找不到报告年度（标题、统计期限、发布日期和正文中都没有），请用 --year 指定，例如 --year 2020"
    )


def _self_named(paragraphs: list[str], note: Note) -> str | None:
    """The agency a report calls 我镇/我局, named where the page names its publisher.

    The name is taken only from a line that is nothing but a name (the signature above the date) or
    from a 来源：/发布机构： label, only when its suffix matches the 我X the text uses, and only when
    exactly one such name is found.
    """
    text = "".join(paragraphs)
    for word in _SELF:
        if f"我{word}" not in text:
            continue
        names: dict[str, int] = {}
        for i, line in enumerate(paragraphs):
            line = title_text(line)
            labelled = _SOURCE.match(line)
            candidate = labelled.group(1) if labelled else line
            candidate = re.sub(r"(?:人民政府|政府)$", "", candidate) if word in ("镇", "乡", "街道") else candidate
            if plausible_agency(candidate) and len(candidate) <= 30 and candidate.endswith(word):
                names.setdefault(candidate, i)
        if len(names) == 1:
            name, at = names.popitem()
            note(
                "import-missing-meta",
                f"标题中没有机关名称，按正文中的「我{word}」和署名/来源「{name}」导入，请核对或用 --agency 指定",
                at,
            )
            return name
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


def _date_of(line: str) -> date | None:
    match = _DATE.search(line)
    return _date(match.groups()) if match else None


def is_date_line(line: str) -> bool:
    return _DATE.fullmatch(clean_line(line)) is not None


def _date(parts: tuple[str, ...]) -> date | None:
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def _meta_text(text: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f\x85\u2028\u2029]", "", text).strip()[:200]


def _int(text: str | None) -> int | None:
    try:
        return int(str(text).strip()) if text not in (None, "") else None
    except ValueError:
        return None
