"""Where govkit's files are: output names derived from agency names, and the notebooks it ships.

Output names are safe for any agency name, on any system, and deterministic. The notebooks live
inside the package (``govkit/notebooks``), so an installed wheel finds them wherever it runs; the
repository's ``notebooks/`` folder holds symlinks to the same files for Jupyter users.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from importlib import resources
from pathlib import Path

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*\s]+')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_name(name: str, limit: int = 80) -> str:
    """A file-name stem for ``name``: no separators, no dot-only names, no reserved device names.

    Names that had to be changed get a short hash so that two different agencies never collide.
    """
    text = unicodedata.normalize("NFC", name)
    cleaned = _UNSAFE.sub("_", text).strip("._ ").lstrip("-")  # a leading "-" reads as a command-line option
    cleaned = cleaned[:limit]
    if not cleaned or cleaned.split(".")[0].upper() in _RESERVED:
        cleaned = f"_{cleaned}" if cleaned else "agency"
    if cleaned != text:
        cleaned = f"{cleaned}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:8]}"
    return cleaned


def bundled_notebook(name: str) -> Path:
    """The notebook ``name`` (e.g. ``"report.ipynb"``) as shipped inside the installed govkit package."""
    return Path(str(resources.files("govkit").joinpath("notebooks", name)))
