"""The JSON Schemas (Draft 2020-12) shipped in the package, and validation that reports
each violation at the offending key's own line with its JSON path.

Whether a file is valid is decided first by a compiled check of the same schema
(fastjsonschema): most files are valid, and jsonschema (~40 ms to import) then only runs to
explain the ones that are not. Compiling a check costs 5-80 ms a schema, more than one run
saves, so the compiled code is kept in the user's cache folder, as Python keeps bytecode in
__pycache__: keyed by the schema's text, fastjsonschema's version and Python's bytecode
format, and read back in well under a millisecond. Without a usable cache folder (or with
SOCIALOPS_NO_CACHE set) only the post schema, checked once per post, is compiled in the
run; the files read once (config, style guide, calendar) are then checked by jsonschema.

The cached code is executed, so it is read only from a folder and a file that belong to
the user running socialops and that no one else may write (as ssh treats its keys): the
folder is made with mode 0700, and an entry in a folder another user (or a group) can write
is compiled again in the run instead. Nothing in the repository is ever executed.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import CodeType
from typing import TYPE_CHECKING, Any

from socialops import digests
from socialops.problems import Level, Problem
from socialops.safepaths import private

if TYPE_CHECKING:
    from socialops.yamlio import Locator

SCHEMA_FILES = {
    "post": "post.schema.json",
    "config": "socialops.schema.json",
    "styleguide": "styleguide.schema.json",
    "calendar": "calendar.schema.json",
}

# Compiled in the run even without a cache: checked thousands of times in a large project.
FAST_GATED = frozenset({"post"})
CHECKS_FORMAT = 1  # of the cached entries; a new value orphans the old ones
STALE_DAYS = 30


@cache
def schema_text(name: str) -> str:
    # beside this module, as the package installs them (importlib.resources would load zipfile,
    # tempfile and its readers for a path it finds the same way: 3-5 ms of start-up)
    return (Path(__file__).parent / "schemas" / SCHEMA_FILES[name]).read_text("utf-8")


@cache
def schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(schema_text(name))
    return data


@cache
def validator(name: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema(name))


@cache
def fast_check(name: str) -> Callable[[Any], Any] | None:
    """The compiled validity check of a schema (it raises fastjsonschema's JsonSchemaException
    for invalid data), from the cache when it was compiled before. None when it is not worth
    compiling in this run (see FAST_GATED) or the schema cannot be compiled: jsonschema alone
    decides then."""
    folder = _cache_folder()
    file = folder / f"{name}-{_cache_key(name)}.code" if folder else None
    entry = _read(file) if file and private(file) else None
    check = _load(entry) if entry else None
    if check is None:
        if file is None and name not in FAST_GATED:
            return None
        entry = _compile(name)
        if entry is None:
            return None
        if file:
            _write(file, entry)
        check = _load(entry)
    return check


def _load(entry: tuple[str, CodeType]) -> Callable[[Any], Any] | None:
    """The checking function an entry's code defines; None for an entry that defines
    none (a foreign or damaged file in the cache folder: compiled again then)."""
    function, code = entry
    namespace: dict[str, Any] = {}
    try:
        exec(code, namespace)
    except Exception:
        return None
    check = namespace.get(function)
    return check if callable(check) else None


def _compile(name: str) -> tuple[str, CodeType] | None:
    """(name of the checking function, its module's code) from fastjsonschema's generator.
    Defaults are not filled in (use_default=False): the check must not change the data."""
    import copy
    import re

    import fastjsonschema

    try:  # fastjsonschema rewrites the $refs of the dict it is given: give it a copy
        source = fastjsonschema.compile_to_code(copy.deepcopy(schema(name)), use_default=False)
    except fastjsonschema.JsonSchemaDefinitionException:
        return None
    main = re.search(r"^def (\w+)\(", source, re.MULTILINE)  # the schema's own comes first
    if main is None:
        return None
    return main.group(1), compile(source, f"<{SCHEMA_FILES[name]} check>", "exec")


def _cache_folder() -> Path | None:
    if os.environ.get("SOCIALOPS_NO_CACHE"):
        return None
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or "")
        if not base.is_absolute():  # unset, or relative: the XDG spec says to ignore it
            base = Path.home() / ".cache"
        if not base.is_absolute():  # a relative HOME: no cache rather than one under the current folder
            return None
        folder = base / "socialops" / "schema-checks"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # RuntimeError: no home folder
        return None
    return folder if private(folder) else None


def _cache_key(name: str) -> str:
    import importlib.util

    import fastjsonschema

    parts = [str(CHECKS_FORMAT), fastjsonschema.VERSION, importlib.util.MAGIC_NUMBER.hex(), schema_text(name)]
    return digests.sha256("\0".join(parts).encode()).hexdigest()[:32]


def _read(file: Path) -> tuple[str, CodeType] | None:
    import marshal

    try:
        entry = marshal.loads(file.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], str)
            and isinstance(entry[1], CodeType)):
        return entry
    return None


def _write(file: Path, entry: tuple[str, CodeType]) -> None:
    """Written whole under a temporary name and renamed, so a reader never sees part of
    it. Entries written more than STALE_DAYS ago are removed then (not at once: two
    installations on one machine may each use their own)."""
    import marshal
    import time

    temporary = file.with_name(f".{file.name}.{os.getpid()}")
    try:
        temporary.write_bytes(marshal.dumps(entry))
        os.replace(temporary, file)
        for old in file.parent.glob("*.code"):
            if old.stat().st_mtime < time.time() - STALE_DAYS * 86400:
                old.unlink(missing_ok=True)
    except OSError:
        with contextlib.suppress(OSError):  # e.g. the folder went away meanwhile
            temporary.unlink(missing_ok=True)


def is_valid(name: str, data: Any) -> bool:
    check = fast_check(name)
    if check is None:
        return bool(validator(name).is_valid(data))
    import fastjsonschema

    try:
        check(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def json_path(path: list[str | int] | Any) -> str:
    out = "$"
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else f".{step}"
    return out


def validate(name: str, data: Any, file: str, locator: Locator, line_offset: int = 0,
             rule: str = "schema") -> list[Problem]:
    """Schema violations as problems. `line_offset` is added to lines inside the YAML text
    (1 for a post's front matter, which starts below the opening '---')."""
    if is_valid(name, data):
        return []
    check = validator(name)
    problems: list[Problem] = []
    for error in sorted(check.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        for path, message in _explain(error):
            pos = locator.key(path)
            problems.append(Problem(file, pos.line + line_offset, pos.column, rule, Level.ERROR,
                                    f"{message} (at {json_path(path)})"))
    return problems


def _explain(error: Any) -> list[tuple[list[str | int], str]]:
    """One or more (path, message) pairs for a jsonschema error, in a writer's words."""
    path: list[str | int] = list(error.absolute_path)
    validator_name = error.validator
    if validator_name == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}))
        extras = [k for k in error.instance if k not in known]
        hint = ", ".join(sorted(known)) if known else ""
        from socialops.suggest import did_you_mean

        return [([*path, k], f"unknown key '{k}'{did_you_mean(str(k), known)}"
                 + (f"; the keys here are: {hint}" if hint else "")) for k in extras]
    if validator_name == "required":
        return [(path, error.message.replace("is a required property", "is required here"))]
    if validator_name == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        return [(path, f"{error.instance!r} is not one of: {allowed}")]
    if validator_name in ("oneOf", "anyOf") and error.context:
        best = min(error.context, key=lambda e: len(list(e.absolute_path)) * -1)
        return _explain(best)
    message = error.schema.get("errorMessage") if isinstance(error.schema, dict) else None
    return [(path, str(message) if message else error.message)]
