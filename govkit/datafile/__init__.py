"""Agency data files: one YAML file per agency and year, the single source of truth.

Loading is strict about structure (every official cell must be present, names must be the
official labels) and reports the first problem with file, line and field. Saving is atomic and
keeps whatever the file already had (comments, order, quoting) where the values did not change,
so load-then-save gives identical bytes.

The package has one module per job: :mod:`.parse` (bytes to a YAML document, with limits),
:mod:`.walk` (the document against the format, to a report), :mod:`.write` (a report back to a
file) and :mod:`.discover` (where data files are). Atomic writing itself is :mod:`govkit.fs`.
"""

from __future__ import annotations

from govkit.cells import MAX_COUNT
from govkit.datafile.discover import (
    COPY_MARK,
    MAX_SCAN,
    check_owner,
    default_path,
    discover,
    find_agency_file,
    identity_conflicts,
    is_data_file,
    peek_identity,
    unreadable_previous,
)
from govkit.datafile.parse import MAX_BYTES, MAX_DEPTH
from govkit.datafile.walk import (
    META_KEYS,
    SECTION_KEYS,
    TABLE_IDS,
    TOP_KEYS,
    breaks_yaml_name,
    load,
    loads,
)
from govkit.datafile.write import HEADER, check_meta, dumps, save, save_guarded, to_document
from govkit.errors import DataFileError
from govkit.fs import WriteError, atomic_write

__all__ = [
    "COPY_MARK",
    "HEADER",
    "MAX_BYTES",
    "MAX_COUNT",
    "MAX_DEPTH",
    "MAX_SCAN",
    "META_KEYS",
    "SECTION_KEYS",
    "TABLE_IDS",
    "TOP_KEYS",
    "DataFileError",
    "WriteError",
    "atomic_write",
    "breaks_yaml_name",
    "check_meta",
    "default_path",
    "discover",
    "dumps",
    "check_owner",
    "find_agency_file",
    "identity_conflicts",
    "peek_identity",
    "unreadable_previous",
    "is_data_file",
    "load",
    "loads",
    "save",
    "save_guarded",
    "to_document",
]
