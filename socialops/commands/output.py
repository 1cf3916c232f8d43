"""The edge's shared output helpers: one rich console, JSON envelopes, and the lint
report in every format (text, json, github, sarif). The core never imports this."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from socialops import __version__, escape
from socialops.model import CONFIG_FILE
from socialops.problems import Level, Problem

LEVEL_STYLE = {Level.ERROR: "bold red", Level.WARNING: "yellow", Level.SUGGESTION: "cyan"}


def console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def terminal_width(out: Any) -> int | None:
    """The width output must fit: the terminal's (or COLUMNS), or None when it goes to a
    file or a pipe, where nothing should be cut to rich's default of 80 columns."""
    return out.width if out.is_terminal or "COLUMNS" in os.environ else None


def print_table(out: Any, table: Any) -> bool:
    """Print a table whole: at its natural width into a file or a pipe, and in a terminal
    only if it fits (False, nothing printed, when it would have to cut its cells)."""
    from rich.measure import Measurement

    natural = Measurement.get(out, out.options.update_width(100_000), table).maximum
    width = terminal_width(out)
    if width is not None and natural > width:
        return False
    with wide(out, natural if width is None else out.width):
        out.print(table, soft_wrap=False)
    return True


@contextlib.contextmanager
def wide(out: Any, width: int) -> Iterator[None]:
    """The console at least `width` columns wide inside (rich cuts a print to the console's
    width whatever width the print asks for)."""
    before = out.width
    out.width = max(width, before)
    try:
        yield
    finally:
        out.width = before


@contextlib.contextmanager
def workflow_text(stream: Any = None) -> Iterator[None]:
    """Under GitHub Actions, what is printed inside is shown as text: a line of a post such as
    `::add-mask::` or `::error::` would otherwise be run as a workflow command. GitHub's
    documented switch (`::stop-commands::TOKEN` ... `::TOKEN::`) is written around it, with
    a token nobody can know in advance."""
    if os.environ.get("GITHUB_ACTIONS") != "true":
        yield
        return
    import secrets

    out = stream or sys.stdout
    token = secrets.token_hex(16)
    out.write(f"::stop-commands::{token}\n")
    try:
        yield
    finally:
        out.flush()
        out.write(f"\n::{token}::\n")
        out.flush()


