"""`socialops calendar --html DIR`: the static page, opened in a real headless Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.calendar.browser import Browser, chromium_path
from tests.calendar.test_plan import NOW, make

pytestmark = pytest.mark.slow


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
    project.post("2027/newyear.md", "channels: [x-main]\npublish_at: 2027-01-04T09:00",
                 "Happy new year </script><b>not bold</b>\nSecond line")
    out = tmp_path / "site"
    result = cli("calendar", "--now", NOW, "--html", str(out), cwd=project.root)
    assert result.exit_code == 0, result.output
    assert f"wrote {out / 'index.html'}" in result.stdout
    return out / "index.html"


def test_the_page_has_no_external_assets(page: Path) -> None:
    text = page.read_text("utf-8")
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=""", text)
    assert "http://" not in text.replace("http://www.w3.org", "")
    assert "</script><b>" not in text  # post text cannot close the data element


def test_month_view_in_chromium(browser: Browser, page: Path, tmp_path: Path) -> None:
    browser.open(page.as_uri())
    assert browser.js("document.getElementById('month').textContent") == "December 2026"
    assert browser.js("document.title") == "content calendar · December 2026"
    assert browser.js("document.getElementById('count').textContent") == "11 posts this month"
    assert browser.js("document.querySelectorAll('#grid tbody tr').length") == 5
    assert browser.js("document.querySelector('td.today').dataset.date") == "2026-12-02"
    # Entries sit on their day, with the status as a badge and the class that styles it.
    tuesday = browser.js("[...document.querySelectorAll('td[data-date=\"2026-12-01\"] .entry')]"
                         ".map(e => [e.dataset.channel, e.className, e.querySelector('.badge').textContent,"
                         " e.querySelector('.time').textContent])")
    assert tuesday == [
        ["bluesky-main", "entry s-unknown", "unknown", "09:00"],
        ["mastodon-main", "entry s-published", "published", "09:00"],
        ["x-main", "entry s-failed", "failed", "09:00"],
        ["mastodon-main", "entry s-published", "published", "10:00"],
    ]
    draft = browser.js("(() => { const e = document.querySelector('.entry.s-draft');"
                       " const s = getComputedStyle(e); return [e.dataset.channel, s.borderTopStyle, s.fontStyle]; })()")
    assert draft == ["linkedin-company", "dashed", "italic"]
    # A colour per channel.
    colours = browser.js("(() => { const c = {}; document.querySelectorAll('.entry').forEach(e =>"
                         " { c[e.dataset.channel] = getComputedStyle(e).borderLeftColor; }); return c; })()")
    assert len(set(colours.values())) == len(colours) == 5
    # The text on hover (the title) and on click (the detail panel).
    selector = 'td[data-date="2026-12-01"] .entry.s-published'
    assert browser.js(f"document.querySelector('{selector}').title") == "09:00 mastodon-main (published)\n\nDone"
    browser.hover(selector)
    assert browser.js("document.getElementById('detail').hidden") is True
    browser.click(selector)
    browser.wait_for("!document.getElementById('detail').hidden")
    assert browser.js("document.getElementById('detail-text').textContent") == "Done"
    facts = browser.js("[...document.querySelectorAll('#detail-facts dt, #detail-facts dd')].map(e => e.textContent)")
    assert facts == ["When", "2026-12-01 09:00 (Europe/Berlin)", "Channel", "mastodon-main", "Status", "published",
                     "Source", "explicit", "Post", "done", "Author", "alice", "Published",
                     "https://mastodon.example/@acme/1"]
    assert browser.js("document.querySelector('#detail-facts a').href") == "https://mastodon.example/@acme/1"
    browser.click("#close")
    browser.wait_for("document.getElementById('detail').hidden")
    shot = browser.screenshot(tmp_path / "december.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    assert browser.requested_urls() == [page.as_uri()]  # nothing else was fetched


def test_navigation_between_months_in_chromium(browser: Browser, page: Path) -> None:
    browser.open(page.as_uri())
    browser.click("#next")
    browser.wait_for("document.getElementById('month').textContent === 'January 2027'")
    assert browser.js("location.hash") == "#2027-01"
    assert browser.js("document.getElementById('prev-label').textContent") == "Dec"
    (entry,) = browser.js("[...document.querySelectorAll('td:not(.other) .entry')].map(e => e.innerText)")
    assert entry == "09:00 scheduled x-main\nHappy new year </script><b>not bold</b>"
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
    # A month in the address opens that month (a link someone shares).
    browser.open("about:blank")
    browser.open(page.as_uri() + "#2026-12")
    assert browser.js("document.querySelectorAll('td:not(.other) .entry').length") == 11


def test_the_page_opens_on_the_month_asked_for_and_today_goes_to_now(browser: Browser, project, cli,
                                                                      tmp_path: Path) -> None:
    make(project)
    out = tmp_path / "jan"
    assert cli("calendar", "--now", NOW, "--month", "2027-01", "--html", str(out), cwd=project.root).exit_code == 0
    browser.open((out / "index.html").as_uri())
    assert browser.js("document.getElementById('month').textContent") == "January 2027"
    browser.click("#today")
    browser.wait_for("document.getElementById('month').textContent === 'December 2026'")
