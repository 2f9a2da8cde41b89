"""The district overview: every agency's report of one year side by side, summed and compared.

:func:`render_district` writes the page (``govkit render PATH... --district --out DIR``);
:class:`DistrictView` gives its parts as HTML for the notebook; the computations live in
:mod:`~govkit.district.status`, :mod:`~govkit.district.rollup` and :mod:`~govkit.district.compare`.
"""

from govkit.district.compare import METRICS, CarryOver, Outlier, carry_over, comparison, outliers, trends
from govkit.district.data import District, DistrictError, load_district
from govkit.district.export import render_district
from govkit.district.rollup import LeftOut, Rollup, rollup
from govkit.district.status import StatusMatrix, status_matrix
from govkit.district.view import DistrictView

__all__ = [
    "METRICS",
    "CarryOver",
    "District",
    "DistrictError",
    "DistrictView",
    "LeftOut",
    "Outlier",
    "Rollup",
    "StatusMatrix",
    "carry_over",
    "comparison",
    "load_district",
    "outliers",
    "render_district",
    "rollup",
    "status_matrix",
    "trends",
]
