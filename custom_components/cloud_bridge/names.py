"""Names and areas from the clouds, made fit for Home Assistant's registries.

A cloud may send anything as a name: control characters, bidi overrides that
reorder what the user reads, newlines, or ten thousand characters.
"""

import re
import unicodedata

# Home Assistant's UI shows names on cards and in lists; longer ones are cut.
MAX_NAME_LENGTH = 100
# Directional formatting characters (they can make text read backwards).
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")


def clean_name(text: str, limit: int = MAX_NAME_LENGTH) -> str:
    """Return a name without control or bidi characters, on one line, capped."""
    text = _BIDI.sub("", text)
    text = "".join(
        " " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char
        for char in text
    )
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= limit else f"{text[: limit - 1].rstrip()}…"
