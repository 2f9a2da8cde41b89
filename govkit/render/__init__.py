"""Drawing reports: static HTML in the official layout, notebook export, and A4 PDF."""

from govkit.render.html import MODES, render_fragment, render_page
from govkit.render.inputs import load_for_render, previous_path, resolve_data_file

__all__ = ["MODES", "load_for_render", "previous_path", "render_fragment", "render_page", "resolve_data_file"]
