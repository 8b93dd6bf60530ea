"""The war room in a real browser (Debian's chromium driven by Playwright), as a user works."""

from __future__ import annotations

import re
from datetime import datetime

import pyarrow as pa
import pytest

from tests.web.webutil import ARTIFACTS, PASSWORDS, staffed

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:Arrow output on a DB-API result:UserWarning"),
]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser():
    """One chromium for the whole module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS, headless=True)
        yield b
        b.close()


def _page(browser, base: str, user: str):  # noqa: ANN001, ANN202
    """A fresh context logged in through the login form; console errors are collected."""
    ctx = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))

    def on_dialog(d) -> None:  # noqa: ANN001
        page.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    page.goto("/")
    assert "/login" in page.url
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORDS[user])
    page.click("#login-submit")
    page.wait_for_url(base + "/")
    return page


def _shot(page, name: str) -> None:  # noqa: ANN001
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_login_and_poll_chart_drawn(browser, server) -> None:  # noqa: ANN001
    base, _ = server
    page = _page(browser, base, "ada")
    page.wait_for_selector("#chart-fig-poll-caq.drawn", timeout=15000)
    # Plotly drew real traces (SVG paths) under the strict CSP, with no console error
    assert page.locator("#chart-fig-poll-caq .main-svg").count() >= 1
    assert page.locator("#chart-fig-poll-caq .scatterlayer .trace").count() >= 3
    assert page.text_content("#n-posts") == "121"
    # pq has 2 authors: every period is hidden, so a sentence replaces an empty chart
    assert "moins de 5 auteurs" in page.text_content("#poll-empty-pq")
    assert page.locator("#chart-fig-poll-pq").count() == 0
    # dates and numbers of the charts in French (plotly.js reads English without a locale)
    assert page.evaluate("document.getElementById('chart-fig-poll-caq')._context.locale") == "fr"
    ticks = "|".join(page.locator("#chart-fig-poll-caq .xaxislayer-above text").all_text_contents())
    assert ticks.strip()
    assert not re.search(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b", ticks), ticks
    # and in French order, the day first ("3 sept.", not "sept. 3")
    months = r"(janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc)"
    assert re.search(r"\d " + months, ticks) and not re.search(months + r"\.? \d", ticks), ticks
    _shot(page, "overview")
    assert page.errors == [], page.errors
    page.context.close()


def test_open_alert_and_live_stream(browser, server, web_project) -> None:  # noqa: ANN001
    base, app = server
    page = _page(browser, base, "ana")
    page.click("#nav-alerts")
    page.wait_for_selector("#live-status.on", timeout=10000)
    new = {
        "alert_id": "burst-plq-live",
        "kind": "burst",
        "target_id": "plq",
        "post_id": "mastodon:5",
        "title": "Nouveau pic : PLQ",
        "detail": "{}",
        "score": 2.0,
        "created_at": datetime(2026, 9, 4),
    }
    app.state.web.locked(web_project.store.insert, "alerts", pa.Table.from_pylist([new]))
    page.wait_for_selector("#alert-list li.new >> text=Nouveau pic : PLQ", timeout=15000)
    _shot(page, "alerts-live")
    page.click("text=Pic de « #caq »")
    page.wait_for_selector("#alert-title")
    assert (
        page.text_content("#alert-title") == "Pic de « #caq » : 12 publications pour 3,5 attendues"
    )
    assert "post 4 #caq" in page.text_content("#post-text")
    assert page.get_attribute("#post-link", "href") == "https://example.org/@p3/4"
    _shot(page, "alert")
    assert page.errors == []
    page.context.close()


def test_untrusted_post_text_runs_nothing(browser, server) -> None:  # noqa: ANN001
    base, _ = server
    page = _page(browser, base, "vic")
    page.goto("/alerts/critic-xss")
    text = page.text_content("#post-text")
    assert "<script>window.__pwned=1</script>" in text
    assert '<img src=x onerror="window.__pwned=2">' in text
    assert "javascript:window.__pwned=3" in text
    assert page.text_content("#alert-title") == "<b>Critique</b> <script>x</script>"
    assert page.locator("#post-text img, #post-text script, #post-text a").count() == 0
    assert page.locator("#post-link").evaluate("e => e.tagName") == "SPAN"  # javascript: URL
    assert page.locator("a[href^='javascript']").count() == 0
    page.click("#post-text")
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == []
    _shot(page, "xss-inert")
    page.context.close()


def test_switch_language(browser, server) -> None:  # noqa: ANN001
    base, _ = server
    page = _page(browser, base, "vic")
    assert page.text_content("#nav-overview") == "Vue d'ensemble"
    page.click("#lang-switch")
    page.wait_for_selector("#nav-overview >> text=Overview")
    assert page.locator("html").get_attribute("lang") == "en"
    _shot(page, "english")
    page.click("#lang-switch")
    page.wait_for_selector("#nav-overview >> text=Vue d'ensemble")
    page.context.close()


def test_admin_edits_a_target(browser, server, web_project) -> None:  # noqa: ANN001
    base, _ = server
    page = _page(browser, base, "ada")
    page.click("#nav-settings")
    page.click("#target-caq summary")
    page.fill("#target-caq textarea[name=aliases]", "CAQ\ncaquistes")
    page.fill("#target-caq textarea[name=favor_hashtags]", "#avecLegault")
    page.click("#target-caq button")
    page.wait_for_selector("#config-saved")
    assert web_project.config.target("caq").aliases == ["CAQ", "caquistes"]
    assert 'aliases = ["CAQ", "caquistes"]' in web_project.config_path.read_text()
    # the partisan hashtags are in the form, and saving again keeps them
    page.click("#target-caq summary")
    assert page.input_value("#target-caq textarea[name=favor_hashtags]") == "#avecLegault"
    assert "« Coalition avenir Québec »" in page.text_content(
        "#reanalyse"
    )  # the posts analysed before
    page.click("#target-caq button.save")
    page.wait_for_selector("#config-saved")
    assert web_project.config.target("caq").favor_hashtags == ["#avecLegault"]
    _shot(page, "settings-saved")
    page.context.close()


def test_viewer_cannot_reach_settings(browser, server) -> None:  # noqa: ANN001
    base, _ = server
    page = _page(browser, base, "vic")
    assert page.locator("#nav-settings").count() == 0
    resp = page.goto("/settings")
    assert resp.status == 403
    assert page.locator("textarea[name=toml]").count() == 0
    assert "demande le rôle « analyste » ou plus" in page.text_content(".error")  # in French
    _shot(page, "viewer-403")
    # computing changes nothing, so a viewer may score a draft (htmx sends the CSRF header)
    page.goto("/messages")
    page.fill("textarea[name=text]", "Votez le 3 octobre : 4 000 logements de plus à Laval.")
    page.click("#score-form button")
    page.wait_for_selector("#score-result .result", timeout=15000)
    assert page.locator("#score-result .error").count() == 0
    page.wait_for_selector("#chart-fig-score.drawn", timeout=15000)  # the radar of messages.render
    assert "Score global" in page.text_content("#score-card")
    assert page.locator("#score-card tbody tr").count() == 6  # one row per dimension
    _shot(page, "message-lab")
    page.context.close()


def test_removing_an_account_asks_first(browser, server) -> None:  # noqa: ANN001
    base, _ = server
    page = _page(browser, base, "ada")
    page.goto("/users")
    assert page.locator("#add-user select[name=role]").input_value() == "viewer"  # the least rights
    assert "lecteur" in page.text_content("#users")  # roles in the page's language
    page.click("form[action='/users/vic/delete'] button")  # the dialog is dismissed
    assert len(page.dialogs) == 1 and "« vic »" in page.dialogs[0]
    page.goto("/users")
    assert page.locator("form[action='/users/vic/delete']").count() == 1  # still there
    assert not page.errors
    page.context.close()


def test_network_graph_view_drawn(browser, server) -> None:  # noqa: ANN001
    base, _ = server
    page = _page(browser, base, "ana")
    page.click("#nav-network")
    page.wait_for_selector("#graph-view.drawn canvas", timeout=15000)
    assert (
        page.text_content("#graph-note") == "40 comptes affichés sur 40 dans le réseau des relais"
    )
    # the Lorenz curve and the community graph are the capabilities' own Plotly figures
    page.wait_for_selector("#chart-fig-pareto.drawn", timeout=15000)
    assert page.locator("#chart-fig-pareto .scatterlayer .trace").count() == 2
    page.wait_for_selector("#chart-fig-communities.drawn", timeout=15000)
    assert page.locator("#influencer-table tbody tr").count() >= 1
    rows = page.locator("#community-table tbody tr")
    assert rows.count() == 5
    stance = rows.first.locator("td.stance").text_content()
    assert "Coalition avenir Québec" in stance and re.search(r"\d+ / \d+ / \d+\u202f%", stance)
    body = page.text_content("main")
    for raw in ("top_1pct_share", "lorenz", "membership", "undecided_share", "{'favor'"):
        assert raw not in body, raw
    _shot(page, "network")
    assert page.errors == [], page.errors
    page.context.close()


def _crowd_rows(project) -> None:  # noqa: ANN001
    """A demo-sized amplification network: 12 media accounts each reposted by 25 followers
    of their own, 60 followers reposting two or three of them, and 4 pairs apart."""
    authors, posts, inter = [], [], []
    t0 = datetime(2026, 9, 1, 12)
    words = ["loyer", "logement", "école", "santé", "transport", "emploi", "climat"]

    def account(name: str) -> str:
        aid = f"mastodon:{name}"
        said = " ".join(words[(len(authors) + k) % len(words)] for k in range(3))
        authors.append(
            {"author_id": aid, "platform": "mastodon", "handle": name, "pseudonymised": False,
             "followers": 100}
        )  # fmt: skip
        posts.append(
            {"post_id": f"{aid}/1", "platform": "mastodon", "native_id": f"{name}-1",
             "author_id": aid, "created_at": t0, "text": said, "lang": "fr",
             "url": f"https://example.org/@{name}/1"}
        )  # fmt: skip
        return aid

    def repost(who: str, whom: str) -> None:
        inter.append(
            {"src_author": whom, "dst_author": who, "kind": "repost",
             "post_id": f"{whom}/1", "created_at": t0}
        )  # fmt: skip

    media = [account(f"media-outlet-{m:02d}") for m in range(12)]
    for m, hub in enumerate(media):
        for f in range(25):
            repost(account(f"follower-{m:02d}-{f:02d}"), hub)
    for b in range(60):
        fan = account(f"bridge-{b:02d}")
        for k in range(2 + b % 2):
            repost(fan, media[(b + 5 * k) % len(media)])
    for q in range(4):
        repost(account(f"loner-{q}-a"), account(f"loner-{q}-b"))
    store = project.store
    store.insert("authors", pa.Table.from_pylist(authors))
    store.insert("posts", pa.Table.from_pylist(posts))
    store.insert("interactions", pa.Table.from_pylist(inter))


@pytest.fixture(scope="module")
def crowd(tmp_path_factory: pytest.TempPathFactory):
    """The war room of a project with `_crowd_rows`' network: its base URL."""
    from bascule.project import init_project

    project = init_project(tmp_path_factory.mktemp("crowd") / "proj")
    project.store.rows("SELECT 1")  # consume init's last result (DuckDB 2 wants it)
    _crowd_rows(project)
    with staffed(project) as base:
        yield base
    project.close()


