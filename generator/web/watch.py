"""Watching the project for the author's pages: a saved content, brand or layout file reloads
the site and tells every open page (Server-Sent Events), which then asks for what changed.

Only the project's own ``content/`` and ``layouts/`` folders are watched, never the output
folder nor anything the server writes (it writes nothing: previews stay in memory), so the
watcher cannot set itself off again (sphinx-autobuild's loop).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from watchfiles import Change, DefaultFilter, awatch

from generator.web.previews import Previews
from generator.web.site import Site

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".md", ".yaml", ".yml")
"""Content files: a change to one reloads the content, and only the previews made from what
changed are rendered again. Any other file (a layout, a font, a logo) renders every one."""
DEBOUNCE_MS = 50
"""How long a burst of saves is gathered before the site reloads (an editor writes a file in
several steps)."""
STREAM_SECONDS = 4.0
"""How long one event stream stays open before the browser is asked to reconnect (the server
cannot end open streams when it stops, so it keeps them short)."""
RECONNECT_MS = 300
"""How soon a browser reconnects to the event stream."""


class Changes:
    """The site's generation, and a way to wait for the next one."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.changed = asyncio.Event()

    def publish(self) -> None:
        """Wake every stream: the site has a new generation."""
        self.changed.set()
        self.changed = asyncio.Event()

    async def stream(self, last: int | None) -> AsyncIterator[str]:
        """Server-Sent Events: the generation now (unless the browser saw it: ``last``), then
        each new one, for :data:`STREAM_SECONDS`."""
        yield f"retry: {RECONNECT_MS}\n\n"
        loop = asyncio.get_running_loop()
        ends = loop.time() + STREAM_SECONDS
        while True:
            generation = self.site.generation
            if generation != last:
                yield f"id: {generation}\nevent: change\ndata: {generation}\n\n"
                last = generation
            left = ends - loop.time()
            if left <= 0:
                return
            changed = self.changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), left)


class OwnFiles(DefaultFilter):
    """The project's content and layout files, not its output or editors' temporary files."""

    def __init__(self, output: Path) -> None:
        super().__init__()
        self.output = str(output)

    def __call__(self, change: Change, path: str) -> bool:
        return not path.startswith(self.output) and super().__call__(change, path)


def watched(site: Site) -> list[Path]:
    """The project's own content and layouts folders (the shipped ones do not change)."""
    project = site.project
    folders = [*project.content_folders, *project.layout_folders]
    return [folder for folder in folders if folder.is_relative_to(project.root)]


async def watch(site: Site, previews: Previews, changes: Changes, stop: asyncio.Event) -> None:
    """Reload the site whenever a watched file changes, until ``stop``."""
    folders = watched(site)
    if not folders:
        return
    try:
        async for batch in awatch(
            *folders,
            watch_filter=OwnFiles(site.project.output),
            debounce=DEBOUNCE_MS,
            step=20,
            stop_event=stop,
        ):
            if any(not path.endswith(TEXT_SUFFIXES) for _, path in batch):
                previews.version += 1
            await asyncio.to_thread(site.reload)
            log.info("reloaded after %d change(s): generation %d", len(batch), site.generation)
            changes.publish()
    except OSError as exc:  # e.g. too many folders for the system's file watches
        log.warning("the pages will not follow saved files: %s", exc)
