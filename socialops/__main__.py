"""`python -m socialops`: the same as the `socialops` command."""

from socialops.cli import main

main()
