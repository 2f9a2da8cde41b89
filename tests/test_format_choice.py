"""The format's year range decides the format (``Format.covers``), nowhere else."""

from __future__ import annotations

import ast
import dataclasses

import pytest
from conftest import EXAMPLE, ROOT

from govkit import datafile, formats
from govkit.errors import DataFileError, GovkitError
from govkit.formats import NoFormatError, all_formats, describe_years, format_for_year, load_format, version_for_year


def test_every_year_has_exactly_one_format() -> None:
    for year in range(2008, 2101):
        covering = [fmt.version for fmt in all_formats() if fmt.covers(year)]
        assert covering == [version_for_year(year)], year
        assert format_for_year(year).covers(year)
    assert (version_for_year(2020), version_for_year(2021)) == ("2019", "2021")
    assert describe_years() == "2020 年度及以前用 2019 版，2021 年度起用 2021 版"


def test_the_year_ranges_come_from_the_format_files(monkeypatch: pytest.MonkeyPatch) -> None:
    new = load_format("2021")
    shifted = dataclasses.replace(new, first_year=2022)  # as if the 2021 format were in force a year later
    monkeypatch.setattr(formats, "all_formats", lambda: [load_format("2019"), shifted])
    with pytest.raises(NoFormatError, match="2021 年度没有适用的官方报告格式") as info:
        format_for_year(2021)
    assert isinstance(info.value, GovkitError) and "\n" not in str(info.value)
    assert format_for_year(2022) is shifted
    text = EXAMPLE.read_text(encoding="utf-8").replace("year: 2020", "year: 2021")
    with pytest.raises(DataFileError, match=r"meta\.year.*2021 年度没有适用的官方报告格式"):
        datafile.loads(text, "x.yaml")


def test_no_module_outside_formats_compares_a_version_with_a_literal() -> None:
    """``fmt.version == "2021"`` decides by version; ask the format (covers, columns, roles) instead."""
    found = []
    for path in sorted((ROOT / "govkit").rglob("*.py")):
        if path.parent.name == "formats":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                names = any(isinstance(s, ast.Attribute) and s.attr == "version" for s in sides)
                literal = any(isinstance(s, ast.Constant) and s.value in formats.KNOWN_VERSIONS for s in sides)
                if names and literal:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
            elif (
                isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in formats.KNOWN_VERSIONS
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert not found, "version literals outside govkit/formats:\n" + "\n".join(found)


def test_the_fast_yaml_loader_reads_the_format_files_as_the_pure_python_one_does() -> None:
    from importlib import resources

    import yaml

    for version in formats.KNOWN_VERSIONS:
        text = resources.files(formats).joinpath(f"format_{version}.yaml").read_text(encoding="utf-8")
        assert yaml.load(text, Loader=formats.FORMAT_LOADER) == yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506
