"""Importing an uploaded export from the web war room: in the background, nothing lost or
counted twice, rejects shown with their line and reason, new posts analysed."""

from __future__ import annotations

import re
import time
from html import unescape
from pathlib import Path

import pytest

from bascule.web.auth import LANG_COOKIE
from tests.web.test_browser import _page, browser  # noqa: F401 - one chromium, shared
from tests.web.webutil import ARTIFACTS, after_job, csrf, form_token, login, staffed

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
BROKEN = SAMPLES / "twitter_v1_broken.jsonl"  # 7 lines: 3 good, 4 bad (JSON, id, date, UTF-8)


@pytest.fixture
def importing(project):  # noqa: ANN001, ANN201
    """A fresh, empty project served on loopback: (base url, project)."""
    with staffed(project) as base:
        yield base, project


def _after_import(c):  # noqa: ANN001, ANN202
    """The import page once the background import has ended (it refreshes itself before)."""
    return after_job(c, "/import", "import-running", "import-form")


def _stats(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'id="import-(\w+)"><b>(\d+)</b>', html)}


def _upload(c, path: Path, token: str, fmt: str = "auto", **form: str):  # noqa: ANN001, ANN202
    with path.open("rb") as f:
        return c.post(
            "/import",
            data={"csrf_token": token, "format": fmt, **form},
            files={"file": (path.name, f)},
        )


def test_an_excel_csv_is_named_then_imported_with_its_encoding(importing, tmp_path) -> None:  # noqa: ANN001
    base, project = importing
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "id,author,created_at,text\n"
        "1,alice,2026-09-01T10:00:00Z,Le coût de la vie augmente à Montréal\n"
        "2,bob,2026-09-01T11:00:00Z,Santé : déjà trop tard\n".encode("cp1252")
    )
    c = login(base, "ana")
    page = c.get("/import").text
    assert 'name="encoding"' in page and "Windows-1252" in page
    token = form_token(page)
    assert _upload(c, path, token).status_code == 303
    page = _after_import(c).text
    assert _stats(page)["rejected"] == 2 and 'id="import-encoding-hint"' in page
    assert "Windows-1252" in page.split('id="import-encoding-hint"')[1].split("</p>")[0]
    assert _upload(c, path, token, encoding="cp1252").status_code == 303
    assert _stats(_after_import(c).text)["imported"] == 2
    texts = {t for (t,) in project.store.rows("SELECT text FROM posts")}
    assert "Santé : déjà trop tard" in texts
    bad = _upload(c, path, token, encoding="klingon")
    assert bad.status_code == 400 and "encodage inconnu" in bad.text


def test_french_dates_are_named_then_read_as_local_times(importing, tmp_path) -> None:  # noqa: ANN001
    from datetime import datetime

    base, project = importing
    path = tmp_path / "sondage.csv"
    path.write_text("id;author;date;text\n1;alice;13/09/2026 10:00;Le coût\n")
    c = login(base, "ana")
    token = form_token(c.get("/import").text)
    assert _upload(c, path, token).status_code == 303
    page = _after_import(c).text
    hint = page.split('id="import-date-hint"')[1].split("</p>")[0]
    assert "13/09/2026 10:00" in hint and "%d/%m/%Y %H:%M" in hint
    assert "Annulez d&#39;abord" not in hint  # nothing went in
    form = {"date_format": "%d/%m/%Y %H:%M", "local_times": "1"}
    assert _upload(c, path, token, **form).status_code == 303
    assert _stats(_after_import(c).text)["imported"] == 1
    zone = project.config.project.timezone
    assert zone == "America/Toronto"  # (the expected time below is in it)
    assert project.store.rows("SELECT created_at FROM posts") == [(datetime(2026, 9, 13, 14),)]
    bad = _upload(c, path, token, date_format="jj/mm/aaaa")
    assert bad.status_code == 400 and "modèle strptime" in bad.text
    mixed = tmp_path / "mixte.csv"  # one date read, one not: undo first, or two time zones
    mixed.write_text("id;author;date;text\n8;a;2026-09-01 10:00;x\n9;b;13/09/2026 11:30;y\n")
    assert _upload(c, mixed, token).status_code == 303
    page = _after_import(c).text
    assert "Annulez d&#39;abord" in page.split('id="import-date-hint"')[1].split("</p>")[0]


