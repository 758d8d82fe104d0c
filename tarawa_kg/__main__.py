"""``python -m tarawa_kg``."""

from tarawa_kg.cli import main

main()
