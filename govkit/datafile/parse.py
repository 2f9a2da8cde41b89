"""Reading a data file's bytes into a YAML document: decoding, size and nesting limits, no anchors."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from govkit.errors import CONTROL_CHARS, DataFileError

MAX_BYTES = 2_000_000
MAX_DEPTH = 12
# Counted in one pass over the text before YAML composes anything (composing 1 MB of keys took
# 69 s and 430 MB). A real data file has about 400 lines, 300 keys and 100 flow items; the largest
# valid one (every table-二 row of the 2019 format split into 200 sub-rows) 1,700 lines, 6,300 keys
# and 3,000 flow items, and loads in 0.6 s.
MAX_LINES = 20_000
MAX_KEYS = 8_000  # "key: " / "key:" at a line end
MAX_FLOW_ITEMS = 20_000  # "," inside [..] or {..}
# ruamel.yaml gathers a comment one character at a time in quadratic time (a 1.2 MB comment took
# 18 s). Every text a comment could be ("#" after a space or at a line start, to the line end) is
# bounded; a prose paragraph that long with " #" in it would be refused too, with this message.
MAX_COMMENT_CHARS = 10_000
_COMMENT = re.compile(r"(?<![^ \t\n])#[^\n]*")
_NOT_YAML = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")  # YAML's reader refuses these
_CONTROL_RUN = re.compile(f"[{CONTROL_CHARS}]+")


class _Decimal(Decimal):
    """A Decimal that remembers it came from a YAML float."""


def yaml_engine() -> YAML:
    """The round-trip YAML reader/writer of data files (floats read as exact decimals)."""
    y = YAML(typ="rt")
    y.width = 4096
    y.allow_unicode = True
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    y.constructor.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
    y.representer.add_representer(_Decimal, _represent_decimal)
    y.representer.add_representer(Decimal, _represent_decimal)
    return y


def _construct_decimal(constructor: Any, node: Any) -> Any:
    text = str(node.value).replace("_", "")
    try:
        value = _Decimal(text)
    except InvalidOperation:
        return text
    return value if value.is_finite() else text


def _represent_decimal(representer: Any, value: Decimal) -> Any:
    text = format(value, "f")
    if "." not in text:  # "0" would read back as an integer; "0.0" stays a plain, untagged float
        text += ".0"
    return representer.represent_scalar("tag:yaml.org,2002:float", text)


def decode(raw: bytes | str, path: Path | str | None) -> str:
    if isinstance(raw, str):
        text = raw
    else:
        if len(raw) > MAX_BYTES:
            raise DataFileError(path, f"文件过大（{len(raw)} 字节，上限 {MAX_BYTES} 字节）")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise DataFileError(
                path, "文件不是 UTF-8 编码（GBK 等编码的文件请先用 govkit import 导入或另存为 UTF-8）", line
            ) from None
    if len(text) > MAX_BYTES:
        raise DataFileError(path, f"内容过长（{len(text)} 个字符，上限 {MAX_BYTES}）")
    if not text.strip():
        raise DataFileError(path, "文件是空的")
    bad = next((i for i, ch in enumerate(text) if ch == "\x00"), None)
    if bad is not None:
        raise DataFileError(path, "文件含有空字符（\\0），不是文本文件", text[:bad].count("\n") + 1)
    control = _NOT_YAML.search(text)
    if control is not None:
        raise DataFileError(
            path,
            f"含有控制字符 U+{ord(control.group(0)):04X}（数据文件中不允许，可能来自复制的终端或网页内容）",
            text.count("\n", 0, control.start()) + 1,
        )
    return text


# The parser's English problem texts, in Chinese (what a person should look for at the line given).
_PROBLEMS = (
    ("mapping values are not allowed", "此处不能出现“键: 值”（冒号后缺空格，或缩进不对）"),
    ("expected the node content", "内容不完整（括号或引号未闭合，或冒号后缺少值）"),
    ("expected ',' or '}'", "花括号“{ }”未闭合，或其中缺少逗号"),
    ("expected ',' or ']'", "方括号“[ ]”未闭合，或其中缺少逗号"),
    ("cannot start any token", "含有不能出现在此处的字符（如制表符 Tab：请用空格缩进）"),
    ("could not find expected ':'", "缺少冒号“:”"),
    ("did not find expected key", "缩进不对，或缺少“键:”"),
    ("did not find expected '-'", "列表项“- ”的缩进不对"),
    ("expected <block end>", "缩进不一致"),
    ("found unexpected end of stream", "引号未闭合"),
    ("found unknown escape character", "引号内有无效的转义字符“\\”"),
    ("found undefined alias", "引用了未定义的别名“*”"),
    ("found unexpected ':'", "多余的冒号“:”（值中含冒号时请加引号）"),
    ("expected a comment or a line break", "此处多出内容（值后应换行或写注释）"),
    ("expected alphabetic or numeric character", "“&”或“*”后缺少名称"),
)


def yaml_problem(problem: str) -> str:
    """The parser's problem in Chinese; never the English text."""
    for english, chinese in _PROBLEMS:
        if english in problem:
            return chinese
    return "格式错误（请对照示例数据文件检查该行及上一行）"


