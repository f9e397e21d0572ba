"""``journeykit new guide``: a user's first guide validates strictly and builds at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import api
from tests.conftest import read_back, run_cli, squash


@pytest.mark.slow
def test_a_new_guide_validates_strictly_and_builds_in_every_format(tmp_path: Path) -> None:
    created = run_cli("new", "guide", "bakery-journey", "--lang", "sv", "--project", str(tmp_path))
    assert created.returncode == 0, created.stderr
    assert f"journeykit build --project {tmp_path} --guide bakery-journey" in created.stdout
    content = tmp_path / "content"
    assert sorted(p.relative_to(content).as_posix() for p in content.rglob("*.*")) == [
        "examples/bakery-journey/example.sv.yaml",
        "frameworks/bakery-journey.sv.yaml",
        "guides/bakery-journey/guide.sv.yaml",
        "guides/bakery-journey/sections/introduction.sv.md",
        "guides/bakery-journey/sections/next-steps.sv.md",
    ]
    strict = run_cli("validate", "--strict", "--project", str(tmp_path))
    assert strict.returncode == 0, strict.stderr  # a clean user project: the shipped advice aside
    result = api.build(tmp_path, guide=["bakery-journey"], jobs=1)
    assert result.ok
    assert sorted(written.path.name for written in result.written) == [
        "bakery-journey-worksheet-blank.docx",
        "bakery-journey-worksheet-blank.pdf",
        "bakery-journey-worksheet-blank.xlsx",
        "bakery-journey-worksheet-example.docx",
        "bakery-journey-worksheet-example.pdf",
        "bakery-journey-worksheet-example.xlsx",
        "bakery-journey.docx",
        "bakery-journey.pdf",
    ]
    for written in result.written:
        text = squash(read_back(written.path))
        assert all(squash(stage) in text for stage in ("Discover", "Decide", "Stay"))


def test_a_new_guide_never_overwrites_and_names_what_is_wrong(tmp_path: Path) -> None:
    api.new_guide("bakery-journey", tmp_path)
    framework = tmp_path / "content/frameworks/bakery-journey.en.yaml"
    framework.write_text("title: mine\n", encoding="utf-8")  # invalid: new guides still start
    with pytest.raises(api.ContentErrors) as again:
        api.new_guide("bakery-journey", tmp_path)
    assert "'bakery-journey' exists already" in str(again.value)
    api.new_guide("second-guide", tmp_path)
    assert framework.read_text(encoding="utf-8") == "title: mine\n"
    with pytest.raises(api.ContentErrors) as taken:
        api.new_guide("kundresan", tmp_path / "..")
    assert "'kundresan' exists already" in str(taken.value)
    with pytest.raises(api.ContentErrors) as language:
        api.new_guide("other", tmp_path, language="xx")
    assert "no language 'xx' (languages with UI strings: en, nb, sv)" in str(language.value)
    with pytest.raises(api.ContentErrors) as bad_id:
        api.new_guide("Bakery Journey", tmp_path)
    assert "is not a valid id" in str(bad_id.value)
