"""`socialops calendar --html DIR`: the static page, opened in a real headless Chromium at
1400 px and as a 390 px phone, checked by axe-core (installed by .ci/setup-axe.sh). The
screenshots land in the test's tmp folder (and in $SOCIALOPS_SCREENSHOTS when set, to look
at them)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.calendar.browser import Browser, chromium_path
from tests.calendar.test_plan import NOW, make

pytestmark = pytest.mark.slow

AXE_HOME = Path(os.environ.get("SOCIALOPS_AXE_HOME") or Path.home() / ".cache" / "socialops-axe")
AXE = AXE_HOME / "node_modules" / "axe-core" / "axe.min.js"
CAL = """\
slots:
  "*": ["0 12 * * *"]
blackouts:
  - {name: Holiday freeze, from: 2026-12-24, to: 2026-12-26}
campaigns:
  winter: {from: 2026-12-02, to: 2026-12-10, goal: More sign-ups}
recurring:
  - {id: weekly-tip, cron: "0 10 * * TUE", channels: [mastodon-main], from: 2026-12-01, until: 2026-12-15,
     pool: posts/evergreen}
lateness: 3h
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chrome = Browser(chromium_path())
    try:
        yield chrome
    finally:
        chrome.close()


@pytest.fixture
def page(project, cli, tmp_path) -> Path:
    make(project)
    project.write("calendar.yaml", CAL)
    project.post("2027/newyear.md", "channels: [x-main]\npublish_at: 2027-01-04T09:00",
                 "Happy new year </script><b>not bold</b>\nSecond line")
    for i in range(6):  # a busy day: six posts, each to three channels
        project.post(f"busy/{i}.md", f"channels: [feed, mastodon-main, x-main]\npublish_at: 2026-12-16T{9 + i:02d}:00",
                     f"Busy post {i}\n")
    out = tmp_path / "site"
    result = cli("calendar", "--now", NOW, "--html", str(out), cwd=project.root)
    assert result.exit_code == 0, result.output
    assert f"wrote {out / 'index.html'}" in result.stdout
    return out / "index.html"


def viewport(browser: Browser, width: int, height: int, phone: bool = False) -> None:
    browser.call("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1,
                                                        "mobile": phone})


