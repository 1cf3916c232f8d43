"""The content repository as data: the project config, channels and post files.

Reading never raises for a broken post: what is wrong becomes a Problem on the post,
so one bad file never stops the others from being linted or published.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from socialops import yamlio
from socialops.errors import ProjectNotFound, SocialopsError
from socialops.problems import Level, Problem

CONFIG_FILE = "socialops.yaml"
STYLEGUIDE_FILE = "styleguide.yaml"
CALENDAR_FILE = "calendar.yaml"
POSTS_DIR = "posts"
LEDGER_DIR = ".socialops/ledger"
MAX_POST_BYTES = 1024 * 1024

SEPARATOR = re.compile(r"^---[ \t]*$")
_DRIVE = re.compile(r"^[A-Za-z]:")
_CLOSING = re.compile(r"^---[ \t]*$", re.M)
#: an HTML comment with the space before and after it (if any): never published
COMMENT = re.compile(r"( ?)<!--.*?-->( ?)", re.S)
#: a `<!-- socialops-disable rule, rule -->` comment in a body (the rules it names, comma-separated)
DISABLE_COMMENT = re.compile(r"<!--\s*socialops-disable\s+([^>]*?)\s*-->")


@dataclass(frozen=True, slots=True)
class Channel:
    """One account on one platform, as named in socialops.yaml."""

    name: str
    platform: str
    options: dict[str, Any]

    @property
    def max_length(self) -> int | None:
        value = self.options.get("max_length")
        return int(value) if isinstance(value, int) else None


@dataclass
class Config:
    path: Path
    data: dict[str, Any]
    timezone: ZoneInfo
    channels: dict[str, Channel]
    problems: list[Problem] = field(default_factory=list)
    text: str = ""

    @property
    def default_branch(self) -> str | None:
        value = self.data.get("default_branch")
        return str(value) if value else None

    @property
    def default_channels(self) -> list[str]:
        defaults = self.data.get("defaults") or {}
        value = defaults.get("channels") if isinstance(defaults, dict) else None
        return list(dict.fromkeys(str(c) for c in value)) if isinstance(value, list) else []

    def channels_for(self, post: Post) -> list[str]:
        """The channels a post goes to: those its `channels:` names, else `defaults.channels`.
        The one reading of it: lint, review, approvals, selection, status and reminders all
        ask here, so a post can never be checked against one list and sent to another."""
        return post.own_channels or self.default_channels


@dataclass(frozen=True, slots=True)
class Media:
    path: str
    alt: str | None
    index: int


@dataclass
class Post:
    """A post file. `meta` is the front matter (empty when it could not be read)."""

    path: str  # relative to the repository root, forward slashes
    abs_path: Path
    text: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    front_matter: str = ""
    body: str = ""
    body_line: int = 1
    problems: list[Problem] = field(default_factory=list)
    readable: bool = True
    quick: bool = False  # read by socialops.lint.quickread: meta holds id, publish_at, status, campaign, channels, author only
    # the calendar's UTC time of `publish_at`, by (value, timezone): worked out once, kept by lint's cache
    times: dict[tuple[str, str], datetime | None] = field(default_factory=dict, repr=False, compare=False)

    # ---- identity -------------------------------------------------------------------
    @cached_property
    def id(self) -> str:
        explicit = self.meta.get("id")
        if isinstance(explicit, str) and explicit.strip():
            return explicit.strip()
        return default_post_id(self.path)

    # ---- front matter fields --------------------------------------------------------
    @property
    def own_channels(self) -> list[str]:
        """The channels its front matter names (each once, in order); empty when it names
        none. Where it goes is `Config.channels_for(post)`: these, else the defaults."""
        value = self.meta.get("channels")
        if isinstance(value, str):
            return [value]
        return list(dict.fromkeys(str(c) for c in value)) if isinstance(value, list) else []

    @property
    def status(self) -> str:
        return str(self.meta.get("status", "ready"))

    @property
    def queued(self) -> bool:
        """`publish_at: queue`: waiting for `socialops schedule` to give it a slot."""
        value = self.meta.get("publish_at")
        return value is not None and str(value).strip() == "queue"

    @property
    def publish_at(self) -> str | None:
        value = self.meta.get("publish_at")
        return None if value is None else str(value)

    @property
    def lang(self) -> str | None:
        value = self.meta.get("lang")
        return str(value) if value else None

    @property
    def campaign(self) -> str | None:
        value = self.meta.get("campaign")
        return str(value) if value else None

    @property
    def author(self) -> str | None:
        value = self.meta.get("author")
        return str(value) if value else None

    @property
    def media(self) -> list[Media]:
        items = self.meta.get("media")
        out: list[Media] = []
        if isinstance(items, list):
            for i, item in enumerate(items):
                if isinstance(item, dict) and isinstance(item.get("path"), str):
                    alt = item.get("alt")
                    out.append(Media(item["path"], str(alt) if alt is not None else None, i))
                elif isinstance(item, str):
                    out.append(Media(item, None, i))
        return out

    @property
    def variants(self) -> dict[str, str]:
        value = self.meta.get("variants")
        if not isinstance(value, dict):
            return {}
        return {str(k): str(v) for k, v in value.items() if isinstance(v, str)}

    def platform_options(self, platform: str) -> dict[str, Any]:
        """The post's block of extras for one platform (`mastodon: {spoiler_text: ...}`)."""
        value = self.meta.get(platform)
        return value if isinstance(value, dict) else {}

    # ---- body -------------------------------------------------------------------------
    @cached_property
    def disabled_rules(self) -> frozenset[str]:
        found: set[str] = set()
        for match in DISABLE_COMMENT.finditer(self.body):
            found.update(r.strip() for r in match.group(1).split(",") if r.strip())
        return frozenset(found)

    @cached_property
    def locator(self) -> yamlio.Locator:
        return yamlio.Locator(self.front_matter)

    def meta_position(self, path: list[str | int], *, key: bool = True) -> tuple[int, int]:
        """1-based (line, column) in the post file of a front-matter key or value."""
        pos = self.locator.key(path) if key else self.locator.value(path)
        return pos.line + 1, pos.column

    def meta_text_position(self, path: list[str | int], offset: int, text: str) -> tuple[int, int]:
        """1-based (line, column) in the post file of character `offset` of a string value."""
        pos = self.locator.value_text_offset(path, offset, text)
        return pos.line + 1, pos.column

    def problem(self, rule: str, message: str, line: int = 1, column: int = 1,
                level: Level = Level.ERROR) -> Problem:
        return Problem(self.path, line, column, rule, level, message)


