"""``journeykit serve``: the documents on the web, through :mod:`generator.api` alone.

Three views (see :mod:`generator.web.app`): the **author's** (every guide × language × brand
as page images that update as files are saved; off with ``--public``), the **client's** (a
worksheet as an HTML form, or an upload of one filled offline, back as the filled documents)
and the **prospect's** (the lead magnet's download, personalised on its cover).
"""

from __future__ import annotations

from generator.web.app import create_app
from generator.web.server import run
from generator.web.settings import LOOPBACK, Settings

__all__ = ["LOOPBACK", "Settings", "create_app", "run"]
