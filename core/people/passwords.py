"""What a new password must not be, as NIST SP 800-63B (3.1.1.2) asks: long enough, not common or
breached, not the person's own name or e-mail or the service's name, not a repeated or sequential
string. No composition rules (no "one digit and one symbol"): they make passwords harder to
remember, not harder to guess.

A list catches only exact entries, and guessers try variants first: `P@ssw0rd2024` is `password`
with look-alike letters and a year. So a common word with letters swapped for look-alikes and
digits, years or symbols around it counts as that word, and every password is then estimated the
way the zxcvbn family does (dictionaries with l33t and reversed variants, dates, keyboard walks,
repeats, sequences, the person's own words and the demo password): one a guesser would find in
fewer than 10^8 guesses (zxcvbn's score 3) is refused.

Each refusal is one sentence saying why and what to do instead.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from zxcvbn import zxcvbn

from core.platform.errors import InvalidInput

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
COMMON_PASSWORDS = Path(__file__).parents[1] / "data" / "common_passwords.txt.gz"
SERVICE_WORDS = ("headway",)
# The README's demo password (seed/demo.py sets it without this check, for the demo logins).
DEMO_PASSWORD = "headway-demo"
MIN_GUESSES_LOG10 = 8  # zxcvbn's score 3: "safely unguessable" to an online or throttled attack
ESTIMATED_PIECE = 72  # zxcvbn estimates at most this many characters at once
# Characters people swap for the letter they look like (P@ssw0rd, $ummer, W3lc0me).
LOOK_ALIKES = str.maketrans(
    {
        "@": "a",
        "4": "a",
        "8": "b",
        "3": "e",
        "1": "i",
        "!": "i",
        "0": "o",
        "$": "s",
        "5": "s",
        "7": "t",
        "+": "t",
        "2": "z",
    }
)
MIN_NAME_PART = 4
# Runs a person types without thinking: the alphabet, the digits and the keyboard's rows.
SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890",
    "qwertyuiopasdfghjklzxcvbnm",
    "qwertzuiopasdfghjklyxcvbnm",
    "azertyuiopqsdfghjklmwxcvbn",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
)
TRY_INSTEAD = "try a few unrelated words, e.g. a short sentence only you would think of"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The vendored list (core/data/README.md), read once per process."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def _plain(text: str) -> str:
    """Lower case without accents: María and maria are the same word to a guesser."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _letters(text: str) -> str:
    return "".join(ch for ch in _plain(text) if ch.isalpha())


def _common_word_inside(lowered: str) -> bool:
    """The common password a variant is made from: digits and symbols around it dropped (a year,
    "123", "!"), look-alike characters read as letters: is it on the list?"""
    core = re.sub(r"^[^a-z@$!0-9]*|[^a-z]*$", "", lowered)  # Summer2024! → summer
    candidates = {core, core.translate(LOOK_ALIKES), lowered.translate(LOOK_ALIKES)}
    candidates |= {re.sub(r"[^a-z]+$", "", c) for c in set(candidates)}
    common = common_passwords()
    return any(len(c) >= MIN_NAME_PART and c in common for c in candidates)


def _weak_patterns(password: str, words: set[str]) -> str | None:
    """What makes a password quick to guess, in words, as zxcvbn estimates it; None when a
    guesser would need 10^8 guesses or more."""
    # A longer password is estimated piece by piece: the guesses of its pieces multiply.
    pieces = [password[i : i + ESTIMATED_PIECE] for i in range(0, len(password), ESTIMATED_PIECE)]
    estimates = [zxcvbn(piece, user_inputs=sorted(words)) for piece in pieces]
    if sum(float(e["guesses_log10"]) for e in estimates) >= MIN_GUESSES_LOG10:
        return None
    parts: list[str] = []
    for match in (m for e in estimates for m in e["sequence"]):
        pattern = match["pattern"]
        if pattern == "dictionary":
            part = (
                "your own words or Headway's"
                if match.get("dictionary_name") == "user_inputs"
                else "a common word or name"
            )
            if match.get("l33t"):
                part += " with look-alike characters"
            elif match.get("reversed"):
                part += " spelled backwards"
        else:
            part = {
                "date": "a date",
                "spatial": "a keyboard pattern",
                "repeat": "a repeated run",
                "sequence": "a sequence such as 123 or abc",
                "regex": "a year",
            }.get(pattern, "a few added characters")
        if part not in parts:
            parts.append(part)
    return " and ".join(parts)


def _is_repeated(text: str) -> bool:
    """One short unit said again and again: aaaaaaaaaa, abcabcabcabc, 12121212."""
    return re.fullmatch(r"(.{1,5})\1+", text, flags=re.DOTALL) is not None


def _is_sequential(text: str) -> bool:
    """A run along the alphabet, the digits or a keyboard row (either way), or a run with one
    steady step between characters (13579bdf)."""
    if any(text in seq or text in seq[::-1] for seq in SEQUENCES):
        return True
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:], strict=False)}
    return len(steps) == 1 and abs(next(iter(steps))) <= 3


def personal_words(*, name: str, email: str, context: Sequence[str] = ()) -> set[str]:
    """The words a password must not be made of: the name, its parts of 4+ letters, the e-mail,
    its local part (and that part's own pieces), the service's name, and words Headway shows
    beside the person (their team's name). Lower case."""
    local = _plain(email).partition("@")[0]
    words = {_letters(name), _letters(email), _letters(local), *SERVICE_WORDS}
    words.update(_letters(c) for c in context)
    words.update(p for p in re.split(r"[^a-z]+", _plain(name)) if len(p) >= MIN_NAME_PART)
    words.update(p for p in re.split(r"[^a-z]+", local) if len(p) >= MIN_NAME_PART)
    return {w for w in words if w}


def check_new_password(
    password: str, *, name: str = "", email: str = "", context: Sequence[str] = ()
) -> None:
    """Refuse (InvalidInput, one sentence) a password a guesser would try early."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters; {TRY_INSTEAD}."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            f"A password can have at most {MAX_PASSWORD_LENGTH} characters; shorten it."
        )
    lowered = password.lower()
    if _is_repeated(lowered) or _is_sequential(lowered):
        raise InvalidInput(
            "That password is a repeated or sequential run of characters, which is guessed "
            f"at once; {TRY_INSTEAD}."
        )
    if lowered in common_passwords() or lowered.strip() in common_passwords():
        raise InvalidInput(
            "That password is on a list of common and leaked passwords that attackers try "
            f"first; {TRY_INSTEAD}."
        )
    # Your name, e-mail or "headway" with only digits or symbols around it: Ana2026!, headway-99.
    letters = _letters(password)
    words = personal_words(name=name, email=email, context=context)
    if letters and letters in words:
        raise InvalidInput(
            "That password is made of your name, your e-mail address, your team's name or the "
            f"name Headway, which are the first things a guesser tries; {TRY_INSTEAD}."
        )
    if _common_word_inside(lowered):
        raise InvalidInput(
            "That password is a common password with small changes (look-alike characters, "
            f"digits, a year or symbols), which guessers try first; {TRY_INSTEAD}."
        )
    if weakness := _weak_patterns(password, words | {DEMO_PASSWORD, "demo"}):
        raise InvalidInput(
            f"That password is quick to guess (made of {weakness}), the kind of pattern "
            f"guessers try first; {TRY_INSTEAD}."
        )