def print_json(data: Any) -> None:
    write_out(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def lint_json(problems: list[Problem], files: int) -> str:
    """`{"version": 1, "problems": [...], "summary": {...}}`, a finding per line: readable,
    and made by the json module's fast encoder (indent= makes it take the slow one)."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    rows = ",\n    ".join(encode(p.as_dict()) for p in problems)
    return ('{\n  "version": 1,\n  "problems": [' + (f"\n    {rows}\n  " if rows else "") + "],\n"
            f'  "summary": {encode(summary(problems, files))}\n}}\n')


def summary(problems: Iterable[Problem], files: int) -> dict[str, int]:
    counts = {"files": files, "errors": 0, "warnings": 0, "suggestions": 0}
    for p in problems:
        counts[p.level.value + "s"] += 1
    return counts


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def lint_github(problems: list[Problem], root: Path | None = None) -> str:
    """Workflow commands; `col` in UTF-16 code units, as GitHub counts (root: to read lines)."""
    kinds = {Level.ERROR: "error", Level.WARNING: "warning", Level.SUGGESTION: "notice"}
    utf16 = _Utf16Columns(root)
    lines = [
        f"::{kinds[p.level]} file={_gh_escape(p.path, True)},line={p.line},col={utf16(p)},"
        f"title={_gh_escape(p.rule, True)}::{_gh_escape(p.message)}"
        for p in problems
    ]
    return "\n".join(lines) + ("\n" if lines else "")


class _Utf16Columns:
    """A finding's column in UTF-16 code units (what GitHub and SARIF viewers count) from
    its column in code points (text and JSON), reading each file's line once."""

    def __init__(self, root: Path | None, cache: dict[str, list[str]] | None = None) -> None:
        self.root = root
        self.cache: dict[str, list[str]] = {} if cache is None else cache

    def __call__(self, p: Problem) -> int:
        if self.root is None or p.column <= 1:
            return p.column
        line = _source_line(self.root, p.path, p.line, self.cache, cut=False)
        if line is None or line.isascii():
            return p.column
        before = line[:p.column - 1]
        return p.column + sum(1 for c in before if ord(c) > 0xFFFF)


def lint_sarif(problems: list[Problem], rule_docs: dict[str, str], rule_help: dict[str, str] | None = None,
               root: Path | None = None) -> str:
    """SARIF 2.1.0 as GitHub code scanning reads it, as one line of JSON: every rule with a
    short and a full description and help; artifact URIs percent-encoded (RFC 3986); columns
    in UTF-16 code units (columnKind); a partial fingerprint per finding that survives lines
    moving. Each result is written from a template (what json.dumps writes for its object,
    tests/test_sarif.py checks it): objects and the general encoder cost 0.9 s of CPU for
    70,000 findings (bench/peers.py)."""
    import json
    from hashlib import sha256
    from json.encoder import encode_basestring  # json.dumps's quoting with ensure_ascii=False
    from urllib.parse import quote

    levels = {Level.ERROR: "error", Level.WARNING: "warning", Level.SUGGESTION: "note"}
    rule_ids = sorted({p.rule for p in problems} | set(rule_docs))
    index = {rule: i for i, rule in enumerate(rule_ids)}
    helps = rule_help or {}
    lines_cache: dict[str, list[str]] = {}
    seen: dict[tuple[str, str, str], int] = {}
    uris: dict[str, str] = {}
    heads: dict[tuple[str, Level], str] = {}
    # (path, line) -> (the line when it is not ASCII, else None; its words, one space between)
    lines: dict[tuple[str, int], tuple[str | None, str | None]] = {}

    def uri(path: str) -> str:
        found = uris.get(path)
        if found is None:
            found = uris[path] = encode_basestring(quote(path, safe="/"))
        return found

    def head(p: Problem) -> str:
        found = heads.get((p.rule, p.level))
        if found is None:
            found = heads[(p.rule, p.level)] = (f'{{"ruleId": {encode_basestring(p.rule)}, "ruleIndex": {index[p.rule]}, '
                                                f'"level": "{levels[p.level]}", "message": {{"text": ')
        return found

    def rest(p: Problem) -> str:
        """The finding's region and fingerprint, from its source line, read once per line:
        the column in UTF-16 code units, and a fingerprint that survives lines moving."""
        at = (p.path, p.line)
        found = lines.get(at)
        if found is None:
            line = _source_line(root, p.path, p.line, lines_cache, cut=False) if root is not None else None
            found = lines[at] = (None if line is None or line.isascii() else line,
                                 " ".join(line.split()) if line else None)
        wide, said = found
        column = p.column
        if wide is not None and column > 1:
            column += sum(1 for c in wide[:column - 1] if ord(c) > 0xFFFF)
        key = (p.path, p.rule, said if said is not None else " ".join(p.message.split()))
        seen[key] = n = seen.get(key, 0) + 1
        digest = sha256(f"{key[0]}\0{key[1]}\0{key[2]}\0{n}".encode()).hexdigest()[:32]
        return (f'"startColumn": {column}}}}}}}], "partialFingerprints": {{"socialopsFinding/v1": "{digest}"}}}}')

    def rule(r: str) -> dict[str, Any]:
        short = rule_docs.get(r, r)
        full = helps.get(r, short)
        return {"id": r, "shortDescription": {"text": short}, "fullDescription": {"text": full},
                "help": {"text": full, "markdown": full}}

    whole = json.dumps({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "socialops",
                "version": __version__,
                "informationUri": "https://github.com/socialops/socialops",
                "rules": [rule(r) for r in rule_ids],
            }},
            "columnKind": "utf16CodeUnits",
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The repository's root"}}},
            "results": [],
        }],
    }, ensure_ascii=False)
    results = ", ".join(
        f'{head(p)}{encode_basestring(p.message)}}}, "locations": [{{"physicalLocation": {{"artifactLocation": '
        f'{{"uri": {uri(p.path)}, "uriBaseId": "%SRCROOT%"}}, "region": {{"startLine": {p.line}, {rest(p)}'
        for p in problems)
    before, _, after = whole.rpartition('"results": []')  # (inside a string it would be escaped)
    return f'{before}"results": [{results}]{after}'


