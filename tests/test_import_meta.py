"""Metadata found or given, never invented; the shapes reports are published in (issue 14).

Every fixture below is synthetic: made by editing copies of the synthetic fixtures
(flattened_pipes_2021, gbk_tabs_2020_bureau, text_2021_street). Each has an expected data file
(``<stem>.expected.yaml``, compared byte for byte with what the import would save) and the expected
import findings (rule ids, in order).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from govkit import datafile
from govkit.errors import ImportFailed
from govkit.importers import Given, import_bytes, import_file
from govkit.importers.meta import find_title

IMPORT = Path(__file__).resolve().parent / "fixtures" / "import"
TOWN = "北京市示例区示例镇"

CASES: dict[str, tuple[dict, list[str]]] = {
    # title wrapped: agency and year on the first line, 年度报告 on the second
    "wrapped_title_2021.txt": ({}, []),
    # title wrapped over three lines without a year: the statistics period gives the year
    "wrapped_title_period_2020.txt": ({}, []),
    # no title line: the title sits in the opening sentence (…特编制…); the sentence stays in the preamble
    "title_in_sentence_2021.txt": ({}, []),
    # the sentence names no agency (本单位): the agency is given
    "title_in_sentence_no_agency_2021.txt": ({"agency": TOWN}, []),
    # 标题： prefix, breadcrumb, 发布日期 and 来源 chrome, print links
    "title_label_2021.txt": ({}, []),
    # a "Page N - <title>" header at the top of every printed page, also between table rows
    "page_header_2020.txt": ({}, []),
    # Markdown: # title, ## 一、总体情况 headings, ### 第二十条 captions, | tables | with |---| rows
    "markdown_2021.md": ({}, []),
    # traditional characters, converted with OpenCC t2s
    "traditional_2020.txt": ({}, ["import-traditional-converted"]),
    # the whole report on one line (paragraph breaks after （一）主动公开 are not recoverable)
    "one_line_2021.txt": ({}, []),
    # a 2020 report without tables: format 2019 from the year, no false format-year finding
    "table_less_2020.txt": ({}, ["import-missing-table"] * 3),
    # the tables alone: year and agency given
    "tables_only.txt": ({"year": 2021, "agency": TOWN}, ["import-missing-section"] * 6),
    # no title: 发布日期 gives the year (flagged), 我镇 and the signature give the agency (flagged)
    "no_title_published.txt": ({}, ["import-missing-meta", "import-missing-meta"]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_gives_its_expected_data_and_findings(name: str) -> None:
    given, rules = CASES[name]
    result = import_file(IMPORT / name, Given(**given))
    expected = IMPORT / f"{Path(name).stem}.expected.yaml"
    assert datafile.dumps(result.report) == expected.read_text(encoding="utf-8")
    assert [f.rule for f in result.findings] == rules
    assert "import-old-format" not in [f.rule for f in result.findings]


def test_inferred_metadata_names_its_source_line() -> None:
    result = import_file(IMPORT / "no_title_published.txt")
    lines = (IMPORT / "no_title_published.txt").read_text(encoding="utf-8").split("\n")
    quoted = {f.line: lines[f.line - 1] for f in result.findings if f.rule == "import-missing-meta"}
    assert quoted == {1: "发布日期：2022-01-20", len(lines) - 2: "北京市示例区示例镇人民政府"}


def test_table_less_2020_report_keeps_the_2019_format() -> None:
    report = import_file(IMPORT / "table_less_2020.txt").report
    assert report.format.version == "2019"


def test_agency_without_confidence_falls_back_to_the_file_name() -> None:
    result = import_file(IMPORT / "title_in_sentence_no_agency_2021.txt")
    assert result.report.meta.agency == "title_in_sentence_no_agency_2021"
    uncertain = [f for f in result.findings if f.rule == "import-agency-uncertain"]
    assert len(uncertain) == 1 and "--agency" in uncertain[0].message and "文件名" in uncertain[0].message
    assert uncertain in ([f for f in result.incomplete if f.rule == "import-agency-uncertain"],)


def test_tables_only_without_year_is_refused_naming_the_flag() -> None:
    with pytest.raises(ImportFailed, match="--year"):
        import_file(IMPORT / "tables_only.txt")


def test_flags_override_what_the_text_says() -> None:
    result = import_file(IMPORT / "wrapped_title_2021.txt", Given(year=2022, agency="示例县示例局", level="部门"))
    meta = result.report.meta
    assert (meta.agency, meta.year, meta.level) == ("示例县示例局", 2022, "部门")
    assert result.report.format.version == "2021"  # from the tables' headers


def test_format_flag_decides_a_table_less_report() -> None:
    result = import_file(IMPORT / "table_less_2020.txt", Given(format="2021"))
    assert result.report.format.version == "2021"
    assert "import-old-format" in [f.rule for f in result.findings]


@pytest.mark.parametrize(
    "given",
    [{"year": 1990}, {"level": "村"}, {"format": "2020"}, {"agency": "   "}],
)
def test_bad_flags_are_refused(given: dict) -> None:
    with pytest.raises(ImportFailed):
        Given(**given)


@pytest.mark.parametrize(
    ("lines", "agency", "year"),
    [
        (["根据《条例》规定，特编制示例县示例局2020年政府信息公开工作年度报告。"], "示例县示例局", 2020),
        (["现将我局2020年政府信息公开工作年度报告公布如下："], None, 2020),
        (["依据《中华人民共和国政府信息公开条例》规定，编制本机关2020年政府信息公开工作年度报告。"], None, 2020),
        (["标题：示例县示例局2020年政府信息公开工作年度报告"], "示例县示例局", 2020),
        (["Page 3 - 示例县示例局2020年政府信息公开工作年度报告"], "示例县示例局", 2020),
        (["# 示例县示例局2020年政府信息公开工作年度报告"], "示例县示例局", 2020),
        (["**示例县示例局2020年政府信息公开工作年度报告**"], "示例县示例局", 2020),
        (["示例县示例局关于2020年政府信息公开工作年度报告"], "示例县示例局", 2020),
        (["附件1", "示例县示例局", "2020年政府信息公开工作年度报告"], "示例县示例局", 2020),
        (["附件1", "2020年政府信息公开工作年度报告"], None, 2020),
        (["示例县示例局2020年政府信息公开工作", "年度报告"], "示例县示例局", 2020),
        (["示例县示例局2020年政府信息", "公开工作年度报告（摘要）"], "示例县示例局", 2020),
        (
            ["当前位置：首页 > 年报 > 示例县示例局2020年政府信息公开工作年度报告"],
            "示例县示例局",
            2020,
        ),  # breadcrumb end
    ],
)
def test_title_never_takes_a_sentence_as_the_agency(lines: list[str], agency: str | None, year: int) -> None:
    title = find_title(lines)
    assert title is not None
    assert (title.agency, title.year) == (agency, year)


def test_sentence_tail_never_becomes_the_agency() -> None:
    text = (IMPORT / "flattened_pipes_2021.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    text = "依据《中华人民共和国政府信息公开条例》规定，现将2021年政府信息公开工作年度报告公布如下。\n" + text
    result = import_bytes(text.encode("utf-8"), "示例镇年报.txt")
    assert result.report.meta.agency == "示例镇年报"
    assert "import-agency-uncertain" in [f.rule for f in result.findings]


def test_traditional_conversion_never_changes_numbers() -> None:
    result = import_file(IMPORT / "traditional_2020.txt")
    want = datafile.load(IMPORT / "gbk_tabs_2020_bureau.expected.yaml")
    assert result.report.cells == want.cells
    assert result.report.sections == want.sections


def test_simplified_text_is_not_converted() -> None:
    result = import_file(IMPORT / "gbk_tabs_2020_bureau.txt")
    assert "import-traditional-converted" not in [f.rule for f in result.findings]


def test_cli_flags(tmp_path: Path) -> None:
    import typer

    from govkit.cli.import_ import command

    app = typer.Typer()
    app.command("import")(command)
    app.command("unused")(lambda: None)  # two commands: typer keeps the sub-command name
    runner = CliRunner()
    refused = runner.invoke(app, ["import", str(IMPORT / "tables_only.txt"), "--out", str(tmp_path)])
    assert refused.exit_code == 2 and "--year" in refused.output and "Traceback" not in refused.output
    done = runner.invoke(
        app,
        ["import", str(IMPORT / "tables_only.txt"), "--out", str(tmp_path), "--year", "2021", "--agency", TOWN],
    )
    assert done.exit_code == 0, done.output
    saved = tmp_path / "2021" / f"{TOWN}.yaml"
    assert saved.read_text(encoding="utf-8") == (IMPORT / "tables_only.expected.yaml").read_text(encoding="utf-8")
    bad = runner.invoke(app, ["import", str(IMPORT / "tables_only.txt"), "--out", str(tmp_path), "--level", "村"])
    assert bad.exit_code == 2 and "--level" in bad.output
