"""``manifest.json``: every output of a batch, for tools that publish or compare batches."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from govkit.fs import atomic_write

if TYPE_CHECKING:
    from govkit.batch.models import Options, Result


def write_manifest(results: list[Result], out: Path, options: Options) -> Path:
    """Write ``out/manifest.json`` (deterministic: no time stamps, fixed order)."""
    data = {
        "mode": options.mode,
        "pdf": options.pdf,
        "total": len(results),
        "failed": sum(not r.ok for r in results),
        "reports": [r.as_dict() for r in results],
    }
    path = Path(out) / "manifest.json"
    atomic_write(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return path
