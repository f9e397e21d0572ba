"""``journeykit serve``'s client and prospect views: a worksheet as a form (in a real browser,
kept through a reload, sent, and its documents read back), an upload of a filled workbook,
the lead magnet prepared for a reader, and the HTTP safety rules (unknown ids, ``..``, sizes,
bombs, tokens, field limits, security headers)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from starlette.testclient import TestClient

from generator import api
from generator.web import Settings, create_app
from tests.conftest import MINIMAL, ROOT, copy_project, named, pdf_text, squash
from tests.conftest import form_token as token
from tests.test_import import zip_bomb

GRID = {
    "funnel.attract.goal": "Be found by buyers\nRank for the brand",
    "funnel.attract.kpi": "Organic visits",
    "funnel.convert.goal": "Trial sign-ups",
    "funnel.convert.kpi": "Sign-up rate",
    "funnel.signed_by": "Åsa Berg",
    "funnel.signed_on": "2025-03-14",
}
"""What the client types into the minimal project's grid, by entry name."""


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The app serving the minimal project in process (public: the client's and prospect's
    views only)."""
    with TestClient(create_app(Settings(MINIMAL, public=True))) as test_client:
        yield test_client


def limited(**limits: Any) -> TestClient:
    return TestClient(create_app(Settings(MINIMAL, public=True, **limits)))


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def one(files: dict[str, bytes], suffix: str) -> bytes:
    """The filled worksheet's file of one format (not the client's guide)."""
    [data] = [data for name, data in files.items() if name.endswith(f"worksheet-filled{suffix}")]
    return data


def worksheet_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "filled.pdf"
    path.write_bytes(pdf)
    return squash(pdf_text(path))


def check_grid(files: dict[str, bytes], tmp_path: Path, values: dict[str, str]) -> None:
    """Every value is where it was typed: the workbook's named cells, the PDF's text."""
    workbook = load_workbook(BytesIO(one(files, ".xlsx")))
    for name, value in values.items():
        assert named(workbook, name).value == value, name
    text = worksheet_text(one(files, ".pdf"), tmp_path)
    for value in values.values():
        for line in value.splitlines():
            assert squash(line) in text, line


# --- the form, in process ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("worksheet", "names"),
    [
        ("funnel", [f"funnel.{s}.{r}" for s in ("attract", "convert") for r in ("goal", "kpi")]),
        ("profile", ["profile.role", "profile.needs", "profile.channels"]),
        (
            "launch",
            [
                f"launch.{i}.{p}"
                for i in ("persona", "content", "measure")
                for p in ("done", "note")
            ],
        ),
    ],
)
def test_the_form_names_every_entry_and_labels_it(
    client: TestClient, worksheet: str, names: list[str]
) -> None:
    page = client.get(f"/fill/default/en/{worksheet}").text
    for name in [*names, f"{worksheet}.signed_by", f"{worksheet}.signed_on"]:
        field = re.search(rf'<(?:textarea|input)[^>]* id="([^"]+)" name="{re.escape(name)}"', page)
        assert field, name
        assert re.search(rf'<label[^>]* for="{field[1]}">', page), name
    assert '<html lang="en">' in page and "<fieldset" in page and "<legend>" in page
    assert 'href="/brand/default.css"' in page and 'src="/static/fill.js"' in page


def test_a_sent_form_comes_back_as_its_documents(client: TestClient, tmp_path: Path) -> None:
    page = client.get("/fill/default/en/funnel").text
    response = client.post("/fill/default/en/funnel", data={"csrf": token(page), **GRID})
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"funnel-asa-berg.zip\"; filename*=UTF-8''funnel-%C3%85sa-Berg.zip"
    )
    files = unzip(response.content)
    assert {Path(name).suffix for name in files} == {".pdf", ".docx", ".xlsx"}
    check_grid(files, tmp_path, GRID)
    # the same Filled as read_filled gives for the form's mapping
    filled = api.read_filled(GRID, MINIMAL, lang="en")
    assert filled == api.read_filled(one(files, ".xlsx"), MINIMAL)


def test_a_form_field_over_the_limit_is_refused() -> None:
    with limited(text_characters=20) as small:
        page = small.get("/fill/default/en/funnel").text
        values = {"csrf": token(page), **GRID}
        response = small.post("/fill/default/en/funnel", data=values)
        assert response.status_code == 413
        assert "funnel.attract.goal: 37 characters; at most 20 fit in one field" in response.text
    with limited(fields=3) as few:
        page = few.get("/fill/default/en/funnel").text
        response = few.post("/fill/default/en/funnel", data={"csrf": token(page), **GRID})
        assert response.status_code == 400 and "more than 3 fields" in response.text


def test_a_form_without_its_token_is_403(client: TestClient) -> None:
    page = client.get("/fill/default/en/funnel").text
    forged = token(page)[:-2] + ("AA" if not token(page).endswith("AA") else "BB")
    for data in (GRID, {"csrf": "x", **GRID}, {"csrf": forged, **GRID}):
        assert client.post("/fill/default/en/funnel", data=data).status_code == 403
    files = {"file": ("a.xlsx", b"PK", "application/octet-stream")}
    assert client.post("/fill/default/en/funnel/upload", files=files).status_code == 403
    assert client.post("/get/default/en/onboarding", data={"name": "A"}).status_code == 403


# --- uploads ------------------------------------------------------------------------------------


def blank_workbook() -> bytes:
    files = api.render(MINIMAL, guide="onboarding", variant="blank", format="xlsx")
    return files["en/onboarding-worksheet-blank.xlsx"]


def filled_workbook(values: dict[str, str]) -> bytes:
    """The grid's blank workbook filled in as a client would, with openpyxl."""
    workbook = load_workbook(BytesIO(blank_workbook()))
    for name, value in values.items():
        named(workbook, name).value = value
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client: TestClient, data: bytes, name: str = "filled.xlsx") -> Any:
    page = client.get("/fill/default/en/funnel").text
    files = {"file": (name, data, "application/octet-stream")}
    return client.post("/fill/default/en/funnel/upload", data={"csrf": token(page)}, files=files)


