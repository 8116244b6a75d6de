"""python -m anthology.cli: the same as the anthology command."""

from . import main

main()
