"""SHA-256 and BLAKE2b without loading OpenSSL.

`import hashlib` loads OpenSSL's libcrypto (through `_hashlib`) to offer every algorithm
OpenSSL has: 4-22 ms and about 200 page faults of start-up on the benchmark machine
(bench/README.md, issue 17), paid by every one-post lint (the pre-commit hook) for the two
digests socialops uses there: the lint cache's keys and file names, the compiled schema
checks' keys, the X duplicate check's text digests. CPython builds both algorithms in
(`_sha256` or `_sha2`, `_blake2`: what hashlib itself falls back on without OpenSSL); they
give the same bytes, so a key or digest made either way is the same. hashlib is used only
where the interpreter lacks them.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Protocol, cast

__all__ = ["Hash", "blake2b", "sha256"]


class Hash(Protocol):
    """What socialops asks of a hash object (hashlib's have the same methods)."""

    def update(self, data: bytes, /) -> None: ...

    def digest(self) -> bytes: ...

    def hexdigest(self) -> str: ...


def _sha256() -> Callable[..., Hash]:
    # CPython 3.12 and later, 3.11 (a module that is not there costs a search of sys.path)
    for name in ("_sha2", "_sha256") if sys.version_info >= (3, 12) else ("_sha256", "_sha2"):
        try:
            return cast("Callable[..., Hash]", importlib.import_module(name).sha256)
        except (ImportError, AttributeError):
            continue
    from hashlib import sha256 as openssl_sha256

    return openssl_sha256


sha256 = _sha256()

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter built without it
    from hashlib import blake2b
