"""A live preview: serve the HTML edition on 127.0.0.1, rebuild on every saved change, reload the page.

The preview builds into a temporary folder (the book's own build/ is left alone). Pages it serves
get a small script and toolbar added on the way out, never in the built files: the script waits on
``/_preview/version`` and reloads the page when a new build is ready; a failed build keeps the last
good pages and shows the errors over them. ``/_preview/print`` shows the print edition's pages,
drawn from the PDFs of its chunks, of which a save lays out again only those it changed (see
``printview``).

Only requests whose Host is the preview's own address and port are answered (a web page that
rebinds its own name to 127.0.0.1 gets 403), and what costs a build or writes files (laying out the
print edition) needs a POST carrying this session's token, which only the preview's own pages hold.
The watcher watches the book's folders itself, never following a link out of the book; a folder it
cannot watch is named in the page.
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pikepdf
import watchfiles

from ..build import build
from ..check import check_book
from ..errors import AnthologyError, ConfigError, Diagnostic
from .printview import Edits, PrintView, lay_out_view, page_width, prune, whole_view

PREFIX = "/_preview/"
MAX_WATCHED_FOLDERS = 4096
_SINCE = re.compile(r"^-?[0-9]{1,12}$")
LONG_POLL_SECONDS = 20.0
PAGE_RESOLUTION = 60  # dots per inch of the print edition's page images

RELOAD_SCRIPT = """\
(function () {
  var me = document.currentScript;
  var version = Number(me.getAttribute("data-version"));
  var run = me.getAttribute("data-run");
  function wait() {
    fetch("/_preview/version?since=" + version, {cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.version !== version || state.run !== run) { window.location.reload(); } else { wait(); }
      })
      .catch(function () { setTimeout(wait, 1000); });
  }
  wait();
})();
"""

TOOLBAR_STYLE = """\
#anthology-preview-bar { position: static; margin: 2rem auto 0.75rem; max-width: 36em; z-index: 2147483647;
  font: 13px/1.4 system-ui, sans-serif; background: #1d2330; color: #fff; border-radius: 6px;
  padding: 0.35rem 0.7rem; box-shadow: 0 2px 8px rgba(0,0,0,.3); }
/* Fixed in a corner only where the margin beside the reading column has room for it: on a phone it
   sits at the foot of the page and covers nothing. */
@media (min-width: 1200px) {
  #anthology-preview-bar { position: fixed; right: 0.75rem; bottom: 0.75rem; margin: 0; max-width: 17rem; }
}
#anthology-preview-bar a { color: #9cc9ff; margin-left: 0.6rem; }
.anthology-preview-button { font: inherit; color: #9cc9ff; background: none; border: 0; padding: 0;
  margin-left: 0.6rem; text-decoration: underline; cursor: pointer; }
#anthology-preview-bar .warn { color: #ffd479; margin-left: 0.6rem; }
#anthology-preview-error { position: fixed; inset: 0; z-index: 2147483646; overflow: auto;
  background: rgba(255,255,255,.97); color: #111; padding: 2rem; font: 15px/1.5 system-ui, sans-serif; }
#anthology-preview-error h2 { color: #b00020; margin-top: 0; }
#anthology-preview-error pre { white-space: pre-wrap; background: #fff3f3; border-left: 4px solid #b00020;
  padding: 1rem; font: 13px/1.5 ui-monospace, monospace; }
