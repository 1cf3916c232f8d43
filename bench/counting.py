"""Benchmark: counting 100,000 typical post texts for every platform, and X's fast path
against twitter-text-parser's `parse_tweet` on the same texts.

    python bench/counting.py [--texts 100000] [--reference 3000] [--seed 1] [--posts 10000]

The texts are generated (seeded): sentences in English, German, French, Spanish and
Japanese, 60% with a link whose path differs in every text, some with emoji, mentions
and hashtags, 60-280 characters. Each platform counts the text as it would be sent
(escaped where the platform escapes). The reference is run on the first `--reference`
texts (it costs ~0.5 ms a text) and every one of them is checked to give the same result
as the fast path. Caches start empty.

Last, lint's platform check (`socialops.render.limit_problems`: render, count and check
every channel of every post) on the repository bench/gen_repo.py generates for the lint
benchmark (`--posts`, 3 channels each), after the one-time loading of the libraries.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gen_repo import generate  # before twitter-text's pkg_resources may reorder sys.path

from socialops.platforms import PLATFORMS, bluesky, x

SENTENCES = {
    "en": "we are shipping the new calendar view today with faster search and a dark mode for everyone "
          "read the release notes and tell us what you think thanks to all who tested it",
    "de": "wir veröffentlichen heute die neue Kalenderansicht mit schnellerer Suche und Dunkelmodus "
          "für alle Größen danke an alle die getestet haben schöne Grüße",
    "fr": "nous publions aujourd'hui la nouvelle vue calendrier avec une recherche plus rapide "
          "et un mode sombre merci à tous les testeurs été déjà",
    "es": "hoy lanzamos la nueva vista de calendario con búsqueda más rápida y modo oscuro "
          "gracias a todos los que probaron año señor",
    "ja": "今日 新しい カレンダー 表示 を 公開 しました 検索 が 速く なり ダーク モード も 使えます",
}
WORDS = {lang: sentence.split() for lang, sentence in SENTENCES.items()}
EXTRAS = ["🎉", "🚀", "👍🏽", "❤️", "🇩🇪", "#launch", "#release", "@alice", "@team@social.example",
          "e.g.", "v2.0", "(beta)", "—", "…", "50%", "&", "<3"]


def typical_texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        lang = rng.choice(["en", "en", "en", "de", "fr", "es", "ja"])
        words: list[str] = []
        target = rng.randint(60, 230)
        while sum(len(w) + 1 for w in words) < target:
            words.append(rng.choice(EXTRAS) if rng.random() < 0.08 else rng.choice(WORDS[lang]))
        text = " ".join(words).capitalize() + "."
        if rng.random() < 0.6:
            text += f" https://example.com/blog/{i}-{rng.randint(0, 10**6)}?utm_source=social"
        out.append(text)
    return out


def per_text(seconds: float, n: int) -> str:
    return f"{seconds / n * 1e6:.1f} µs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=100_000)
    parser.add_argument("--reference", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--posts", type=int, default=10_000, help="0 skips the lint check")
    args = parser.parse_args()
    texts = typical_texts(args.texts, args.seed)
    x.reference_length("warm up the library")  # import and table building are not counted
    bluesky.facets("warm up @a.test")
    print(f"{len(texts):,} typical texts, {sum(map(len, texts)) / len(texts):.0f} characters on average")
    total = 0.0
    for name, platform in PLATFORMS.items():
        sent = [platform.escape(t) for t in texts]
        start = time.process_time()
        for text in sent:
            platform.count(text, {})
        took = time.process_time() - start
        total += took
        print(f"  {name:<9} {took:6.2f} s CPU  {per_text(took, len(texts))} a text")
    start = time.process_time()
    for text in texts:
        bluesky.facets(text)
    took = time.process_time() - start
    print(f"  bluesky facets {took:6.2f} s CPU  {per_text(took, len(texts))} a text")
    print(f"  all platforms {total:6.2f} s CPU  {per_text(total, len(texts))} a text for all ten")
    reference(texts[: args.reference])
    if args.posts:
        lint_check(args.posts)


def lint_check(posts: int) -> None:
    import tempfile

    from socialops.model import Project
    from socialops.render import limit_problems

    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), posts, git=False)
        project = Project.load(Path(tmp))
        readable = [p for p in project.read_posts() if p.readable]
        start = time.process_time()
        findings = sum(len(limit_problems(post, project)) for post in readable)
        took = time.process_time() - start
    print(f"lint's platform check, {len(readable):,} posts x 3 channels: {took:.2f} s CPU "
          f"({per_text(took, len(readable))} a post; {findings} findings)")


def reference(sample: list[str]) -> None:
    x._urls_in_word.cache_clear()
    x._emojis_in.cache_clear()
    start = time.process_time()
    fast = [x.weighted_length(t) for t in sample]
    fast_time = time.process_time() - start
    start = time.process_time()
    slow = [x.reference_length(t) for t in sample]
    slow_time = time.process_time() - start
    same = sum(a == b for a, b in zip(fast, slow, strict=True))
    print(f"X on {len(sample):,} texts: fast path {per_text(fast_time, len(sample))}, parse_tweet "
          f"{per_text(slow_time, len(sample))}: {slow_time / fast_time:.0f}x cheaper; "
          f"{same}/{len(sample)} identical results")
    if same != len(sample):
        sys.exit("the fast path disagrees with parse_tweet")


if __name__ == "__main__":
    main()
