"""Customer personal data does not belong in an insight: e-mail addresses, phone numbers and
card-like numbers are replaced by a placeholder before anything is saved."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# 13 to 19 digits, in groups separated by spaces or dashes (card numbers as people type them).
CARD = re.compile(r"(?<![\w])\d(?:[ -]?\d){12,18}(?![\w])")
# A run of digits, spaces, dots, dashes and brackets, optionally after "+": a phone number when it
# has 9 to 15 digits and is not a date.
PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d ().-]{6,}\d(?![\w])")
DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")

PLACEHOLDERS = {
    "e-mail address": "[e-mail]",
    "card number": "[card number]",
    "phone number": "[phone]",
}


@dataclass(frozen=True)
class Masked:
    text: str
    masked: tuple[str, ...]  # what was masked, e.g. ("e-mail address", "phone number")

    def sentence(self) -> str:
        """What the agent is told ("" when nothing was masked)."""
        if not self.masked:
            return ""
        what = " and ".join(
            f"{w}s" if n > 1 else f"an {w}" if w[0] in "ae" else f"a {w}"
            for w, n in _counted(self.masked)
        )
        return (
            f"We masked {what} before saving: customers' personal data does not belong in an "
            "insight (the contact reference is where to point back to the contact)."
        )


def _counted(found: tuple[str, ...]) -> list[tuple[str, int]]:
    return [(w, found.count(w)) for w in dict.fromkeys(found)]


def mask_personal_data(text: str, *, phones: bool = True) -> Masked:
    """`text` with e-mail addresses, card-like numbers and (if `phones`) phone numbers masked."""
    found: list[str] = []

    def replace(what: str) -> Callable[[re.Match[str]], str]:
        def sub(match: re.Match[str]) -> str:
            found.append(what)
            return PLACEHOLDERS[what]

        return sub

    text = EMAIL.sub(replace("e-mail address"), text)
    text = CARD.sub(replace("card number"), text)
    if phones:

        def phone(match: re.Match[str]) -> str:
            candidate = match.group(0)
            digits = sum(c.isdigit() for c in candidate)
            if not 9 <= digits <= 15 or DATE.fullmatch(candidate.strip()):
                return candidate
            found.append("phone number")
            return PLACEHOLDERS["phone number"]

        text = PHONE.sub(phone, text)
    return Masked(text, tuple(found))
