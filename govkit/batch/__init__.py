"""Batch publishing: every agency's report, an index, and a manifest."""

from govkit.batch.models import Options, Result
from govkit.batch.runner import render_all, render_one

__all__ = ["Options", "Result", "render_all", "render_one"]
