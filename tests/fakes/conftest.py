from tests.fakes.fixtures import fakes  # noqa: F401