GRAPH_DRAWN = """() => {
  const shown = window.basculeGraph, r = shown.renderer, g = r.getGraph();
  const box = document.getElementById('graph-view').getBoundingClientRect();
  const discs = g.nodes().map(k => {
    const d = r.getNodeDisplayData(k), v = r.framedGraphToViewport(d);
    return {key: k, label: g.getNodeAttribute(k, 'label'), x: v.x, y: v.y, r: r.scaleSize(d.size)};
  });
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = '12px system-ui, sans-serif';
  const labels = shown.labels.map(l => ({...l, text: ctx.measureText(l.label).width,
                                           disc: discs.find(d => d.key === l.key)}));
  return {discs, labels, width: box.width, height: box.height};
}"""


def _apart(a: dict, b: dict) -> bool:
    return (
        a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"]
        or a["y"] + a["h"] <= b["y"] or b["y"] + b["h"] <= a["y"]
    )  # fmt: skip


def _check_graph(drawn: dict, max_labels: int) -> None:
    """No disc over another, the picture spread over the view, a few labels, the largest
    account's among them, each beside its disc and none over another."""
    from itertools import combinations
    from math import dist

    discs, labels = drawn["discs"], drawn["labels"]
    covered = [
        (a["label"], b["label"])
        for a, b in combinations(discs, 2)
        if dist((a["x"], a["y"]), (b["x"], b["y"])) < a["r"] + b["r"]
    ]
    assert covered == [], covered[:5]
    xs, ys = [d["x"] for d in discs], [d["y"] for d in discs]
    side = min(drawn["width"], drawn["height"])
    assert max(max(xs) - min(xs), max(ys) - min(ys)) > 0.6 * side, (xs, ys)
    assert 3 <= len(labels) <= max_labels, [lab["label"] for lab in labels]
    largest = max(discs, key=lambda d: d["r"])
    assert largest["label"] in [lab["label"] for lab in labels]
    for lab in labels:
        assert lab["w"] >= lab["text"], lab  # the box holds the text drawn
        d = lab["disc"]
        dx = max(lab["x"] - d["x"], 0, d["x"] - lab["x"] - lab["w"])
        dy = max(lab["y"] - d["y"], 0, d["y"] - lab["y"] - lab["h"])
        assert (dx * dx + dy * dy) ** 0.5 <= d["r"] + 6, lab  # beside its own disc
    for a, b in combinations(labels, 2):
        assert _apart(a, b), (a["label"], b["label"])


