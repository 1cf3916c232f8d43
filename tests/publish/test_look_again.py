"""A part left `unknown` because the Mastodon lookup failed is asked about again by the
next runs (within selection.LOOK_AGAIN_FOR of its due time) before it waits for `resolve`:
found, it is recorded published; not there, it is sent (once); too old, it stays unknown."""

from __future__ import annotations

from tests.fakes.servers import Fakes
from tests.publish.conftest import Site, at, run_publish

LOOKUPS = r"^GET /api/v1/accounts/\d+/statuses$"


def _mastodon(site: Site, fakes: Fakes) -> None:
    site.configure({"mastodon": fakes.channels()["mastodon"]})
    site.env = fakes.env()


def test_a_part_whose_lookup_failed_is_found_by_the_next_run(site: Site, fakes: Fakes) -> None:
    _mastodon(site, fakes)
    fakes.mastodon.honours_idempotency_key = False  # only the lookup can prevent a second copy
    site.post("p", ["mastodon"], "Its answer was lost.\n", at=at(-30))
    site.commit()
    fakes.mastodon.create_then_drop(times=1)
    fakes.mastodon.fail(500, match=LOOKUPS, times=None)
    first = run_publish(site)
    assert first.count("unknown") == 1
    assert site.ledger("p")["channels"]["mastodon"]["status"] == "unknown"
    still = run_publish(site)  # the lookup still fails: still unknown, nothing sent
    assert still.count("unknown") == 1 and len(fakes.mastodon.calls("create")) == 1
    fakes.mastodon.clear_faults()
    found = run_publish(site)
    assert found.count("published") == 1, found
    record = site.ledger("p")["channels"]["mastodon"]
    assert record["status"] == "published" and record["parts"][0]["id"] == next(iter(fakes.mastodon.posts))
    assert len(fakes.mastodon.calls("create")) == 1 and fakes.mastodon.texts() == ["Its answer was lost."]


def test_a_part_the_platform_never_got_is_sent_once_the_lookup_answers(site: Site, fakes: Fakes) -> None:
    _mastodon(site, fakes)
    fakes.mastodon.honours_idempotency_key = False
    site.post("p", ["mastodon"], "The gateway gave up before Mastodon did anything.\n", at=at(-30))
    site.commit()
    fakes.mastodon.fail(502, times=1)  # before it takes effect: nothing was made
    fakes.mastodon.fail(500, match=LOOKUPS, times=None)
    assert run_publish(site).count("unknown") == 1
    fakes.mastodon.clear_faults()
    assert run_publish(site).count("published") == 1
    assert fakes.mastodon.texts() == ["The gateway gave up before Mastodon did anything."]
    assert run_publish(site).count("published") == 0  # nothing left to do


def test_a_part_unknown_for_longer_than_the_window_waits_for_resolve(site: Site, fakes: Fakes) -> None:
    _mastodon(site, fakes)
    site.post("p", ["mastodon"], "Long ago.\n", at=at(-30))
    site.commit()
    fakes.mastodon.create_then_drop(times=1)
    fakes.mastodon.fail(500, match=LOOKUPS, times=None)
    assert run_publish(site).count("unknown") == 1
    asked = len(fakes.mastodon.calls(LOOKUPS))
    fakes.mastodon.clear_faults()
    later = run_publish(site, at(60 + 25 * 60))  # a day and more after it was due
    assert later.count("unknown") == 1 and "socialops resolve p --channel mastodon" in str(later.posts)
    assert len(fakes.mastodon.calls(LOOKUPS)) == asked  # not asked again