def test_an_excel_workbook_is_imported(importing, tmp_path) -> None:  # noqa: ANN001
    import openpyxl

    base, project = importing
    wb = openpyxl.Workbook()
    wb.active.append(["identifiant", "auteur", "date", "texte"])
    wb.active.append(["41", "alice", "2026-09-01T10:00:00Z", "Le logement d'abord"])
    wb.create_sheet("Facebook").append(["identifiant", "auteur", "date", "texte"])
    wb.save(path := tmp_path / "veille.xlsx")
    c = login(base, "ana")
    page = c.get("/import").text
    assert '<option value="xlsx">' in page
    assert _upload(c, path, form_token(page)).status_code == 303
    page = _after_import(c).text
    assert _stats(page)["imported"] == 1
    assert "Facebook" in page.split('id="import-other-sheets"')[1].split("</p>")[0]
    assert project.store.rows("SELECT native_id FROM posts") == [("41",)]


def test_upload_a_broken_export_then_again(importing) -> None:  # noqa: ANN001
    base, project = importing
    assert login(base, "vic").get("/import").status_code == 403  # viewers read, not import
    c = login(base, "ana")
    page = c.get("/import")
    assert page.status_code == 200 and 'id="import-form"' in page.text
    token = form_token(page.text)
    assert _upload(c, BROKEN, "").status_code == 403  # no CSRF token
    assert project.store.rows("SELECT count(*) FROM posts")[0][0] == 0
    r = _upload(c, BROKEN, token)
    assert r.status_code == 303  # the import runs in the background: the page follows it
    page = _after_import(c).text
    assert 'id="import-result"' in page and "twitter_v1_broken.jsonl" in page
    assert project.store.rows("SELECT count(*) FROM posts")[0][0] == 3
    lines = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td>", page)
    assert [int(n) for n, _ in lines] == [2, 4, 5, 7]  # each bad line, with why
    # why, in the staff's language (the project speaks French), the particulars as written
    assert lines[0][1].startswith("JSON illisible :") and lines[1][1] == "identifiant manquant"
    assert "encodage invalide : pas de l&#39;UTF-8" in page
    reasons = re.search(r'id="import-reasons">(.*?)</ul>', page).group(1)
    assert "<li>encodage invalide : 1</li>" in reasons  # and counted by kind
    assert _stats(page) == {"imported": 3, "duplicates": 0, "rejected": 4, "analysed": 3}
    analysed = project.store.rows("SELECT count(*) FROM post_analyses")[0][0]
    assert analysed == 3
    assert not any((project.root / ".bascule" / "uploads").rglob("*.jsonl"))  # not kept
    c.cookies.set(LANG_COOKIE, "en")
    english = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td>", c.get("/import").text)
    assert english[0][1].startswith("broken JSON:") and english[1][1] == "missing id"
    c.cookies.delete(LANG_COOKIE)
    # the same file again: nothing new, nothing counted twice
    assert _upload(c, BROKEN, token).status_code == 303
    page = _after_import(c).text
    assert _stats(page) == {"imported": 0, "duplicates": 3, "rejected": 4, "analysed": 0}
    assert project.store.rows("SELECT count(*) FROM posts")[0][0] == 3
    # and the earlier imports say so too, not an empty row: imported, duplicates, rejected,
    # still stored, state
    runs = re.findall(r'<tr id="run-\d+">(.*?)</tr>', page, re.S)
    cells = [re.findall(r'<td class="num">([^<]*)</td>', run) for run in runs]
    assert cells == [["0", "3", "4", "0"], ["3", "0", "4", "3"]]


def test_refusals_say_why_in_the_pages_language(importing, tmp_path: Path) -> None:  # noqa: ANN001
    base, project = importing
    c = login(base, "ana")
    token = form_token(c.get("/import").text)
    r = _upload(c, BROKEN, token, fmt="excel")
    assert r.status_code == 400 and "format inconnu" in r.text  # the project speaks French
    r = c.post("/import", data={"csrf_token": token})
    assert r.status_code == 400 and "choisissez un fichier" in r.text
    not_posts = SAMPLES / "README.md"
    assert _upload(c, not_posts, token).status_code == 303
    page = _after_import(c).text
    failed = unescape(re.search(r'id="import-failed">([^<]+)<', page).group(1))
    # why, in the staff's language, the file named once, not where it waited on the server
    assert failed.startswith("« README.md » : format non reconnu") and failed.count("README") == 1
    assert "uploads" not in failed
    assert project.store.rows("SELECT count(*) FROM posts")[0][0] == 0
    # a picture given as tweets: one clear refusal, not a reject per chunk of binary data
    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    assert _upload(c, picture, token, fmt="twitter-v1").status_code == 303
    failed = unescape(re.search(r'id="import-failed">([^<]+)<', _after_import(c).text).group(1))
    assert "« photo.png » : ce n'est pas un fichier texte (données binaires)" in failed
    assert project.store.count("rejects") == 0
    # an empty file says so instead of three zeros
    empty = tmp_path / "vide.jsonl"
    empty.write_text("\n")
    assert _upload(c, empty, token).status_code == 303
    assert 'id="import-empty"' in _after_import(c).text