def test_network_graph_is_readable_on_desktop_and_phone(browser, crowd) -> None:  # noqa: ANN001
    """The graph of the most connected accounts was a tangle: discs of 2 to 16 px whatever
    the width, over one another, every label where sigma put it, overlapping."""
    page = _page(browser, crowd, "ana")
    page.goto("/network")
    page.wait_for_selector("#graph-view.drawn canvas", timeout=30000)
    page.wait_for_function("window.basculeGraph && window.basculeGraph.labels.length > 0")
    drawn = page.evaluate(GRAPH_DRAWN)
    assert len(drawn["discs"]) == 12 + 12 * 25 + 60 + 8
    _check_graph(drawn, max_labels=30)
    legend = page.locator("#graph-legend li").all_text_contents()
    assert 2 <= len(legend) <= 10 and legend[-1] == "autres communautés", legend
    assert re.fullmatch(r"communauté #\d+ · media-outlet-\d\d", legend[0]), legend
    note = page.text_content("#graph-note")
    assert note == "380 comptes affichés sur 380 dans le réseau des relais", note
    _shot(page, "network-graph")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/network")
    page.wait_for_selector("#graph-view.drawn canvas", timeout=30000)
    page.wait_for_function("window.basculeGraph && window.basculeGraph.labels.length > 0")
    drawn = page.evaluate(GRAPH_DRAWN)
    assert len(drawn["discs"]) == 150  # the largest accounts only
    _check_graph(drawn, max_labels=8)
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    page.locator("#graph-view").screenshot(path=str(ARTIFACTS / "network-graph-phone.png"))
    assert page.errors == [], page.errors
    page.context.close()


