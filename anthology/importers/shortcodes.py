"""WordPress shortcodes in a post's text: [caption], [gallery], [audio], [video], [embed], [wpvideo], ….

A book cannot play sound or video, so media become a figure holding a link to the recording with
its caption, and the post gets a warning that says so. A shortcode anthology does not know is left
out (its enclosed text kept) with a warning naming it: nothing is printed as a raw shortcode.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .post import Post

_OPEN = re.compile(r"\[(\[?)([A-Za-z][\w-]*)((?:\s+[^\]]*?)?)\s*(/?)\](\]?)")
_ATTR = re.compile(r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)|"([^"]*)"|'([^']*)'|(\S+)""")
_IMG = re.compile(r"^(\s*(?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.DOTALL | re.IGNORECASE)
MEDIA_KEYS = ("src", "url", "mp3", "m4a", "ogg", "wav", "mp4", "webm", "ogv", "m4v", "wmv", "flv", "mov")
_MEDIA = {
    "audio": "Sound recording",
    "video": "Video",
    "embed": "Embedded content",
    "wpvideo": "Video",
    "videopress": "Video",
    "youtube": "Video",
    "vimeo": "Video",
    "soundcloud": "Sound recording",
    "playlist": "Playlist",
}


_STRAY_CLOSE = re.compile(r"\[/(?:caption|wp_caption|gallery|" + "|".join(_MEDIA) + r")\]", re.IGNORECASE)


@dataclass(frozen=True)
class Attachment:
    url: str
    alt: str = ""
    caption: str = ""
    parent: str = ""


def attributes(text: str) -> tuple[dict[str, str], list[str]]:
    """'ids="1,2" columns=3 https://x' -> ({'ids': '1,2', 'columns': '3'}, ['https://x'])."""
    named: dict[str, str] = {}
    positional: list[str] = []
    for match in _ATTR.finditer(text):
        if match.group(1):
            named[match.group(1).lower()] = match.group(2)
        elif match.group(3):
            named[match.group(3).lower()] = match.group(4)
        elif match.group(5):
            named[match.group(5).lower()] = match.group(6)
        else:
            value = match.group(7) or match.group(8) or match.group(9) or ""
            if value and value != "/":
                positional.append(value.lstrip("="))
    return named, positional


def expand_shortcodes(text: str, post: Post, attachments: dict[str, Attachment] | None = None, post_id: str = "") -> str:
    """Replace every shortcode in `text` by HTML; what cannot be kept is named in post.warnings."""
    attachments = attachments or {}
    out: list[str] = []
    position = 0
    while True:
        match = _OPEN.search(text, position)
        if match is None:
            out.append(text[position:])
            return _STRAY_CLOSE.sub("", "".join(out))
        escaped, name, attrs, _, escaped_end = match.groups()
        lower = name.lower()
        closing = f"[/{name}]"
        end_tag = text.find(closing, match.end()) if not match.group(4) else -1
        known = lower in _MEDIA or lower in ("caption", "wp_caption", "gallery")
        shortcode_like = known or end_tag >= 0 or "=" in attrs or "://" in attrs
        out.append(text[position : match.start()])
        if not shortcode_like:
            out.append(match.group(0))
            position = match.end()
            continue
        if escaped and escaped_end:  # [[gallery]] is how WordPress writes the text "[gallery]"
            out.append(match.group(0)[1:-1])
            position = match.end()
            continue
        content = ""
        position = match.end()
        if end_tag >= 0:
            content = text[match.end() : end_tag]
            position = end_tag + len(closing)
        named, positional = attributes(html.unescape(attrs))
        out.append(_render(lower, name, named, positional, content, post, attachments, post_id))


def _render(
    lower: str,
    name: str,
    named: dict[str, str],
    positional: list[str],
    content: str,
    post: Post,
    attachments: dict[str, Attachment],
    post_id: str,
) -> str:
    if lower in ("caption", "wp_caption"):
        return _caption(named, content, post, attachments, post_id)
    if lower == "gallery":
        return _gallery(named, post, attachments, post_id) + expand_shortcodes(content, post, attachments, post_id)
    if lower in _MEDIA:
        return _media(lower, named, positional, content, post, attachments, post_id)
    post.warnings.append(f"the [{name}] shortcode means nothing in a book: it was left out" + (", its text kept" if content.strip() else ""))
    return expand_shortcodes(content, post, attachments, post_id)


def _caption(named: dict[str, str], content: str, post: Post, attachments: dict[str, Attachment], post_id: str) -> str:
    inner = expand_shortcodes(content, post, attachments, post_id)
    split = _IMG.match(inner)
    picture, text = (split.group(1), split.group(2)) if split else (inner, "")
    caption = (named.get("caption") or text).strip()
    if not caption:
        return f"<figure>{picture}</figure>\n\n"
    return f"<figure>{picture}<figcaption>{caption}</figcaption></figure>\n\n"


def _gallery(named: dict[str, str], post: Post, attachments: dict[str, Attachment], post_id: str) -> str:
    ids = [i.strip() for i in (named.get("ids") or named.get("include") or "").split(",") if i.strip()]
    parent = named.get("id", post_id)
    if ids:
        found = [attachments[i] for i in ids if i in attachments]
        missing = [i for i in ids if i not in attachments]
    else:
        found = [a for a in attachments.values() if parent and a.parent == parent]
        missing = []
    if missing:
        post.warnings.append(
            f"a [gallery] names {len(missing)} picture{'s' if len(missing) != 1 else ''} the export does not hold (attachment {', '.join(missing)}): add them by hand"
        )
    if not found:
        if not missing:
            post.warnings.append("a [gallery] shows the post's attached pictures, but the export holds none: add them by hand")
        return ""
    figures = []
    for picture in found:
        image = f'<img src="{html.escape(picture.url)}" alt="{html.escape(picture.alt)}">'
        caption = f"<figcaption>{picture.caption.strip()}</figcaption>" if picture.caption.strip() else ""
        figures.append(f"<figure>{image}{caption}</figure>")
    return "\n\n" + "\n\n".join(figures) + "\n\n"


def _media(
    lower: str,
    named: dict[str, str],
    positional: list[str],
    content: str,
    post: Post,
    attachments: dict[str, Attachment],
    post_id: str,
) -> str:
    kind = _MEDIA[lower]
    url = next((named[k] for k in MEDIA_KEYS if named.get(k)), "") or next((p for p in positional if "://" in p), "")
    if not url and lower in ("embed", "video", "audio") and "://" in content:
        url, content = content.strip(), ""
    if lower in ("wpvideo", "videopress") and not url and positional:
        url = f"https://videopress.com/v/{positional[0]}"
    if lower in ("youtube", "vimeo") and not url and positional:
        url = f"https://www.youtube.com/watch?v={positional[0]}" if lower == "youtube" else f"https://vimeo.com/{positional[0]}"
    if lower == "playlist":
        ids = [i.strip() for i in named.get("ids", "").split(",") if i.strip()]
        urls = [attachments[i].url for i in ids if i in attachments]
        post.warnings.append(f"a {kind.lower()} of {len(urls)} recordings cannot play in a book: kept as links")
        return "\n\n".join(link_figure(kind, u, "") for u in urls) + "\n\n"
    if not url:
        post.warnings.append(f"a [{lower}] shortcode names no recording or address: it was left out")
        return expand_shortcodes(content, post, attachments, post_id)
    caption = html.unescape(named.get("caption", "")).strip()
    post.warnings.append(f"{kind.lower()} {url} cannot play in a book: kept as a link" + (" with its caption" if caption else ""))
    return link_figure(kind, url, caption) + expand_shortcodes(content, post, attachments, post_id)


def link_figure(kind: str, url: str, caption: str) -> str:
    """A figure that stands for a recording: a link to it, and its caption."""
    caption_html = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f'\n\n<figure><p>{kind}: <a href="{html.escape(url)}">{html.escape(url)}</a></p>{caption_html}</figure>\n\n'
