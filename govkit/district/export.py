"""The district overview page: papermill executes the district notebook, nbconvert exports it.

The result is one self-contained HTML file, ``<out>/district-<year>.html``: no code cells, no
script, charts inline, nothing fetched from the network.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

from govkit.district.data import DistrictError
from govkit.fs import write_if_changed
from govkit.paths import bundled_notebook

EXECUTION_TIMEOUT = 300


def notebook_path() -> Path:
    """The district notebook shipped with govkit (``govkit/notebooks/district.ipynb``)."""
    return bundled_notebook("district.ipynb")


def _latest_year(files: list[str]) -> int | None:
    """The latest year the data files name (read from their ``meta:`` blocks); None if none says.

    Raises:
        DistrictError: there are no data files at all.
    """
    from govkit import datafile

    found = datafile.discover(list(files))
    if not found:
        raise DistrictError(f"{'、'.join(files) or '（未指定）'}：没有可读取的数据文件")
    years = [named[1] for f in found if (named := datafile.peek_identity(f)) is not None]
    return max(years) if years else None  # the kernel then decides, from the files it can read


def _title(nb: object) -> tuple[str, int]:
    """The page title and year the executed notebook shows in its header (``<h1>`` of the first output)."""
    import html as html_module

    for cell in getattr(nb, "cells", []):
        for output in cell.get("outputs", []):
            page = output.get("data", {}).get("text/html", "")
            match = _H1.search(page if isinstance(page, str) else "".join(page))
            if match:
                title = html_module.unescape(match.group(1))
                year = _YEAR.search(title)
                if year:
                    return title, int(year.group(1))
    raise DistrictError("全区汇总笔记本没有输出标题（govkit.district 的页头）")


_H1 = re.compile(r"<h1>(.*?)</h1>", re.S)
_YEAR = re.compile(r"(\d{4})年政府信息公开工作年度报告汇总$")


def render_district(
    paths: list[Path],
    out: Path,
    year: int | None = None,
    previous_years: list[int] | None = None,
    kernel_name: str = "python3",
    links: Mapping[int, dict[str, dict[str, str | None]]] | None = None,
) -> Path:
    """Execute the district notebook over the data files under ``paths`` and export it to HTML.

    Args:
        paths: data files or folders (searched recursively), every year together.
        out: the output folder.
        year: the year on view; the latest year found if None.
        previous_years: earlier years for the trends; every earlier year found if None.
        kernel_name: the Jupyter kernel that runs the notebook.
        links: per year and agency, its report page relative to ``out`` and its status in words
            (:meth:`govkit.district.DistrictView.load`); an agency not in it is named without a link.

    Returns:
        The written page, ``out/district-<year>.html``.

    Raises:
        DistrictError: no readable data, no data for ``year``, the notebook is missing or fails.
    """
    import nbformat
    import papermill

    from govkit.render.export import export_html

    files = [str(Path(p).resolve()) for p in paths]
    target_year = year if year is not None else _latest_year(files)  # fail early, before any kernel work
    notebook = notebook_path()
    if not notebook.is_file():
        raise DistrictError(f"找不到全区汇总笔记本 {notebook}")
    # The kernel loads the district once (a province's 10,000 files are not read here as well);
    # its DistrictError comes back below as the user's one-line error.
    parameters = {
        "params_dir": files,
        "year": target_year,
        "previous_years": previous_years,
        "links": (links or {}).get(target_year, {}) if target_year is not None else {},
        "analysis": False,
    }
    with tempfile.TemporaryDirectory(prefix="govkit-district-") as tmp:
        executed = Path(tmp) / "district.ipynb"
        try:
            nb = papermill.execute_notebook(
                str(notebook),
                str(executed),
                parameters=parameters,
                kernel_name=kernel_name,
                engine_name="govkit",
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                execution_timeout=EXECUTION_TIMEOUT,
                cwd=tmp,
            )
        except papermill.PapermillExecutionError as exc:
            if exc.ename == "DistrictError":
                raise DistrictError(exc.evalue) from None
            raise DistrictError(
                f"执行全区汇总笔记本失败（第 {exc.exec_count} 个单元）：{exc.ename}: {exc.evalue}"
            ) from None
    title, shown_year = _title(nb)
    html = export_html(nbformat.from_dict(nb), title)
    target = Path(out) / f"district-{shown_year}.html"
    write_if_changed(target, html)
    return target