def test_tipping_page_shows_the_critical_fraction(browser, server) -> None:  # noqa: ANN001
    base, _ = server
    page = _page(browser, base, "vic")
    page.click("#nav-tipping")
    page.fill("textarea[name=seeds]", "p0\np1")  # handles, as staff know them
    page.click("#simulate-result >> xpath=.. >> button")
    page.wait_for_selector("#simulate-reach", timeout=30000)
    assert "comptes" in page.text_content("#simulate-reach")
    page.click("#tipping-result >> xpath=.. >> button")
    page.wait_for_selector("#critical-fraction", timeout=60000)
    assert re.fullmatch(r"\d+,\d\u202f%", page.text_content("#critical-fraction"))
    page.wait_for_selector("#chart-fig-tipping.drawn", timeout=15000)  # tipping_figure
    _shot(page, "tipping")
    assert page.errors == [], page.errors
    page.context.close()


def test_undecided_and_alerts_read_like_a_report(browser, server) -> None:  # noqa: ANN001
    base, _ = server
    page = _page(browser, base, "vic")
    page.click("#nav-undecided")
    page.wait_for_selector("main h1")
    assert page.locator("main .error").count() == 0
    base_line = page.text_content("#undecided-base")  # who the share is of, and the states
    assert "auteurs qui ont parlé d'un parti" in base_line and "80 %" in base_line
    _shot(page, "undecided")
    page.click("#nav-alerts")
    assert page.locator("#alert-list .badge").first.text_content() in (
        "Pic de mentions",
        "Critique isolée qui se propage",
    )
    _shot(page, "alerts")
    page.context.close()


def test_pages_fit_a_phone(browser, server) -> None:  # noqa: ANN001
    base, _ = server
    page = _page(browser, base, "ana")
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/", "/network"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        # wide tables scroll inside their card; the page itself stays the phone's width
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, (path, width)
    # the import form's fields inside their card (the encoding list and the column mapping
    # ran past its edge)
    page.goto("/import")
    page.click("#import-options summary")
    over = page.evaluate(
        """() => [...document.querySelectorAll('#import-form input, #import-form select')]
        .filter(e => e.getBoundingClientRect().right > e.closest('.card')
            .getBoundingClientRect().right).map(e => e.name)"""
    )
    assert over == []
    page.context.close()