def stamp_of(st: os.stat_result) -> tuple[int, int, int, int]:
    """A file's or folder's stamp as lint's cache keeps and compares it (git's index keeps the
    same): (size, mtime_ns, ctime_ns, inode)."""
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def default_post_id(path: str) -> str:
    """`posts/2026/12/launch.md` -> `2026/12/launch`."""
    rel = path[len(POSTS_DIR) + 1:] if path.startswith(POSTS_DIR + "/") else path
    return rel[:-3] if rel.endswith(".md") else rel


def mask_comments(text: str) -> str:
    """HTML comments replaced by spaces (newlines kept), so offsets still match the file."""
    return COMMENT.sub(_blank_comment, text)


def _blank_comment(match: re.Match[str]) -> str:
    before, after = match.group(1), match.group(2)
    comment = match.group(0)[len(before):len(match.group(0)) - len(after)]
    return before + re.sub(r"[^\n]", " ", comment) + after


def rel_path(root: Path, abs_path: Path | str) -> str:
    """A path under the root as posts name it: relative, with forward slashes."""
    prefix = str(root) + os.sep
    full = str(abs_path)
    return full[len(prefix):].replace(os.sep, "/") if full.startswith(prefix) else Path(full).relative_to(root).as_posix()


@dataclass(frozen=True, slots=True)
class Due:
    """When a post is due, read from its `publish_at` (`post_due`)."""

    at: datetime | None  # in the project timezone; None: queued, no time, or a time that cannot be used
    queued: bool = False  # `publish_at: queue`: waiting for `socialops schedule` to give it a slot
    problem: str | None = None  # why the written time cannot be used (TimeError's words)


