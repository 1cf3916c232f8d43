"""Posts with identical texts (a repeated announcement, a recurring series' pool): the
lookups and the ledger tell them apart, so each goes out once and none is lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.fakes.servers import Fakes
from tests.publish.conftest import Site, run_publish


def _ids(site: Site, post: str, channel: str) -> list[str]:
    return [p["id"] for p in site.ledger(post)["channels"][channel]["parts"]]


def test_a_dropped_request_is_not_taken_for_another_post_with_the_same_text(
        fake_site: Site, fakes: Fakes) -> None:
    """The second request is dropped by a gateway (502, it never reached Mastodon): the lookup
    must not answer with the first post's status."""
    fake_site.post("a", ["mastodon"], "Doors open at nine.\n")
    fake_site.post("b", ["mastodon"], "Doors open at nine.\n")
    fake_site.commit()

    def arm(event) -> None:  # once the first is out, the gateway drops the next create
        if event.post_id == "a" and event.status == "published":
            fakes.mastodon.fail(502, times=1)

    result = run_publish(fake_site, on_event=arm)
    assert result.status == "success", result.as_dict()
    assert fakes.mastodon.texts() == ["Doors open at nine.", "Doors open at nine."]
    assert len(fakes.mastodon.calls("create")) == 3
    assert sorted(_ids(fake_site, "a", "mastodon") + _ids(fake_site, "b", "mastodon")) == \
        sorted(fakes.mastodon.posts)


def test_two_posts_in_doubt_with_the_same_text_stay_unknown(fake_site: Site, fakes: Fakes) -> None:
    fake_site.post("a", ["mastodon"], "Twin.\n")
    fake_site.post("b", ["mastodon"], "Twin.\n")
    fake_site.commit()
    fakes.mastodon.create_then_drop(times=1)  # a is created, its answer lost
    fakes.mastodon.fail(500, match=r"^GET /api/v1/accounts/\d+/statuses$", times=None)
    fakes.mastodon.fail(502, times=1)  # b never reaches Mastodon
    first = run_publish(fake_site)
    assert {p.id: p.channels[0].status for p in first.posts} == {"a": "unknown", "b": "unknown"}
    fakes.mastodon.clear_faults()
    # both are settled again only by a person; an unknown channel is never sent again
    again = run_publish(fake_site)
    assert {p.id: p.channels[0].status for p in again.posts} == {"a": "unknown", "b": "unknown"}
    assert fakes.mastodon.texts() == ["Twin."]


def test_a_weekly_pool_series_publishes_every_occurrence_once_for_a_year(
        fake_site: Site, fakes: Fakes) -> None:
    start = (datetime.now(UTC) - timedelta(days=371)).date()
    fake_site.write("calendar.yaml", f"""\
        lateness: 6h
        recurring:
          - {{id: weekly, cron: "0 10 * * MON", channels: [mastodon, feed], from: {start}, pool: posts/pool}}
        """)
    tips = ["Tip one: write short posts.", "Tip two: add alt text.", "Tip three: one link only."]
    for n, tip in enumerate(tips):
        fake_site.write(f"posts/pool/{n}.md", f"---\nstatus: ready\n---\n{tip}\n")
    fake_site.commit()
    monday = datetime.combine(start, datetime.min.time(), UTC).replace(hour=10)
    monday += timedelta(days=(7 - monday.weekday()) % 7)
    runs = 0
    while monday + timedelta(minutes=30) < datetime.now(UTC):
        now = (monday + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
        result = run_publish(fake_site, now, push=False)
        occurrence = f"weekly@{monday:%Y-%m-%dT%H:%M}"
        assert [(p.id, sorted(c.status for c in p.channels)) for p in result.posts] == \
            [(occurrence, ["published", "published"])], result.as_dict()
        assert run_publish(fake_site, now, push=False).posts == []  # a second run: nothing
        runs += 1
        monday += timedelta(days=7)
    assert runs >= 52
    texts = fakes.mastodon.texts()
    assert len(texts) == runs
    assert [texts.count(t) for t in tips] == [len(range(n, runs, 3)) for n in range(3)]
    assert fake_site.clean()
