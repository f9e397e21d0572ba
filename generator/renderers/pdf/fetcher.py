"""A WeasyPrint URL fetcher that reads only files under the project's layouts and content.

WeasyPrint's default fetcher reads any local file or URL it is pointed at: a stray
``<link rel=attachment href=file:///etc/passwd>`` would embed that file in the PDF. This one
serves ``file:`` URLs whose resolved path lies under an allowed folder, and ``data:`` URLs;
everything else fails the build.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse


class FetchRefused(ValueError):
    """A resource outside the allowed folders, or not a local file."""


class ProjectFetcher(URLFetcher):
    """Serves files below ``roots`` and data URLs; refuses network, redirects and other paths."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(
            allowed_protocols=("file", "data"), allow_redirects=False, fail_on_errors=True
        )
        self.roots = [root.resolve() for root in roots]
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        """Fetch one URL, or raise (which makes WeasyPrint stop rendering)."""
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            self.refused.append(url)
            raise FetchRefused(f"only files of the project may be used, not {url}")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            self.refused.append(url)
            raise FetchRefused(f"{path} is outside the project's layouts/ and content/")
        if not path.is_file():
            self.refused.append(url)
            raise FetchRefused(f"{path} does not exist")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})
