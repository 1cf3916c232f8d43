"""Generate a realistic content repository for benchmarks.

    python bench/gen_repo.py OUT_DIR [--posts 10000] [--ledger 0]

Posts: 3 channels each, 1-3 thread parts, some media, several languages; a style guide
of 12 rules; a calendar. Deterministic (seeded)."""

from __future__ import annotations

import argparse
import random
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

CONFIG = """\
timezone: Europe/Berlin
channels:
  feed: {platform: feed, path: feed.xml, title: Bench news, link: https://bench.example}
  mastodon-main: {platform: mastodon, instance: https://mastodon.example, token_env: MASTODON_TOKEN}
  bluesky-main: {platform: bluesky, pds: https://pds.example, handle: bench.test, password_env: BSKY_PASSWORD}
  x-main: {platform: x, api_key_env: XK, api_secret_env: XS, access_token_env: XT, access_secret_env: XA}
  linkedin-company: {platform: linkedin, author: "urn:li:organization:1", token_env: LI_TOKEN}
"""

STYLEGUIDE = """\
rules:
  - {id: banned-words, kind: existence, level: error, message: "Avoid '{match}'.", tokens: [synergy, click here, leverage], patterns: ['\\bgame[- ]changer\\b']}
  - {id: brand-names, kind: substitution, level: error, message: "Write '{expected}', not '{match}'.", swap: {Github: GitHub, Javascript: JavaScript, acme corp: Acme}}
  - {id: shouting, kind: capitalization, level: warning, max_upper_words: 2}
  - {id: repeated-words, kind: repetition, level: warning}
  - {id: hashtags, kind: hashtags, level: warning, max: 3, banned: ["#followback"]}
  - {id: mentions, kind: mentions, level: warning, max: 5}
  - {id: links, kind: links, level: error, https: true}
  - {id: emoji, kind: emoji, level: suggestion, max: 3}
  - {id: alt-text, kind: alt-text, level: error, min_length: 15}
  - {id: long-sentences, kind: sentence-length, level: suggestion, max_words: 40}
  - {id: exclamations, kind: script, level: warning, pattern: '!{2,}', message: One exclamation mark is enough.}
  - {id: no-todo, kind: existence, level: error, tokens: [TODO, FIXME]}
"""

BASE = datetime(2027, 1, 1, 7, 0)

SENTENCES = [
    "Our new release makes scheduling posts much easier for the whole team.",
    "Read the full story on the blog: https://acme.example/blog/release?utm_source=social",
    "Wir freuen uns auf das Treffen in Köln nächste Woche. #acme",
    "Bugün İstanbul'daki etkinliğimizde görüşmek üzere! 🎉",
    "Thanks to everyone who came to the meetup yesterday 🙏 #community",
    "The calendar view now shows drafts and published posts side by side.",
    "Tip: use `socialops preview` before you open a pull request.",
    "新しいバージョンを公開しました。",
]


def post_text(rng: random.Random, i: int) -> str:
    channels = rng.sample(["mastodon-main", "bluesky-main", "x-main", "linkedin-company", "feed"], 3)
    parts = rng.randint(1, 3) if "linkedin-company" not in channels else 1
    # 20 posts a day between 07:00 and 19:40, each at its own time (no collisions, no DST gaps)
    when = BASE + timedelta(days=i // 20, minutes=40 * (i % 20))
    front = [
        f"channels: [{', '.join(channels)}]",
        f"publish_at: {when:%Y-%m-%dT%H:%M}",
        "status: ready",
        f"lang: {rng.choice(['en', 'de', 'tr'])}",
    ]
    if i % 10 == 0:
        front += ["media:", "  - path: media/shared.png", "    alt: A screenshot of the calendar view with three posts"]
    body = "\n---\n".join(
        f"Update {i}.{k}: " + " ".join(rng.sample(SENTENCES, 2)) for k in range(parts)
    )
    return "---\n" + "\n".join(front) + "\n---\n" + body + "\n"


def generate(out: Path, posts: int, ledger: int = 0, git: bool = True) -> None:
    rng = random.Random(42)
    out.mkdir(parents=True, exist_ok=True)
    (out / "socialops.yaml").write_text(CONFIG)
    (out / "styleguide.yaml").write_text(STYLEGUIDE)
    (out / "calendar.yaml").write_text("lateness: 6h\n")
    (out / "media").mkdir(exist_ok=True)
    (out / "media" / "shared.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 2048)
    for i in range(posts):
        folder = out / "posts" / f"{i // 1000:02d}" / f"{(i // 100) % 10:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"post-{i:05d}.md").write_text(post_text(rng, i))
    for i in range(ledger):
        pid = f"{i // 1000:02d}/{(i // 100) % 10:02d}/post-{i:05d}"
        path = out / ".socialops" / "ledger" / f"{pid}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"post: {pid}\npath: posts/{pid}.md\nchannels:\n  feed:\n    status: published\n"
            f"    parts:\n    - {{index: 0, status: published, id: 'tag:bench,{i}', at: '2027-01-01T09:00:00+01:00'}}\n"
        )
    if git:
        env_git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
        subprocess.run(["git", "init", "-q", "-b", "main"], cwd=out, check=True)
        subprocess.run(["git", "add", "-A"], cwd=out, check=True)
        subprocess.run([*env_git, "commit", "-q", "-m", "bench"], cwd=out, check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--ledger", type=int, default=0)
    parser.add_argument("--no-git", action="store_true")
    args = parser.parse_args()
    generate(args.out, args.posts, args.ledger, not args.no_git)


if __name__ == "__main__":
    main()