def test_an_uploaded_workbook_comes_back_as_its_documents(
    client: TestClient, tmp_path: Path
) -> None:
    response = upload(client, filled_workbook(GRID))
    assert response.status_code == 200, response.text
    check_grid(unzip(response.content), tmp_path, GRID)


def test_an_upload_over_the_limit_is_413() -> None:
    with limited(upload_bytes=50_000) as small:
        response = upload(small, filled_workbook(GRID) + b"\0" * 60_000)
        assert response.status_code == 413 and "over" in response.text


def test_a_zip_bomb_is_refused_with_a_clear_message(client: TestClient, tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    zip_bomb(path)
    response = upload(client, path.read_bytes(), "bomb.xlsx")
    assert response.status_code == 400
    detail = re.search(r'<p class="detail">(.*?)</p>', response.text, re.S)
    assert detail and "unpacks to 60 MB (a zip bomb?)" in detail[1], response.text
    assert str(tmp_path) not in response.text and "Traceback" not in response.text


def test_an_upload_that_is_no_worksheet_is_refused(client: TestClient) -> None:
    response = upload(client, b"just some text", "notes.xlsx")
    assert response.status_code == 400 and '<p class="detail">' in response.text


# --- what a URL may name ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/fill/nobody/en/funnel",
        "/fill/default/xx/funnel",
        "/fill/default/en/nothing",
        "/fill/default/sv/funnel",  # the worksheet is English only
        "/get/default/en/nothing",
        "/get/nobody/en/onboarding",
        "/get/default/sv/onboarding",
        "/get/default/en/nothing/cover.png",
        "/brand/nobody.css",
        "/brand/default/logo.png",  # the default brand has no logo
    ],
)
def test_what_does_not_exist_is_404(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("dots", ["..", "%2e%2e", "%2E%2E", "..%2f..%2fetc", "%2e%2e%2fcontent"])
@pytest.mark.parametrize("where", range(3))
@pytest.mark.parametrize("view", ["fill", "get"])
def test_dot_dot_in_any_part_is_404(client: TestClient, dots: str, where: int, view: str) -> None:
    parts = ["default", "en", "funnel" if view == "fill" else "onboarding"]
    parts[where] = dots
    raw = f"/{view}/{'/'.join(parts)}"
    response = client.get(raw)
    assert response.status_code == 404, raw
    assert client.get(f"/brand/{dots}.css").status_code == 404


# --- the prospect's download --------------------------------------------------------------------


def test_the_guide_is_prepared_for_its_reader(client: TestClient, tmp_path: Path) -> None:
    page = client.get("/get/default/en/onboarding")
    assert page.status_code == 200 and "Onboarding" in page.text
    assert client.get("/get/default/en/onboarding/cover.png").content[:8] == b"\x89PNG\r\n\x1a\n"
    values = {"csrf": token(page.text), "name": "Åsa  Berg", "company": "Acme <AB>"}
    response = client.post("/get/default/en/onboarding", data=values)
    assert response.status_code == 200, response.text
    name = (
        'attachment; filename="onboarding-asa-berg-acme-ab.pdf"; '
        "filename*=UTF-8''onboarding-%C3%85sa-Berg-Acme-AB.pdf"
    )
    assert response.headers["content-disposition"] == name
    path = tmp_path / "prepared.pdf"
    path.write_bytes(response.content)
    assert "Prepared for Åsa Berg, Acme <AB>" in pdf_text(path, pages=(1, 1))
    assert len(PdfReader(path).pages) > 2
    plain = client.post("/get/default/en/onboarding", data={"csrf": token(page.text)})
    assert plain.headers["content-disposition"] == 'attachment; filename="onboarding.pdf"'
    rendered = api.render(MINIMAL, guide="onboarding", lang="en", document="guide", format="pdf")
    assert plain.content == rendered["en/onboarding.pdf"]  # byte-identical without a name
    assert b"Prepared" not in plain.content


def test_prepared_for_changes_nothing_else(tmp_path: Path) -> None:
    """api.render without prepared_for gives a build's files; with it, the guides' covers (PDF
    and DOCX) say who, escaped, and the worksheets stay as they were."""
    options: dict[str, Any] = {"guide": "onboarding", "variant": (), "format": ("pdf", "docx")}
    plain = api.render(MINIMAL, **options)
    assert api.render(MINIMAL, prepared_for="", **options) == plain
    built = api.build(MINIMAL, out=tmp_path / "out", guide=["onboarding"], format=["pdf", "docx"])
    for name, data in plain.items():
        assert (tmp_path / "out" / "default" / name).read_bytes() == data, name
    personal = api.render(MINIMAL, prepared_for="Anna <b>Berg</b>,\nAcme", **options)
    assert built.ok and set(personal) == set(plain)
    changed = {name for name in plain if personal[name] != plain[name]}
    assert changed == {"en/onboarding.pdf", "en/onboarding.docx"}
    path = tmp_path / "personal.pdf"
    path.write_bytes(personal["en/onboarding.pdf"])
    assert "Prepared for Anna <b>Berg</b>, Acme" in pdf_text(path, pages=(1, 1))
    from docx import Document

    paragraphs = [p.text for p in Document(BytesIO(personal["en/onboarding.docx"])).paragraphs]
    assert "Prepared for Anna <b>Berg</b>, Acme" in paragraphs[:6]
    with pytest.raises(api.ContentErrors, match="too long"):
        api.render(MINIMAL, prepared_for="x" * 161, **options)


def test_a_name_over_the_limit_is_refused(client: TestClient) -> None:
    page = client.get("/get/default/en/onboarding").text
    response = client.post(
        "/get/default/en/onboarding", data={"csrf": token(page), "name": "N" * 71}
    )
    assert response.status_code == 413 and "name: 71 characters; at most 70" in response.text


# --- every response -----------------------------------------------------------------------------


def test_every_response_carries_the_security_headers(client: TestClient, tmp_path: Path) -> None:
    page = client.get("/fill/default/en/funnel")
    responses = [
        page,
        client.get("/get/default/en/onboarding"),
        client.get("/brand/default.css"),
        client.get("/static/fill.js"),
        client.get("/fill/nobody/en/funnel"),
        client.post("/fill/default/en/funnel", data=GRID),
        client.post("/fill/default/en/funnel", data={"csrf": token(page.text), **GRID}),
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 404, 403, 200]
    for response in responses:
        policy = response.headers["content-security-policy"]
        assert "unsafe-inline" not in policy and "script-src 'self'" in policy
        assert "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"
    for html in (responses[0].text, responses[1].text):
        assert " style=" not in html and "<style" not in html
        assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert responses[-1].headers["cache-control"] == "no-store"


# --- in a browser -------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(MINIMAL, tmp_path / "project")


def download(page: Any, button: str) -> dict[str, bytes]:
    """Click ``button`` and read the ZIP it downloads."""
    with page.expect_download(timeout=120_000) as info:
        page.click(button)
    return unzip(Path(info.value.path()).read_bytes())


@pytest.mark.slow
def test_a_client_fills_the_form_in_a_browser(
    serve: Any, browser: Any, project: Path, tmp_path: Path
) -> None:
    server = serve(project, "--public")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server.url}/fill/default/en/funnel")
    half = list(GRID)[:3]
    for name in half:
        page.fill(f"[name='{name}']", GRID[name])
    page.reload()  # what was typed is still there
    for name in half:
        assert page.input_value(f"[name='{name}']") == GRID[name]
    for name in list(GRID)[3:]:
        page.fill(f"[name='{name}']", GRID[name])
    page.screenshot(path=str(tmp_path / "fill-desktop.png"))
    files = download(page, "form.worksheet button[type=submit]")
    check_grid(files, tmp_path, GRID)
    assert page.evaluate("localStorage.length") == 0  # forgotten once sent
    page.reload()
    assert page.input_value("[name='funnel.attract.kpi']") == ""

    # a checklist: a tick and its note, the sign-off
    page.goto(f"{server.url}/fill/default/en/launch")
    page.check("[name='launch.content.done']")
    page.fill("[name='launch.content.note']", "Blog posts for every stage")
    page.fill("[name='launch.signed_by']", "Bo Ek")
    page.reload()
    assert page.is_checked("[name='launch.content.done']")
    files = download(page, "form.worksheet button[type=submit]")
    workbook = load_workbook(BytesIO(one(files, ".xlsx")))
    assert named(workbook, "launch.content.done").value == "✓"
    assert not named(workbook, "launch.persona.done").value
    assert named(workbook, "launch.content.note").value == "Blog posts for every stage"
    assert named(workbook, "launch.signed_by").value == "Bo Ek"
    assert "blogpostsforeverystage" in worksheet_text(one(files, ".pdf"), tmp_path)

    # a workbook filled in offline, uploaded
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(filled_workbook(GRID))
    page.goto(f"{server.url}/fill/default/en/funnel")
    page.set_input_files("[name='file']", str(filled))
    check_grid(download(page, "section.upload button[type=submit]"), tmp_path, GRID)

    # a refused upload says why, in the page
    (tmp_path / "notes.xlsx").write_text("not a workbook")
    page.set_input_files("[name='file']", str(tmp_path / "notes.xlsx"))
    page.click("section.upload button[type=submit]")
    page.wait_for_selector("section.upload .status.error")
    assert "notes.xlsx" in (page.text_content("section.upload .status") or "")


