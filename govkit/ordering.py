"""The order in which a district lists its agencies: by level, then the district's own order, then by name.

Levels come first (区县政府, 市政府, 省政府, 部门, 街道, 乡镇, 其他); within a level, agencies named in the
optional order file ``<params>/order.txt`` come in the file's order, all others after them in natural
order: numbers inside names compare by value, Chinese numerals included (示例局二 before 示例局十一).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from govkit.errors import GovkitError

ORDER_FILE = "order.txt"
LEVEL_ORDER = ("区县政府", "市政府", "省政府", "部门", "街道", "乡镇", "其他")  # every one of model.LEVELS

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMBER = re.compile(rf"[0-9０-９]+|[{''.join(_DIGITS)}{''.join(_UNITS)}]+")


def chinese_number(text: str) -> int:
    """The value of a run of Chinese numerals: 三 → 3, 十一 → 11, 二十 → 20, 一百零五 → 105, 二〇二一 → 2021."""
    if not any(ch in _UNITS for ch in text):
        value = 0
        for ch in text:  # digit by digit, as in years: 二〇二一
            value = value * 10 + _DIGITS[ch]
        return value
    total, digit = 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
    return total + (digit or 0)


def natural_key(name: str) -> tuple[tuple[int, int, str], ...]:
    """A sort key comparing numbers inside ``name`` by value (Arabic or Chinese numerals)."""
    key: list[tuple[int, int, str]] = []
    position = 0
    for match in _NUMBER.finditer(name):
        if match.start() > position:
            key.append((1, 0, name[position : match.start()]))
        run = match.group(0)
        value = int(run) if run[0] in "0123456789０１２３４５６７８９" else chinese_number(run)
        key.append((0, value, run))
        position = match.end()
    if position < len(name):
        key.append((1, 0, name[position:]))
    return tuple(key)


def level_rank(level: str | None) -> int:
    """Where a level comes in the list (unknown or missing levels last, with 其他)."""
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else LEVEL_ORDER.index("其他")


def read_order(path: Path) -> list[str]:
    """The agencies of an order file, one per line (blank lines and lines starting with # are skipped).

    Raises:
        GovkitError: the file cannot be read, is not UTF-8 text, or names an agency twice.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise GovkitError(f"{path}：不是 UTF-8 编码的文本文件") from None
    except OSError as exc:
        raise GovkitError(f"{path}：无法读取（{exc.strerror or exc}）") from None
    names: list[str] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        name = line.strip()
        if not name or name.startswith("#"):
            continue
        if name in seen:
            raise GovkitError(f"{path} 第 {number} 行：「{name}」已在第 {seen[name]} 行出现过")
        seen[name] = number
        names.append(name)
    return names


def district_order(data_files: Iterable[str | Path]) -> list[str]:
    """The agencies named in the order files of the params folders of ``data_files`` (``<params>/<year>/x.yaml``)."""
    names: list[str] = []
    folders: list[Path] = []
    for data_file in data_files:
        folder = Path(data_file).resolve().parent.parent
        if folder not in folders:
            folders.append(folder)
    for folder in folders:
        path = folder / ORDER_FILE
        if path.is_file():
            names.extend(n for n in read_order(path) if n not in names)
    return names


def agency_key(name: str, level: str | None, order: list[str]) -> tuple:
    """The sort key of an agency: its level, its place in the district's order, then its name."""
    place = order.index(name) if name in order else len(order)
    return (level_rank(level), place, natural_key(name))
