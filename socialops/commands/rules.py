"""Commands of this area register here (see cli.py)."""
