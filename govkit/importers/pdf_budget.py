"""A PDF's pages laid out within a budget: the work stops when a document asks for too much.

pdfplumber lays a page out completely before anything can be counted, and a few bytes can ask for
millions of objects: a 3 KB page of 100,000 identical rectangles took 16 s and 1.2 GB, 4 MB of
``q Q`` took 10 s, and a form drawn a hundred times multiplies its glyphs. So each page is laid out
here, by pdfplumber's own device and pdfminer's interpreter, with what it costs counted for the
whole document as the work goes:

* the decoded bytes of every content stream, each time it is drawn, known before pdfminer decodes
  it (compressed streams are inflated here with a bound first): at most ``MAX_PDF_CONTENT``;
* the work, in µs of CPU (``COST``): the tokens of those streams (pdfminer spends ~5 µs on each,
  whatever it draws; counted by a regular expression that splits them at least as finely as
  pdfminer's parser), glyphs (pdfplumber builds a ~2 KB object for each) and shapes (subpaths and
  images: an object each, and finding tables among them): at most ``MAX_PDF_WORK``.

The first count beyond its limit raises :class:`TooMuch`, saying in Chinese what and on which page.
"""

from __future__ import annotations

import io
import re
import zlib
from typing import Any

# What laying out costs, in µs of CPU on the 2-core machine: pdfminer's parser per token, pdfplumber
# per glyph (its object, and mapping its text), and per shape (its object, and finding tables among them).
COST = {"tokens": 6, "chars": 55, "shapes": 80}
# ~1 s. The 4-page synthetic report spends 229,000 (16,712 tokens, 1,146 glyphs, 816 shapes), so
# about 17 pages of dense tables fit (or 18,000 glyphs); a published report has 4–15 pages.
MAX_PDF_WORK = 1_000_000
# Decoded content streams, each time one is drawn (inflating and counting tokens cost ~0.1 s per MB).
MAX_PDF_CONTENT = 4_000_000
# A token of a content stream: a string (unclosed, or cut at a nested parenthesis, it still counts),
# a hex string, a name, a run of other characters, a bracket or a comment.
_TOKEN = re.compile(
    rb"<<|>>|\((?:[^()\\]|\\[\s\S])*|<[0-9A-Fa-f\s]*>?|/[^\s()<>\[\]{}/%]*|[^\s()<>\[\]{}/%]+|[\[\]{}]|%[^\r\n]*"
)
_CHUNK = 1 << 16  # tokens are counted a slice at a time: bounded memory, and the count stops at the limit


class TooMuch(Exception):
    """The document asks for more than the budget allows; the message says what, in Chinese."""


class Budget:
    """What the document has spent so far, and the page being laid out (numbered from 1)."""

    def __init__(self) -> None:
        self.spent = {kind: 0 for kind in COST}
        self.content = self.work = self.page = 0

    def spend(self, kind: str, amount: int) -> None:
        self.spent[kind] += amount
        self.work += COST[kind] * amount
        if self.work > MAX_PDF_WORK:
            raise TooMuch(
                f"PDF 内容过多（到第 {self.page} 页已有 {self.spent['chars']} 个字、{self.spent['shapes']} 个图形、"
                f"{self.spent['tokens']} 个排版指令，超过导入的处理上限）"
            )

    def decode(self, stream: Any) -> None:
        """Count a content stream that is about to be drawn; decode it (bounded) for pdfminer."""
        room = MAX_PDF_CONTENT - self.content
        size = decoded_size(stream, room)
        if size > room:
            raise TooMuch(f"PDF 页面内容过多（到第 {self.page} 页，解压后超过 {MAX_PDF_CONTENT // 1_000_000} MB）")
        self.content += size
        data = stream.get_data()  # within the room now; pdfminer keeps it and does not decode again
        for start in range(0, len(data), _CHUNK):
            self.spend("tokens", _TOKEN.subn(b"", data[start : start + _CHUNK])[1])


