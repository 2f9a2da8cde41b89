"""What a rendering needs besides the data file: last year's report and the findings."""

from __future__ import annotations

import base64
import os
import pickle
from pathlib import Path

from govkit import datafile
from govkit.checks import Finding, run_checks
from govkit.errors import DataFileError
from govkit.model import Report

Loaded = tuple[Report, Report | None, list[Finding]]

# What a batch worker already loaded, handed to its kernel before the notebook runs (see :func:`prime`).
_primed: dict[str, tuple[tuple[tuple[int, int] | None, ...], str | None, Loaded]] = {}


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


def load_for_render(path: str | Path) -> Loaded:
    """The report, last year's report (None if absent or unreadable) and every finding.

    Raises:
        DataFileError: the data file itself cannot be read.
    """
    primed = _take_primed(path)
    if primed is not None:
        return primed
    loaded, _ = _load(path)
    return loaded


def _load(path: str | Path) -> tuple[Loaded, Path | None]:
    report = datafile.load(path, cached=True)
    previous = None
    found = previous_path(path, report)
    if found is not None:
        try:
            candidate = datafile.load(found, cached=True)
        except DataFileError:
            candidate = None
        if candidate is not None and candidate.meta.agency == report.meta.agency:
            previous = candidate
    findings = run_checks(report, previous)
    if previous is None:
        from govkit.checks.files import previous_unreadable

        findings.extend(previous_unreadable(Path(path), report))
    return (report, previous, findings), found if previous is not None else None


def _stamp(path: str | Path | None) -> tuple[int, int] | None:
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def load_and_prime_code(path: str | Path) -> tuple[Loaded, str]:
    """Load like :func:`load_for_render`, and the code that hands the result to a kernel.

    A batch worker needs the report and findings itself (output name, counts, 图解); running the
    returned code in the agency's kernel lets the notebook's ``load_for_render`` reuse them instead
    of loading and checking the files a second time. The result is the same objects, so the page is
    identical; a file that changed in between (size or mtime) is simply loaded again.
    """
    loaded, previous = _load(path)
    stamps = (_stamp(path), _stamp(previous))
    key = str(Path(path).resolve())  # the notebook is given the resolved path
    payload = base64.b64encode(pickle.dumps((key, stamps, previous and str(previous), loaded))).decode()
    return loaded, f"import govkit.render.inputs as _govkit_inputs; _govkit_inputs.prime({payload!r})"


def prime(payload: str) -> None:
    """Remember what the worker loaded (run inside the kernel; see :func:`load_and_prime_code`)."""
    path, stamps, previous, loaded = pickle.loads(base64.b64decode(payload))  # noqa: S301 - from our own worker
    _primed.clear()
    _primed[path] = (stamps, previous, loaded)


def _take_primed(path: str | Path) -> Loaded | None:
    entry = _primed.pop(str(path), None)
    if entry is None:
        return None
    stamps, previous, loaded = entry
    return loaded if stamps == (_stamp(path), _stamp(previous)) else None
