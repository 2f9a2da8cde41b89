"""Opening the editor from a page address, and the start page listing the agency files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import ipywidgets as widgets
import pytest

from govkit.widgets.launch import LaunchError, StartPage, launch, params_root, query_data_file, resolve_data_file


@pytest.fixture
def tree(tmp_path: Path, example_path: Path) -> Path:
    """project/params/{2020,2021}/… with an agency file, a hidden draft, a conflict copy and a text file."""
    root = tmp_path / "project" / "params"
    for year, name in (("2020", "甲镇.yaml"), ("2021", "甲镇.yaml"), ("2021", "乙街道.yaml")):
        (root / year).mkdir(parents=True, exist_ok=True)
        shutil.copy(example_path, root / year / name)
    (root / "2021" / ".甲镇.draft.json").write_text("{}", encoding="utf-8")
    (root / "2021" / ".hidden.yaml").write_text("x", encoding="utf-8")
    (root / "2021" / "甲镇.副本-20210101-000000.yaml").write_text("x", encoding="utf-8")
    (root / "2021" / "notes.txt").write_text("x", encoding="utf-8")
    (tmp_path / "project" / "secret.yaml").write_text("x", encoding="utf-8")
    return root


def test_resolves_paths_inside_params(tree: Path) -> None:
    assert resolve_data_file("params/2021/乙街道.yaml", tree) == tree / "2021" / "乙街道.yaml"
    assert resolve_data_file("2021/乙街道.yaml", tree) == tree / "2021" / "乙街道.yaml"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "为空"),
        ("/etc/passwd", "绝对路径"),
        ("params/../secret.yaml", "上级目录"),
        ("params/2021/../../secret.yaml", "上级目录"),
        ("../../../etc/passwd", "上级目录"),
        ("params/2021/.甲镇.draft.json", "隐藏文件"),
        ("params/2021/.hidden.yaml", "隐藏文件"),
        ("params/2021/notes.txt", ".yaml"),
        ("params/2021/甲镇.副本-20210101-000000.yaml", "副本"),
        ("params/2021/丙乡.yaml", "不存在"),
        ("params/2021\\..\\..\\secret.yaml", "上级目录"),
        ("params/2021/a\x00.yaml", "控制字符"),
    ],
)
def test_refuses_everything_else(tree: Path, value: str, reason: str) -> None:
    with pytest.raises(LaunchError) as caught:
        resolve_data_file(value, tree)
    assert reason in str(caught.value)


def test_refuses_symlink_leading_outside(tree: Path) -> None:
    (tree / "2021" / "link.yaml").symlink_to(tree.parent / "secret.yaml")
    with pytest.raises(LaunchError, match="只能打开数据文件夹"):
        resolve_data_file("params/2021/link.yaml", tree)


def test_query_string() -> None:
    assert query_data_file("") is None
    assert query_data_file("a=1") is None
    assert query_data_file("data_file=params%2F2021%2F%E7%94%B2.yaml") == "params/2021/甲.yaml"
    assert query_data_file("?data_file=params/2021/甲.yaml&x=1") == "params/2021/甲.yaml"
    with pytest.raises(LaunchError, match="2 次"):
        query_data_file("data_file=a.yaml&data_file=b.yaml")


def test_params_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "params").mkdir()
    (tmp_path / "notebooks").mkdir()
    monkeypatch.delenv("GOVKIT_PARAMS", raising=False)
    assert params_root(tmp_path) == tmp_path / "params"
    assert params_root(tmp_path / "notebooks") == tmp_path / "params"
    monkeypatch.setenv("GOVKIT_PARAMS", str(tmp_path / "elsewhere"))
    assert params_root(tmp_path) == tmp_path / "elsewhere"


def test_start_page_lists_filters_and_opens(tree: Path) -> None:
    opened: list[Path] = []

    def fake_editor(path: Path, root: Path) -> widgets.Widget:
        opened.append(path)
        return widgets.HTML(f"editor {path.name}")

    page = StartPage(tree, open_editor=fake_editor)
    names = [p.relative_to(tree).as_posix() for p in page.matching()]
    assert names == ["2020/甲镇.yaml", "2021/乙街道.yaml", "2021/甲镇.yaml"]  # no hidden file, draft or copy
    assert [label for label, _ in page.year.options] == ["全部年度", "2021 年度", "2020 年度"]
    page.year.value = "2021"
    assert len(page.rows.children) == 2
    page.name.value = "乙"
    assert [p.name for p in page.matching()] == ["乙街道.yaml"]
    assert "共 1 个" in page.summary.value
    page.name.value = "不存在的机关"
    assert page.rows.children == () and "没有符合" in page.summary.value
    page.name.value = "甲"
    button = page.rows.children[0].children[0]
    assert button.description == "打开"
    button.click()
    assert opened == [tree / "2021" / "甲镇.yaml"]
    assert page.root.children[0] is page.back and page.back.description == "返回列表"
    page.back.click()
    assert page.root.children == (page.listing,)


def test_launch_opens_the_file_of_the_address(tree: Path) -> None:
    shown = launch("", query="data_file=params/2021/乙街道.yaml", root=tree)
    assert "govkit-editor" in shown._dom_classes
    refused = launch("", query="data_file=/etc/passwd", root=tree)
    assert isinstance(refused, widgets.HTML) and "无法打开" in refused.value and "绝对路径" in refused.value
    assert "govkit-start" in launch("", query="", root=tree)._dom_classes


def test_voila_links_only_under_voila(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SERVER_SOFTWARE", raising=False)
    assert "href" not in StartPage(tree).rows.children[0].children[1].value
    monkeypatch.setenv("SERVER_SOFTWARE", "voila/0.5.13")
    html = StartPage(tree).rows.children[0].children[1].value
    assert 'href="?data_file=params/2020/%E7%94%B2%E9%95%87.yaml"' in html
    assert os.environ["SERVER_SOFTWARE"].startswith("voila")