def layout(page: Any, budget: Budget) -> None:
    """Lay out one pdfplumber page within ``budget`` and keep the result as the page's layout.

    pdfplumber's :attr:`Page.layout` builds the same device and interpreter; the result is stored
    where it keeps its own, so that ``page.chars`` and the table finder use it.
    """
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfminer.pdftypes import stream_value
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent

    class Device(PDFPageAggregatorWithMarkedContent):  # type: ignore[misc]
        def render_char(self, *args: Any, **kwargs: Any) -> Any:
            budget.spend("chars", 1)
            return super().render_char(*args, **kwargs)

        def paint_path(self, gstate: Any, stroke: Any, fill: Any, evenodd: Any, path: Any) -> Any:
            # pdfminer makes one object per subpath; a very long subpath costs by its points.
            budget.spend("shapes", sum(1 for segment in path if segment[0] == "m") + len(path) // 64 or 1)
            return super().paint_path(gstate, stroke, fill, evenodd, path)

        def render_image(self, name: Any, stream: Any) -> Any:
            budget.spend("shapes", 1)
            return super().render_image(name, stream)

    class Interpreter(PDFPageInterpreter):
        def execute(self, streams: Any) -> None:
            for obj in streams:
                budget.decode(stream_value(obj))
            super().execute(streams)

    budget.page = page.page_number
    device = Device(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    Interpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    page._layout = device.get_result()  # noqa: SLF001 - where pdfplumber's own ``layout`` keeps it


def decoded_size(stream: Any, room: int) -> int:
    """The size of ``stream`` once decoded, or any size above ``room`` as soon as it is known to be bigger.

    Each filter is undone as pdfminer would, the expanding ones (Flate, LZW, run length) with a
    bound; pdfminer decodes the stream again when it draws it, which then costs no more than ``room``.
    """
    from pdfminer.ascii85 import ascii85decode, asciihexdecode
    from pdfminer.pdftypes import (
        LITERALS_ASCII85_DECODE,
        LITERALS_ASCIIHEX_DECODE,
        LITERALS_FLATE_DECODE,
        LITERALS_LZW_DECODE,
        LITERALS_RUNLENGTH_DECODE,
    )
    from pdfminer.psparser import literal_name

    if stream.data is not None:
        return len(stream.data)
    data = stream.rawdata or b""
    if stream.decipher:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    for name, _params in stream.get_filters():
        if name in LITERALS_FLATE_DECODE:
            data = _inflate(data, room)
        elif name in LITERALS_LZW_DECODE:
            data = _unlzw(data, room)
        elif name in LITERALS_RUNLENGTH_DECODE:
            if len(data) * 128 > room:  # a run of 128 bytes takes 2: decode only what cannot pass the room
                return room + 1
            from pdfminer.runlength import rldecode

            data = rldecode(data)
        elif name in LITERALS_ASCII85_DECODE:
            data = ascii85decode(data)  # shrinks, and the next filter needs its output
        elif name in LITERALS_ASCIIHEX_DECODE:
            data = asciihexdecode(data)
        elif literal_name(name) not in ("DCTDecode", "DCT", "JPXDecode", "JBIG2Decode", "CCITTFaxDecode", "CCF"):
            break  # pdfminer refuses the filter itself
        if len(data) > room:
            return len(data)
    return len(data)


def _inflate(data: bytes, room: int) -> bytes:
    """Inflate at most ``room + 1`` bytes; a damaged stream gives what inflates before the damage (as pdfminer does)."""
    inflater = zlib.decompressobj()
    out = bytearray()
    try:
        for start in range(0, len(data), 1 << 16):
            out += inflater.decompress(inflater.unconsumed_tail + data[start : start + (1 << 16)], room + 1 - len(out))
            if len(out) > room:
                break
    except zlib.error:
        pass
    return bytes(out)


def _unlzw(data: bytes, room: int) -> bytes:
    from pdfminer.lzw import LZWDecoder

    out = bytearray()
    try:
        for chunk in LZWDecoder(io.BytesIO(data)).run():
            out += chunk
            if len(out) > room:
                break
    except Exception:  # noqa: BLE001 - damaged data: pdfminer stops there too
        pass
    return bytes(out)
