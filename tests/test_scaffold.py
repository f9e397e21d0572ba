"""``journeykit new guide`` and ``new brand``: a user's first guide validates strictly and builds
at once, in a project folder the commands make; the README's quick start works as written."""

from __future__ import annotations

import os
import pty
import shlex
import subprocess
from contextlib import suppress
from pathlib import Path

import pytest

from generator import api
from tests.conftest import CLI_ENV, ROOT, cli, read_back, run_cli, squash


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


def test_new_brand_makes_the_project_folder_and_defaults_to_english(tmp_path: Path) -> None:
    project = tmp_path / "agency" / "guides"  # neither folder exists yet
    created = run_cli("new", "brand", "acme", "--project", str(project))
    assert created.returncode == 0, created.stderr
    brand = project / "content/brands/acme/brand.yaml"
    assert f"created {brand}" in created.stdout
    assert f"journeykit validate --project {project}" in created.stdout
    assert f"journeykit build --project {project} --brand acme" in created.stdout
    text = brand.read_text(encoding="utf-8")
    assert 'name: "Acme"' in text and "\nlanguage: en " in text
    library = api.validate(project).library
    assert library.brands["acme"].language == "en"
    guide = run_cli("new", "guide", "welcome", "--project", str(tmp_path / "other"))
    assert guide.returncode == 0, guide.stderr
    assert (tmp_path / "other/content/guides/welcome/guide.en.yaml").is_file()
    assert f"journeykit build --project {tmp_path / 'other'} --guide welcome" in guide.stdout


def test_new_brand_takes_the_language_of_the_projects_own_guides(tmp_path: Path) -> None:
    api.new_guide("resan", tmp_path, language="sv")
    path = api.new_brand("kund", tmp_path, name="Kund AB")
    assert "\nlanguage: sv " in path.read_text(encoding="utf-8")


def test_new_brand_refuses_a_colour_without_contrast_naming_the_shade_that_passes(
    tmp_path: Path,
) -> None:
    refused = run_cli("new", "brand", "pale", "--primary", "#D0D0FF", "--project", str(tmp_path))
    assert refused.returncode == 2, refused.stdout
    assert "error colors.primary: contrast 1.48:1 between primary and background" in refused.stderr
    assert 'try primary: "#' in refused.stderr
    assert not (tmp_path / "content/brands/pale").exists()


def test_new_brand_asks_at_a_terminal(tmp_path: Path) -> None:
    """Run in a pseudo-terminal, as a person types: name, language and colour are asked."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        cli("new", "brand", "nord", "--project", str(tmp_path)),
        cwd=ROOT,
        env=CLI_ENV,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
    )
    os.close(terminal)
    os.write(controller, b"Nord Konsult AS\nnb\n#14532D\n")
    said = b""
    with suppress(OSError):  # the terminal closes when the command ends
        while chunk := os.read(controller, 4096):
            said += chunk
    assert process.wait(timeout=60) == 0, said.decode()
    os.close(controller)
    for question in ("Company name [Nord]", "Language (en, nb, sv) [en]", "Main colour, #RRGGBB"):
        assert question in said.decode(), said.decode()
    text = (tmp_path / "content/brands/nord/brand.yaml").read_text(encoding="utf-8")
    assert 'name: "Nord Konsult AS"' in text and "\nlanguage: nb " in text
    assert 'primary: "#14532D"' in text


def quick_start() -> list[str]:
    """The commands of the README's quick start, as written there."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Quick start", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


@pytest.mark.slow
def test_the_readme_quick_start_works_as_written(tmp_path: Path) -> None:
    """Each command of the quick start, run by a shell in a new home folder (``~``), in order;
    the journeykit of ``.venv/bin`` is this one. It ends with the consultant's documents."""
    commands = quick_start()
    assert len(commands) == 4 and all("--project ~/acme-guides" in c for c in commands)
    journeykit = " ".join(shlex.quote(part) for part in cli())
    for command in commands:
        assert command.startswith(".venv/bin/journeykit "), command
        line = command.replace(".venv/bin/journeykit", journeykit, 1)
        done = subprocess.run(
            ["bash", "-c", line],
            cwd=ROOT,
            env={**CLI_ENV, "HOME": str(tmp_path)},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, (command, done.stdout, done.stderr)
    out = tmp_path / "acme-guides" / "output" / "acme" / "en"
    assert sorted(p.name for p in out.iterdir()) == [
        "onboarding-worksheet-blank.docx",
        "onboarding-worksheet-blank.pdf",
        "onboarding-worksheet-blank.xlsx",
        "onboarding-worksheet-example.docx",
        "onboarding-worksheet-example.pdf",
        "onboarding-worksheet-example.xlsx",
        "onboarding.docx",
        "onboarding.pdf",
    ]
    assert "Acme Consulting" in read_back(out / "onboarding.pdf")
    assert "Acme Consulting" in read_back(out / "onboarding.docx")
