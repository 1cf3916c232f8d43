"""Write a scheduled time into a post file, changing nothing but the `queue` value.

Every other byte stays as it was: comments, quoting style, key order, line endings, a
byte-order mark. The value keeps its quotes when it had them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import yaml

from socialops import yamlio
from socialops.errors import SocialopsError
from socialops.model import Post

_QUOTES = ("'", '"')


def replace_queue(post: Post, value: str) -> bytes:
    """The post file's bytes with `publish_at: queue` replaced by `value`."""
    node = _publish_at_node(post)
    raw = post.abs_path.read_bytes().decode("utf-8")
    lines = raw.split("\n")
    line = node.start_mark.line + 1  # the front matter starts below the opening '---'
    if node.end_mark.line != node.start_mark.line or line >= len(lines):
        raise _cannot(post)
    text = lines[line]
    start, end = node.start_mark.column, node.end_mark.column
    if text[start:end] not in ("queue", "'queue'", '"queue"'):
        raise _cannot(post)
    quote = text[start] if text[start] in _QUOTES else ""
    lines[line] = text[:start] + quote + value + quote + text[end:]
    return "\n".join(lines).encode("utf-8")


def write_times(changes: list[tuple[Post, str]]) -> None:
    """Write each post's time. Every file is checked before the first is written, and each
    is replaced whole (a new file renamed over the old), so a failure leaves no file half
    written and no post changed when one of them cannot be."""
    ready = [(post, replace_queue(post, value)) for post, value in changes]
    for post, data in ready:
        target = post.abs_path
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".socialops-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            shutil.copymode(target, tmp)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _publish_at_node(post: Post) -> yaml.Node:
    try:
        root = yaml.compose(post.front_matter, Loader=yamlio.Loader)
    except yaml.YAMLError:
        raise _cannot(post) from None
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "publish_at" and isinstance(value, yaml.ScalarNode):
                return value
    raise _cannot(post)


def _cannot(post: Post) -> SocialopsError:
    return SocialopsError("cannot find 'publish_at: queue' on one line of the front matter; write "
                          "the time by hand or put 'publish_at: queue' on a line of its own", post.path)
