"""The quick schema gate (fastjsonschema, compiled once and kept in the user's cache folder):
it never passes a file jsonschema refuses, it does not change the data, and its cache is
used, rebuilt when damaged, and done without when there is none."""

from __future__ import annotations

import copy
import json
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from socialops import schemas, yamlio

ACME = Path(__file__).resolve().parents[1] / "examples" / "acme"
FILES = {"config": "socialops.yaml", "styleguide": "styleguide.yaml", "calendar": "calendar.yaml"}
ODD_VALUES: list[Any] = [None, True, False, 0, 1, -1, 2.5, "", "x", "nope", "https://a.example", "12:00",
                         [], ["x"], [1], {}, {"x": 1}, {"id": "x"}]


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("SOCIALOPS_NO_CACHE", raising=False)
    schemas.fast_check.cache_clear()
    yield tmp_path / "socialops" / "schema-checks"
    schemas.fast_check.cache_clear()


def _documents() -> dict[str, list[Any]]:
    docs: dict[str, list[Any]] = {name: [yamlio.load((ACME / file).read_text("utf-8"))]
                                  for name, file in FILES.items()}
    docs["post"] = []
    for path in sorted((ACME / "posts").rglob("*.md")):
        front = re.match(r"---\n(.*?\n)---\n", path.read_text("utf-8"), re.DOTALL)
        assert front is not None, path
        docs["post"].append(yamlio.load(front.group(1)))
    return docs


