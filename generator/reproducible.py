"""Identical bytes for identical content: a fixed document time and zip entries dated alike.

python-docx and openpyxl stamp the current time into document properties and zip entries;
the office renderers use these helpers so that a rebuild of unchanged content changes nothing.
WeasyPrint subsets fonts with HarfBuzz when ``libharfbuzz-subset0`` is installed (stable), else
with fontTools, which stamps the time into each font unless ``SOURCE_DATE_EPOCH`` is set.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from io import BytesIO
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

FIXED_TIME = datetime(2024, 1, 1)
"""Created and modified time of every office document journeykit writes."""


def fix_font_times() -> None:
    """Date fonts subset by fontTools at :data:`FIXED_TIME` (unless the user chose a time)."""
    epoch = int(FIXED_TIME.replace(tzinfo=UTC).timestamp())
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(epoch))


def fixed_zip(data: bytes) -> bytes:
    """The zip archive again, every member dated :data:`FIXED_TIME` instead of now."""
    fixed = BytesIO()
    with ZipFile(BytesIO(data)) as source, ZipFile(fixed, "w", ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = ZipInfo(member.filename, FIXED_TIME.timetuple()[:6])
            target.writestr(info, source.read(member), ZIP_DEFLATED)
    return fixed.getvalue()
