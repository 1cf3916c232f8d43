"""`socialops metrics report --html DIR`: the page with its charts, opened in a real
headless Chromium on a desktop and on a 390 px phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.calendar.browser import Browser, chromium_path
from tests.metrics.conftest import Repo
from tests.metrics.test_report import make

pytestmark = pytest.mark.slow


@pytest.fixture
def page(repo: Repo, cli: Any, tmp_path: Path) -> Path:
    pytest.importorskip("matplotlib")
    make(repo)
    out = tmp_path / "site"
    result = cli("metrics", "report", "--by", "campaign", "--now", "2026-06-14T08:00", "--html", str(out), cwd=repo.root)
    assert result.exit_code == 0, result.output
    assert f"wrote {out / 'metrics.html'}" in result.stdout
    return out / "metrics.html"


@pytest.mark.parametrize(("width", "height"), [(1400, 1000), (390, 844)])
def test_the_page_shows_its_charts_and_tables_without_the_network(page: Path, tmp_path: Path, width: int,
                                                                  height: int) -> None:
    chrome = Browser(chromium_path(), width, height)
    try:
        chrome.open(page.as_uri())
        assert chrome.js("document.title") == "Metrics"
        titles = chrome.js("[...document.querySelectorAll('h2')].map(h => h.textContent)")
        assert titles == ["By campaign", "Followers over time", "Engagement per post (top 20)",
                          "Campaigns and their targets", "When engagement is highest (weekday x hour)",
                          "How these numbers are made"]
        # four charts, each an inline SVG as wide as its section (on a phone no narrower than
        # 560 px: the chart scrolls sideways in its own box rather than shrink out of reading)
        sizes = chrome.js("[...document.querySelectorAll('figure.chart svg')].map(s => {"
                          " const r = s.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; })")
        assert len(sizes) == 4 and all(w >= min(0.8 * width, 560) and h > 130 for w, h in sizes)
        labels = chrome.js("[...document.querySelectorAll('figure.chart svg text')].map(t => t.textContent)")
        assert "followers" in labels and "launch" in labels and "% of target" in labels
        assert any("launch/de · mastodon-main" in label for label in labels)
        rows = chrome.js("[...document.querySelectorAll('#campaigns tbody tr')].map(r => r.innerText)")
        assert any(row.startswith("launch\t2\t53") and "likes: 48 of 100 (48.00 %)" in row for row in rows)
        # a campaign with no posts yet (autumn) is in the table, not drawn as an empty bar
        assert any(row.startswith("autumn\t0") for row in rows) and "autumn" not in labels
        # nothing wider than the screen but the tables, which scroll in their own box
        assert chrome.js("document.documentElement.scrollWidth") <= width
        assert chrome.js("document.getElementById('calendar-link').getAttribute('href')") == "index.html"
        shot = chrome.screenshot(tmp_path / f"metrics-{width}.png")
        assert shot.stat().st_size > 20_000
        fetched = [u for u in chrome.requested_urls() if not u.startswith("data:")]  # the heat map is an inline image
        assert fetched == [page.as_uri()]  # nothing else was fetched
    finally:
        chrome.close()


def test_the_calendar_page_links_to_the_metrics_and_shows_campaign_progress(repo: Repo, cli: Any, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    make(repo)
    from tests.metrics.test_report import CALENDAR

    # a campaign with targets and no posts yet: no empty progress bar for it
    repo.write("calendar.yaml", CALENDAR + "  winter: {from: 2026-12-01, to: 2026-12-31, targets: {likes: 10}}\n")
    site = tmp_path / "site"
    for args in (("calendar", "--html"), ("metrics", "report", "--html")):
        result = cli(*args, str(site), "--now", "2026-06-14T08:00", cwd=repo.root)
        assert result.exit_code == 0, result.output
    chrome = Browser(chromium_path(), 1400, 1000)
    try:
        chrome.open((site / "index.html").as_uri())
        assert chrome.js("document.getElementById('campaign-progress').hidden") is False
        progress = chrome.js("[...document.querySelectorAll('#campaign-progress li')].map(l => [l.textContent,"
                             " l.querySelector('progress').value])")
        assert progress == [["launch: likes 48 of 100 (48 %), followers 9 of 10 (90 %), posts 2 of 4 (50 %)", 0.48]]
        chrome.screenshot(tmp_path / "calendar-with-metrics.png")
        chrome.click("#metrics-link")
        chrome.wait_for("document.title === 'Metrics'")
        assert chrome.js("location.href") == (site / "metrics.html").as_uri()
    finally:
        chrome.close()
