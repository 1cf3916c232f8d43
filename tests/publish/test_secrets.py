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


def test_a_url_with_a_token_in_its_query_or_userinfo_is_never_shown_or_stored(
        fake_site: Site, fakes: Fakes, run_cli) -> None:
    """A webhook URL in socialops.yaml may carry its token (`?token=`, `user:pass@`): it is
    shown redacted wherever a URL is printed, in errors and in the ledger."""
    token, password = "qtok" + "9" * 20, "pw" + "7" * 20
    hook = fakes.webhook.hook_url.replace("http://", f"http://bot:{password}@") + f"?token={token}&v=1"
    channels = dict(fake_site.channels)
    channels["webhook"] = {**channels["webhook"], "url": hook, "verify": "head"}
    channels["hook2"] = {"platform": "webhook", "url": "ftp://u:" + password + "@example.test/?token=" + token,
                         "secret_env": "WEBHOOK_SECRET"}
    fake_site.configure(channels)
    fake_site.post("one", ["webhook", "hook2"], "Hello.\n", at=at(-30))
    fake_site.commit()
    fakes.webhook.accept_then_timeout(hang=3, times=None)
    outputs = []
    for args in (["publish", "--now", NOW, "--timeout", "1"], ["status", "--now", NOW],
                 ["doctor"], ["doctor", "--format", "json"],
                 ["publish", "--now", NOW, "--format", "json", "--timeout", "1"]):
        out = run_cli(*args, cwd=fake_site.root, env=fake_site.env)
        outputs.append(out.stdout + out.stderr)
    everything = "\n".join(outputs)
    assert "unknown" in everything
    assert "127.0.0.1" in everything or "example.test" in everything  # a URL was shown
    ledger = "\n".join(p.read_text() for p in (fake_site.root / ".socialops").rglob("*.yaml"))
    history = git(fake_site.remote, "log", "-p", "--all", "--", ".socialops")
    for secret in (token, password):
        assert secret not in everything, everything
        assert secret not in ledger
        assert secret not in history


def test_a_token_github_echoes_in_its_answer_is_not_in_the_held_reason(site: Site, run_cli) -> None:
    """GitHub (or a proxy in front of GitHub Enterprise) may echo the token it was sent in an
    error message; the post is held, and the reason shown and pushed does not hold it."""
    from tests.github_fake.server import Server
    from tests.review.conftest import github_env
    from tests.review.test_publish_approval import merged_through_pr

    with Server() as fake:
        head = merged_through_pr(site, fake)
        fake.review(7, "bob", "APPROVED", head)
        fake.fail(r"GET /repos/acme/content/(commits|pulls)", 401,
                  message=f"Bad credentials: Bearer {fake.token} from https://u:{fake.token}@ghe.test/?k=v")
        env = github_env(fake)
        out = run_cli("publish", "--now", NOW, cwd=site.root, env=env)
        shown = run_cli("status", "--now", NOW, cwd=site.root, env=env)
    assert out.returncode == 1 and "held" in out.stdout and "Bad credentials" in out.stdout
    record = site.ledger("p")["channels"]["feed"]
    assert record["status"] == "held" and "Bad credentials: Bearer ***" in record["reason"]
    everything = out.stdout + out.stderr + shown.stdout + shown.stderr + \
        git(site.remote, "log", "-p", "--all") + str(record)
    assert fake.token not in everything


def test_a_webhook_url_kept_in_a_secret_with_url_env(fake_site: Site, fakes: Fakes, run_cli) -> None:
    """`url_env:` names the variable holding a webhook URL that carries its own token: the
    post is delivered there, lint is clean, and the URL's token is in no output or commit."""
    token = "hooktok" + "4" * 16
    channels = dict(fake_site.channels)
    channels["webhook"] = {"platform": "webhook", "url_env": "PARTNER_HOOK_URL", "secret_env": "WEBHOOK_SECRET"}
    fake_site.configure(channels)
    fake_site.post("one", ["webhook"], "Hello partner.\n", at=at(-30))
    fake_site.commit()
    env = {**fake_site.env, "PARTNER_HOOK_URL": f"{fakes.webhook.hook_url}?token={token}"}
    outputs = [run_cli(*args, cwd=fake_site.root, env=env)
               for args in (["lint", "--now", NOW], ["publish", "--now", NOW], ["status", "--now", NOW],
                            ["doctor"])]
    assert outputs[0].returncode == 0, outputs[0].stdout
    assert outputs[1].returncode == 0, outputs[1].stdout + outputs[1].stderr
    assert [p.text for p in fakes.webhook.posts.values()] == ["Hello partner."]
    everything = "".join(o.stdout + o.stderr for o in outputs)
    history = git(fake_site.remote, "log", "-p", "--all")
    assert token not in everything and token not in history
    unset = run_cli("doctor", cwd=fake_site.root,
                    env={k: v for k, v in env.items() if k != "PARTNER_HOOK_URL"})
    assert "PARTNER_HOOK_URL (for url_env) is not set" in unset.stdout + unset.stderr
