"""What a rendering needs besides the data file: last year's report and the findings."""

from __future__ import annotations

from pathlib import Path

from govkit import datafile
from govkit.checks import Finding, run_checks
from govkit.errors import DataFileError
from govkit.model import Report


def previous_path(path: str | Path, report: Report) -> Path | None:
    """Last year's data file of the same agency, ``<params>/<year-1>/``, if there is one."""
    path = Path(path)
    return datafile.find_agency_file(path.resolve().parent.parent, report.meta.agency, report.meta.year - 1, path.name)


def notebook_folders() -> list[Path]:
    """Where the report notebook may be: the one Jupyter opened, the repository's ``notebooks/``, the bundled one."""
    import os

    import govkit

    folders = []
    session = os.environ.get("JPY_SESSION_NAME")  # set by Jupyter Server to the notebook's path
    if session and session.endswith(".ipynb"):
        folders.append(Path(session).parent)
    package = Path(govkit.__file__).resolve().parent
    folders += [package.parent / "notebooks", package / "notebooks"]
    return folders


def resolve_data_file(data_file: str | Path) -> Path:
    """The notebook's ``data_file``: as given if it exists (relative to the working folder), else relative to the notebook's folder.

    A notebook run by papermill from the project root and the same notebook opened in Jupyter both
    find the default ``../params/…`` file.

    Raises:
        DataFileError: the file is in none of these places.
    """
    path = Path(data_file)
    if path.exists() or path.is_absolute():
        return path
    tried = [Path.cwd() / path]
    for folder in notebook_folders():
        candidate = folder / path
        if candidate.exists():
            return candidate.resolve()
        tried.append(candidate)
    places = "、".join(dict.fromkeys(str(p) for p in tried))
    raise DataFileError(data_file, f"找不到数据文件（找过：{places}）；请用 -p data_file 指定")


def load_for_render(path: str | Path) -> tuple[Report, Report | None, list[Finding]]:
    """The report, last year's report (None if absent or unreadable) and every finding.

    Raises:
        DataFileError: the data file itself cannot be read.
    """
    report = datafile.load(path)
    previous = None
    found = previous_path(path, report)
    if found is not None:
        try:
            candidate = datafile.load(found)
        except DataFileError:
            candidate = None
        if candidate is not None and candidate.meta.agency == report.meta.agency:
            previous = candidate
    return report, previous, run_checks(report, previous)
