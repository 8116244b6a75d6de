"""What an import leaves out unless asked: drafts, private posts, pages, and what is never a chapter.

Every reader counts what it skipped by kind ("3 drafts, 70 menu items, 12 comments"), so the
editor sees that nothing vanished silently; `Include` holds the --include-… choices.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

DRAFT = "draft"
PENDING = "pending post"
SCHEDULED = "scheduled post"
PRIVATE = "private post"
PROTECTED = "password-protected post"
TRASHED = "trashed post"
PAGE = "page"
MENU_ITEM = "menu item"
ATTACHMENT = "attachment"
COMMENT = "comment"
REVISION = "revision"

# The --include-… option that brings each kind in, named in the summary when some were skipped.
OPT_IN = {
    DRAFT: "--include-drafts",
    PENDING: "--include-drafts",
    SCHEDULED: "--include-drafts",
    PRIVATE: "--include-private",
    PROTECTED: "--include-private",
    PAGE: "--include-pages",
}


@dataclass(frozen=True)
class Include:
    """Kinds of item that are imported only when the editor asks."""

    drafts: bool = False  # drafts, pending review, scheduled for later
    private: bool = False  # private and password-protected posts
    pages: bool = False  # pages as well as posts

    def admits(self, kind: str) -> bool:
        if kind in (DRAFT, PENDING, SCHEDULED):
            return self.drafts
        if kind in (PRIVATE, PROTECTED):
            return self.private
        if kind == PAGE:
            return self.pages
        return False


def plural(count: int, kind: str) -> str:
    return f"{count:,} {kind}" if count == 1 else f"{count:,} {kind}s"


def describe(skipped: Counter[str]) -> str:
    """'2 drafts, 1 page, 70 menu items (--include-drafts, --include-pages bring some in)'."""
    parts = [plural(n, kind) for kind, n in sorted(skipped.items(), key=lambda kv: (-kv[1], kv[0])) if n]
    options = sorted({OPT_IN[kind] for kind, n in skipped.items() if n and kind in OPT_IN})
    text = ", ".join(parts)
    return text + (f" ({', '.join(options)} to import them)" if options else "")
