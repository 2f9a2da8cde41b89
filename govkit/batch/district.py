"""The district page of a batch, rebuilt only when one of its inputs changed.

Its inputs are the bytes of every data file, the district notebook, govkit's own code and the
rendering stack (:func:`govkit.batch.incremental.fingerprint`); they are recorded in the internal
folder beside the other build records.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from govkit.batch.incremental import file_hash, fingerprint
from govkit.batch.layout import Layout
from govkit.batch.models import Options
from govkit.fs import write_if_changed

RECORD = "build-district.json"


def inputs_hash(files: list[Path], options: Options, notebook: Path) -> str:
    h = hashlib.sha256(fingerprint(options, notebook).encode())
    for f in sorted(str(Path(f).resolve()) for f in files):
        h.update(f"{f}\0{file_hash(Path(f)) or '-'}\0".encode())
    return h.hexdigest()


def district_page(files: list[Path], layout: Layout, links: dict | None = None) -> tuple[Path, bool]:
    """Write the district page to the site folder unless its inputs are unchanged; return it and whether it was built.

    Raises:
        DistrictError: as :func:`govkit.district.render_district`.
    """
    from govkit.paths import bundled_notebook

    record_path = layout.internal / RECORD
    key = inputs_hash(files, Options(mode=layout.mode), bundled_notebook("district.ipynb"))
    key = hashlib.sha256((key + json.dumps(links or {}, ensure_ascii=False, sort_keys=True)).encode()).hexdigest()
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = {}
    if isinstance(record, dict) and record.get("inputs") == key:
        page = layout.site / str(record.get("page", ""))
        if record.get("page") and page.is_file():
            return page, False
    from govkit.district import render_district  # charts and pandas: only when the page is built

    page = render_district(files, layout.site, links=links)
    write_if_changed(record_path, json.dumps({"inputs": key, "page": page.name}, indent=1) + "\n")
    return page, True
