"""The report as one static page (`metrics.html`, beside the calendar's `index.html`): tables
with the same numbers as the text report, and charts drawn by matplotlib as inline SVG
(followers over time per channel, engagement per post and per campaign, a weekday x hour
heat map, each campaign against its targets). matplotlib is the optional extra
`socialops[charts]`, imported only here; the page needs nothing from the network."""

from __future__ import annotations

import html
import io
import math
from datetime import datetime
from pathlib import Path
from typing import Any

from socialops.errors import SocialopsError

PAGE = "metrics.html"
TOP_POSTS = 20
COLOURS = ["#0969da", "#8250df", "#d1242f", "#1a7f37", "#bc4c00", "#0598bc", "#bf3989", "#6e7781"]


def write(folder: Path, data: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / PAGE
    target.write_text(render(data), "utf-8")
    return target


def render(data: dict[str, Any]) -> str:
    charts = Charts()
    sections = [_summary(data), _groups(data)]
    if data["followers"]:
        sections.append(_section("Followers over time", charts.followers(data["followers"]),
                                 _followers_table(data["followers"])))
    if data["posts"]:
        sections.append(_section(f"Engagement per post (top {TOP_POSTS})", charts.posts(data["posts"]), ""))
    if data["campaigns"]:
        charted = [c for c in data["campaigns"] if c["posts"]]  # one yet to start has nothing to draw
        sections.append(_section("Campaigns and their targets", charts.campaigns(charted) if charted else "",
                                 _campaign_table(data["campaigns"])))
    sections.append(_section("When engagement is highest (weekday x hour)", charts.heatmap(data["heatmap"]),
                             _best_times(data["best_times"])))
    legend = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in data["legend"].items())
    return TEMPLATE.format(title="Metrics", generated=_e(data["generated"]), timezone=_e(data["timezone"]),
                           body="\n".join(sections), legend=legend)


# ---- charts ------------------------------------------------------------------------------------

class Charts:
    def __init__(self) -> None:
        try:
            import matplotlib
        except ModuleNotFoundError:
            raise SocialopsError("the page's charts need matplotlib: pip install 'socialops[charts]' "
                                 "(the text, JSON and CSV reports work without it)") from None
        matplotlib.use("Agg")
        self.matplotlib = matplotlib

    def _svg(self, fig: Any) -> str:
        out = io.StringIO()
        with self.matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "socialops"}):
            fig.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
        text = out.getvalue()
        start = text.find("<svg")
        return '<figure class="chart">' + text[start:] + "</figure>"

    def _figure(self, height: float = 3.2) -> Any:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(8, height), layout="constrained")
        return fig

    def followers(self, followers: list[dict[str, Any]]) -> str:
        fig = self._figure()
        ax = fig.subplots()
        for i, f in enumerate(followers):
            times = [datetime.fromisoformat(t) for t, _ in f["series"]]
            ax.plot(times, [v for _, v in f["series"]], marker="o", markersize=3,
                    color=COLOURS[i % len(COLOURS)], label=_label(f["channel"]))
        ax.set_ylabel("followers")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)  # beside the lines, not on them
        ax.grid(alpha=0.3)
        fig.autofmt_xdate()
        return self._svg(fig)

    def posts(self, posts: list[dict[str, Any]]) -> str:
        top = sorted((p for p in posts if p["interactions"] is not None),
                     key=lambda p: (-p["interactions"], p["post"], p["channel"]))[:TOP_POSTS]
        fig = self._figure(max(2.0, 0.28 * len(top) + 0.8))
        ax = fig.subplots()
        names = [_label(f"{p['post']} · {p['channel']}") for p in reversed(top)]
        ax.barh(names, [p["interactions"] for p in reversed(top)], color=COLOURS[0])
        ax.set_xlabel("interactions")
        ax.tick_params(axis="y", labelsize=8)
        return self._svg(fig)

    def campaigns(self, campaigns: list[dict[str, Any]]) -> str:
        fig = self._figure(max(2.0, 0.5 * len(campaigns) + 1.0))
        left, right = fig.subplots(1, 2)
        names = [_label(c["campaign"]) for c in campaigns]
        left.barh(names, [c["interactions"] or 0 for c in campaigns], color=COLOURS[1])
        left.set_xlabel("interactions")
        rows = [(f"{_label(c['campaign'])}: {m}", t["progress"]) for c in campaigns
                for m, t in c["targets"].items()]
        if rows:
            right.barh([r[0] for r in rows], [100 * (r[1] or 0) for r in rows],
                       color=[COLOURS[3] if (r[1] or 0) >= 1 else COLOURS[4] for r in rows])
            right.axvline(100, color="#57606a", linestyle="--", linewidth=1)
            right.set_xlabel("% of target")
        else:
            right.text(0.5, 0.5, "no targets set", ha="center", va="center", transform=right.transAxes)
            right.set_axis_off()
        return self._svg(fig)

    def heatmap(self, heatmap: dict[str, Any]) -> str:
        import numpy

        grid = numpy.array([[math.nan if c["score"] is None else c["score"] for c in row]
                            for row in heatmap["cells"]])
        fig = self._figure(3.0)
        ax = fig.subplots()
        cmap = self.matplotlib.colormaps["YlGn"].with_extremes(bad="#eaeef2")  # a copy
        image = ax.imshow(numpy.ma.masked_invalid(grid), cmap=cmap, aspect="auto")
        ax.set_yticks(range(7), heatmap["weekdays"])
        ax.set_xticks(range(0, 24, 3), [f"{h:02d}" for h in range(0, 24, 3)])
        ax.set_xlabel("hour (grey: fewer than 5 posts, untested)")
        fig.colorbar(image, ax=ax, label="x the channel's median")
        return self._svg(fig)


