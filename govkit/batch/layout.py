"""Where a batch writes: the public folder for the website, the internal folder for everything else.

``<out>/public/`` holds only what goes on the website: report HTML, PDF and 图解, the public data
JSON (no findings, no paths), the index, the district page, the publication ledger and earlier
versions. ``<out>/internal/`` holds executed notebooks, findings records, build records, manifests,
review copies (``internal/review/``, each file named …-审阅稿) and the staging area of a batch.
A web server serves ``public/`` and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from govkit.paths import output_stem

PUBLIC = "public"
INTERNAL = "internal"
REVIEW_MARK = "审阅稿"


@dataclass(frozen=True)
class Layout:
    """The folders of one output folder for one mode (``publish`` or ``review``)."""

    out: Path
    mode: str = "publish"

    @property
    def public(self) -> Path:
        return Path(self.out) / PUBLIC

    @property
    def internal(self) -> Path:
        return Path(self.out) / INTERNAL

    @property
    def review(self) -> bool:
        return self.mode == "review"

    @property
    def site(self) -> Path:
        """Where this mode's pages and their index go (the public folder, or the review copies' folder)."""
        return self.internal / "review" if self.review else self.public

    def name(self, agency: str) -> str:
        """The file-name stem of an agency's report in this mode (review copies say so)."""
        return f"{output_stem(agency)}-{REVIEW_MARK}" if self.review else output_stem(agency)

    def page(self, agency: str, year: int) -> str:
        """The report page relative to :attr:`site` (``<year>/<name>.html``)."""
        return f"{year}/{self.name(agency)}.html"

    def notebook(self, agency: str, year: int) -> Path:
        return self.internal / "notebooks" / self.mode / str(year) / f"{self.name(agency)}.ipynb"

    def record(self, agency: str, year: int) -> Path:
        """The report with all its findings (JSON), kept internal."""
        return self.internal / "records" / self.mode / str(year) / f"{self.name(agency)}.json"

    def staging(self, batch_id: str) -> Path:
        """Where a batch's workers write pages before they are checked against the ledger and moved."""
        return self.internal / "staging" / batch_id

    def claims(self, batch_id: str) -> Path:
        return self.internal / "claims" / batch_id

    @property
    def build_file(self) -> Path:
        return self.internal / f"build-{self.mode}.json"

    @property
    def manifest(self) -> Path:
        return self.internal / f"manifest-{self.mode}.json"
