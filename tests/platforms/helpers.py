"""Write a post file and render it for one channel."""

from __future__ import annotations

import itertools
import textwrap
from pathlib import Path

from socialops.model import Channel, read_post
from socialops.render import RenderedChannel, render_channel

_names = itertools.count()


def write_post(root: Path, body: str, front: str = "") -> Path:
    path = root / "posts" / f"p{next(_names)}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n" + textwrap.dedent(front).strip("\n") + ("\n" if front.strip() else "")
                    + "---\n" + body, "utf-8")
    return path


def render(root: Path, body: str, channel: Channel, front: str = "") -> RenderedChannel:
    return render_channel(read_post(root, write_post(root, body, front)), channel, root)
