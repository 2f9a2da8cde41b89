"""``python -m govkit`` runs the command line."""

from govkit.cli import main

main()