def check_shape(text: str, path: Path | str | None) -> None:
    """Refuse texts with absurdly many lines, keys or flow items before the YAML parser sees them."""
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        raise DataFileError(path, f"行数过多（{lines} 行，上限 {MAX_LINES} 行），不像是一份年度报告数据文件")
    keys = text.count(": ") + text.count(":\n")
    if keys > MAX_KEYS:
        line = _nth_line(text, re.finditer(r":[ \n]", text), MAX_KEYS)
        raise DataFileError(
            path, f"名称（键）过多（约 {keys} 个，上限 {MAX_KEYS} 个），不像是一份年度报告数据文件", line
        )
    long_comment = next((m for m in _COMMENT.finditer(text) if len(m.group()) > MAX_COMMENT_CHARS), None)
    if long_comment is not None:
        raise DataFileError(
            path,
            f"“#”之后的注释过长（{len(long_comment.group())} 个字符，上限 {MAX_COMMENT_CHARS}；"
            "空格后的“#”起到行尾都算注释，正文中的“#”前请不要留空格）",
            text.count("\n", 0, long_comment.start()) + 1,
        )
    items = text.count(",")
    if items > MAX_FLOW_ITEMS:
        line = _nth_line(text, re.finditer(",", text), MAX_FLOW_ITEMS)
        raise DataFileError(
            path, f"逗号分隔的数值过多（{items} 个，上限 {MAX_FLOW_ITEMS} 个），不像是一份年度报告数据文件", line
        )


def _nth_line(text: str, matches: Any, n: int) -> int | None:
    for index, match in enumerate(matches):
        if index == n:
            return text.count("\n", 0, match.start()) + 1
    return None


def parse(text: str, path: Path | str | None) -> Any:
    check_shape(text, path)
    # The parser recurses per nesting level: refuse absurd bracket nesting before it gets there
    # (a real data file nests flow brackets two deep).
    deep = _deepline_of(text, limit=100)
    if deep is not None:
        raise DataFileError(path, f"嵌套层次过深（超过 {MAX_DEPTH} 层）", deep)
    try:
        doc = yaml_engine().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = "重复的键" if "duplicate key" in str(exc) else yaml_problem(exc.problem or exc.context or "")
        raise DataFileError(path, f"YAML 语法错误：{problem}", line) from None
    except RecursionError:
        raise DataFileError(path, f"嵌套层次过深（超过 {MAX_DEPTH} 层）", _deepline_of(text)) from None
    except (YAMLError, ValueError, TypeError, IndexError, KeyError, AttributeError, OverflowError):
        # ruamel.yaml itself fails on some inputs (e.g. "+_" resolved as an integer: IndexError)
        raise DataFileError(path, "YAML 语法错误：无法解析的写法（请对照示例数据文件检查该处）") from None
    _refuse_anchors(doc, path)
    return doc


def _refuse_anchors(doc: Any, path: Path | str | None) -> None:
    """Reject anchors and aliases (an alias bomb stays small in memory but explodes in any walk)."""
    seen: set[int] = set()
    stack: list[tuple[Any, int, Any, Any]] = [(doc, 1, None, None)]
    while stack:
        node, depth, parent, key = stack.pop()
        anchor = getattr(getattr(node, "anchor", None), "value", None)
        is_container = isinstance(node, (dict, list))
        if anchor or (is_container and id(node) in seen):
            raise DataFileError(
                path,
                "不允许使用 YAML 锚点或别名（& 或 *），请直接写出数值",
                line_of(parent, key) or line_of(node, None),
            )
        if not is_container:
            continue
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise DataFileError(path, f"嵌套层次过深（超过 {MAX_DEPTH} 层）", line_of(node, None))
        items = list(node.items() if isinstance(node, dict) else enumerate(node))
        for k, child in reversed(items):  # reversed: the first problem in reading order is reported
            stack.append((child, depth + 1, node if isinstance(node, dict) else None, k))


def _deepline_of(text: str, limit: int = MAX_DEPTH) -> int | None:
    """The line where flow brackets first nest deeper than ``limit``."""
    if text.count("[") + text.count("{") <= limit:
        return None
    depth = 0
    for index, char in enumerate(text):
        if char in "[{":
            depth += 1
            if depth > limit:
                return text.count("\n", 0, index) + 1
        elif char in "]}":
            depth -= 1
    return None


def line_of(node: Any, key: Any) -> int | None:
    try:
        if key is not None and isinstance(node, CommentedMap) and key in node:
            return node.lc.key(key)[0] + 1
        if node is not None and hasattr(node, "lc"):
            return node.lc.line + 1
    except (AttributeError, KeyError, TypeError):
        return None
    return None


def quote(value: Any) -> str:
    # Quoted back to a terminal or a page: one line, no control characters (no terminal escapes).
    text = _CONTROL_RUN.sub(" ", str(value))
    return text if len(text) <= 30 else text[:30] + "…"
