"""``manifest.json``: every output of a batch, for tools that publish or compare batches."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from govkit.fs import write_if_changed

if TYPE_CHECKING:
    from govkit.batch.models import Options, Result


def write_manifest(results: list[Result], path: Path, options: Options) -> Path:
    """Write the manifest to ``path`` (deterministic: no time stamps, fixed order; unchanged, not rewritten)."""
    data = {
        "mode": options.mode,
        "pdf": options.pdf,
        "total": len(results),
        "failed": sum(r.status == "failed" for r in results),
        "held": sum(r.held for r in results),
        "reports": [r.as_dict() for r in results],
    }
    path = Path(path)
    write_if_changed(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return path
