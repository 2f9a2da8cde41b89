"""Imports every rule module so that the rules register themselves (in this order)."""

from govkit.checks import arithmetic, cells, crossyear, prose, references, structure  # noqa: F401
