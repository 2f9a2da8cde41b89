"""Numbers as Chinese prose writes them: Arabic, full-width, or Chinese numerals (十二, 两, 一百零五)."""

from __future__ import annotations

FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
# Each run is matched from its start only: a lookbehind keeps a search from retrying every suffix of a
# long run of digits or numerals (quadratic time on prose such as 50,000 一).
NUMBER = r"(?<![0-9])[0-9]+|(?<![零〇一二两三四五六七八九十百千万])[零〇一二两三四五六七八九十百千万]+"
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def parse_number(text: str) -> int | None:
    """The value of ``12``, ``１２``, ``十二``, ``两``, ``一百零五``, ``二〇二〇``; None if unreadable."""
    text = text.translate(FULL_WIDTH)
    if text.isdigit():
        return int(text)
    if text and all(ch in _DIGITS for ch in text) and len(text) > 1:
        return int("".join(str(_DIGITS[ch]) for ch in text))  # digit by digit, e.g. 二〇二〇
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * 10_000
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0) if text else None
