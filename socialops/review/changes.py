"""What a pull request changed, for the review comment: a post's words against the base
(a word diff, as `git diff --word-diff=plain` shows it), and the project files
(socialops.yaml, calendar.yaml, styleguide.yaml) as a list of the settings that changed and
the posts each change touches."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialops.model import Post, Project, normalize_newlines, parse_front_matter

PROJECT_FILES = ("socialops.yaml", "calendar.yaml", "styleguide.yaml")
_WORDS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> str | None:
    """`new` with what changed from `old` marked `[-removed-]{+added+}`; None when equal."""
    if old == new:
        return None
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append("".join(a[i1:i2]))
            continue
        if i2 > i1:
            out.append("[-" + "".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + "".join(b[j1:j2]) + "+}")
    return "".join(out)


def base_post(post: Post, text: str) -> Post:
    """The post as the base had it (read from text, not from the file)."""
    old = Post(post.path, post.abs_path, text=normalize_newlines(text))
    parse_front_matter(old)
    return old


def post_changes(post: Post, base_text: str | None) -> tuple[str | None, list[str]]:
    """The body's word diff and the front-matter keys that changed (None, [] for a new post)."""
    if base_text is None or not post.readable:
        return None, []
    old = base_post(post, base_text)
    if not old.readable:
        return word_diff(base_text, post.text), []
    keys = sorted(k for k in set(old.meta) | set(post.meta) if old.meta.get(k) != post.meta.get(k))
    return word_diff(old.body.strip("\n"), post.body.strip("\n")), keys


@dataclass
class FileChange:
    path: str
    changes: list[str]  # "channels.mastodon-main.instance: changed", ...
    affects: list[str] = field(default_factory=list)  # post paths
    affects_all: bool = False


def setting_changes(old: Any, new: Any, where: str = "") -> list[str]:
    """Each setting that was added, removed or changed, by its dotted path."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for key in sorted(set(old) | set(new), key=str):
            path = f"{where}.{key}" if where else str(key)
            if key not in old:
                out.append(f"{path}: added")
            elif key not in new:
                out.append(f"{path}: removed")
            else:
                out += setting_changes(old[key], new[key], path)
        return out
    if isinstance(old, list) and isinstance(new, list) and all(isinstance(x, dict) and "id" in x for x in old + new):
        olds, news = {str(x["id"]): x for x in old}, {str(x["id"]): x for x in new}
        return setting_changes(olds, news, where)
    return [] if old == new else [f"{where or '(the file)'}: changed"]


def project_changes(project: Project, base_texts: dict[str, str | None], posts: list[Post],
                    findings_by_rule: dict[str, set[str]]) -> list[FileChange]:
    """For each project file the branch changed: what changed and which posts it touches."""
    import yaml

    out = []
    for name, old_text in base_texts.items():
        path = project.root / name
        new_text = path.read_text("utf-8") if path.is_file() else ""
        try:
            old = yaml.safe_load(old_text or "") or {}
            new = yaml.safe_load(new_text) or {}
        except yaml.YAMLError:
            out.append(FileChange(name, ["the file cannot be read as YAML (see the lint findings)"]))
            continue
        changes = setting_changes(old, new)
        if not changes:
            continue
        out.append(_affected(FileChange(name, changes), name, changes, posts, findings_by_rule, project))
    return out


def _affected(change: FileChange, name: str, changes: list[str], posts: list[Post],
              findings_by_rule: dict[str, set[str]], project: Project) -> FileChange:
    heads = {c.split(":", 1)[0] for c in changes}
    if name == "socialops.yaml":
        channels = {h.split(".")[1] for h in heads if h.startswith("channels.") and h.count(".") >= 1}
        if any(not h.startswith(("channels.", "roles", "approval")) for h in heads):
            change.affects_all = True
        change.affects = sorted(p.path for p in posts if p.readable and channels & set(project.config.channels_for(p)))
    elif name == "styleguide.yaml":
        rules = {h.split(".")[1] for h in heads if h.startswith("rules.")}
        change.affects = sorted(set().union(*(findings_by_rule.get(r, set()) for r in rules)) if rules else set())
    else:
        campaigns = {h.split(".")[1] for h in heads if h.startswith("campaigns.")}
        change.affects = sorted(set(findings_by_rule.get("calendar", set()))
                                | {p.path for p in posts if p.campaign in campaigns})
        change.affects_all = any(h.split(".")[0] in ("slots", "spacing", "lateness") for h in heads)
    return change


def relative(project: Project, path: Path) -> str:
    return path.resolve().relative_to(project.root.resolve()).as_posix()
