"""Benchmark: the time the style-guide rules take on 10,000 posts (12 rules), without
reading the files (which bench/lint.py measures as part of the whole run).

    python bench/rules.py [--posts 10000] [--runs 5]

Target (issue 2, style-guide rules): under 0.5 s of rule time for 10,000 posts x 12 rules.
Prints the best run, the shared cost of building each post's texts, and each rule's own
CPU time (each rule run alone, minus the shared cost)."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from gen_repo import generate

from socialops.model import Project
from socialops.rules import load_styleguide
from socialops.rules.apply import matches, message, targets
from socialops.rules.guide import StyleGuide
from socialops.rules.lang import Lang


def run_rules(posts: list, guide: StyleGuide, project: Project) -> tuple[float, float, int]:
    """Wall and CPU seconds (CPU time is steadier on a busy machine), findings."""
    wall, cpu = time.perf_counter(), time.process_time()
    found = 0
    for post in posts:
        for rule, target, match in matches(post, guide, project.config):
            target.position(match.start)
            message(rule, match)
            found += 1
    return time.perf_counter() - wall, time.process_time() - cpu, found


def run_targets(posts: list, project: Project) -> float:
    """CPU seconds to build every post's segments (the shared overhead of the rules)."""
    cpu = time.process_time()
    for post in posts:
        lang = Lang.of(post.lang)
        for _ in targets(post, project.config, lang):
            pass
    return time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="socialops-bench-rules-"))
    try:
        generate(tmp, args.posts, git=False)
        project = Project.load(tmp)
        posts = project.read_posts()
        runs = []
        for _ in range(args.runs):
            guide = load_styleguide(tmp)  # fresh: regexes compiled inside the timed run
            for post in posts:  # positions are computed lazily per post; start cold each run
                post.__dict__.pop("locator", None)
            runs.append(run_rules(posts, guide, project))
        wall, cpu, found = min(runs)
        print(f"posts: {len(posts)}, rules: {len(guide.rules)}, findings: {found}")
        print(f"rule time (best of {args.runs}): {wall:.3f} s wall, {cpu:.3f} s CPU, "
              f"{cpu / len(posts) * 1e6:.0f} us CPU per post")
        base = min(run_targets(posts, project) for _ in range(3))
        print(f"  segments of every post (shared): {base * 1000:6.1f} ms CPU")
        for rule in guide.rules:
            alone = StyleGuide([rule])
            cpu = min(run_rules(posts, alone, project)[1] for _ in range(3)) - base
            print(f"  {rule.id:16} {rule.kind.KIND:16} {cpu * 1000:6.1f} ms CPU")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