"""


@dataclass
class BuildState:
    """The outcome of the latest preview build; ``version`` goes up by one with every build."""

    version: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    built_at: float = 0.0
    seconds: float = 0.0
    build: int = 0  # goes up by one with every build (the checker's answer after it changes only ``version``)


class Preview:
    """Builds the HTML edition into a temporary folder and serves it with live reload."""

    def __init__(
        self,
        project_dir: Path,
        port: int = 8000,
        host: str = "127.0.0.1",
        say: Callable[[str], None] | None = None,
        warn: Callable[[list[Diagnostic]], None] | None = None,
    ) -> None:
        self.project_dir = Path(project_dir).resolve()
        self.host = host
        self.port = port
        self.say = say or (lambda message: None)
        self.warn = warn or (lambda diagnostics: None)
        self.output_dir = Path(tempfile.mkdtemp(prefix="anthology-preview-"))
        self.run = secrets.token_hex(6)  # a page from an earlier preview run reloads when a new one starts
        self.token = secrets.token_urlsafe(24)  # POSTs that cost a build carry it; only the preview's pages hold it
        self.watch_notes: list[str] = []  # what the watcher cannot watch, shown in the page
        self.state = BuildState()
        self._changed = threading.Condition()
        self._build_lock = threading.Lock()
        self._print_version = -1
        self._print_error: str | None = None
        self._view: PrintView | None = None  # the print edition's pages as last laid out
        self._edits = Edits()  # the chapters saved, which the print view lays out on their own
        self._page_width = 0  # pixels, of the page images
        self._draw_lock = threading.Lock()
        self._stop = threading.Event()
        self._watching = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []

    # building ----------------------------------------------------------------------------------

    @property
    def html_dir(self) -> Path:
        return self.output_dir / "html"

    def rebuild(self, check_first: bool = False) -> BuildState:
        """Build and check the HTML edition; never raises: a failure is kept in the state and shown in
        the page. After a save, the pages are published as soon as they are built (the open page
        reloads then), and again with the checker's answer only when its warnings or errors differ
        from those shown; ``check_first`` (the first build) publishes once, after both. When the
        build fails, the checker's full list of problems is shown, else the build's own."""
        started = time.perf_counter()
        with self._build_lock:
            # use_cache False: the book's build/ is left alone; this process's renderings are kept in memory
            error = _failure(lambda: build(self.project_dir, "html", self.output_dir, use_cache=False, durable=False), self.project_dir)
            if error is None and not check_first:
                self._publish(None, self.state.warnings, started, built=True)
            checked, warnings = self._check()
            if error is not None or check_first:
                self._publish(checked or error, warnings, started, built=True)
            elif checked is not None or warnings != self.state.warnings:
                self._publish(checked, warnings, started, built=False)
        state = self.state
        if state.error:
            self.say("build failed:\n" + state.error)
        else:
            count = len(state.warnings)
            noted = f" with {count} warning{'s' if count != 1 else ''} ('anthology check' lists them)" if count else ""
            self.say(f"built in {state.seconds:.1f} s{noted}")
        return state

    def _check(self) -> tuple[str | None, list[str]]:
        """The checker's errors (formatted, or None) and warnings; the warnings are handed to ``warn``."""
        warnings: list[str] = []

        def check() -> None:
            checked = check_book(self.project_dir)
            if checked.errors:
                raise ConfigError(checked.errors)
            warnings.extend(d.format(self.project_dir) for d in checked.warnings)
            self.warn(checked.warnings)

        return _failure(check, self.project_dir), warnings

    def _publish(self, error: str | None, warnings: list[str], started: float, built: bool) -> None:
        """A new state for the pages (``built``: of a new build, which the print view follows)."""
        with self._changed:
            self.state = BuildState(
                version=self.state.version + 1,
                error=error,
                warnings=warnings,
                built_at=time.time(),
                seconds=time.perf_counter() - started,
                build=self.state.build + (1 if built else 0),
            )
            self._changed.notify_all()

    def wait_for_change(self, since: int, timeout: float) -> BuildState:
        with self._changed:
            self._changed.wait_for(lambda: self.state.version != since or self._stop.is_set(), timeout=timeout)
            return self.state

    @property
    def print_current(self) -> bool:
        """Whether the print edition was laid out from the current sources."""
        return self._print_version == self.state.build

    def print_pages(self, make: bool = True, renumber: bool = False) -> tuple[PrintView | None, str | None]:
        """The print edition's pages as last laid out (their images drawn when first asked for, see
        ``page_image``), and why the latest layout failed; with ``make``, laid out again when the
        sources have changed (only the chunks they changed), or with ``renumber`` when some pages
        print the numbers of an earlier layout (those chunks too). The pages stay those of the last
        good layout when one fails."""
        version = self.state.build
        if make and (version != self._print_version or renumber and self._view is not None and self._view.renumbered):
            with self._build_lock:
                try:
                    self._view = self._lay_out(renumber)
                    self._print_error = None
                except AnthologyError as exc:
                    self._print_error = exc.format(self.project_dir)
                except (OSError, subprocess.SubprocessError, ValueError, pikepdf.PdfError) as exc:
                    self._print_error = f"the pages could not be drawn: {exc}"
                self._print_version = version
        return self._view, self._print_error

    def _lay_out(self, renumber: bool) -> PrintView | None:
        """The print view from the chunks' PDFs; else (a short book) from the PDF that a build makes,
        which is all there is (None) without poppler-utils' pdftoppm to draw the pages."""
        drawable = shutil.which("pdftoppm") is not None
        view = lay_out_view(self.project_dir, self.output_dir, renumber, edits=self._edits) if drawable else None
        if view is None:
            pdf = build(self.project_dir, "pdf", self.output_dir).outputs[0][1]
            view = whole_view(pdf, self.output_dir / "pages") if drawable else None
        prune(self.output_dir, [view, self._view])  # the files of the view shown until now go with the next
        self._page_width = page_width(view.pages[0].pdf, PAGE_RESOLUTION) if view is not None and view.pages else 0
        return view

    def book_pdf(self) -> Path | None:
        """The print edition's PDF as a build makes it, when one was made (see ``make_book_pdf``)."""
        return next(iter(sorted(self.output_dir.glob("*.pdf"))), None)

    def make_book_pdf(self) -> str | None:
        """Build the print edition's PDF (joined from the chunks laid out for the print view, all
        numbered throughout) for download; why it could not be made, or None."""
        with self._build_lock:
            try:
                build(self.project_dir, "pdf", self.output_dir)
            except AnthologyError as exc:
                return exc.format(self.project_dir)
        return None

    def page_image(self, name: str) -> Path | None:
        """The image of one page of the print view (``page-12.png``: its twelfth page), drawn from the
        PDF that holds it the first time it is asked for: the print view shows at once, and a
        browser asks only for the pages it shows. An image stays while its chunk is unchanged."""
        found = re.fullmatch(r"page-([1-9][0-9]*)\.png", name)
        view = self._view
        if found is None or view is None or int(found.group(1)) > len(view.pages):
            return None
        page = view.pages[int(found.group(1)) - 1]
        with self._draw_lock:
            if not page.image.is_file():
                partial = page.image.with_name(f".{page.image.stem}")
                subprocess.run(
                    ["pdftoppm", "-r", str(PAGE_RESOLUTION), "-png", "-f", str(page.page), "-l", str(page.page), "-singlefile",
                     str(page.pdf), str(partial)],
                    check=True, capture_output=True, timeout=120,
                )
                os.replace(partial.with_suffix(".png"), page.image)
        return page.image

    # serving -----------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def start(self) -> None:
        """Build once, then serve and watch in background threads."""
        self.rebuild(check_first=True)
        handler = _handler_for(self)
        try:
            server = _Server((self.host, self.port), handler)
        except OSError as exc:
            self.close_files()
            raise ConfigError(
                Diagnostic(None, f"cannot serve on {self.host}:{self.port}: {exc.strerror}", key="--port", hint="choose another port with --port N")
            ) from None
        self._server = server
        self.port = server.server_address[1]
        serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        watching = threading.Thread(target=self._watch, daemon=True)
        self._threads = [serving, watching]
        for thread in self._threads:
            thread.start()
        self._watching.wait(timeout=10)  # a save right after start() is seen

    def _watch(self) -> None:
        """Rebuild on every change until stopped. The folders are listed anew after each change; a
        failure of the watcher is shown in the page and the watch starts again."""
        while not self._stop.is_set():
            folders, notes = watched_folders(self.project_dir)
            if notes != self.watch_notes:
                self.watch_notes = notes
                for note in notes:
                    self.say("not watched: " + note)
            try:
                for changes in watchfiles.watch(
                    *folders, watch_filter=_relevant, stop_event=self._stop, debounce=400, step=30,
                    raise_interrupt=False, recursive=False, rust_timeout=200, yield_on_timeout=True,
                ):
                    if self._stop.is_set():
                        return
                    self._watching.set()  # the first (empty) answer: the folders are watched now
                    if not changes:
                        continue
                    self.rebuild()
                    if watched_folders(self.project_dir) != (folders, notes):
                        break  # a folder came or went: watch the new list
            except Exception as exc:  # the watcher must not die silently: say so, wait, watch again
                note = f"the watcher failed ({type(exc).__name__}: {exc}); watching again"
                self.watch_notes = [*notes, note]
                self.say(note)
                with self._changed:
                    self._changed.notify_all()
                self._stop.wait(2.0)

    def stop(self) -> None:
        self._stop.set()
        with self._changed:
            self._changed.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=10)
        self.close_files()

    def close_files(self) -> None:
        shutil.rmtree(self.output_dir, ignore_errors=True)

    def wait_until_interrupted(self) -> None:
        """After start(): run until Ctrl-C, SIGTERM or stop() from another thread, then stop cleanly."""
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _interrupt)
        try:
            while not self._stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    # pages -------------------------------------------------------------------------------------

    def decorate(self, page: str, current: str) -> str:
        """Add the reload script, the toolbar and any build error to an HTML page on its way out."""
        state = self.state
        extra = [f"<style>{TOOLBAR_STYLE}</style>", self._toolbar(state, current)]
        if state.error:
            underneath = " The last good build is underneath." if self.html_dir.is_dir() else ""
            extra.append(
                '<div id="anthology-preview-error" role="alert"><h2>The book could not be built</h2>'
                f"<p>Fix the problem and save: this page reloads by itself.{underneath}</p>"
                f"<pre>{html.escape(state.error)}</pre></div>"
            )
        extra.append(f'<script data-version="{state.version}" data-run="{self.run}">{RELOAD_SCRIPT}</script>')
        block = "\n".join(extra)
        lower = page.lower()
        index = lower.rfind("</body>")
        if index < 0:
            return page + block
        return page[:index] + block + page[index:]

    def _toolbar(self, state: BuildState, current: str) -> str:
        if current == "print":
            link = '<a href="/">HTML edition</a>'
        else:
            link = self.print_form("Print edition (pages)", "anthology-preview-print")
        status = "build failed" if state.error else time.strftime("built %H:%M:%S", time.localtime(state.built_at))
        warnings = ""
        if state.warnings:
            listed = html.escape("\n".join(state.warnings), quote=True)
            count = len(state.warnings)
            warnings = f'<span class="warn" title="{listed}">{count} warning{"s" if count != 1 else ""}</span>'
        if self.watch_notes:
            listed = html.escape("\n".join(self.watch_notes), quote=True)
            warnings += f'<span class="warn" id="anthology-preview-watch" title="{listed}">not watching everything</span>'
        return f'<div id="anthology-preview-bar">Preview · {status}{warnings}{link}</div>'

    def print_form(self, label: str, element_id: str, action: str = "print", renumber: bool = False) -> str:
        """A button that lays out the print edition (or makes its PDF, ``action`` "book.pdf"): a POST
        with this session's token."""
        extra = '<input type="hidden" name="renumber" value="1"/>' if renumber else ""
        return (
            f'<form method="post" action="{PREFIX}{action}" style="display:inline">'
            f'<input type="hidden" name="token" value="{self.token}"/>{extra}'
            f'<button id="{element_id}" type="submit" class="anthology-preview-button">{html.escape(label)}</button></form>'
        )

    def error_page(self) -> str:
        return self.decorate(
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/><title>Preview: build failed</title>'
            "</head><body></body></html>",
            "html",
        )

    def print_page(self) -> str:
        """The print edition as it was last laid out; a button lays it out again when it is stale."""
        view, error = self.print_pages(make=False)
        pdf = self.book_pdf()
        parts = [
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/><title>Print edition · preview</title>',
            "<style>body{margin:0;background:#6b6f76;font:14px system-ui,sans-serif;color:#fff}"
            "header{padding:.8rem 1.2rem;background:#2b2f36}header a{color:#9cc9ff;margin-right:1rem}"
            ".spreads{display:flex;flex-direction:column;align-items:center;gap:1.2rem;padding:1.5rem}"
            ".spread{display:flex;gap:2px}.spread img{box-shadow:0 2px 8px rgba(0,0,0,.4);background:#fff}"
            "iframe{width:100%;height:90vh;border:0}.spread img.renumbered{outline:3px solid #ffb020}"
            "#anthology-preview-renumbered{background:#5a4312;margin:0;padding:.5rem 1.2rem}</style>",
            "</head><body><header><strong>Print edition</strong> · ",
            '<a href="/">back to the HTML edition</a>',
        ]
        if not self.print_current:
            label = "Lay out the print edition" if view is None and pdf is None else "Lay it out again (the sources changed)"
            parts.append(self.print_form(label, "anthology-preview-layout"))
            if view is not None and view.chunks and not self.state.error:
                # laid out before, in parts: the open print view lays out again what a save changed, by itself
                parts.append('<script>document.getElementById("anthology-preview-layout").click();</script>')
        if view is not None and view.chunks:
            parts.append(self.print_form("make the PDF to download", "anthology-preview-pdf", action="book.pdf"))
        elif pdf is not None and pdf.is_file():
            parts.append(f'<a href="{PREFIX}book.pdf" download="{html.escape(pdf.name)}">download the PDF</a>')
        if view is not None and view.pages:
            pages = view.pages
            laid = f" · {view.laid} of {view.chunks} parts laid out for this view, the others as they were" if view.chunks else ""
            parts.append(f" · {len(pages)} pages{laid}</header>")
            moved = view.renumbered
            if moved:
                parts.append(
                    '<div id="anthology-preview-renumbered">'
                    f"Pages {pages[moved[0] - 1].label} to {pages[moved[-1] - 1].label} (outlined) print the page numbers "
                    "they had before the pages ahead of them grew or shrank, and so do their entries in the contents: "
                    "only what you changed was laid out again."
                    + self.print_form("Number them again", "anthology-preview-renumber", renumber=True)
                    + " (lays out every page after the change; a built PDF is always numbered throughout)</div>"
                )
            parts.append('<main class="spreads">')
            numbered = list(enumerate(pages, start=1))
            spreads = [numbered[:1]] + [numbered[i : i + 2] for i in range(1, len(numbered), 2)]
            for index, spread in enumerate(spreads):
                images = "".join(
                    f'<img src="{PREFIX}pages/page-{n}.png?token={self.token}" alt="page {html.escape(p.label)}"'
                    + (f' class="renumbered" title="numbered {html.escape(p.printed or "")} in an earlier layout"' if p.renumbered else "")
                    + (' style="margin-left:calc(var(--w) + 2px)"' if index == 0 else "")
                    + ' loading="lazy"/>'
                    for n, p in spread
                )
                parts.append(f'<div class="spread" style="--w:{self._page_width}px">{images}</div>')
            parts.append("</main>")
        elif pdf is not None and pdf.is_file() and not error:
            parts.append(f'</header><iframe src="{PREFIX}book.pdf" title="the print edition"></iframe>')
        else:
            parts.append("</header>")
        if error:
            parts.append(f'<main style="padding:1.5rem"><h2>The print edition could not be made</h2><pre>{html.escape(error)}</pre></main>')
        parts.append("</body></html>")
        return self.decorate("".join(parts), "print")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that closes a tab while a page or a long poll is on its way is not a problem."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def _failure(work: Callable[[], object], project_dir: Path | None = None) -> str | None:
    """Do ``work``; what went wrong, as the page shows it, or None. A preview keeps serving whatever
    went wrong."""
    try:
        work()
    except AnthologyError as exc:
        return exc.format(project_dir)
    except Exception as exc:
        return "anthology failed unexpectedly:\n" + "".join(traceback.format_exception_only(exc)).strip()
    return None


