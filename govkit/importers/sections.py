"""The six sections: headings (with the variants reports use) and the prose between them."""

from __future__ import annotations

import re
from functools import cache

from govkit.formats import Format
from govkit.importers.cells import clean_line, normalize

_KEYWORDS = {
    "一": ("总体情况",),
    "二": ("主动公开",),
    "三": ("收到和处理", "依申请公开", "处理政府信息公开申请"),
    "四": ("行政复议", "行政诉讼"),
    "五": ("主要问题", "改进情况", "存在的问题"),
    "六": ("其他需要报告", "其他事项"),
}
_NUMERAL = re.compile(r"^([一二三四五六])[、.]")
_CHROME = re.compile(
    r"ICP备|版权所有|主办单位|主办[:：]|承办[:：]|网站标识码|联系我们|网站地图|打印本页|关闭窗口|【打印】|【关闭】|"
    r"上一篇|下一篇|相关链接|相关文章|扫一扫|Copyright|©|字号[:：]|浏览次数|访问量|当前位置|您现在的位置|分享到|"
    r"发布日期|发布时间|信息来源|来源[:：]|索引号|文号[:：]|【大\s*中\s*小】|返回顶部|收藏本站|设为首页|打印\s*关闭|"
    r"^\s*(?:Page|PAGE|page)\s*\d+(?:\s*(?:of|/)\s*\d+)?\s*(?:[-–—|｜]|$)|^\s*第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?\s*(?:[-–—|｜]|$)"
)
_ATTACHMENT = re.compile(r"^附件\s*[0-9一二三四五六七八九十]*\s*[:：]?$")
_SENTENCE_END = ("。", "！", "？", "；", "!", "?", ";")


def heading_keywords() -> dict[str, tuple[str, ...]]:
    """Section id → the words that mark a numbered line (二、…) as that section's heading."""
    return dict(_KEYWORDS)


def heading_of(text: str, fmt: Format) -> str | None:
    """The section a line is the heading of, e.g. 五、政府信息公开工作存在的主要问题及改进情况 → 五."""
    key = normalize(text)
    if not key or len(key) > 40:
        return None
    section_id = _titles(fmt).get(key)
    if section_id is not None:
        return section_id
    match = _NUMERAL.match(key)
    if match and any(word in key for word in _KEYWORDS[match.group(1)]):
        return match.group(1)
    return None


@cache
def _titles(fmt: Format) -> dict[str, str]:
    """Normalised section title or alias → section id (asked once per imported paragraph)."""
    titles: dict[str, str] = {}
    for section in fmt.sections:
        for title in (section.title, *section.aliases):
            titles.setdefault(normalize(title), section.id)
    return titles


def is_chrome(line: str) -> bool:
    """Page furniture around a published report: navigation, footers, share and print links."""
    text = clean_line(line)
    return len(text) <= 80 and bool(_CHROME.search(text))


def is_attachment_marker(line: str) -> bool:
    return bool(_ATTACHMENT.match(clean_line(line)))


def is_prose(line: str) -> bool:
    """Running text rather than a table cell copied as a line."""
    text = clean_line(line)
    return text.endswith(_SENTENCE_END) or len(text) >= 40