def keep(shot: Path) -> None:
    folder = os.environ.get("SOCIALOPS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(folder) / shot.name)


def axe_violations(browser: Browser) -> list[str]:
    if not AXE.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail("axe-core is not installed; .ci/setup-axe.sh installs it")
        pytest.skip("axe-core is not installed (run .ci/setup-axe.sh)")
    browser.js(AXE.read_text("utf-8") + "\n;0")
    found = browser.js("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
                       ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                       ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')))")
    return list(found)


def test_the_page_has_no_external_assets(page: Path) -> None:
    text = page.read_text("utf-8")
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=""", text)
    assert "http://" not in text.replace("http://www.w3.org", "")
    assert "</script><b>" not in text  # post text cannot close the data element


def test_month_view_at_1400_px(browser: Browser, page: Path, tmp_path: Path) -> None:
    viewport(browser, 1400, 1000)
    browser.open(page.as_uri())
    assert browser.js("document.getElementById('month').textContent") == "December 2026"
    assert browser.js("document.title") == "content calendar · December 2026"
    assert browser.js("document.getElementById('count').textContent") == "15 posts this month"
    assert browser.js("document.querySelectorAll('#grid tbody tr').length") == 5
    assert browser.js("document.querySelector('td.today').dataset.date") == "2026-12-02"
    # One entry per post: the post to three channels is one entry, with a dot per channel.
    tuesday = browser.js("[...document.querySelectorAll('td[data-date=\"2026-12-01\"] .entry')]"
                         ".map(e => [e.dataset.id, e.dataset.channels, e.querySelector('.badge').textContent,"
                         " e.querySelectorAll('.dot').length, e.querySelector('.time').textContent])")
    assert tuesday == [["done", "bluesky-main mastodon-main x-main", "unknown", 3, "09:00"],
                       ["weekly-tip@2026-12-01T10:00", "mastodon-main", "published", 1, "10:00"]]
    dots = browser.js("[...document.querySelectorAll('td[data-date=\"2026-12-01\"] .entry')[0].querySelectorAll('.dot')]"
                      ".map(d => getComputedStyle(d).backgroundColor)")
    assert len(set(dots)) == 3  # each channel's own colour
    draft = browser.js("(() => { const e = document.querySelector('.entry.s-draft');"
                       " const s = getComputedStyle(e); return [e.dataset.id, s.borderTopStyle, s.fontStyle]; })()")
    assert draft == ["draft", "dashed", "italic"]
    # Blackouts hatched and named; the campaign a bar from its first day.
    assert browser.js("document.querySelector('td[data-date=\"2026-12-24\"]').className").endswith("blackout")
    assert browser.js("document.querySelector('td[data-date=\"2026-12-25\"] .note.blackout').textContent") == \
        "‖ Holiday freeze"
    campaign = browser.js("[...document.querySelectorAll('.note.campaign')].map(n => n.closest('td').dataset.date)")
    assert campaign == [f"2026-12-{d:02d}" for d in range(2, 11)]
    assert browser.js("document.querySelector('td[data-date=\"2026-12-02\"] .note.campaign').title") == \
        "Campaign winter: 2026-12-02 to 2026-12-10 · More sign-ups"
    # A busy day: three entries and "+3 more", which opens the day.
    busy = 'td[data-date="2026-12-16"]'
    assert browser.js(f"document.querySelectorAll('{busy} .entry').length") == 3
    assert browser.js(f"document.querySelector('{busy} .more').textContent") == "+3 more"
    browser.click(f"{busy} .more")
    browser.wait_for(f"document.querySelectorAll('{busy} .entry').length === 6")
    # The text on hover (the title) and on click (the detail, every channel with its status).
    selector = 'td[data-date="2026-12-01"] .entry'
    assert browser.js(f"document.querySelector('{selector}').title") == \
        "09:00 bluesky-main unknown, mastodon-main published, x-main failed\n\nDone"
    browser.click(selector)
    browser.wait_for("!document.getElementById('detail').hidden")
    assert browser.js("document.getElementById('detail-text').textContent") == "Done"
    facts = browser.js("[...document.querySelectorAll('#detail-facts dt, #detail-facts dd')].map(e => e.textContent)")
    assert facts == ["When", "2026-12-01 09:00 (Europe/Berlin)", "bluesky-main", "unknown", "mastodon-main",
                     "published https://mastodon.example/@acme/1", "x-main", "failed", "Source", "explicit",
                     "Post", "done", "Author", "alice", "File", "posts/done.md"]
    browser.click("#close")
    browser.wait_for("document.getElementById('detail').hidden")
    keep(browser.screenshot(tmp_path / "calendar-1400.png"))
    assert browser.requested_urls() == [page.as_uri()]  # nothing else was fetched
    assert axe_violations(browser) == []


def test_a_phone_gets_a_list_of_days_with_everything_readable(browser: Browser, page: Path, tmp_path: Path) -> None:
    viewport(browser, 390, 844, phone=True)
    try:
        browser.open("about:blank")
        browser.open(page.as_uri())
        assert browser.js("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
        shown = browser.js("[...document.querySelectorAll('#grid td')].filter(td => td.offsetHeight > 0)"
                           ".map(td => td.dataset.date)")
        assert "2026-12-01" in shown and "2026-12-05" not in shown  # quiet days are left out
        entry = browser.js("(() => { const e = document.querySelector('td[data-date=\"2026-12-01\"] .entry');"
                           " const r = e.getBoundingClientRect(); return [r.width, e.innerText]; })()")
        assert entry[0] > 330  # the whole width, not a seventh of it
        assert entry[1].startswith("09:00 unknown") and "Done" in entry[1]
        assert browser.js("getComputedStyle(document.querySelector('td[data-date=\"2026-12-01\"] .wd')).display") \
            != "none"
        keep(browser.screenshot(tmp_path / "calendar-390.png"))
        assert axe_violations(browser) == []
        browser.click("#v-agenda")
        browser.wait_for("!document.getElementById('agenda').hidden")
        assert browser.js("location.hash") == "#agenda-2026-12"
        days = browser.js("[...document.querySelectorAll('#agenda > li h3')].map(h => h.textContent)")
        assert days[:2] == ["Tue 1 December", "Wed 2 December"]
        keep(browser.screenshot(tmp_path / "agenda-390.png"))
        assert axe_violations(browser) == []
    finally:
        viewport(browser, 1400, 1000)


def test_week_view_filters_and_the_address(browser: Browser, page: Path, tmp_path: Path) -> None:
    viewport(browser, 1400, 1000)
    browser.open("about:blank")
    browser.open(page.as_uri())
    browser.click("#v-week")
    browser.wait_for("document.getElementById('month').textContent === 'Week of 30 November 2026'")
    assert browser.js("location.hash") == "#week-2026-11-30"
    assert browser.js("document.querySelectorAll('#grid tbody td').length") == 7
    assert browser.js("document.getElementById('count').textContent") == "6 posts this week"
    keep(browser.screenshot(tmp_path / "week-1400.png"))
    assert axe_violations(browser) == []
    browser.click("#next")
    browser.wait_for("location.hash === '#week-2026-12-07'")
    # Filters: by channel, campaign and status, kept in the address.
    browser.click("#v-month")
    browser.wait_for("document.getElementById('month').textContent === 'December 2026'")
    browser.js("(() => { const s = document.getElementById('f-channel'); s.value = 'feed';"
               " s.dispatchEvent(new Event('change')); })()")
    browser.wait_for("location.hash === '#2026-12&channel=feed'")
    ids = browser.js("[...document.querySelectorAll('#grid td:not(.other) .entry')].map(e => e.dataset.id)")
    assert ids[:3] == ["late", "due", "queued"] and all(i.startswith(("late", "due", "queued", "xmas", "busy"))
                                                         for i in ids)
    browser.open("about:blank")
    browser.open(page.as_uri() + "#2026-12&campaign=winter")
    assert browser.js("[...document.querySelectorAll('.entry')].map(e => e.dataset.id)") == ["draft"]
    assert browser.js("document.getElementById('f-campaign').value") == "winter"
    browser.open("about:blank")
    browser.open(page.as_uri() + "#2026-12&status=failed")
    assert browser.js("[...document.querySelectorAll('.entry')].map(e => e.dataset.id)") == ["done"]


def test_navigation_between_months_in_chromium(browser: Browser, page: Path) -> None:
    viewport(browser, 1400, 1000)
    browser.open("about:blank")
    browser.open(page.as_uri())
    browser.click("#next")
    browser.wait_for("document.getElementById('month').textContent === 'January 2027'")
    assert browser.js("location.hash") == "#2027-01"
    assert browser.js("document.getElementById('prev-label').textContent") == "Dec"
    (entry,) = browser.js("[...document.querySelectorAll('td:not(.other) .entry')].map(e => e.innerText)")
    assert entry == "09:00 scheduled\non x-main scheduled\nHappy new year </script><b>not bold</b>"
    browser.click("td:not(.other) .entry")
    browser.wait_for("!document.getElementById('detail').hidden")
    assert browser.js("document.getElementById('detail-text').textContent") == \
        "Happy new year </script><b>not bold</b>\nSecond line"
    assert browser.js("document.querySelectorAll('#detail-text b').length") == 0  # text, never markup
    browser.click("#close")
    browser.click("#prev")
    browser.click("#prev")
    browser.wait_for("document.getElementById('month').textContent === 'November 2026'")
    assert browser.js("document.getElementById('count').textContent") == "0 posts this month"
    browser.click("#today")  # now is 2026-12-02
    browser.wait_for("document.getElementById('month').textContent === 'December 2026'")
    assert browser.js("location.hash") == "#2026-12"
    browser.open("about:blank")
    browser.open(page.as_uri() + "#2026-12")
    assert browser.js("document.querySelectorAll('td:not(.other) .entry').length") == 12  # 15, three of them behind "+3 more"


def test_the_page_opens_on_the_month_asked_for_and_today_goes_to_now(browser: Browser, project, cli,
                                                                      tmp_path: Path) -> None:
    make(project)
    out = tmp_path / "jan"
    assert cli("calendar", "--now", NOW, "--month", "2027-01", "--html", str(out), cwd=project.root).exit_code == 0
    browser.open((out / "index.html").as_uri())
    assert browser.js("document.getElementById('month').textContent") == "January 2027"
    browser.click("#today")
    browser.wait_for("document.getElementById('month').textContent === 'December 2026'")
