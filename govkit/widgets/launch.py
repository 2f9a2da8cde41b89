"""What ``edit.ipynb`` shows: the editor for a chosen file, or a start page listing the agency files.

Under Voila the page's query string reaches the kernel as the environment variable ``QUERY_STRING``;
``?data_file=params/2021/<agency>.yaml`` opens that file directly. A URL is typed by anyone who can
reach the server, so it may only name an agency data file inside the params folder the server was
started with (``GOVKIT_PARAMS``, set by ``govkit serve``): absolute paths, ``..``, hidden files
(drafts, locks), conflict copies, other suffixes and symlinks leading outside are refused with a
Chinese message instead of being opened.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from html import escape
from pathlib import Path
from urllib.parse import parse_qs, quote

import ipywidgets as widgets

from govkit.datafile.discover import COPY_MARK, discover
from govkit.errors import GovkitError

PARAMS_ENV = "GOVKIT_PARAMS"
QUERY_KEY = "data_file"
MAX_ROWS = 200  # rows listed at once; more are reached through the filters


class LaunchError(GovkitError):
    """A data file named in the page's address that may not be opened."""


def params_root(cwd: str | os.PathLike[str] | None = None) -> Path:
    """The params folder this server serves: ``$GOVKIT_PARAMS``, else ``params`` here or one level up."""
    configured = os.environ.get(PARAMS_ENV)
    if configured:
        return Path(os.path.abspath(configured))
    here = Path(os.path.abspath(cwd if cwd is not None else os.getcwd()))
    for candidate in (here / "params", here.parent / "params"):
        if candidate.is_dir():
            return candidate
    return here / "params"


def in_voila() -> bool:
    """Whether this kernel was started by Voila (which sets the CGI-like request variables)."""
    return os.environ.get("SERVER_SOFTWARE", "").startswith("voila")


def query_data_file(query: str | None) -> str | None:
    """The ``data_file`` value of a query string (None when absent); naming it twice is refused."""
    if not query:
        return None
    values = parse_qs(query.lstrip("?"), keep_blank_values=True).get(QUERY_KEY)
    if not values:
        return None
    if len(values) > 1:
        raise LaunchError(f"网址中的 {QUERY_KEY} 参数出现了 {len(values)} 次，请只指定一个数据文件")
    return values[0]


def link_value(path: Path, root: Path) -> str:
    """The ``data_file`` value that opens ``path``: relative to the folder holding ``root``."""
    return Path(os.path.relpath(path, root.parent)).as_posix()


def resolve_data_file(value: str, root: str | os.PathLike[str]) -> Path:
    """The data file named by ``value`` (``params/<year>/<agency>.yaml`` or ``<year>/<agency>.yaml``).

    Raises:
        LaunchError: the value names anything but an existing agency data file inside ``root``.
    """
    base = Path(os.path.abspath(root))
    text = value.strip()
    if not text:
        raise LaunchError(f"网址中的 {QUERY_KEY} 参数为空，请指定数据文件，例如 {base.name}/2021/机关名称.yaml")
    if any(ord(ch) < 32 for ch in text):
        raise LaunchError(f"网址中的数据文件路径含有控制字符：{text!r}")
    raw = Path(text.replace("\\", "/"))
    if raw.is_absolute():
        raise LaunchError(f"只能打开数据文件夹 {base.name}/ 中的文件，不能使用绝对路径：{text}")
    if any(part.startswith(".") for part in raw.parts):
        raise LaunchError(f"路径中不能含有以“.”开头的部分（上级目录、隐藏文件或草稿）：{text}")
    if raw.suffix != ".yaml":
        raise LaunchError(f"只能打开 .yaml 数据文件：{text}")
    if COPY_MARK in raw.name:
        raise LaunchError(f"这是保存冲突时留下的副本，不是机关的数据文件：{text}")
    candidate = base.parent / raw if raw.parts[0] == base.name else base / raw
    resolved = candidate.resolve()
    if not resolved.is_relative_to(base.resolve()):
        raise LaunchError(f"只能打开数据文件夹 {base.name}/ 中的文件：{text}")
    if not resolved.is_file():
        raise LaunchError(f"数据文件不存在：{text}")
    return Path(os.path.abspath(candidate))


def agency_files(root: Path) -> list[Path]:
    """Every agency data file under ``root`` (hidden files, drafts and conflict copies left out)."""
    if not root.is_dir():
        return []
    return discover([root])


def _year_of(path: Path, root: Path) -> str:
    first = path.relative_to(root).parts[0]
    return first if first.isdigit() else ""


def _editor(path: Path, root: Path) -> widgets.Widget:
    from govkit.widgets.editor import ReportEditor

    return ReportEditor(path, params=root).widget