def test_charts_keep_their_plot_on_a_phone(browser, server) -> None:  # noqa: ANN001
    """At 390 px the poll's end labels and title no longer eat the plot (it was 24 px wide
    with a fixed 250 px margin for the labels); wider, the figure keeps its full labels."""
    base, _ = server
    page = _page(browser, base, "ana")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    page.wait_for_selector("#chart-fig-poll-caq.drawn", timeout=15000)
    chart = "#chart-fig-poll-caq"
    width = page.locator(f"{chart} .nsewdrag").first.evaluate(
        "e => e.getBoundingClientRect().width"
    )
    assert width >= 0.55 * 390, width
    # the end labels say only their value on a phone ("61 %"), the legend names the lines
    ends = page.locator(f"{chart} .annotation-text").all_text_contents()
    assert any(re.fullmatch(r"[<>]? ?\d+(,\d)?\u202f%", t) for t in ends), ends
    assert not any("(tendance)" in t for t in ends), ends
    ticks = page.locator(f"{chart} .yaxislayer-above text").all_text_contents()
    assert "20\u202f%" in ticks, ticks  # French: a space before "%"
    _shot(page, "overview-phone")
    page.set_viewport_size({"width": 1280, "height": 900})  # back to the desktop layout
    page.wait_for_selector(f"{chart}[data-fit=wide]", timeout=5000)  # app.js, on resize
    page.wait_for_timeout(300)
    ends = page.locator(f"{chart} .annotation-text").all_text_contents()
    assert any(t.endswith("(tendance)") for t in ends), ends
    assert page.errors == [], page.errors
    page.context.close()


def test_network_charts_read_french_and_fit_a_phone(browser, server) -> None:  # noqa: ANN001
    """The community graph's colour scale reads "20 %" in French (plotly.js writes a ".0%"
    tick "20%" whatever the locale), "20%" in English; on a phone the Lorenz curve's legend
    sits below the plot, which kept 176 px of 390 with the legend at its right."""
    base, _ = server
    page = _page(browser, base, "ana")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/network")
    page.wait_for_selector("#chart-fig-pareto.drawn", timeout=15000)
    plot = "#chart-fig-pareto .nsewdrag"
    width = page.locator(plot).first.evaluate("e => e.getBoundingClientRect().width")
    assert width >= 0.7 * 390, width
    bottom = page.locator(plot).first.evaluate("e => e.getBoundingClientRect().bottom")
    legend = page.locator("#chart-fig-pareto .legend").first.evaluate(
        "e => e.getBoundingClientRect().top"
    )
    assert legend > bottom, (legend, bottom)
    title = page.locator("#chart-fig-pareto .g-xtitle").first.evaluate(
        "e => e.getBoundingClientRect().bottom"
    )
    assert legend >= title, (legend, title)  # under the x title, not over it
    _shot(page, "network-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    for lang, twenty in (("fr", "20\u202f%"), ("en", "20%")):
        page.goto("/network")
        page.wait_for_selector("#chart-fig-communities.drawn", timeout=15000)
        ticks = page.locator("#chart-fig-communities .colorbar text").all_text_contents()
        assert twenty in ticks and "100" + twenty[2:] in ticks, (lang, ticks)
        if lang == "fr":
            page.click("#lang-switch")
            page.wait_for_load_state("networkidle")
    assert page.errors == [], page.errors
    page.context.close()


def test_the_report_fits_a_phone_too(browser, web_project, tmp_path) -> None:  # noqa: ANN001
    """The HTML report (and every `--html` page) applies the war room's narrow layouts: its
    poll charts kept the desktop layout, a fixed margin for the end labels, on a phone."""
    from bascule.report import build_report

    out = build_report(web_project, tmp_path / "report.html")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(out.as_uri())
    page.wait_for_selector(".plotly-graph-div[data-fit=narrow]", timeout=15000)
    widths = [
        e.evaluate("e => e.getBoundingClientRect().width")
        for e in page.locator(".plotly-graph-div[data-fit=narrow] .nsewdrag").all()
    ]
    assert widths and min(widths) >= 0.5 * 390, widths
    # the box the report sized for the desktop height grows with the chart (it overlapped the
    # next chart with its legend)
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('.plotly-graph-div[data-fit=narrow]')].map(
            e => [e.parentElement.getBoundingClientRect().height, e.layout.height])"""
    )
    assert all(box >= height for box, height in boxes), boxes
    _shot(page, "report-phone")
    page.set_viewport_size({"width": 1280, "height": 900})  # back to the desktop layout
    page.wait_for_selector(".plotly-graph-div[data-fit=wide]", timeout=5000)
    assert errors == [], errors
    page.close()
