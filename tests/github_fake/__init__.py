"""A local fake of the GitHub REST API for tests (see server.py)."""
