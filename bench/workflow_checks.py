"""What lint's workflow checks (issue 11: a placeholder source in .github/workflows/, a
channel's *_env that publish.yml does not pass on) add to every lint, one post or 10,000:
they read the workflow files, and parse publish.yml when a channel names a variable.

    python bench/workflow_checks.py [--runs 5]

Makes a project with `socialops init` (five workflows) and a Mastodon channel, then times
both checks as lint runs them, 200 times per run; best of the runs."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from socialops import ci
    from socialops.model import Project
    from socialops.problems import Level

    with tempfile.TemporaryDirectory() as top:
        env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.com",
               "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.com"}
        subprocess.run([sys.executable, "-m", "socialops", "init", "demo", "--source", "0.1.0"], cwd=top,
                       env=env, check=True, capture_output=True)
        root = Path(top) / "demo"
        config = root / "socialops.yaml"
        config.write_text(config.read_text().replace("defaults:", "  mastodon-main: {platform: mastodon, "
                          "instance: https://mastodon.social, token_env: MASTODON_TOKEN}\n\ndefaults:"))
        project = Project.load(root)
        best = float("inf")
        for _ in range(args.runs):
            start = time.perf_counter()
            for _ in range(200):
                ci.placeholder_problems(root, Level.WARNING)
                ci.secrets_problems(root, project.config.channels, project.config.text)
            best = min(best, (time.perf_counter() - start) / 200)
        files = len(ci.workflow_files(root))
        print(f"workflow checks ({files} workflows, 1 channel variable): {best * 1000:.2f} ms per lint")


if __name__ == "__main__":
    main()
