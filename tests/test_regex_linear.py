"""Every regular expression govkit keeps at module level runs in linear time on long runs of one character.

A pattern such as ``\\s+#+$`` or ``[0-9]+件`` retries every suffix of a run when searched: quadratic,
so a report with 50,000 spaces, tabs or 一 in one line took minutes to import or check. Each pattern
is searched on runs of whitespace, digits, numerals, pipes and dashes (with a tail that makes it
fail); at 20,000 characters a quadratic pattern takes seconds, a linear one about a millisecond.
Patterns over bytes (PDF content streams) are searched on the same runs encoded, and on runs of what
such streams are made of: parentheses, backslashes, angle brackets, slashes and percent signs.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import time
from collections.abc import Iterator

import pytest

import govkit

RUN = 20_000
BOUND_SECONDS = 0.25  # more than 100× what a linear pattern needs here
FILLS = [" ", "\t", "\u3000", "\n", " \n", "1", "1 ", "1,", "一", "十件", "1件", "|", " |", "-", "#", "，", "、", "字"]
FILLS += ["(", "(\\", "\\(", "(a", "<", "<a", "/", "%", "[]"]
TAILS = ["", "x", "字", "|"]


def _patterns(value: object) -> Iterator[re.Pattern]:
    if isinstance(value, re.Pattern):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _patterns(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _patterns(item)


def module_patterns() -> list[tuple[str, re.Pattern]]:
    found: dict[tuple[str | bytes, str], re.Pattern] = {}
    for info in pkgutil.walk_packages(govkit.__path__, "govkit."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if callable(value) and hasattr(value, "cache_info") and "pattern" in name:
                value = value()  # a pattern built once from the format data
            for pattern in _patterns(value):
                found[(pattern.pattern, info.name)] = pattern
    return [(f"{module}:{source[:40]!s}", compiled) for (source, module), compiled in found.items()]


PATTERNS = module_patterns()


def test_the_patterns_are_found():
    modules = {name.split(":")[0] for name, _ in PATTERNS}
    assert {"govkit.checks.prose", "govkit.importers.textshape", "govkit.importers.meta"} <= modules
    assert len(PATTERNS) > 40
    assert any(isinstance(p.pattern, bytes) for _, p in PATTERNS)  # the PDF content-stream tokens


@pytest.mark.parametrize("pattern", [p for _, p in PATTERNS], ids=[n for n, _ in PATTERNS])
def test_search_is_linear_on_long_runs(pattern: re.Pattern):
    for fill in FILLS:
        for tail in TAILS:
            text: str | bytes = fill * (RUN // len(fill)) + tail
            empty: str | bytes = ""
            if isinstance(pattern.pattern, bytes):
                text, empty = text.encode(), b""
            start = time.process_time()
            pattern.search(text)
            pattern.subn(empty, text)  # every match, as sub, split and findall visit them
            seconds = time.process_time() - start
            assert seconds < BOUND_SECONDS, (pattern.pattern, repr(fill), repr(tail), round(seconds, 2))