def lint_text(problems: list[Problem], files: int, root: Path, *, compact: bool = False) -> None:
    """Findings for people, one line each. Grouped by file, each source line that has findings
    is shown once after them, with a caret under every finding's column; with `compact`, one
    `path:line:column: [level] message (rule)` line per finding and nothing else (yamllint's
    parsable format; Vale's --output=line). Fixable findings are marked. Written in one go:
    a rich print per finding cost 0.5 ms (bench/lint_output.py)."""
    if _plain_stdout():
        paint, width = _Painter(None), None
    else:
        out = console()
        paint = _Painter(out)
        width = terminal_width(out)
    chunks: list[str] = []
    if compact:
        chunks += [_compact_line(p, paint) for p in problems]
    else:
        lines_cache: dict[str, list[str]] = {}
        start = 0
        while start < len(problems):
            end = start
            path = problems[start].path
            while end < len(problems) and problems[end].path == path:
                end += 1
            chunks += _file_block(problems[start:end], root, lines_cache, paint, width)
            start = end
    counts = summary(problems, files)
    verdict = paint("✓", "bold green") if not problems else paint("✗", "bold red") if counts["errors"] else \
        paint("!", "yellow")
    line = (f"{verdict} {counts['files']} post file{'s' if counts['files'] != 1 else ''} checked: "
            f"{counts['errors']} error{'s' if counts['errors'] != 1 else ''}, "
            f"{counts['warnings']} warning{'s' if counts['warnings'] != 1 else ''}, "
            f"{counts['suggestions']} suggestion{'s' if counts['suggestions'] != 1 else ''}")
    fixable = sum(1 for p in problems if p.fixable)
    if fixable:
        line += f"; {fixable} fixable with {paint('socialops lint --fix', 'bold')}"
    chunks.append(line)
    write_out("\n".join(chunks) + "\n")


def _plain_stdout() -> bool:
    """Whether rich's console would write standard output as it is: no terminal (a pipe, a
    file: a pre-commit hook's output, a CI log), so no colour and no width; nothing in the
    environment that makes rich take it for one (FORCE_COLOR, TTY_COMPATIBLE, COLUMNS),
    neither Jupyter nor IDLE. Then lint's text output needs no rich (20 ms to import, a
    tenth of a one-post lint)."""
    if any(name in os.environ for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "COLUMNS")) \
            or "IPython" in sys.modules or "idlelib" in sys.modules:
        return False
    isatty = getattr(sys.stdout, "isatty", None)
    try:
        return isatty is not None and not isatty()
    except (ValueError, OSError):
        return False


def write_out(text: str) -> None:
    """Standard output, unless there is none (started with it closed: `lint >&-`)."""
    if sys.stdout is not None:
        sys.stdout.write(text)


# Control characters from a post would move the cursor or recolour the terminal: shown as
# U+FFFD (a tab as a space).
_CONTROLS = {**{c: "\ufffd" for c in [*range(0x20), *range(0x7F, 0xA0)]}, 0x09: " "}
FIXABLE_MARK = "[fixable]"


def _clean(text: str) -> str:
    return text.translate(_CONTROLS) if not text.isprintable() else text


class _Painter:
    """ANSI colour for the styles lint uses, made once per style (nothing without colour)."""

    def __init__(self, out: Any) -> None:
        """`out`: a rich console, None for no colour."""
        if out is None:
            self.system = None
        else:
            from rich.console import COLOR_SYSTEMS

            self.system = COLOR_SYSTEMS.get(out.color_system or "")
        self.codes: dict[str, tuple[str, str]] = {}

    def __call__(self, text: str, style: str) -> str:
        if self.system is None or not text:
            return text
        found = self.codes.get(style)
        if found is None:
            from rich.style import Style

            before, _, after = Style.parse(style).render("\x00", color_system=self.system).partition("\x00")
            found = self.codes[style] = (before, after)
        return f"{found[0]}{text}{found[1]}"


def _compact_line(p: Problem, paint: _Painter) -> str:
    mark = " " + paint(FIXABLE_MARK, "green") if p.fixable else ""
    return (f"{_clean(p.path)}:{p.line}:{p.column}: {paint(f'[{p.level.value}]', LEVEL_STYLE[p.level])} "
            f"{_clean(p.message)} {paint(f'({p.rule})', 'dim')}{mark}")