def post_due(post: Post, tz: ZoneInfo) -> Due:
    """The one reading of a post's `publish_at`: lint, the calendar, selection, status,
    review and reminders all ask here. Recurring occurrences take their times from the
    series in calendar.yaml instead (`socialops.calendar.occurrences`). The UTC time is
    kept in `post.times`, where lint's cache keeps it too."""
    from socialops.timeutil import TimeError, parse_time

    if isinstance(post, PostBrief):
        return post.due(tz)
    value = post.meta.get("publish_at")
    if value is None:
        return Due(None)
    text = str(value).strip()
    if post.queued:
        return Due(None, queued=True)
    key = (text, tz.key)
    known = post.times.get(key)
    if known is not None:
        return Due(known.astimezone(tz))
    try:
        at = parse_time(text, tz)
    except TimeError as exc:
        post.times[key] = None
        return Due(None, problem=str(exc))
    post.times[key] = at.astimezone(UTC)
    return Due(at.astimezone(tz))


class PostBrief(Post):
    """A post already read and checked on its own, as the checks across posts see it (the
    duplicate ids, the look-alike names, the calendar): its path, id, front-matter fields
    with a time or a place on the calendar, its time worked out, a digest of its text on
    each X channel (the calendar's duplicate check) and the rules it disables. Its text is
    not kept: a large repository's lint holds one of these per post (a tenth of a post's
    memory), and reading the text raises. A position in its front matter (for a finding)
    reads the file's front matter again."""

    __slots__ = ("_at", "_campaign", "_channels", "_disabled", "_explicit_id", "_has_id", "_locator",
                 "_publish_at", "_root", "_status", "_x", "_zone", "path", "readable")

    #: what `state()` gives: everything but the root, plain data a worker can send
    State = tuple[str, bool, str | None, bool, str | None, str, str | None, "str | tuple[str, ...] | None",
                  str, datetime | None, tuple[tuple[str, bytes], ...], frozenset[str]]

    def __init__(self, root: Path, state: PostBrief.State) -> None:  # Post's own fields stay unset
        (self.path, self.readable, self._explicit_id, self._has_id, self._publish_at, self._status,
         self._campaign, self._channels, self._zone, self._at, self._x, self._disabled) = state
        self._root = root
        self._locator: yamlio.Locator | None = None

    def __repr__(self) -> str:
        return f"PostBrief({self.path!r})"

    @staticmethod
    def state_of(post: Post, tz: ZoneInfo, x_keys: tuple[tuple[str, bytes], ...] = ()) -> PostBrief.State:
        """The brief of a post read in full, its time worked out in `tz` (the project's)."""
        if not post.readable:
            return (post.path, False, None, False, None, "ready", None, None, tz.key, None, (), frozenset())
        meta = post.meta
        explicit = meta.get("id")
        raw = meta.get("channels")
        channels = raw if isinstance(raw, str) else tuple(raw) if isinstance(raw, list) else None
        at = post_due(post, tz).at
        return (post.path, True, explicit.strip() if isinstance(explicit, str) and explicit.strip() else None,
                "id" in meta, post.publish_at, post.status, post.campaign, channels, tz.key,
                None if at is None else at.astimezone(UTC), x_keys, post.disabled_rules)

    def state(self) -> PostBrief.State:
        return (self.path, self.readable, self._explicit_id, self._has_id, self._publish_at, self._status,
                self._campaign, self._channels, self._zone, self._at, self._x, self._disabled)

    # ---- what Post reads from its front matter and body, from the brief ------------------
    @property
    def id(self) -> str:
        return self._explicit_id or default_post_id(self.path)

    @property
    def meta(self) -> dict[str, Any]:  # type: ignore[override]
        """The front matter's keys the checks across posts look at (not the others)."""
        out: dict[str, Any] = {}
        if self._has_id:
            out["id"] = self._explicit_id
        if self._publish_at is not None:
            out["publish_at"] = self._publish_at
        out["status"] = self._status
        if self._campaign is not None:
            out["campaign"] = self._campaign
        if self._channels is not None:
            out["channels"] = self._channels if isinstance(self._channels, str) else list(self._channels)
        return out

    @property
    def abs_path(self) -> Path:  # type: ignore[override]
        return self._root / self.path

    @property
    def own_channels(self) -> list[str]:
        value = self._channels
        if isinstance(value, str):
            return [value]
        return list(dict.fromkeys(str(c) for c in value)) if value is not None else []

    @property
    def status(self) -> str:
        return self._status

    @property
    def queued(self) -> bool:
        return self._publish_at is not None and self._publish_at.strip() == "queue"

    @property
    def publish_at(self) -> str | None:
        return self._publish_at

    @property
    def campaign(self) -> str | None:
        return self._campaign

    @property
    def disabled_rules(self) -> frozenset[str]:
        return self._disabled

    def x_key(self, channel: str) -> bytes:
        """The digest of its text on an X channel (socialops.calendar.checks.x_text_key)."""
        return next((key for name, key in self._x if name == channel), b"")

    def due(self, tz: ZoneInfo) -> Due:
        if self._publish_at is None:
            return Due(None)
        if self.queued:
            return Due(None, queued=True)
        if tz.key != self._zone:  # another zone than the project's: worked out again
            from socialops.timeutil import TimeError, parse_time

            try:
                return Due(parse_time(self._publish_at.strip(), tz))
            except TimeError as exc:
                return Due(None, problem=str(exc))
        return Due(None if self._at is None else self._at.astimezone(tz))

    @property
    def text(self) -> str:  # type: ignore[override]
        raise AttributeError("a post's brief keeps no text: read the post")

    @property
    def body(self) -> str:  # type: ignore[override]
        raise AttributeError("a post's brief keeps no text: read the post")

    @property
    def front_matter(self) -> str:  # type: ignore[override]
        raise AttributeError("a post's brief keeps no text: read the post")

    def meta_position(self, path: list[str | int], *, key: bool = True) -> tuple[int, int]:
        if self._locator is None:
            front = ""
            try:
                from socialops.safepaths import read_bytes

                text = normalize_newlines(read_bytes(self._root, self.abs_path, self.path, MAX_POST_BYTES)
                                          .decode("utf-8"))
                span = front_matter_span(text)
                front = text[span[0]:span[1]] if span is not None else ""
            except (OSError, UnicodeDecodeError, SocialopsError):
                pass  # gone or changed meanwhile: the first line
            self._locator = yamlio.Locator(front)
        pos = self._locator.key(path) if key else self._locator.value(path)
        return pos.line + 1, pos.column


