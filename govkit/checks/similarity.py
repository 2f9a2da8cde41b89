"""A linear-time text similarity for comparing a report's prose with last year's."""

from __future__ import annotations

MAX_CHARS = 50_000
SHINGLE = 4


def shingles(text: str, size: int = SHINGLE, limit: int = MAX_CHARS) -> set[str]:
    """Character n-grams of the text without whitespace, looking at most at ``limit`` characters."""
    compact = "".join(text[: limit * 2].split())[:limit]
    if len(compact) < size:
        return {compact} if compact else set()
    return {compact[i : i + size] for i in range(len(compact) - size + 1)}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' character 4-gram sets, from 0.0 to 1.0."""
    sa, sb = shingles(a), shingles(b)
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)
