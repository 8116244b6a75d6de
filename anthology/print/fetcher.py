"""The only way WeasyPrint reads a file: local files under allowed folders, data: URLs and book assets.

Nothing is fetched from a network (no HTTP, no redirects, no ``file://host/``); a file is read only
when its real path, every symbolic link followed, lies inside the book's folder, the package's own
resources or the font packages. Anything refused is recorded so the build can warn about it.
Every file read is recorded so a cached layout can be checked against the files it used.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import URLFetcher
from weasyprint.urls import URLFetcherResponse

from ..markup.render import Asset


class LocalFetcher(URLFetcher):
    def __init__(self, roots: list[Path], assets: list[Asset]) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = [r.resolve() for r in roots]
        self.assets = {a.name: a for a in assets}
        self.refused: list[str] = []
        self.used: set[Path] = set()

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(unquote(parts.path)).resolve()
            name = _asset_name(path, self.roots)
            media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if name in self.assets:
                path = self.assets[name].source.resolve()
                media_type = self.assets[name].media_type
            elif not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
                self.refused.append(url)
                raise ValueError(f"refused to read {url}: not a file inside the book's folder")
            self.used.add(path)
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": media_type})
        self.refused.append(url)
        raise ValueError(f"refused to fetch {url}: anthology never uses the network")


def _asset_name(path: Path, roots: list[Path]) -> str | None:
    for root in roots:
        if path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    return None