def _label(text: str) -> str:
    """Text for a chart label: matplotlib reads `$...$` as maths."""
    return text.replace("$", r"\$")


# ---- tables -------------------------------------------------------------------------------------

def _e(value: Any) -> str:
    return html.escape(str(value))


def _section(title: str, chart: str, table: str) -> str:
    return f'<section><h2>{_e(title)}</h2>{chart}{table}</section>'


def _summary(data: dict[str, Any]) -> str:
    span = f"{data['from'] or 'the start'} to {data['to'] or 'now'}"
    total = sum(p["interactions"] or 0 for p in data["posts"])
    return (f'<p class="lead">Posts published from {_e(span)}: <b id="post-count">{len(data["posts"])}</b> '
            f'posts on their channels, <b id="interactions">{_e(fmt_number(total))}</b> interactions.</p>')


def _groups(data: dict[str, Any]) -> str:
    from socialops.publish.metrics.report import SHOWN

    shown = [m for m in SHOWN if any(m in g["metrics"] for g in data["groups"])]
    head = "".join(f"<th>{_e(t)}</th>" for t in (data["by"], "posts", "interactions", *shown,
                                                  "ER/view", "ER/follower", "t50 h", "t90 h"))
    rows = []
    for g in data["groups"]:
        cells = [fmt_number(g["posts"]), fmt_number(g["interactions"]),
                 *(fmt_number(g["metrics"].get(m)) if m in g["metrics"] else "n/a" for m in shown),
                 fmt_percent(g["er_view"]), fmt_percent(g["er_follower"]), fmt_number(g["t50_h"]),
                 fmt_number(g["t90_h"])]
        rows.append(f"<tr><th scope=\"row\">{_e(g['key'])}</th>" + "".join(f"<td>{_e(c)}</td>" for c in cells) + "</tr>")
    return (f'<section><h2>By {_e(data["by"])}</h2><div class="scroll"><table id="groups"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div></section>')


def _followers_table(followers: list[dict[str, Any]]) -> str:
    rows = "".join(f"<tr><th scope=\"row\">{_e(f['channel'])}</th><td>{_e(fmt_number(f['first']))}</td>"
                   f"<td>{_e(fmt_number(f['last']))}</td><td>{f['change']:+,}</td></tr>" for f in followers)
    return ('<div class="scroll"><table id="followers"><thead><tr><th>channel</th><th>first</th><th>last</th>'
            f'<th>change</th></tr></thead><tbody>{rows}</tbody></table></div>')


def _campaign_table(campaigns: list[dict[str, Any]]) -> str:
    rows = []
    for c in campaigns:
        targets = "; ".join(f"{m}: {fmt_number(t['actual'])} of {fmt_number(t['target'])} ({fmt_percent(t['progress'])})"
                            for m, t in c["targets"].items()) or "none set"
        rows.append(f"<tr><th scope=\"row\">{_e(c['campaign'])}</th><td>{_e(fmt_number(c['posts']))}</td>"
                    f"<td>{_e(fmt_number(c['interactions']))}</td><td>{_e(fmt_percent(c['er_follower']))}</td>"
                    f"<td>{_e(targets)}</td></tr>")
    return ('<div class="scroll"><table id="campaigns"><thead><tr><th>campaign</th><th>posts</th><th>interactions</th>'
            f'<th>ER/follower</th><th>targets</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def _best_times(best: dict[str, Any]) -> str:
    items = []
    for channel, b in best.items():
        ranked = ", ".join(f"{r['weekday']} {r['hour']:02d}:00 ({fmt_number(r['median_interactions'])}, {r['posts']} posts)"
                           for r in b["ranked"]) or "no slot has 5 posts yet"
        items.append(f"<li><b>{_e(channel)}</b>: {_e(ranked)}; {b['untested_slots']} slots untested</li>")
    return f'<h3>Best times to post</h3><ul id="best-times">{"".join(items)}</ul>'


def fmt_number(value: Any) -> str:
    """The text report's way of showing a number (commands/metrics.py uses this too)."""
    if value is None:
        return "n/a"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def fmt_percent(value: Any) -> str:
    return "n/a" if value is None else f"{value * 100:.2f} %"


TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }}
header, main {{ max-width: 1400px; margin: 0 auto; padding: 12px 16px; }}
header {{ display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: baseline; }}
h1 {{ margin: 0; font-size: 1.4em; }}
section {{ background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 12px 16px; margin: 0 0 16px; }}
h2 {{ font-size: 1.1em; margin: 0 0 8px; }}
figure.chart {{ margin: 0 0 8px; overflow-x: auto; }}
figure.chart svg {{ width: 100%; min-width: 560px; height: auto; }}
.scroll {{ overflow-x: auto; }}
table {{ border-collapse: collapse; font-variant-numeric: tabular-nums; }}
th, td {{ padding: 4px 8px; border-bottom: 1px solid #eaeef2; text-align: right; white-space: nowrap; }}
th[scope=row], thead th:first-child {{ text-align: left; }}
dl {{ font-size: 0.85em; color: #57606a; }} dt {{ font-weight: 600; }} dd {{ margin: 0 0 6px; }}
</style>
</head>
<body>
<header><h1>{title}</h1><span>generated {generated} ({timezone})</span><a id="calendar-link" href="index.html">content calendar</a></header>
<main>
{body}
<section><h2>How these numbers are made</h2><dl>{legend}</dl></section>
</main>
</body>
</html>
"""
