"""Benchmark: socialops lint against textlint and proselint on the same corpus (issue 17).

    sh bench/peers_setup.sh                     # once: the peers, into bench/.peers/
    python bench/peers.py [--posts 5000] [--runs 3]

The compare corpus is bench/lint_output.py's: 5,000 posts whose texts break the style guide
about 14 times each (banned words, brand names, TODO, repeated words, shouting,
exclamations, hashtags, plain-HTTP links). Each tool lints every post file, cold, as a user
runs it: a new process, socialops with no lint cache (removed before each run, so each run
reads and checks every post and writes the cache, as a fresh clone's first lint does),
textlint without `--cache`, proselint (which keeps nothing between runs). The output is
written to a file. Best of the runs, wall time and the CPU time of the process tree.

The rules compared (socialops's are bench/gen_repo.py's style guide; the peers get the
nearest they have, configured here):

| socialops rule (kind) | textlint rule | proselint check |
|---|---|---|
| banned-words (existence: synergy, click here, leverage, game changer) | ng-word (the same words) | industrial_language (corporate speak, synergy among it), cliches |
| no-todo (existence: TODO, FIXME) | ng-word (the same words) | annotations (TODO, FIXME) |
| brand-names (substitution: Github, Javascript, acme corp) | terminology (the same three terms, no default terms) | - |
| repeated-words (repetition) | write-good, its lexical-illusion check alone | lexical_illusions |
| long-sentences (sentence-length, 40 words) | en-max-word-count (40) | - |

socialops also runs its other eight style rules (shouting, hashtags, mentions, links,
emoji, alt text, exclamations), the platform limits of each channel, the schema and the
calendar on every post: work the peers do not do. proselint's other checks are off (its
defaults run 24 groups of checks; `--proselint-defaults` adds a run with them).

Formats compared: the default text (socialops `text`, textlint `stylish`, proselint `full`),
JSON (each tool's `json`), a compact one-line-per-finding text (socialops `text --compact`,
textlint `compact`, proselint `compact`), GitHub annotations (socialops and textlint
`github`), and socialops's SARIF against the peers' fastest format. Ratios are socialops's
time over the peer's in the same run: below 1 socialops is faster."""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from lint_output import generate  # noqa: E402

PEERS = HERE / ".peers"
TEXTLINT = PEERS / "node" / "node_modules" / ".bin" / "textlint"
PROSELINT = PEERS / "venv" / "bin" / "proselint"
NOW = "2026-12-01T00:00"
CACHE = Path(".git/socialops/lint-cache")

TEXTLINT_RULES = {
    "rules": {
        "ng-word": {"words": ["synergy", "click here", "leverage", "game changer", "game-changer", "TODO", "FIXME"]},
        "terminology": {"defaultTerms": False, "terms": ["GitHub", "JavaScript", ["acme corp", "Acme"]]},
        "write-good": {"illusion": True, "passive": False, "so": False, "thereIs": False, "weasel": False,
                       "adverb": False, "tooWordy": False, "cliches": False, "eprime": False},
        "en-max-word-count": {"max": 40},
    },
}
PROSELINT_CHECKS = ("annotations", "industrial_language", "cliches", "lexical_illusions")

# (label, socialops flags, textlint format or None, proselint format or None)
FORMATS: list[tuple[str, list[str], str | None, str | None]] = [
    ("text (default)", ["--format", "text"], "stylish", "full"),
    ("json", ["--format", "json"], "json", "json"),
    ("compact", ["--format", "text", "--compact"], "compact", "compact"),
    ("github", ["--format", "github"], "github", None),
    ("sarif", ["--format", "sarif"], None, None),
]