def _relevant(change: watchfiles.Change, path: str) -> bool:
    return watchfiles.DefaultFilter()(change, path) and Path(path).name != "build"


def watched_folders(project_dir: Path) -> tuple[list[Path], list[str]]:
    """The book's folders to watch (each one on its own, none through a link), and a note for each
    one that is left out: a link leading out of the book, a folder that cannot be read."""
    root = project_dir.resolve()
    folders: list[Path] = []
    notes: list[str] = []
    ignored = set(watchfiles.DefaultFilter.ignore_dirs)  # .git, node_modules, __pycache__ …

    def unreadable(error: OSError) -> None:
        where = Path(error.filename).relative_to(root) if error.filename and Path(error.filename).is_relative_to(root) else error.filename
        notes.append(f"{where}: cannot be read ({error.strerror or error}); changes in it do not rebuild the preview")

    for folder, names, _files in os.walk(root, onerror=unreadable, followlinks=False):
        here = Path(folder)
        if len(folders) >= MAX_WATCHED_FOLDERS:
            notes.append(f"more than {MAX_WATCHED_FOLDERS} folders: those after {here.relative_to(root)} are not watched")
            break
        folders.append(here)
        kept = []
        for name in sorted(names):
            path = here / name
            if here == root and name == "build" or name in ignored:
                continue
            if path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(root):
                    notes.append(f"{path.relative_to(root)}: a link to a folder outside the book; it is not watched (and never read by a build)")
                continue  # a link inside the book: its target is walked where it is
            kept.append(name)
        names[:] = kept
    return folders, notes


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