def read_post(root: Path, abs_path: Path) -> Post:
    """Read one post file; never raises for bad content."""
    full = str(abs_path)
    post = Post(rel_path(root, abs_path), abs_path)

    def fail(message: str, line: int = 1, column: int = 1, rule: str = "syntax") -> Post:
        post.problems.append(post.problem(rule, message, line, column))
        post.readable = False
        return post

    from socialops import safepaths

    why = safepaths.refusal(root, full)
    if why is not None:
        return fail(f"this post file cannot be read: {why}; make it a regular file inside the "
                    "repository (copy the content in)", rule="path")
    try:
        raw = safepaths.read_bytes(root, full, post.path, MAX_POST_BYTES)
    except safepaths.UnsafePath as exc:
        if "bytes" not in exc.message:
            return fail(exc.message, rule="path")
        size = os.stat(full).st_size
        return fail(f"file is {size / 1_000_000:.1f} MB; a post file is at most "
                    f"{MAX_POST_BYTES // 1024} KiB: move large content to media/")
    except OSError as exc:
        return fail(f"cannot read the file: {exc.strerror or exc}")
    if not raw or raw.isspace():
        return fail("the file is empty; a post starts with front matter between two '---' lines")
    if b"\x00" in raw[:8192]:
        return fail("this is a binary file, not a Markdown post; move it to media/")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return fail(f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8", line, column)
    post.text = normalize_newlines(text)
    parse_front_matter(post)
    return post


def normalize_newlines(text: str) -> str:
    """A file's text as socialops reads it: no byte order mark, every line ending a '\\n'."""
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def front_matter_span(text: str) -> tuple[int, int, int, int] | None:
    """Where a post's parts are in its text: (front matter start, its end, body start,
    body line); None when the first line opens no front matter or it never closes."""
    first_end = text.find("\n")
    if first_end < 0 or not SEPARATOR.match(text, 0, first_end):
        return None
    closing = _CLOSING.search(text, first_end + 1)
    if closing is None:
        return None
    start = first_end + 1
    return start, max(closing.start() - 1, start), closing.end() + 1, text.count("\n", 0, closing.start()) + 2


def parse_front_matter(post: Post) -> None:
    span = front_matter_span(post.text)
    if span is None:
        first = post.text.split("\n", 1)[0]
        if not SEPARATOR.match(first):
            post.problems.append(post.problem(
                "syntax", "a post starts with front matter: a line holding only '---', the YAML, "
                "and another '---' line"))
        else:
            post.problems.append(post.problem(
                "syntax", "the front matter opened here never closes; add a line holding only '---' "
                "after the YAML"))
        post.readable = False
        return
    start, end, body_start, post.body_line = span
    post.front_matter = post.text[start:end]
    post.body = post.text[body_start:]
    try:
        meta = yamlio.load(post.front_matter) if post.front_matter.strip() else {}
    except yamlio.YamlError as exc:
        post.problems.append(post.problem("syntax", exc.message, exc.line + 1, exc.column))
        post.readable = False
        return
    if not isinstance(meta, dict):
        post.problems.append(post.problem(
            "schema", "the front matter must be a mapping of keys to values (channels: ..., publish_at: ...)", 2))
        post.readable = False
        return
    post.meta = meta


def inside_repo(root: Path, rel: str) -> bool:
    """True when `rel` (a path written in a post) stays inside the repository, symlinks followed."""
    if not rel or os.path.isabs(rel) or rel.startswith(("~", "\\")) or _DRIVE.match(rel):
        return False
    if ".." in Path(rel).parts:
        return False
    real_root = _real(str(root))
    target = os.path.realpath(os.path.join(real_root, rel))
    return target == real_root or target.startswith(real_root + os.sep)


@lru_cache(maxsize=8)
def _real(root: str) -> str:
    """The repository root with its symlinks resolved (looked up once per run)."""
    return os.path.realpath(root)


# ---- the project ----------------------------------------------------------------------

def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding socialops.yaml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if has_file(folder / CONFIG_FILE):  # a symlink too: loading it says why it is refused
            return folder
    raise ProjectNotFound(
        f"no {CONFIG_FILE} in {start} or any folder above it; run 'socialops init' to start a "
        "project, or pass --repo DIR")


MAX_CONFIG_BYTES = 8 * 1024 * 1024  # socialops.yaml, the style guide, the calendar, a workflow


def has_file(path: Path) -> bool:
    """Whether the project has this file: a regular file, or a symlink (which the reading
    then refuses, with its reason, unless it stays inside the repository)."""
    return path.is_file() or path.is_symlink()


def read_project_file(root: Path, rel: str) -> str:
    """A project file's text (UTF-8, without a BOM, LF line ends), read through the
    safe-path checks: a symlink out of the repository (to /proc/self/environ, to /dev/zero),
    a FIFO, a device or a file over MAX_CONFIG_BYTES is refused. Raises SocialopsError naming
    the file and what to do; FileNotFoundError when it is not there."""
    from socialops import safepaths

    try:
        data = safepaths.read_bytes(root, rel, rel, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        raise
    except safepaths.UnsafePath as exc:  # its message names the file first: once is enough
        raise SocialopsError(exc.message.removeprefix(f"{rel}: "), rel) from None
    except OSError as exc:
        raise SocialopsError(f"cannot read the file: {exc.strerror or exc}", rel) from None
    try:
        return data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise SocialopsError("the file is not UTF-8; save it as UTF-8", rel) from None


def load_yaml_file(path: Path, root: Path) -> tuple[str, Any]:
    rel = path.relative_to(root).as_posix()
    try:
        text = read_project_file(root, rel)
    except FileNotFoundError as exc:
        raise SocialopsError(f"cannot read the file: {exc.strerror or exc}", rel) from None
    try:
        return text, yamlio.load(text)
    except yamlio.YamlError as exc:
        raise SocialopsError(exc.message, rel, exc.line) from None


def load_config(root: Path) -> Config:
    """socialops.yaml. A file that cannot be read at all raises; schema problems become findings."""
    from socialops import schemas
    from socialops.timeutil import TimeError, zone

    path = root / CONFIG_FILE
    text, data = load_yaml_file(path, root)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SocialopsError("socialops.yaml must be a mapping (timezone: ..., channels: ...)", CONFIG_FILE, 1)
    problems = schemas.validate("config", data, CONFIG_FILE, yamlio.Locator(text), line_offset=0)
    try:
        tz = zone(str(data.get("timezone", "UTC")))
    except TimeError as exc:
        raise SocialopsError(str(exc), CONFIG_FILE, yamlio.Locator(text).value(["timezone"]).line) from None
    channels: dict[str, Channel] = {}
    raw_channels = data.get("channels")
    if isinstance(raw_channels, dict):
        for name, options in raw_channels.items():
            if isinstance(options, dict) and isinstance(options.get("platform"), str):
                channels[str(name)] = Channel(str(name), options["platform"], dict(options))
    return Config(path, data, tz, channels, problems, text)


@dataclass
class Project:
    root: Path
    config: Config

    @classmethod
    def load(cls, repo: Path | None = None) -> Project:
        root = find_root(repo or Path.cwd())
        return cls(root, load_config(root))

    def rel(self, path: Path) -> str:
        return path.resolve().relative_to(self.root.resolve()).as_posix()

    def post_paths(self) -> tuple[list[Path], list[Problem]]:
        """Every post file under posts/, sorted, and problems with the folder layout."""
        files, problems = self.post_files()
        return [Path(full) for full in files], problems

    def post_files(self, folders: list[tuple[str, tuple[int, int, int, int] | None]] | None = None
                   ) -> tuple[list[str], list[Problem]]:
        """`post_paths` as strings (quicker where thousands are only looked at). `folders`:
        filled with each folder listed and its (size, mtime, ctime, inode) after the listing
        (socialops.lint.cache.LintCache.listed)."""
        base = str(self.root / POSTS_DIR)
        problems: list[Problem] = []
        if not os.path.isdir(base):
            return [], problems
        names: list[tuple[str, str]] = []  # (the parts under posts/ joined by NUL, full path)
        cut = len(base) + 1
        for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
            dirnames.sort()
            key = dirpath[cut:].replace(os.sep, "\0") + "\0" if len(dirpath) >= cut else ""
            for d in dirnames:
                if d.endswith(".md"):
                    rel = rel_path(self.root, Path(dirpath, d))
                    problems.append(Problem(rel, 1, 1, "path", Level.WARNING,
                                            "this folder is named like a post file; posts inside it are read, "
                                            "but rename the folder to avoid confusion"))
            folder = dirpath + os.sep
            if folders is not None:  # a symlink to a folder: its target may become a file (a post) unseen
                try:
                    st = os.stat(dirpath)
                    linked = any(os.path.islink(os.path.join(dirpath, d)) for d in dirnames)
                    folders.append((dirpath, None if linked else stamp_of(st)))
                except OSError:
                    folders.append((dirpath, None))
            for name in filenames:
                if name.endswith(".md") and not name.startswith("."):
                    names.append((key + name, folder + name))
        names.sort()  # NUL sorts before any character of a name: as paths sort, part by part
        return [full for _, full in names], problems

    def read_posts(self, paths: list[Path] | None = None) -> list[Post]:
        if paths is None:
            paths, _ = self.post_paths()
        return [read_post(self.root, p) for p in paths]

    def post_by_ref(self, ref: str, posts: list[Post] | None = None) -> Post:
        """A post given by path (relative to the cwd or the root) or by id."""
        candidate = Path(ref)
        for base in (Path.cwd(), self.root):
            full = candidate if candidate.is_absolute() else base / candidate
            if full.is_file():
                try:
                    full.resolve().relative_to(self.root.resolve())
                except ValueError:
                    continue
                return read_post(self.root, full.resolve())
        posts = posts if posts is not None else self.read_posts()
        for post in posts:
            if post.id == ref or post.path == ref:
                return post
        raise SocialopsError(f"no post with the id or path '{ref}'; 'socialops plan' lists them")

    def ledger_path(self, post_id: str) -> Path:
        return self.root / LEDGER_DIR / f"{post_id}.yaml"
