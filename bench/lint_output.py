"""Benchmark: lint's output formats side by side on a corpus with many findings.

    python bench/lint_output.py [--posts 5000] [--runs 3]

Generates 5,000 posts (the configuration and style guide of bench/gen_repo.py) whose texts
break the style guide about 14 times each (banned words, brand names, links, shouting,
exclamations, hashtags: about 70,000 findings), then times `socialops lint --no-cache` with
`--format json`, `text`, `text --compact`, `github` and `sarif`, the output written to a
file, and the text format once more with colour forced (FORCE_COLOR=1: the ANSI codes a
terminal gets). Target (issue 17): text within 1.5x of JSON. Best of the runs; each a new
interpreter and no lint cache, so every run does the same work."""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_repo import CONFIG, STYLEGUIDE

NOISY = [
    "We leverage synergy with Github and Javascript!!",
    "Click here: http://acme.example/launch for the game changer.",
    "THIS IS VERY LOUD NEWS today, TODO check it again.",
    "#one #two #three #four #followback and more.",
    "Our acme corp team is proud of the the release.",
]


def generate(out: Path, posts: int) -> None:
    rng = random.Random(17)
    out.mkdir(parents=True, exist_ok=True)
    (out / "socialops.yaml").write_text(CONFIG)
    (out / "styleguide.yaml").write_text(STYLEGUIDE)
    (out / "calendar.yaml").write_text("lateness: 6h\n")
    for i in range(posts):
        folder = out / "posts" / f"{i // 1000:02d}" / f"{(i // 100) % 10:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        when = f"2027-{1 + (i // 600) % 12:02d}-{1 + (i // 20) % 28:02d}T{7 + i % 12:02d}:{(i * 7) % 60:02d}"
        body = "\n".join(rng.sample(NOISY, 5))
        (folder / f"post-{i:05d}.md").write_text(
            f"---\nchannels: [feed, mastodon-main]\npublish_at: {when}\nstatus: ready\n---\n{body}\n")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=out, check=True)


def run(root: Path, args: list[str], env: dict[str, str]) -> tuple[float, int]:
    out = root.parent / "out.txt"
    cmd = [sys.executable, "-m", "socialops", "lint", "--no-cache", "--now", "2026-12-01T00:00", *args]
    with out.open("wb") as sink:
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=root, stdout=sink, stderr=subprocess.PIPE, env=env)
        took = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr.decode())
    return took, out.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "FORCE_COLOR", "NO_COLOR")}
    env["COLUMNS"] = "120"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        generate(root, args.posts)
        count = subprocess.run([sys.executable, "-m", "socialops", "lint", "--no-cache", "--format", "json",
                                "--now", "2026-12-01T00:00"], cwd=root, capture_output=True, text=True)
        import json

        findings = len(json.loads(count.stdout)["problems"])
        print(f"{args.posts} posts, {findings} findings; best of {args.runs} runs")
        formats: list[tuple[str, list[str], dict[str, str]]] = [
            ("json", ["--format", "json"], env),
            ("text", ["--format", "text"], env),
            ("text --compact", ["--format", "text", "--compact"], env),
            ("text, colour", ["--format", "text"], {**env, "FORCE_COLOR": "1"}),
            ("github", ["--format", "github"], env),
            ("sarif", ["--format", "sarif"], env),
        ]
        best: dict[str, tuple[float, int]] = {}
        for _ in range(args.runs):
            for name, flags, environ in formats:
                took, size = run(root, flags, environ)
                if name not in best or took < best[name][0]:
                    best[name] = (took, size)
        base = best["json"][0]
        for name, (took, size) in best.items():
            print(f"  {name:<15} {took:6.2f} s  {took / base:4.2f}x json  {size / 1e6:6.1f} MB")


if __name__ == "__main__":
    main()