@pytest.mark.slow
def test_screenshots_of_the_pages(serve: Any, browser: Any, tmp_path: Path) -> None:
    """The fill and get pages at a desktop's and a phone's width (the README's picture is the
    desktop fill page); at 390 px nothing runs off the page."""
    server = serve(ROOT, "--public")
    for width, height in ((1280, 900), (390, 844)):
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(f"{server.url}/fill/default/sv/kundresan")
        page.fill("textarea >> nth=0", "Nå rätt personer\nFler besök från sök")
        page.screenshot(path=str(tmp_path / f"fill-{width}.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.goto(f"{server.url}/get/default/sv/kundresan")
        page.wait_for_function("document.querySelector('img.get-cover').complete", timeout=60_000)
        page.screenshot(path=str(tmp_path / f"get-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.close()
    assert (tmp_path / "fill-1280.png").stat().st_size > 10_000


def test_a_full_render_queue_is_answered_503_with_retry_after(client: TestClient) -> None:
    """When every render slot and queue place is taken, a request that would render is told
    to come back (503, Retry-After) instead of piling up; the page that renders nothing is
    still served."""
    page = client.get("/get/default/en/onboarding")
    assert page.status_code == 200
    renders = client.app.state.renders  # type: ignore[attr-defined]
    renders.taken = renders.settings.renders + renders.settings.queue  # all taken
    busy = client.post("/get/default/en/onboarding", data={"csrf": token(page.text)})
    assert busy.status_code == 503 and busy.headers["retry-after"].isdigit()
    assert "busy" in busy.text.lower()
    renders.taken = 0
    done = client.post("/get/default/en/onboarding", data={"csrf": token(page.text)})
    assert done.status_code == 200 and done.content.startswith(b"%PDF")


def test_a_render_over_its_time_is_answered_503(tmp_path: Path) -> None:
    """A render that takes longer than ``render_seconds`` is not waited for."""
    with limited(render_seconds=0.001) as slow:
        page = slow.get("/get/default/en/onboarding")
        late = slow.post("/get/default/en/onboarding", data={"csrf": token(page.text)})
    assert late.status_code == 503 and "retry-after" in late.headers
