"""Writing direction of a language: 'rtl' for Hebrew, Arabic, Persian, Urdu, Yiddish, …, else 'ltr'.

The answer comes from the Unicode CLDR data that Babel ships (a locale's character order). A tag
Babel does not know is read without its last subtags (``ar-EG-variant`` as ``ar-EG``, then ``ar``);
when it names a script (``az-Arab``), the script decides. A tag nothing can be learnt from is
left to right, the default of every output.
"""

from __future__ import annotations

import functools
from typing import Literal

from babel import Locale, UnknownLocaleError

Direction = Literal["ltr", "rtl"]

# ISO 15924 codes of scripts written right to left, for tags whose locale Babel lacks.
RTL_SCRIPTS = frozenset({"Adlm", "Arab", "Hebr", "Mand", "Nkoo", "Rohg", "Samr", "Syrc", "Thaa", "Yezi"})


def _locale(tag: str) -> Locale | None:
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


@functools.lru_cache(maxsize=256)
def direction(tag: str) -> Direction:
    """The writing direction of the BCP 47 language tag ``tag`` ('he', 'ar-EG', 'en-GB')."""
    subtags = [s for s in tag.strip().split("-") if s]
    script = next((s.title() for s in subtags[1:] if len(s) == 4 and s.isalpha()), None)
    for end in range(len(subtags), 0, -1):
        locale = _locale("-".join(subtags[:end]))
        if locale is not None:
            if script is not None and locale.script != script:
                break  # Babel has no locale in this script (it reads ar-Latn as ar): the script decides
            return "rtl" if locale.character_order == "right-to-left" else "ltr"
    if script is not None:
        return "rtl" if script in RTL_SCRIPTS else "ltr"
    return "ltr"