def test_import_through_the_json_api(importing) -> None:  # noqa: ANN001
    base, project = importing
    c = login(base, "ana")
    h = {"x-csrf-token": csrf(c)}
    assert c.get("/api/import").json() == {"import": None}
    path = SAMPLES / "mastodon_statuses.jsonl"
    with path.open("rb") as f:
        files = {"file": (path.name, f)}
        r = c.post("/api/import", files=files, data={"format": "mastodon"}, headers=h)
    assert r.status_code == 202, r.text
    job = r.json()["import"]
    assert job["file"] == path.name and "upload" not in job
    deadline = time.monotonic() + 60
    while (job := c.get("/api/import").json()["import"])["state"] == "running":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert job["state"] == "done", job
    assert job["result"]["imported"] == 3 and job["result"]["analysed_posts"] == 3  # a boost too
    assert project.store.rows("SELECT count(*) FROM post_analyses")[0][0] == 3
    assert job["result"]["files"][0]["file"] == path.name  # not the server's path
    assert project.store.rows("SELECT count(*) FROM posts")[0][0] == 3
    with path.open("rb") as f:
        bad = c.post("/api/import", files={"file": (path.name, f)}, data={"format": "excel"},
                     headers=h)  # fmt: skip
    assert bad.status_code == 422


@pytest.mark.browser
def test_import_a_file_in_the_browser(browser, importing) -> None:  # noqa: ANN001, F811
    base, project = importing
    page = _page(browser, base, "ana")
    page.goto(base + "/import")
    page.set_input_files("#import-file", str(SAMPLES / "bluesky.jsonl"))
    page.click("#import-button")
    page.wait_for_selector("#import-result", timeout=30_000)
    assert page.inner_text("#import-imported b") == "4"
    assert page.inner_text("#import-deleted b") == "1"  # a post its author deleted since
    assert project.store.rows("SELECT count(*) FROM posts")[0][0] == 3
    page.screenshot(path=str(ARTIFACTS / "import.png"), full_page=True)
    assert not page.errors
    page.context.close()