def timed(cmd: list[str], cwd: Path, out: Path, env: dict[str, str]) -> tuple[float, float, int]:
    """(wall s, CPU s of the process and its children, output bytes)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with out.open("wb") as sink:
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=cwd, stdout=sink, stderr=subprocess.PIPE, env=env)
        took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # each tool exits 1 when it found something
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return took, cpu, out.stat().st_size


def findings(tool: str, out: Path) -> int:
    data = json.loads(out.read_text(encoding="utf-8"))
    if tool == "socialops":
        return len(data["problems"])
    if tool == "textlint":
        return sum(len(f["messages"]) for f in data)
    if isinstance(data, dict) and "result" in data:  # proselint: {"result": {file: {"diagnostics": [...]}}}
        return sum(len(v.get("diagnostics", ())) for v in data["result"].values())
    return -1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--proselint-defaults", action="store_true",
                        help="also time proselint with its default checks (text and JSON)")
    args = parser.parse_args()
    if not TEXTLINT.exists() or not PROSELINT.exists():
        raise SystemExit("the peers are not installed: run `sh bench/peers_setup.sh` first")
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "FORCE_COLOR", "NO_COLOR", "CI")}
    env["COLUMNS"] = "120"
    py = sys.executable
    subprocess.run([py, "-m", "compileall", "-q", str(HERE.parent / "socialops")], check=True)
    tmp = Path(tempfile.mkdtemp(prefix="socialops-peers-"))
    try:
        root = tmp / "repo"
        generate(root, args.posts)
        subprocess.run(["git", "add", "-A"], cwd=root, check=True)
        subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit",
                        "-qm", "corpus"], cwd=root, check=True)
        time.sleep(2.1)  # lint's cache keeps only files unchanged for 2 s
        textlintrc = tmp / "textlintrc.json"
        textlintrc.write_text(json.dumps(TEXTLINT_RULES))
        proselintrc = tmp / "proselintrc.json"
        proselintrc.write_text(json.dumps({"checks": {c: c in PROSELINT_CHECKS for c in _proselint_groups()}}))
        proselint_defaults = tmp / "proselint-defaults.json"
        proselint_defaults.write_text(json.dumps({"checks": {}}))
        files = sorted(str(p.relative_to(root)) for p in (root / "posts").rglob("*.md"))
        out = tmp / "out"

        def socialops(flags: list[str]) -> list[str]:
            return [py, "-m", "socialops", "lint", "--now", NOW, *flags]

        def textlint(fmt: str) -> list[str]:
            # run from its install folder, where it finds the rules' packages
            return [str(TEXTLINT), "--config", str(textlintrc), "--no-color", "--format", fmt, str(root / "posts")]

        def proselint(fmt: str, config: Path = proselintrc) -> list[str]:
            return [str(PROSELINT), "check", "--config", str(config), "--output-format", fmt, *files]

        plan: list[tuple[str, str, list[str]]] = []  # (tool, label, command)
        for label, flags, tl, pl in FORMATS:
            plan.append(("socialops", label, socialops(flags)))
            if tl is not None:
                plan.append(("textlint", label, textlint(tl)))
            if pl is not None:
                plan.append(("proselint", label, proselint(pl)))
        if args.proselint_defaults:
            plan.append(("proselint, default checks", "text (default)", proselint("full", proselint_defaults)))
            plan.append(("proselint, default checks", "json", proselint("json", proselint_defaults)))

        counted: dict[str, int] = {}
        for tool, label, cmd in plan:
            if label == "json":
                (root / CACHE).unlink(missing_ok=True)
                timed(cmd, PEERS / "node" if tool == "textlint" else root, out, env)
                counted[tool] = findings(tool.split(",")[0], out)
        print(f"{args.posts} posts; findings: " + ", ".join(f"{t} {n:,}" for t, n in counted.items()))
        print(f"load average at start: {os.getloadavg()[0]:.1f} (2 cores, shared); best of {args.runs} runs")

        best: dict[tuple[str, str], tuple[float, float, int]] = {}
        for _ in range(args.runs):
            for tool, label, cmd in plan:
                (root / CACHE).unlink(missing_ok=True)
                got = timed(cmd, PEERS / "node" if tool == "textlint" else root, out, env)
                if (tool, label) not in best or got[0] < best[(tool, label)][0]:
                    best[(tool, label)] = got
        print(f"load average at end: {os.getloadavg()[0]:.1f}")
        for (tool, label), (took, cpu, size) in best.items():
            line = f"  {tool:<26} {label:<15} {took:6.2f} s wall {cpu:6.2f} s CPU {size / 1e6:6.1f} MB"
            if tool == "socialops":
                peers = {t: v for (t, lab), v in best.items() if t != "socialops" and lab == label}
                if not peers and label == "sarif":  # against the peers' fastest format
                    for (t, _), v in best.items():
                        if t != "socialops" and (t not in peers or v[0] < peers[t][0]):
                            peers[t] = v
                line += "  " + ", ".join(f"{took / v[0]:.2f}x {t}" for t, v in peers.items())
            print(line)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _proselint_groups() -> list[str]:
    """proselint's check groups, as its `dump-config --default` names them."""
    done = subprocess.run([str(PROSELINT), "dump-config", "--default"], capture_output=True, text=True, check=True)
    text = done.stdout or done.stderr
    return list(json.loads(text)["checks"])


if __name__ == "__main__":
    main()
