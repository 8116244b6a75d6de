"""ISBN-13s: check digit validated and hyphenated by python-stdnum."""

from __future__ import annotations

from stdnum import ean
from stdnum import isbn as stdnum_isbn
from stdnum.exceptions import ValidationError

# The formats an ISBN can be given for in [book.isbn], with the label printed beside it.
FORMATS = {
    "epub": "EPUB",
    "pdf": "PDF",
    "print": "print",
    "paperback": "paperback",
    "hardback": "hardback",
}


class InvalidIsbn(ValueError):
    """Not a valid ISBN-13; the message says why."""


def normalise_isbn(value: str) -> str:
    """'978-0-306-40615-7' or '9780306406157' -> '978-0-306-40615-7'; InvalidIsbn when it is wrong."""
    digits = stdnum_isbn.compact(value)
    if len(digits) == 10:
        try:
            thirteen = stdnum_isbn.to_isbn13(stdnum_isbn.validate(digits))
        except ValidationError:
            raise InvalidIsbn(f"{value!r} is not a valid ISBN (an ISBN-13 has 13 digits and starts 978 or 979)") from None
        raise InvalidIsbn(f"{value!r} is an ISBN-10; write it as the ISBN-13 {stdnum_isbn.format(thirteen)}")
    if len(digits) != 13 or not digits.isdigit():
        raise InvalidIsbn(f"{value!r} is not an ISBN-13: it needs 13 digits, starting 978 or 979")
    if not digits.startswith(("978", "979")):
        raise InvalidIsbn(f"{value!r} is not an ISBN-13: it starts 978 or 979")
    try:
        stdnum_isbn.validate(digits)
    except ValidationError as exc:
        if "checksum" in str(exc).lower() or "check digit" in str(exc).lower():
            expected = ean.calc_check_digit(digits[:12])
            raise InvalidIsbn(f"{value!r} has a wrong check digit: the last digit should be {expected}") from None
        raise InvalidIsbn(f"{value!r} is not a valid ISBN-13 ({exc})") from None
    return stdnum_isbn.format(digits)
