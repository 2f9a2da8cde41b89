"""Import time per page of text-layer PDFs (pdfplumber: ruled tables by cell boxes, prose lines).

Usage: python benchmarks/import_pdf.py [PDF ...] [--repeat 3]
Without PDFs, the rendered synthetic report in tests/fixtures/import is timed.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pdfplumber

from govkit.importers import import_file

DEFAULT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "import" / "pdf_synthetic_town_2021.pdf"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pdfs", nargs="*", type=Path, default=[DEFAULT])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    total_pages = 0
    total_seconds = 0.0
    for pdf in args.pdfs:
        with pdfplumber.open(pdf) as doc:
            pages = len(doc.pages)
        best = float("inf")
        for _ in range(args.repeat):
            started = time.perf_counter()
            result = import_file(pdf)
            best = min(best, time.perf_counter() - started)
        filled = sum(1 for table in result.report.cells.values() for v in table.values() if v is not None)
        print(f"{pdf.name}: {pages} 页，{best:.2f} 秒，每页 {best / pages * 1000:.0f} 毫秒；单元格 {filled} 个有数值")
        total_pages += pages
        total_seconds += best
    print(f"合计 {total_pages} 页，{total_seconds:.2f} 秒，每页 {total_seconds / total_pages * 1000:.0f} 毫秒")


if __name__ == "__main__":
    main()
