"""Local fake servers of the HTTP platforms (see tests/fakes/servers.py for the API)."""
