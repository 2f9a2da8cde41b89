"""The district overview page: papermill executes the district notebook, nbconvert exports it.

The result is one self-contained HTML file, ``<out>/district-<year>.html``: no code cells, no
script, charts inline, nothing fetched from the network.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path

from govkit.district.data import DistrictError, load_district
from govkit.fs import write_if_changed
from govkit.paths import bundled_notebook

EXECUTION_TIMEOUT = 300


def notebook_path() -> Path:
    """The district notebook shipped with govkit (``govkit/notebooks/district.ipynb``)."""
    return bundled_notebook("district.ipynb")


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
    district = load_district(files, year, previous_years)  # fail early, with the user's error
    notebook = notebook_path()
    if not notebook.is_file():
        raise DistrictError(f"找不到全区汇总笔记本 {notebook}")
    parameters = {
        "params_dir": files,
        "year": district.year,
        "previous_years": district.previous_years,
        "links": (links or {}).get(district.year, {}),
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
            raise DistrictError(
                f"执行全区汇总笔记本失败（第 {exc.exec_count} 个单元）：{exc.ename}: {exc.evalue}"
            ) from None
    title = f"{district.name}{district.year}年政府信息公开工作年度报告汇总"
    html = export_html(nbformat.from_dict(nb), title)
    target = Path(out) / f"district-{district.year}.html"
    write_if_changed(target, html)
    return target
