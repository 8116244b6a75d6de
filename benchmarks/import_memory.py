"""Peak memory of `anthology import` on a large generated WordPress export.

Writes a WXR of about --size megabytes (posts with paragraphs, lists, tables and comments, as real
exports have), imports it into an empty book in a child process, and reports the child's peak resident
memory next to that of importing a one-post export. Bounded memory means the two stay close while the
export grows; compare runs with --size 20 and --size 100.

    .venv/bin/python benchmarks/import_memory.py --size 100
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Benchmark blog</title>
  <wp:author><wp:author_login>author</wp:author_login><wp:author_display_name>Pat Writer</wp:author_display_name></wp:author>
"""
PARAGRAPH = (
    "<p>Co-production means <em>sharing power</em> with the people who use a service, from the first "
    "plan to the last review; <strong>nothing about us without us</strong>, as the saying goes, and "
    "<a href=\"https://example.org/more\">more on that here</a>.</p>\n"
)
BODY = (
    "<h2>Part one</h2>\n" + PARAGRAPH * 12
    + "<ul><li>one point</li><li>another point</li></ul>\n"
    + "<table><tr><th>Who</th><th>What</th></tr><tr><td>Carers</td><td>Plan</td></tr></table>\n"
    + "<h2>Part two</h2>\n" + PARAGRAPH * 12
)
COMMENT = "<wp:comment><wp:comment_author>Reader</wp:comment_author><wp:comment_content><![CDATA[" + "Thank you for this. " * 40 + "]]></wp:comment_content></wp:comment>\n"


def item(number: int) -> str:
    return f"""<item>
  <title>Post number {number}</title>
  <link>https://blog.example.org/post-{number}/</link>
  <dc:creator>author</dc:creator>
  <content:encoded><![CDATA[{BODY}]]></content:encoded>
  <wp:post_date>2019-04-{1 + number % 28:02d} 10:00:00</wp:post_date>
  <wp:status>publish</wp:status>
  <wp:post_type>post</wp:post_type>
  {COMMENT * 6}
</item>
"""


def write_export(path: Path, megabytes: float) -> int:
    limit = int(megabytes * 1024 * 1024)
    written = count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        while written < limit or count == 0:
            count += 1
            text = item(count)
            out.write(text)
            written += len(text)
        out.write("</channel>\n</rss>\n")
    return count


def peak_of_import(export: Path, book: Path) -> tuple[float, float]:
    """(seconds, peak resident MiB) of one `anthology import` in a fresh child process."""
    book.mkdir()
    (book / "anthology.toml").write_text('[book]\ntitle = "Bench"\nlanguage = "en"\n', encoding="utf-8")
    code = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from anthology.importers import import_source\n"
        "import_source(Path(sys.argv[1]), Path(sys.argv[2]))\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code, str(export), str(book)], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    return seconds, int(result.stdout.split()[-1]) / 1024  # ru_maxrss is in KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=float, default=100, help="size of the generated export in MB (default 100)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small, large = folder / "small.xml", folder / "large.xml"
        write_export(small, 0)
        posts = write_export(large, args.size)
        small_seconds, small_peak = peak_of_import(small, folder / "small-book")
        seconds, peak = peak_of_import(large, folder / "large-book")
        chapters = len(list((folder / "large-book" / "chapters").glob("*.md")))
        size = large.stat().st_size / 1024 / 1024
        print(f"one-post export:        {small_peak:7.1f} MiB peak, {small_seconds:6.1f} s")
        print(f"{size:6.1f} MB export ({posts} posts -> {chapters} chapters): {peak:7.1f} MiB peak, {seconds:6.1f} s")
        print(f"growth: {peak - small_peak:.1f} MiB for {size:.0f} MB of export")


if __name__ == "__main__":
    main()
