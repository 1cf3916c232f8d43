"""No credential ever shows: not in a result, an error message, a traceback, a log
record (httpx logs every URL, and a Telegram bot URL or a webhook URL is a secret) or
anything printed, whatever happens on the way."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.adapters import platform_kit
from tests.adapters.platform_kit import adapter, media_files, part
from tests.adapters.test_platforms_e2e import CASES, Case, server
from tests.fakes.servers import Fakes

fakes = platform_kit.fakes


def _exercise(fakes: Fakes, case: Case, root: Path, secrets: dict[str, str]) -> list[str]:
    """Everything a user could see from one channel: results and error texts."""
    seen: list[str] = []
    options = {k: v for k, v in fakes.channels()[case.channel].items() if k != "platform"}
    platform = fakes.channels()[case.channel]["platform"]
    fake = server(fakes, case)

    def attempt(call: Any, *args: Any) -> Any:
        try:
            result = call(*args)
        except Exception as exc:
            seen.append("".join(traceback.format_exception(exc)))
            chained: BaseException | None = exc
            while chained is not None:
                seen.extend([str(chained), repr(chained)])
                chained = chained.__context__ or chained.__cause__
            return None
        seen.append(repr(result))
        return result

    with httpx.Client(timeout=0.3) as client:
        channel = adapter(platform, options, secrets, client, root, case.channel)
        attempt(channel.verify)
        media = media_files(root) if case.media else ()
        first = attempt(channel.publish, part("One", media=media, channel=case.channel))
        if first is not None:
            attempt(channel.lookup, part("One", channel=case.channel))
            attempt(channel.delete, first)
        fake.fail(500)
        attempt(channel.publish, part("Two", channel=case.channel))
        fake.rate_limit(3)
        attempt(channel.publish, part("Three", channel=case.channel))
        fake.accept_then_timeout(hang=2)
        attempt(channel.publish, part("Four", channel=case.channel))
        fake.create_then_drop()
        attempt(channel.publish, part("Five", channel=case.channel))
        attempt(channel.publish, part(case.too_long, channel=case.channel))
    return seen


@pytest.mark.parametrize("case", CASES, ids=[c.channel for c in CASES])
def test_no_secret_in_results_errors_tracebacks_logs_or_output(
        fakes: Fakes, case: Case, tmp_path: Path, caplog: pytest.LogCaptureFixture,
        capsys: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG)
    good = fakes.secrets_for(case.channel)
    wrong = {key: value[:-4] + "nope" for key, value in good.items()}
    seen = _exercise(fakes, case, tmp_path, good) + _exercise(fakes, case, tmp_path, wrong)
    captured = capsys.readouterr()
    logged = [record.getMessage() for record in caplog.records]
    everything = "\n".join([*seen, *logged, captured.out, captured.err])
    assert any("HTTP Request:" in line for line in logged)  # httpx did log every URL
    assert len(seen) > 10
    secrets = [*fakes.secret_values(), *good.values(), *wrong.values(),
               fakes.discord.token, fakes.slack.hook_secret, fakes.env()["TELEGRAM_BOT_TOKEN"].split(":")[1]]
    for secret in secrets:
        assert secret not in everything
    if case.channel in ("telegram", "discord", "slack"):
        assert "[secret]" in "\n".join(logged)


def test_a_url_option_with_a_token_in_its_query_or_userinfo_shows_nowhere(
        fakes: Fakes, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A receiver's URL may carry its token in the query or as user:password@ (it is in
    socialops.yaml, so no `*_env` secret covers it): the httpx log records and every error
    show the URL with those redacted."""
    caplog.set_level(logging.DEBUG)
    token, password = "qtok" + "5" * 20, "pw" + "3" * 20
    url = fakes.webhook.hook_url.replace("http://", f"http://bot:{password}@") + f"?token={token}"
    seen: list[str] = []
    with httpx.Client(timeout=0.3) as client:
        hook = adapter("webhook", {"url": url, "verify": "get"}, fakes.secrets_for("webhook"), client,
                       tmp_path, "webhook")
        for fault in (lambda: fakes.webhook.fail(500), lambda: fakes.webhook.accept_then_timeout(hang=2)):
            fault()
            try:
                hook.publish(part("One", channel="webhook"))
            except Exception as exc:
                seen += ["".join(traceback.format_exception(exc)), str(exc)]
        seen.append(hook.verify().message)
        bad = "ftp://u:" + password + "@example.test/?token=" + token
        try:
            adapter("webhook", {"url": bad}, fakes.secrets_for("webhook"), client, tmp_path, "webhook")
        except Exception as exc:
            seen.append(str(exc))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    everything = "\n".join([*seen, logged])
    assert "?token=***" in logged and "ftp://***@example.test/?token=***" in everything
    assert token not in everything and password not in everything
