"""Static charts with Chinese labels: matplotlib (Agg) drawing into PNG images embedded as base64.

Every figure is a plain :class:`~matplotlib.figure.Figure` with its own Agg canvas, drawn under
:func:`style` (a ``matplotlib.rc_context``): importing or using this module changes neither the
analyst's backend, nor pyplot's figures, nor their rcParams.

The CJK font files are registered once per process by :func:`setup_fonts`. A matplotlib font cache built
before the Noto CJK fonts were installed does not know them, so the font files are added
explicitly when the family does not resolve. :func:`check_cjk_font` proves that Chinese text
really renders with a CJK font (and not as empty boxes).
"""

from __future__ import annotations

import base64
import html
import io
import logging
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.ticker
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from govkit.errors import GovkitError

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans SC", "WenQuanYi Zen Hei")
FONT_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/opentype"),
)
SAMPLE = "政府信息公开申请数量 予以公开 无法提供"
# Applied per drawing, never globally. Labels are agency names typed by people: "$" must never start
# matplotlib's math parser.
STYLE: dict[Any, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": [*CJK_FAMILIES, "DejaVu Sans"],
    "axes.unicode_minus": False,
    "svg.fonttype": "none",
    "text.parse_math": False,
}
COLORS = ("#3465a4", "#73d216", "#f57900", "#cc0000", "#75507b", "#888a85", "#c4a000", "#06989a")

_ready = False


class FontMissing(GovkitError):
    """No CJK font: charts would show empty boxes instead of Chinese."""


def _cjk_file(path: str) -> bool:
    name = Path(path).name.lower()
    return "cjk" in name or "sourcehan" in name or "wqy" in name


def setup_fonts() -> str:
    """Make the CJK fonts known to matplotlib; return the path of the CJK font file charts will use."""
    global _ready
    if not _ready:
        if not _resolves_to_cjk():
            for folder in FONT_DIRS:
                for font_file in sorted(folder.glob("*CJK*Regular*")) + sorted(folder.glob("*CJK*.tt[cf]")):
                    try:
                        font_manager.fontManager.addfont(str(font_file))
                    except (OSError, RuntimeError, ValueError):
                        continue
        _ready = True
    path = cjk_font_path()
    if path is None:
        raise FontMissing("未找到中文字体（Noto Sans CJK），图表中的中文将无法显示；请安装 fonts-noto-cjk")
    return path


@contextmanager
def style() -> Iterator[None]:
    """Draw with :data:`STYLE` (the CJK fonts set up) and restore the caller's rcParams afterwards."""
    setup_fonts()
    with matplotlib.rc_context(STYLE):
        yield


def figure(width: float, height: float) -> tuple[Figure, Axes]:
    """A figure with one axes on its own Agg canvas, outside pyplot (call within :func:`style`)."""
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _resolves_to_cjk() -> bool:
    return cjk_font_path() is not None


def cjk_font_path() -> str | None:
    """The file matplotlib picks for the CJK family, or None if it would fall back to a Latin font."""
    for family in CJK_FAMILIES:
        try:
            path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        except ValueError:
            continue
        if _cjk_file(path):
            return path
    return None


def check_cjk_font(text: str = SAMPLE) -> str:
    """Render ``text`` with the configured fonts and prove no glyph is missing.

    Returns the CJK font file in use; raises :class:`FontMissing` if the default sans-serif font
    does not resolve to a CJK file or if matplotlib warns about a missing glyph.
    """
    path = setup_fonts()
    default = font_manager.findfont(font_manager.FontProperties(family=STYLE["font.sans-serif"]))
    if not _cjk_file(default):
        raise FontMissing(f"图表默认字体不是中文字体：{default}")
    records: list[logging.LogRecord] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = _Collect()
    logger = logging.getLogger("matplotlib")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with style():
                fig = Figure(figsize=(4, 1))
                FigureCanvasAgg(fig)
                fig.text(0.02, 0.5, text)
                fig.canvas.draw()
    finally:
        logger.removeHandler(handler)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    missing += [r.getMessage() for r in records if "missing from" in r.getMessage()]
    if missing:
        raise FontMissing(f"图表文字缺少字形：{missing[0]}")
    return path


def png_base64(fig: Figure, dpi: int = 110) -> str:
    """The figure as a base64 PNG."""
    buffer = io.BytesIO()
    with style():  # tick labels are created while drawing
        fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def img_html(fig: Figure, alt: str) -> str:
    """An ``<img>`` tag carrying the figure inline (a data URI), so the page needs no other file.

    ``data-font`` names the CJK font file the labels were drawn with, so a page can be checked.
    """
    font = Path(setup_fonts()).name
    data = png_base64(fig)
    return f'<img class="gk-chart" alt="{html.escape(alt)}" data-font="{html.escape(font)}" src="data:image/png;base64,{data}">'


def stacked_shares(
    labels: Sequence[str], series: Mapping[str, Sequence[float]], title: str, marked: Sequence[str] = ()
) -> Figure:
    """Horizontal stacked bars of shares (0–1), one bar per label; ``marked`` labels get a ▲."""
    with style():
        height = max(2.5, 0.42 * len(labels) + 1.4)
        fig, ax = figure(8.5, height)
        left = [0.0] * len(labels)
        ys = list(range(len(labels)))
        for i, (name, values) in enumerate(series.items()):
            ax.barh(ys, values, left=left, color=COLORS[i % len(COLORS)], label=name, height=0.65)
            left = [a + b for a, b in zip(left, values, strict=True)]
        ax.set_yticks(ys, [f"{label} ▲" if label in marked else label for label in labels])
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        ax.set_title(title)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=min(6, len(series)), frameon=False, fontsize=8)
        fig.tight_layout()
    return fig


def bars(labels: Sequence[str], values: Sequence[float], title: str, xlabel: str = "") -> Figure:
    """Horizontal bars with the value written at each bar's end."""
    with style():
        fig, ax = figure(8.5, max(2.5, 0.42 * len(labels) + 1.2))
        ys = list(range(len(labels)))
        ax.barh(ys, values, color=COLORS[0], height=0.65)
        ax.set_yticks(ys, list(labels))
        ax.invert_yaxis()
        for y, v in zip(ys, values, strict=True):
            ax.text(v, y, f" {v:g}", va="center", fontsize=8)
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.margins(x=0.12)
        fig.tight_layout()
    return fig


def lines(years: Sequence[int], series: Mapping[str, Sequence[float]], title: str) -> Figure:
    """One line per series over the years, with integer year ticks."""
    with style():
        fig, ax = figure(8.5, 3.6)
        for i, (name, values) in enumerate(series.items()):
            ax.plot(list(years), list(values), marker="o", color=COLORS[i % len(COLORS)], label=name)
        ax.set_xticks(list(years), [f"{y}年" for y in years])
        ax.set_title(title)
        ax.set_ylabel("件数")
        ax.legend(frameon=False, fontsize=8, ncol=2)
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
    return fig
