"""Credentials never appear in any output, log, ledger or commit."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from socialops.publish.worker import Scrubber
from tests.conftest import git
from tests.fakes.servers import Fakes
from tests.publish.conftest import NOW, Site, at

EVERY = ["feed", "mastodon", "x", "linkedin", "threads", "discord", "slack", "slack-bot", "telegram", "webhook"]


def test_no_secret_in_output_ledger_or_commits_even_when_things_fail(
        fake_site: Site, fakes: Fakes, run_cli) -> None:
    fake_site.post("ok", EVERY, "All good.\n", at=at(-30))
    fake_site.post("bad", EVERY, "Everything goes wrong.\n\n---\nPart two.\n", at=at(-20))
    fake_site.commit()
    fakes.mastodon.fail(401, match="create", times=None)  # the token is "wrong"
    fakes.discord.create_then_drop(times=None)
    fakes.slack.accept_then_timeout(hang=3, times=None)
    fakes.telegram.fail(400, times=None)
    fakes.webhook.fail(422, times=None)
    fakes.threads.fail(500, times=1)  # retried once
    fakes.x.rate_limit(retry_after=1, times=2)
    fakes.linkedin.fail(502, after=True, times=None)
    outputs = []
    for args in (["publish", "--now", NOW, "--timeout", "1"],
                 ["publish", "--now", NOW, "--format", "json", "--timeout", "1"],
                 ["status", "--now", NOW], ["status", "--format", "json"],
                 ["doctor"], ["doctor", "--format", "json"],
                 ["retract", "ok", "--channel", "mastodon"], ["publish", "--debug", "--dry-run"]):
        out = run_cli(*args, cwd=fake_site.root, env=fake_site.env)
        outputs.append(out.stdout + out.stderr)
    everything = "\n".join(outputs)
    assert "unknown" in everything and "failed" in everything  # the faults did happen
    files = [p.read_text() for p in (fake_site.root / ".socialops").rglob("*.yaml")]
    files.append((fake_site.root / "feed.xml").read_text())
    history = git(fake_site.remote, "log", "-p", "--all") + git(fake_site.root, "log", "-p", "--all")
    assert "socialops: claim 2 posts" in history
    for secret in fakes.secret_values():
        assert secret not in everything
        assert all(secret not in text for text in files)
        assert secret not in history
    # nor anywhere in the working tree (logs, temporary files)
    for path in fake_site.root.rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            data = Path(path).read_bytes()
            assert all(secret.encode() not in data for secret in fakes.secret_values()), path


def test_an_unexpected_error_is_scrubbed_like_the_adapters_own_errors() -> None:
    token = "1234567|app-secret/key"  # an app token as it is in a query string: 1234567%7Capp-secret%2Fkey
    hook = "https://hooks.example.test/services/T000/B000/abcdefghijkl"
    scrub = Scrubber({"token": token, "url": hook})
    said = scrub(f"Client error '400' for url 'https://graph.test/me?access_token={quote(token, safe='')}'"
                 f" and {token}; hook part abcdefghijkl")
    assert said == "Client error '400' for url 'https://graph.test/me?access_token=***' and ***; hook part ***"