class PreviewHandler(SimpleHTTPRequestHandler):
    """Serves the HTML edition of ``preview`` with the preview's pages and routes under PREFIX; answers
    only requests addressed to the preview, and lays the print edition out only on a POST with its token."""

    preview: Preview

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(self.preview.html_dir), **kwargs)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the standard library's name)
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def _host_allowed(self) -> bool:
        """Only requests addressed to the preview itself: a page whose own name was rebound to
        127.0.0.1 (DNS rebinding) sends its own Host and gets 403."""
        port = self.preview.port
        allowed = {f"{self.preview.host}:{port}", f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}
        if (self.headers.get("Host") or "").strip().lower() in allowed:
            return True
        self._send("403: this preview answers only requests addressed to it as "
                   f"{self.preview.host}:{port}\n", "text/plain; charset=utf-8", HTTPStatus.FORBIDDEN)
        return False

    def do_HEAD(self) -> None:  # noqa: N802 (the standard library's name)
        if self._host_allowed():
            super().do_HEAD()

    def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
        if not self._host_allowed():
            return
        path = unquote(urlsplit(self.path).path)
        if path not in (PREFIX + "print", PREFIX + "book.pdf"):
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= 4096:
            self._send("400: a bad request body\n", "text/plain; charset=utf-8", HTTPStatus.BAD_REQUEST)
            return
        form = parse_qs(self.rfile.read(length).decode("ascii", "replace"))
        token = form.get("token", [""])[0]
        if not secrets.compare_digest(token.encode(), self.preview.token.encode()):
            self._send("403: laying out the print edition needs the button of the preview's own page\n",
                       "text/plain; charset=utf-8", HTTPStatus.FORBIDDEN)
            return
        if path == PREFIX + "book.pdf":
            error = self.preview.make_book_pdf()
            if error:
                self._send(f"The PDF could not be made:\n\n{error}\n", "text/plain; charset=utf-8", HTTPStatus.UNPROCESSABLE_ENTITY)
                return
        else:
            self.preview.print_pages(make=True, renumber=form.get("renumber", [""])[0] == "1")
        self.send_response(HTTPStatus.SEE_OTHER)
        self.send_header("Location", path)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        if not self._host_allowed():
            return
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        if path.startswith(PREFIX):
            self._preview_route(path[len(PREFIX) :], parse_qs(parts.query))
            return
        if not self.preview.html_dir.is_dir():
            self._send(self.preview.error_page(), "text/html; charset=utf-8", HTTPStatus.SERVICE_UNAVAILABLE)
            return
        local = Path(self.translate_path(parts.path))
        if local.is_dir():
            local = local / "index.html"
        if local.suffix == ".html" and local.is_file():
            page = local.read_text(encoding="utf-8")
            self._send(self.preview.decorate(page, "html"), "text/html; charset=utf-8")
            return
        super().do_GET()

    def _preview_route(self, route: str, query: dict[str, list[str]]) -> None:
        if route == "version":
            since = query.get("since", [""])[0]
            state = self.preview.state
            if since and not _SINCE.match(since):
                self._send("400: since= takes the version number the page shows\n", "text/plain; charset=utf-8", HTTPStatus.BAD_REQUEST)
                return
            if since:
                state = self.preview.wait_for_change(int(since), LONG_POLL_SECONDS)
            body = json.dumps(
                {"version": state.version, "run": self.preview.run, "error": state.error, "warnings": state.warnings,
                 "watching": self.preview.watch_notes}
            )
            self._send(body, "application/json")
        elif route == "print":
            self._send(self.preview.print_page(), "text/html; charset=utf-8")
        elif route == "book.pdf":
            self._send_file(self.preview.book_pdf(), "application/pdf")
        elif route.startswith("pages/") and "/" not in route[6:]:
            if not secrets.compare_digest(query.get("token", [""])[0].encode(), self.preview.token.encode()):
                self.send_error(HTTPStatus.FORBIDDEN, "a page image is drawn only for the preview's own print view")
                return
            try:
                self._send_file(self.preview.page_image(route[6:]), "image/png")
            except (OSError, subprocess.SubprocessError):
                self.send_error(HTTPStatus.INTERNAL_SERVER_ERROR)
        else:
            self.send_error(HTTPStatus.NOT_FOUND)

    def _send(self, text: str, content_type: str, status: HTTPStatus = HTTPStatus.OK) -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send_file(self, path: Path | None, content_type: str) -> None:
        if path is None or not path.is_file():
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        data = path.read_bytes()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _handler_for(preview: Preview) -> type[SimpleHTTPRequestHandler]:
    return type("Handler", (PreviewHandler,), {"preview": preview})
