"""Starting points a user edits: a new guide's files (``journeykit new guide``).

The files form a small guide that validates with ``--strict`` and builds at once: a grid of
three stages × three questions, a filled example, an introduction and a closing section. Each
says in a comment what to change; ``docs/content.md`` describes every key.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.project import Project

FRAMEWORK = """\
# The worksheet of the guide {id}: stages across the top, questions down the side.
# Rename, add or remove stages and rows; ids are lowercase words joined by hyphens.
title: "{title}"
stages:
  - {{id: discover, name: "Discover", subtitle: "First contact"}}
  - {{id: decide, name: "Decide", subtitle: "Comparing options"}}
  - {{id: stay, name: "Stay", subtitle: "After the purchase"}}
rows:
  - id: wants
    label: "What does the customer want?"
    help: "What the customer is looking for at this stage."
  - id: content
    label: "Content"
    help: "The kind of content that helps them take the next step."
  - id: kpi
    label: "KPI"
    help: "One measurable figure that shows the stage works."
    kpi: true
"""

EXAMPLE = """\
# A filled-in example of the worksheet {id}: every stage × row has at least one entry.
title: "Example: a local bakery"
description: "An invented bakery, to show what a filled-in worksheet looks like."
cells:
  discover:
    wants: ["A good reason to try a new bakery"]
    content: ["Photos of the morning bake on social media"]
    kpi: ["Followers reached each week"]
  decide:
    wants: ["To know what it costs and when it is open"]
    content: ["Price list and opening hours on the website"]
    kpi: ["Visits to the opening-hours page"]
  stay:
    wants: ["To feel like a regular"]
    content: ["A loyalty card and a monthly newsletter"]
    kpi: ["Customers who come back within a month"]
"""

GUIDE = """\
# The guide {id} (language {language}): its title, its worksheet and what it holds, in order.
title: "{title}"
subtitle: "Replace this line with what the reader gets from the guide"
framework: {id}
updated: {today}
contents:
  - section: introduction
  - example: example
  - template
  - section: next-steps
# credit: "Based on … by …, example.com."   # the source, if the guide builds on one
"""

INTRODUCTION = """\
---
title: "What this guide is for"
---
Write the guide's introduction here, in Markdown: who it is for, what the worksheet helps the
reader decide, and how to fill it in.

- Start with the stage your customers meet first.
- Write short entries: a worksheet is a plan, not an essay.
"""

NEXT_STEPS = """\
---
title: "Next steps"
contact: true
---
Close with what the reader should do next. The brand's contact details follow this section.
"""


def guide_files(project: Project, guide_id: str, language: str) -> dict[Path, str]:
    """Each new file's path in the project's content folder, and its text."""
    title = guide_id.replace("-", " ").capitalize()
    fields = {
        "id": guide_id,
        "title": title,
        "language": language,
        "today": date.today().isoformat(),
    }
    new = project.new_file
    ids = {"language": language}
    return {
        new("framework", id=guide_id, **ids): FRAMEWORK.format(**fields),
        new("example", framework=guide_id, id="example", **ids): EXAMPLE.format(**fields),
        new("guide", id=guide_id, **ids): GUIDE.format(**fields),
        new("section", guide=guide_id, id="introduction", **ids): INTRODUCTION,
        new("section", guide=guide_id, id="next-steps", **ids): NEXT_STEPS,
    }