def test_one_import_at_a_time(importing, monkeypatch) -> None:  # noqa: ANN001
    import threading

    import bascule.sources.importer as importer

    base, project = importing
    inside, release = threading.Event(), threading.Event()
    real = importer.import_files

    def held(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - a long import
        inside.set()
        assert release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(importer, "import_files", held)
    c = login(base, "ana")
    h = {"x-csrf-token": csrf(c)}

    def send(name: str):  # noqa: ANN202
        with (SAMPLES / name).open("rb") as f:
            return c.post("/api/import", files={"file": (name, f)}, headers=h)

    try:
        assert send("twitter_v1.jsonl").status_code == 202
        assert inside.wait(30)
        r = send("bluesky.jsonl")
        assert r.status_code == 400 and "twitter_v1.jsonl" in r.json()["detail"]
        assert 'id="import-running"' in c.get("/import").text
        poll = c.get("/api/poll", params={"target": "caq"}, timeout=10)  # reads the store
        assert poll.status_code == 200  # the import does not hold the pages' lock
    finally:
        release.set()
    assert 'id="import-result"' in _after_import(c).text
    assert not any((project.root / ".bascule" / "uploads").rglob("*.jsonl"))


def test_pages_read_while_a_large_file_goes_in(importing, tmp_path: Path) -> None:  # noqa: ANN001
    """The import writes through its own connection: pages read the store meanwhile (DuckDB
    keeps each reader on committed data) with the database's settings unchanged, and every
    post ends up stored exactly once."""
    import json

    base, project = importing
    n = 60_000
    big = tmp_path / "big.jsonl"
    with big.open("w", encoding="utf-8") as f:
        for i in range(n):
            row = {"id": str(10**12 + i), "author_id": str(i % 5000),
                   "created_at": f"2026-09-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
                   "text": f"post {i} sur la CAQ et le logement @user{i % 700}"}  # fmt: skip
            f.write(json.dumps(row) + "\n")
    c = login(base, "ana")
    h = {"x-csrf-token": csrf(c)}
    with big.open("rb") as f:
        assert c.post("/api/import", files={"file": ("big.jsonl", f)}, headers=h).is_success
    side = project.store.cursor()
    setting = "SELECT value FROM duckdb_settings() WHERE name = 'memory_limit'"
    limit, limits = side.rows(setting)[0][0], set()
    seen, deadline = [], time.monotonic() + 120
    while (job := c.get("/api/import").json()["import"])["state"] == "running":
        r = c.get("/api/status", timeout=10)
        assert r.status_code == 200
        seen.append(r.json()["posts"])
        limits.add(side.rows(setting)[0][0])
        assert time.monotonic() < deadline
    side.close()
    # the CLI's import caps DuckDB's memory for the whole database: not under the pages
    assert limits <= {limit}, (limit, limits)
    assert job["state"] == "done", job
    assert job["result"]["imported"] == n and job["result"]["rejected"] == 0
    assert seen and all(0 <= s <= n for s in seen) and seen == sorted(seen)
    # a cursor of its own: the server's threads may still be reading through the store's
    # connection (a page recomputed after the import), which refuses a second caller
    side = project.store.cursor()
    assert side.rows("SELECT count(*), count(DISTINCT post_id) FROM posts")[0] == (n, n)
    side.close()


def test_a_generic_file_with_its_column_mapping(importing, tmp_path: Path) -> None:  # noqa: ANN001
    base, project = importing
    rows = [
        "numero,qui,quand,corps,reponse_a",
        "1,ana,2026-09-01T10:00:00Z,La CAQ promet des logements,",
        "2,bob,2026-09-01T11:00:00Z,Le PLQ répond sur la santé,1",
    ]
    own = tmp_path / "sondage.csv"
    own.write_text("\n".join(rows) + "\n", encoding="utf-8")
    c = login(base, "ana")
    token = form_token(c.get("/import").text)
    with own.open("rb") as f:
        c.post("/import", data={"csrf_token": token}, files={"file": (own.name, f)})
    page = _after_import(c).text  # the columns are not ones Bascule knows: it says so
    assert 'id="import-failed"' in page and "correspondance des colonnes, id=COLONNE" in page
    mapping = "id=numero,author=qui,created_at=quand,text=corps,reply_to=reponse_a"
    with own.open("rb") as f:
        c.post(
            "/import",
            data={"csrf_token": token, "mapping": mapping, "platform": "sondage"},
            files={"file": (own.name, f)},
        )
    stats = _stats(_after_import(c).text)
    assert stats["imported"] == 2
    assert stats["linked"] == 1  # bob's reply, to ana: the file named the post, not her
    stored = project.store.rows("SELECT post_id, text FROM posts ORDER BY post_id")
    assert stored == [("sondage:1", rows[1].split(",")[3]), ("sondage:2", rows[2].split(",")[3])]


def test_an_import_is_undone_from_the_page(importing) -> None:  # noqa: ANN001
    base, project = importing
    c = login(base, "ana")
    token = form_token(c.get("/import").text)
    assert _upload(c, BROKEN, token).status_code == 303
    page = _after_import(c).text
    run = int(re.search(r'<tr id="run-(\d+)">', page).group(1))
    assert f'action="/import/runs/{run}/undo"' in page and "data-confirm" in page
    assert project.store.count("posts") == 3
    assert login(base, "vic").post(f"/import/runs/{run}/undo").status_code == 403  # viewers
    r = c.post(f"/import/runs/{run}/undo", data={"csrf_token": token})
    assert r.status_code == 303 and r.headers["location"] == f"/import?undone={run}"
    page = c.get(r.headers["location"]).text
    assert 'id="import-undone"' in page and "annulé" in page
    assert project.store.count("posts") == 0 and project.store.count("rejects") == 0
    again = c.post(f"/import/runs/{run}/undo", data={"csrf_token": token})  # sent twice
    assert again.status_code == 409 and "déjà annulé" in again.text
    # the same file imports again: its progress went with the run
    assert _upload(c, BROKEN, token).status_code == 303
    assert _stats(_after_import(c).text)["imported"] == 3
    assert c.post("/import/runs/999/undo", data={"csrf_token": token}).status_code == 404


def test_undoing_an_import_names_the_later_files_to_import_again(importing, tmp_path: Path) -> None:  # noqa: ANN001
    base, project = importing
    lines = (SAMPLES / "twitter_v1.jsonl").read_text().splitlines()
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("\n".join(lines[:4]) + "\n")
    b.write_text("\n".join(lines[2:]) + "\n")  # two tweets in both files
    c = login(base, "ana")
    token = form_token(c.get("/import").text)
    for f in (a, b):
        assert _upload(c, f, token).status_code == 303
        _after_import(c)
    from bascule.store.runs import list_runs

    first = min(r["run_id"] for r in list_runs(project.store))
    r = c.post(f"/import/runs/{first}/undo", data={"csrf_token": token})
    page = c.get(r.headers["location"]).text
    assert 'id="import-again"' in page and "b.jsonl" in page