def _file_block(problems: list[Problem], root: Path, cache: dict[str, list[str]], paint: _Painter,
                width: int | None) -> list[str]:
    """A file's findings; after those of each line, that line once with all its carets."""
    where = [f"{p.line}:{p.column}" for p in problems]
    pad = max(map(len, where))
    levels = {p.level for p in problems}
    level_pad = max(len(level.value) for level in levels)
    label = {level: paint(level.value.ljust(level_pad), LEVEL_STYLE[level]) for level in levels}
    mark = "  " + paint(FIXABLE_MARK, "green")
    out = [paint(_clean(problems[0].path), "bold underline")]
    count = len(problems)
    i = 0
    while i < count:
        line = problems[i].line
        j = i
        worst = Level.SUGGESTION
        while j < count and problems[j].line == line:
            p = problems[j]
            level = p.level
            if level is not worst and _RANK[level] > _RANK[worst]:
                worst = level
            out.append(f"  {where[j].ljust(pad)}  {label[level]}  {_clean(p.message)}  "
                       f"{paint(p.rule, 'dim')}{mark if p.fixable else ''}")
            j += 1
        source = _source_line(root, problems[i].path, line, cache)
        if source is not None and "://" in source and problems[i].path == CONFIG_FILE:
            source = escape.urls(source)  # a URL written there may carry its token
        if source is not None and source.strip():
            out += _source_with_carets(line, source, [p.column for p in problems[i:j]], worst, paint, width)
        i = j
    out.append("")
    return out


_RANK = {level: level.rank for level in Level}


def _source_with_carets(number: int, source: str, columns: list[int], worst: Level, paint: _Painter,
                        width: int | None) -> list[str]:
    """The line and a caret under each finding's column, in terminal cells (wide characters
    count two). A line wider than the terminal is cut to the part around the carets, or left
    out when even that is too wide (the finding lines say where)."""
    from rich.cells import cell_len

    text = _clean(source)
    at = sorted({min(max(c - 1, 0), len(text)) for c in columns})
    gutter = f"{number:>5} | "
    if width is not None and len(gutter) + cell_len(text) > width:
        window = _window(text, at, width - len(gutter))
        if window is None:
            return []
        text, at = window
    carets = []
    done = 0
    for column in at:
        cells = cell_len(text[:column]) if not text.isascii() else column
        carets.append(" " * (cells - done) + "^")
        done = cells + 1
    return [paint(gutter, "dim") + text,
            paint(" " * (len(gutter) - 2) + "| ", "dim") + paint("".join(carets), LEVEL_STYLE[worst])]


def _window(text: str, at: list[int], room: int) -> tuple[str, list[int]] | None:
    """The part of `text` around the columns `at` that fits in `room` cells with an ellipsis
    at each cut end, and the columns in it; None when the columns are too far apart."""
    from rich.cells import get_character_cell_size

    cells = [get_character_cell_size(c) for c in text]
    first, last = at[0], min(at[-1], len(text) - 1)
    room -= 2  # the ellipses
    span = sum(cells[first:last + 1])
    if span > room:
        return None
    begin, used = first, span
    before = span + (room - span) // 2  # half of what the carets leave goes before them
    while begin > 0 and used + cells[begin - 1] <= before:
        begin -= 1
        used += cells[begin]
    end = last + 1
    while end < len(text) and used + cells[end] <= room:
        used += cells[end]
        end += 1
    while begin > 0 and used + cells[begin - 1] <= room:
        begin -= 1
        used += cells[begin]
    head = "…" if begin else ""
    return head + text[begin:end] + ("…" if end < len(text) else ""), [c - begin + len(head) for c in at]


def _source_line(root: Path, rel: str, line: int, cache: dict[str, list[str]], cut: bool = True) -> str | None:
    from socialops.model import MAX_POST_BYTES, normalize_newlines

    if rel not in cache:
        from socialops import safepaths
        from socialops.errors import SocialopsError

        try:  # through the safe-path checks: a finding's file may be a symlink to /dev/zero
            data = safepaths.read_bytes(root, rel, rel, MAX_POST_BYTES)
            if b"\x00" in data[:8192]:
                cache[rel] = []
            else:
                cache[rel] = normalize_newlines(data.decode("utf-8", "replace")).split("\n")
        except (OSError, SocialopsError):
            cache[rel] = []
    lines = cache[rel]
    if 1 <= line <= len(lines):
        text = lines[line - 1]
        return text if len(text) <= 300 or not cut else text[:300] + "…"
    return None
