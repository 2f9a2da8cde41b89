"""The tidy data set: one row per cell, exact values, and a round trip back to each agency's tables."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from govkit import datafile
from govkit.dataset import TIDY_COLUMNS, DatasetError, read_tidy, tidy, untidy, write_tidy
from govkit.formats import load_format
from govkit.model import Report
from govkit.synthetic import synthetic_report

ROOT = Path(__file__).resolve().parents[1]
SYNTHETIC = ROOT / "examples" / "synthetic"


@pytest.fixture(scope="module")
def reports() -> list[Report]:
    """The bundled example, the synthetic demo set (with split rows and an old-format report), one odd report."""
    loaded = [datafile.load(p) for p in datafile.discover([ROOT / "params", SYNTHETIC])]
    odd = synthetic_report("示例局四", 2021, seed=7)
    fee = odd.format.row("二", "art20_8", "fees")
    odd.set("二", fee, odd.format.column("二", "fee_amount", part="art20_8"), Decimal("1234.5000"))
    odd.set("三", odd.format.row("三", "received"), odd.format.column("三", "natural"), None)  # a blank cell
    odd.split_row("二", odd.format.row("二", "art20_6", "penalty"), ["罚款 / 没收", "警告"])
    return [*loaded, odd]


def cells_text(report: Report) -> dict:
    """Every cell with the exact text of its value (Decimal('1.50') and Decimal('1.5') differ here)."""
    return {(t, key): (type(v).__name__, str(v)) for t, cells in report.cells.items() for key, v in cells.items()}


def test_tidy_has_one_row_per_cell(reports):
    frame = tidy(reports)
    assert list(frame.columns) == list(TIDY_COLUMNS)
    assert len(frame) == sum(len(cells) for r in reports for cells in r.cells.values())
    example = frame[frame["agency"] == "北京市密云区穆家峪镇"]
    row = example[
        (example["table"] == "三")
        & (example["row"] == "二、上年结转政府信息公开申请数量")
        & (example["column"] == "申请人情况 / 自然人")
    ]
    assert row[["year", "format", "row_id", "column_id", "type", "value"]].values.tolist() == [
        [2020, "2019", "carried_in", "applicants/natural", "count", "1"]
    ]
    split = example[example["row"].str.startswith("第二十条第（五）项 / 其他对外管理服务事项 / ")]
    assert set(split["row"]) == {
        "第二十条第（五）项 / 其他对外管理服务事项 / 行政检查",
        "第二十条第（五）项 / 其他对外管理服务事项 / 行政确认",
    }
    assert set(split["row_id"]) == {"art20_5/other_services"}


def test_amounts_stay_exact_text(reports):
    frame = tidy(reports)
    amounts = frame[frame["type"] == "amount"]
    assert len(amounts) > 0
    assert "1234.5000" in set(amounts["value"])
    assert (amounts["value"].dropna().str.fullmatch(r"\d+(\.\d{1,4})?")).all()
    blank = frame[(frame["agency"] == "示例局四") & (frame["value"].isna())]
    assert len(blank) == 1 and pd.isna(blank["number"].iloc[0])


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_round_trip_gives_each_agency_tables(reports, tmp_path, kind):
    path = write_tidy(reports, tmp_path / f"data.{kind}", kind)
    back = untidy(read_tidy(path))
    assert [(r.meta.agency, r.meta.year, r.format.version) for r in back] == [
        (r.meta.agency, r.meta.year, r.format.version) for r in reports
    ]
    for original, copy in zip(reports, back, strict=True):
        assert copy.subrows == {t: s for t, s in original.subrows.items()}, original.meta.agency
        assert cells_text(copy) == cells_text(original), original.meta.agency
        for table_id in ("二", "三", "四"):
            pd.testing.assert_frame_equal(copy.frame(table_id), original.frame(table_id))


def test_csv_is_readable_by_spreadsheets(reports, tmp_path):
    path = write_tidy(reports[:1], tmp_path / "one.csv", "csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel on Windows reads UTF-8
    assert "北京市密云区穆家峪镇" in raw.decode("utf-8-sig")


def test_write_is_atomic_and_rejects_unknown_kind(reports, tmp_path):
    target = tmp_path / "data.xlsx"
    with pytest.raises(DatasetError, match="不支持的导出格式"):
        write_tidy(reports, target, "xlsx")  # type: ignore[arg-type]
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_untidy_names_an_unknown_row(reports):
    frame = tidy(reports[:1]).copy()
    frame.loc[frame.index[frame["table"] == "三"][0], "row"] = "不存在的行"
    with pytest.raises(DatasetError, match="没有行「不存在的行」"):
        untidy(frame)


def test_read_tidy_names_missing_columns(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("agency,year\n甲,2020\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="缺少列"):
        read_tidy(path)


def test_ids_are_shared_between_formats():
    old, new = tidy([synthetic_report("示例镇一", 2020)]), tidy([synthetic_report("示例镇一", 2021)])
    assert load_format("2019") is not load_format("2021")
    four_old = set(
        zip(old.loc[old["table"] == "四", "row_id"], old.loc[old["table"] == "四", "column_id"], strict=True)
    )
    four_new = set(
        zip(new.loc[new["table"] == "四", "row_id"], new.loc[new["table"] == "四", "column_id"], strict=True)
    )
    assert four_old == four_new and len(four_new) == 15
    three_old = set(old.loc[old["table"] == "三", "row_id"])
    three_new = set(new.loc[new["table"] == "三", "row_id"])
    assert three_old - three_new == {"outcomes/other_handling"}
    assert three_new - three_old == {
        "outcomes/other_handling/overdue_correction",
        "outcomes/other_handling/unpaid_fee",
        "outcomes/other_handling/other",
    }
