"""`socialops lint --fix`: apply the certain fixes (substitutions) in place.

Only the matched characters change: front matter, comments, line endings (CRLF stays
CRLF), a byte order mark and every other byte of the file stay as they were. A fix in
the front matter (a variant) is kept only when the YAML still reads back to the same
data with just that text changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from socialops.model import Post, Project, normalize_newlines, parse_front_matter, read_post
from socialops.rules.apply import FIXABLE, matches
from socialops.rules.base import VARIANT
from socialops.rules.guide import StyleGuide

_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Fix:
    line: int
    column: int
    end: tuple[int, int]  # (line, column) just after the match
    old: str
    new: str
    rule: str
    variant: str | None  # the variant's key, or None for the body
    offset: int  # in the segment's text (to check a variant reads back right)


def apply_fixes(project: Project, targets: list[Path] | None, now: datetime | None = None) -> list[str]:
    """Fix the given post files (default: every post); one line per change made,
    like 'posts/a.md:7:12 Github -> GitHub (brand-names)'."""
    from socialops.rules import load_styleguide

    guide = load_styleguide(project.root)
    paths = targets if targets is not None else project.post_paths()[0]
    changes: list[str] = []
    root = project.root.resolve()
    for path in paths:
        full = path.resolve()
        if not full.is_relative_to(root) or not full.is_file():
            continue
        post = read_post(root, full)
        if post.readable:
            changes.extend(fix_post(post, guide, project))
    return changes


def fix_post(post: Post, guide: StyleGuide, project: Project) -> list[str]:
    fixes = _fixes(post, guide, project)
    if not fixes:
        return []
    raw = post.abs_path.read_bytes().decode("utf-8")
    text, applied = _apply(raw, fixes)
    if any(f.variant is not None for f in applied) and not _reads_back(post, text, applied):
        text, applied = _apply(raw, [f for f in fixes if f.variant is None])
    if not applied:
        return []
    post.abs_path.write_bytes(text.encode("utf-8"))
    return [f"{post.path}:{f.line}:{f.column} {f.old} -> {f.new} ({f.rule})" for f in applied]


def _fixes(post: Post, guide: StyleGuide, project: Project) -> list[Fix]:
    out: list[Fix] = []
    for rule, target, match in matches(post, guide, project.config):
        segment = target.segment
        if match.fix is None or match.start is None or segment.kind not in FIXABLE:
            continue
        line, column = target.position(match.start)
        out.append(Fix(line, column, target.position(match.end), segment.text[match.start:match.end],
                       match.fix, rule.id, segment.source if segment.kind == VARIANT else None, match.start))
    return sorted(out, key=lambda f: (f.line, f.column))


def _apply(raw: str, fixes: list[Fix]) -> tuple[str, list[Fix]]:
    """The text with the fixes that are exactly where expected applied, and those fixes."""
    starts = [0] + [m.end() for m in _NEWLINE.finditer(raw)]
    bom = 1 if raw.startswith("\ufeff") else 0

    def index(line: int, column: int) -> int:
        return starts[line - 1] + column - 1 + (bom if line == 1 else 0)

    applied: list[tuple[int, int, Fix]] = []
    last_end = -1
    for fix in fixes:
        if fix.line > len(starts) or fix.end[0] > len(starts):
            continue
        start, end = index(fix.line, fix.column), index(*fix.end)
        if start < last_end or _NEWLINE.sub("\n", raw[start:end]) != fix.old:
            continue
        applied.append((start, end, fix))
        last_end = end
    for start, end, fix in reversed(applied):
        raw = raw[:start] + fix.new + raw[end:]
    return raw, [fix for _, _, fix in applied]


def _reads_back(post: Post, text: str, applied: list[Fix]) -> bool:
    """True when the fixed file's front matter holds the same data, with exactly the
    fixed variant texts changed."""
    fixed = Post(post.path, post.abs_path, text=normalize_newlines(text))
    parse_front_matter(fixed)
    if not fixed.readable:
        return False
    expected = dict(post.variants)
    for fix in sorted((f for f in applied if f.variant is not None), key=lambda f: -f.offset):
        value = expected[fix.variant or ""]
        expected[fix.variant or ""] = value[:fix.offset] + fix.new + value[fix.offset + len(fix.old):]
    others = {k: v for k, v in fixed.meta.items() if k != "variants"}
    return fixed.variants == expected and others == {k: v for k, v in post.meta.items() if k != "variants"}