def _places(doc: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield from _places(value, (*path, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            yield from _places(value, (*path, i))


def _mutated(doc: Any, rng: random.Random) -> Any:
    """A copy with one change somewhere: a value replaced, a key removed or added."""
    doc = copy.deepcopy(doc)
    *parent_path, last = rng.choice([p for p in _places(doc) if p]) if isinstance(doc, (dict, list)) else (None,)
    if last is None:
        return rng.choice(ODD_VALUES)
    parent = doc
    for step in parent_path:
        parent = parent[step]
    action = rng.random()
    if action < 0.6:
        parent[last] = copy.deepcopy(rng.choice(ODD_VALUES))
    elif action < 0.8 and isinstance(parent, dict):
        del parent[last]
    elif isinstance(parent, dict):
        parent[rng.choice(["zzz", "id", "kind", "level", "channels", "every", "min", "max"])] = \
            copy.deepcopy(rng.choice(ODD_VALUES))
    else:
        parent.append(copy.deepcopy(rng.choice(ODD_VALUES)))
    return doc


def _fast_valid(name: str, doc: Any) -> bool:
    import fastjsonschema

    check = schemas.fast_check(name)
    assert check is not None
    try:
        check(doc)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def test_the_gate_never_passes_what_jsonschema_refuses(cache_home: Path) -> None:
    rng = random.Random(20261122)
    for name, docs in _documents().items():
        strict = schemas.validator(name)
        refused = 0
        for doc in docs:
            assert _fast_valid(name, doc) and strict.is_valid(doc), name  # the examples pass both
        for _ in range(600):
            doc = _mutated(rng.choice(docs), rng)
            if not strict.is_valid(doc):
                refused += 1
                assert not _fast_valid(name, doc), (name, json.dumps(doc)[:300])
        assert refused > 100, name  # the mutations do reach the schema's rules


def test_checking_leaves_the_data_as_it_was(cache_home: Path) -> None:
    """fastjsonschema can fill in a schema's defaults; the gate must not (rules read the data)."""
    guide = {"rules": [{"id": "no-synergy", "kind": "existence", "tokens": ["synergy"]}]}  # level, ignorecase: defaults
    before = copy.deepcopy(guide)
    assert schemas.is_valid("styleguide", guide)
    assert guide == before


def test_compiled_checks_are_kept_and_read_back(cache_home: Path) -> None:
    assert schemas.is_valid("config", {"timezone": "UTC", "channels": {}})
    [entry] = cache_home.glob("config-*.code")
    stamp = entry.stat().st_mtime_ns
    schemas.fast_check.cache_clear()
    assert not schemas.is_valid("config", {"timezone": 3})
    assert entry.stat().st_mtime_ns == stamp  # read, not written again
    entry.write_bytes(b"not marshal data")
    schemas.fast_check.cache_clear()
    assert schemas.is_valid("config", {"timezone": "UTC", "channels": {}})  # damaged: compiled again
    assert schemas._read(entry) is not None


def test_without_a_cache_only_the_post_schema_is_compiled(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALOPS_NO_CACHE", "1")
    assert schemas.fast_check("config") is None and schemas.fast_check("styleguide") is None
    assert schemas.fast_check("post") is not None
    assert not schemas.is_valid("config", {"timezone": 3}) and schemas.is_valid("config", {"timezone": "UTC"})
    assert not cache_home.exists()


def test_the_checks_function_is_the_one_fastjsonschema_compiles(cache_home: Path) -> None:
    import fastjsonschema

    for name in schemas.SCHEMA_FILES:
        check = schemas.fast_check(name)
        assert check is not None
        assert check.__name__ == fastjsonschema.compile(copy.deepcopy(schemas.schema(name))).__name__


_VALID_RUN = """
import sys
from socialops import schemas
assert schemas.is_valid("config", {"timezone": "UTC", "channels": {}})
assert schemas.is_valid("styleguide", {"rules": []})
assert schemas.is_valid("calendar", {})
assert "jsonschema" not in sys.modules, "jsonschema was imported for valid files"
print("ok")
"""


def test_valid_files_need_no_jsonschema_once_the_checks_are_cached(cache_home: Path) -> None:
    env = {"XDG_CACHE_HOME": str(cache_home.parent.parent), "PATH": ""}
    for _ in range(2):  # the first run compiles and keeps the checks, the second reads them
        done = subprocess.run([sys.executable, "-c", _VALID_RUN], capture_output=True, text=True, env=env,
                              check=False, timeout=60)
        assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "ok", "")
    assert sorted(p.name.split("-")[0] for p in cache_home.glob("*.code")) == ["calendar", "config", "styleguide"]


def test_a_foreign_entry_in_the_cache_is_compiled_again(cache_home: Path) -> None:
    import marshal

    assert schemas.is_valid("config", {"timezone": "UTC", "channels": {}})
    [entry] = cache_home.glob("config-*.code")
    entry.write_bytes(marshal.dumps(("validate_something_else", compile("x = 1", "other", "exec"))))
    schemas.fast_check.cache_clear()
    assert not schemas.is_valid("config", {"timezone": 3})
    assert schemas.is_valid("config", {"timezone": "UTC", "channels": {}})
    read = schemas._read(entry)
    assert read is not None and read[0] != "validate_something_else"  # written again


def test_a_relative_cache_folder_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The XDG spec: a relative XDG_CACHE_HOME is invalid. Taken as given, the current folder
    (a repository) would get a cache folder, and code from there would run."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOCIALOPS_NO_CACHE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", "cache")
    assert schemas._cache_folder() == tmp_path / "home" / ".cache" / "socialops" / "schema-checks"
    monkeypatch.setenv("HOME", "home")
    assert schemas._cache_folder() is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]


@pytest.mark.parametrize("writable", ["folder", "file"])
def test_code_another_user_could_write_is_never_run(cache_home: Path, tmp_path: Path, writable: str) -> None:
    """A cache entry is code: in a folder (or a file) that a group or other users may write,
    someone else could have put code there. It is compiled again in the run instead."""
    import marshal
    import os

    assert schemas.is_valid("config", {"timezone": "UTC", "channels": {}})
    [entry] = cache_home.glob("config-*.code")
    marker = tmp_path / "ran"
    planted = compile(f"open({str(marker)!r}, 'w').close()\ndef validate(data): return data", "x", "exec")
    entry.write_bytes(marshal.dumps(("validate", planted)))
    os.chmod(cache_home if writable == "folder" else entry, 0o777 if writable == "folder" else 0o666)
    schemas.fast_check.cache_clear()
    assert not schemas.is_valid("config", {"timezone": 3})  # the real check ran
    assert not marker.exists()
    os.chmod(cache_home, 0o700)
    entry.write_bytes(marshal.dumps(("validate", planted)))  # compiled again and replaced meanwhile
    os.chmod(entry, 0o600)
    schemas.fast_check.cache_clear()
    schemas.is_valid("config", {"timezone": 3})
    assert marker.exists()  # the same entry in a private folder is read (the test can fail)


def test_the_cache_folder_is_private(cache_home: Path) -> None:
    assert schemas.is_valid("config", {"timezone": "UTC", "channels": {}})
    assert cache_home.stat().st_mode & 0o777 == 0o700