class StartPage:
    """The agency files under the params folder, filtered by year and name; 打开 shows the editor here.

    Args:
        root: the params folder.
        open_editor: builds the editor's widget for a file (the real editor by default).
    """

    def __init__(self, root: str | os.PathLike[str], open_editor: Callable[[Path, Path], widgets.Widget] = _editor):
        self.root_dir = Path(os.path.abspath(root))
        self.open_editor = open_editor
        self.files = agency_files(self.root_dir)
        self.opened: Path | None = None
        years = sorted({_year_of(p, self.root_dir) for p in self.files} - {""}, reverse=True)
        self.year = widgets.Dropdown(
            options=[("全部年度", ""), *((f"{y} 年度", y) for y in years)], value="", description="年度"
        )
        self.year.add_class("govkit-start-year")
        self.name = widgets.Text(value="", placeholder="输入机关名称中的字", description="名称")
        self.name.add_class("govkit-start-name")
        self.summary = widgets.HTML()
        self.rows = widgets.VBox()
        self.rows.add_class("govkit-start-rows")
        heading = widgets.HTML(f"<h3>选择要编辑的数据文件</h3><p>数据文件夹：{escape(str(self.root_dir))}</p>")
        self.listing = widgets.VBox([heading, widgets.HBox([self.year, self.name]), self.summary, self.rows])
        self.back = widgets.Button(description="返回列表", layout=widgets.Layout(width="auto"))
        self.back.add_class("govkit-start-back")
        self.back.on_click(lambda _: self.show_list())
        self.root = widgets.VBox([self.listing])
        self.root.add_class("govkit-start")
        self.year.observe(lambda _: self.refresh(), names="value")
        self.name.observe(lambda _: self.refresh(), names="value")
        self.refresh()

    @property
    def widget(self) -> widgets.VBox:
        """The start page's top widget."""
        return self.root

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.root)

    def matching(self) -> list[Path]:
        """The files the filters let through, in folder order."""
        year = self.year.value
        words = self.name.value.strip().casefold()
        return [
            p
            for p in self.files
            if (not year or _year_of(p, self.root_dir) == year) and (not words or words in p.stem.casefold())
        ]

    def refresh(self) -> None:
        """Re-list the files after a filter changed."""
        shown = self.matching()
        if not self.files:
            self.summary.value = "<p>数据文件夹中还没有数据文件（用 <code>govkit new</code> 新建）。</p>"
        elif not shown:
            self.summary.value = "<p>没有符合筛选条件的数据文件。</p>"
        elif len(shown) > MAX_ROWS:
            self.summary.value = f"<p>共 {len(shown)} 个数据文件，只列出前 {MAX_ROWS} 个，请用年度或名称缩小范围。</p>"
        else:
            self.summary.value = f"<p>共 {len(shown)} 个数据文件。</p>"
        self.rows.children = [self._row(p) for p in shown[:MAX_ROWS]]

    def _row(self, path: Path) -> widgets.Widget:
        year = _year_of(path, self.root_dir)
        label = escape(path.stem) + (f"（{year} 年度）" if year else "")
        if in_voila():  # a link that can be bookmarked; in JupyterLab a page address means nothing
            label = f'<a href="?{QUERY_KEY}={quote(link_value(path, self.root_dir))}">{label}</a>'
        button = widgets.Button(description="打开", tooltip=f"编辑 {path.name}", layout=widgets.Layout(width="auto"))
        button.add_class("govkit-start-open")
        button.on_click(lambda _: self.open(path))
        row = widgets.HBox([button, widgets.HTML(label)])
        row.add_class("govkit-start-row")
        return row

    def open(self, path: Path) -> None:
        """Replace the list by the editor of ``path`` (with a 返回列表 button above it)."""
        self.opened = path
        self.root.children = [self.back, self.open_editor(path, self.root_dir)]

    def show_list(self) -> None:
        """Back to the list (an unsaved edit stays in the file's draft and is offered on the next open)."""
        self.opened = None
        self.files = agency_files(self.root_dir)
        self.refresh()
        self.root.children = [self.listing]


def _refusal(message: str) -> widgets.Widget:
    link = '<p><a href="?">返回数据文件列表</a></p>' if in_voila() else ""
    box = widgets.HTML(f'<div class="govkit-launch-error" role="alert"><p>无法打开：{escape(message)}</p>{link}</div>')
    return box


def launch(
    data_file: str | os.PathLike[str] | None = None,
    query: str | None = None,
    root: str | os.PathLike[str] | None = None,
) -> widgets.Widget:
    """What the editing notebook shows.

    Args:
        data_file: the notebook's parameter (papermill, or edited in JupyterLab); "" shows the start page.
        query: the page's query string (default ``$QUERY_STRING``, set by Voila); its ``data_file``
            wins over the parameter and must name a file inside ``root``.
        root: the params folder (default :func:`params_root`).
    """
    base = Path(os.path.abspath(root)) if root is not None else params_root()
    try:
        chosen = query_data_file(os.environ.get("QUERY_STRING") if query is None else query)
        if chosen is not None:
            return _editor(resolve_data_file(chosen, base), base)
    except LaunchError as exc:
        return _refusal(str(exc))
    if data_file:
        from govkit.widgets.editor import ReportEditor

        return ReportEditor(Path(data_file)).widget
    return StartPage(base).widget
