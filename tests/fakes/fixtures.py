"""pytest fixtures for the fakes. Use them from any test module or conftest with
`from tests.fakes.fixtures import fakes  # noqa: F401`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.servers import Fakes, start_fakes


@pytest.fixture
def fakes() -> Iterator[Fakes]:
    """Every fake platform server, started on 127.0.0.1 for one test, then stopped."""
    with start_fakes() as started:
        yield started
