"""Downloading the web images an import links to (`anthology import --fetch-images`).

Only http and https; every address a host name resolves to must be a public one (no loopback,
private, link-local or reserved addresses, unless allow_local, which the tests use with a server on
127.0.0.1), and the connection goes to the address that was checked, so a second lookup cannot
point it elsewhere. Redirects are followed a bounded number of times, each one checked again; a
response must say it is an image, stay under the size limit and be a picture Pillow can read.
"""

from __future__ import annotations

import http.client
import io
import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from PIL import Image, UnidentifiedImageError

from .. import __version__

FORMATS = {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif", "WEBP": ".webp"}
Progress = Callable[[int, int, str], None]  # (done, total, address just finished)


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 5
    timeout: float = 30.0
    workers: int = 4


class DownloadError(Exception):
    """Why one image could not be downloaded, in words for the editor."""


@dataclass(frozen=True)
class Downloaded:
    data: bytes
    suffix: str  # the file type the bytes really are: ".png", ".jpg", …


def fetch_images(
    urls: Iterable[str], allow_local: bool = False, limits: Limits = Limits(), progress: Progress | None = None
) -> dict[str, Downloaded | DownloadError]:
    """Download every address (each once); the result maps each to its picture or the reason it failed."""
    wanted = list(dict.fromkeys(urls))
    results: dict[str, Downloaded | DownloadError] = {}

    def one(url: str) -> tuple[str, Downloaded | DownloadError]:
        try:
            return url, fetch_image(url, allow_local, limits)
        except DownloadError as error:
            return url, error

    with ThreadPoolExecutor(max_workers=max(1, limits.workers)) as pool:
        for done, (url, result) in enumerate(pool.map(one, wanted), start=1):
            results[url] = result
            if progress is not None:
                progress(done, len(wanted), url)
    return results


def fetch_image(url: str, allow_local: bool = False, limits: Limits = Limits()) -> Downloaded:
    """One image, following at most limits.max_redirects redirects; DownloadError says why not."""
    address = "https:" + url if url.startswith("//") else url
    for _ in range(limits.max_redirects + 1):
        status, location, kind, data = _get(address, allow_local, limits)
        if status in (301, 302, 303, 307, 308):
            if not location:
                raise DownloadError(f"redirected ({status}) without saying where")
            address = urljoin(address, location)
            continue
        if status != 200:
            raise DownloadError(f"the server answered {status}")
        if not kind.startswith("image/"):
            raise DownloadError(f"not an image (the server says {kind or 'nothing about its type'})")
        if kind.startswith("image/svg"):
            raise DownloadError("an SVG drawing, which may carry scripts: save it by hand if you trust it")
        return _picture(data)
    raise DownloadError(f"more than {limits.max_redirects} redirects")


def _picture(data: bytes) -> Downloaded:
    try:
        with Image.open(io.BytesIO(data)) as image:
            found = image.format or ""
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise DownloadError("the file is not a picture anthology can read") from None
    if found not in FORMATS:
        raise DownloadError(f"a {found or 'kind of'} picture that books cannot show")
    return Downloaded(data, FORMATS[found])


def _get(url: str, allow_local: bool, limits: Limits) -> tuple[int, str, str, bytes]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise DownloadError(f"only http and https addresses are downloaded, not {parts.scheme or 'this'}")
    host = parts.hostname
    if not host:
        raise DownloadError("the address names no host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise DownloadError("the address has a bad port number") from None
    ip = _vetted_address(host, port, allow_local)
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = _PinnedHTTPS(host, port, ip, limits.timeout)
    else:
        connection = _PinnedHTTP(host, port, ip, limits.timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("GET", path, headers={"User-Agent": f"anthology/{__version__}", "Accept": "image/*"})
        response = connection.getresponse()
        length = response.getheader("Content-Length")
        if length and length.isdigit() and int(length) > limits.max_bytes:
            raise DownloadError(f"larger than the limit of {limits.max_bytes // (1024 * 1024)} MiB")
        data = b""
        if response.status == 200:
            data = response.read(limits.max_bytes + 1)
            if len(data) > limits.max_bytes:
                raise DownloadError(f"larger than the limit of {limits.max_bytes // (1024 * 1024)} MiB")
        kind = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
        return response.status, response.getheader("Location") or "", kind, data
    except (OSError, http.client.HTTPException) as error:
        raise DownloadError(f"could not be fetched: {error.__class__.__name__}: {error}") from None
    finally:
        connection.close()


def _vetted_address(host: str, port: int, allow_local: bool) -> str:
    """The first address of HOST, refusing them all if any is not public (unless allow_local)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise DownloadError(f"the host {host} was not found ({error})") from None
    addresses = [str(info[4][0]) for info in found]
    if not addresses:
        raise DownloadError(f"the host {host} has no address")
    for text in addresses:
        ip = ipaddress.ip_address(text.split("%")[0])
        if not allow_local and (not ip.is_global or ip.is_multicast):
            raise DownloadError(f"{host} is a local or private address ({ip}); pass --allow-local to fetch from it")
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to an address checked beforehand, whatever the host name resolves to now."""

    def __init__(self, host: str, port: int, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]
