"""Platform faults end to end through `publish` (issue 13): what each platform's answer
means for exactly-once, checked against the local fakes."""

from __future__ import annotations

import pytest

from tests.fakes.servers import Fakes
from tests.publish.conftest import Site, run_publish


@pytest.mark.parametrize("channel", ["x", "threads"])
def test_a_500_after_the_platform_stored_the_post_is_looked_up_not_sent_again(
        fake_site: Site, fakes: Fakes, channel: str) -> None:
    fake = getattr(fakes, channel)
    fake_site.post("p", [channel], "Stored, then a 500.\n")
    fake_site.commit()
    fake.fail(500, after=True)
    result = run_publish(fake_site)
    assert result.status == "success", result.as_dict()
    assert fake.texts() == ["Stored, then a 500."]
    assert len(fake.calls("create")) == 1
    part = fake_site.ledger("p")["channels"][channel]["parts"][0]
    assert part["status"] == "published" and part["id"] in fake.posts


@pytest.mark.parametrize("channel", ["x", "threads", "mastodon"])
def test_a_500_before_anything_was_stored_is_sent_again_once(
        fake_site: Site, fakes: Fakes, channel: str) -> None:
    fake = getattr(fakes, channel)
    fake_site.post("p", [channel], "Refused with a 500.\n")
    fake_site.commit()
    fake.fail(500)
    sleeps: list[float] = []
    result = run_publish(fake_site, sleeps=sleeps)
    assert result.status == "success", result.as_dict()
    assert fake.texts() == ["Refused with a 500."]
    # one retry, after the backoff's first second (Threads' container polls wait too: 0.2 s, 0.4 s, ...)
    assert len(fake.calls("create")) == 2 and sleeps.count(1.0) == 1


def test_a_linkedin_link_with_parentheses_arrives_whole(fake_site: Site, fakes: Fakes) -> None:
    text = "Read https://en.wikipedia.org/wiki/Mercury_(planet) before the launch (today)."
    fake_site.post("p", ["linkedin"], text + "\n")
    fake_site.commit()
    assert run_publish(fake_site).status == "success"
    assert fakes.linkedin.texts() == [text]  # unescaped, LinkedIn would cut it at the first "("
