"""Where govkit's files are: an agency's identity, output names derived from it, and the shipped notebooks.

An agency's identity (:func:`agency_key`) is its name normalised: NFKC (full-width letters and
digits, compatibility ideographs), whitespace removed. Every output name of an agency (data file,
report pages, workbook, claim) is :func:`output_stem` of that identity, so two names with the same
identity share one output name and are refused together as a conflict, and two different identities
never share one (a name that had to be changed gets a hash of its identity). Output names contain
no dot, so ``stem + ".html"`` never drops part of a name, and are bounded in bytes so that the
temporary and claim files built from them stay below the 255-byte limit of file names.

The notebooks live inside the package (``govkit/notebooks``), so an installed wheel finds them
wherever it runs; the repository's ``notebooks/`` folder holds symlinks to the same files.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from importlib import resources
from pathlib import Path

# Separators, characters Windows forbids, controls (C0, C1), bidi controls, dots and whitespace.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f<>:"/\\|?*.\s\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]+')
_WHITESPACE = re.compile(r"\s+")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_STEM_BYTES = 120  # + hash, suffixes, ".…tmp"/".…claim" decorations: far below 255 bytes


def agency_key(name: str) -> str:
    """The identity of an agency: its name after NFKC with all whitespace removed.

    ``示例镇一``, ``示例镇一 `` and a spelling with a compatibility ideograph or full-width letters
    that NFKC maps to the same text are one agency.
    """
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", name))


def output_stem(name: str) -> str:
    """The file-name stem of every output of the agency ``name``: safe, dot-free, bounded, unique per identity.

    The stem is the identity itself when that is a safe name of at most :data:`MAX_STEM_BYTES`
    bytes; otherwise the identity cleaned and shortened, plus a hash of the identity, so that
    different identities never share a stem.
    """
    key = agency_key(name)
    cleaned = _UNSAFE.sub("_", key).strip("_").lstrip("-")  # a leading "-" reads as a command-line option
    cleaned = cleaned.encode("utf-8")[:MAX_STEM_BYTES].decode("utf-8", "ignore")
    if not cleaned or cleaned.upper() in _RESERVED:
        cleaned = f"_{cleaned}" if cleaned else "agency"
    if cleaned != key:
        cleaned = f"{cleaned}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:10]}"
    return cleaned


def safe_name(name: str) -> str:
    """The file-name stem for the agency ``name`` (the same as :func:`output_stem`)."""
    return output_stem(name)


def bundled_notebook(name: str) -> Path:
    """The notebook ``name`` (e.g. ``"report.ipynb"``) as shipped inside the installed govkit package."""
    return Path(str(resources.files("govkit").joinpath("notebooks", name)))


SOURCE_SUFFIXES = (".py", ".j2", ".css", ".yaml", ".json", ".ipynb")


def source_digest(parts: tuple[str, ...] = ()) -> str:
    """SHA-256 over govkit's own code, templates, formats and notebooks (what any output depends on).

    ``parts`` narrows it to some modules or folders of the package (e.g. the parser's: what a cached
    parse depends on); all of govkit by default.
    """
    package = Path(str(resources.files("govkit"))).resolve()
    tops = [package / part for part in parts] or [package]
    found = (p for top in tops for p in (top.rglob("*") if top.is_dir() else [top]))
    h = hashlib.sha256()
    for path in sorted(
        p for p in found if p.suffix in SOURCE_SUFFIXES and p.is_file() and "__pycache__" not in p.parts
    ):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()
