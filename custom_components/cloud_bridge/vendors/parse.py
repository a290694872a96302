"""Reading the three clouds' JSON: decoding it, and its text, numbers and lists.

Free of Home Assistant, like the clients that use it. Every number a cloud
sends is read by ``number``: JSON lets a cloud send what no reading is (NaN,
infinity, an integer of thousands of digits), and a bad value must cost that
value only, never a crash further on.
"""

import json
import math
import re
from typing import Any, TypedDict, Unpack

import orjson

_DECIMAL = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


class ParseError(ValueError):
    """A piece of a cloud's JSON does not have the documented shape."""


class Bounds(TypedDict, total=False):
    """What a number must be: at least low, at most high, whole (an integer)."""

    low: float | None
    high: float | None
    whole: bool


def decode_json(raw: bytes) -> Any:
    """Decode a JSON document; ValueError when it is not UTF-8 JSON.

    What orjson refuses and Python's json reads (the NaN and Infinity
    literals, numbers beyond a double) is read by json and left to ``number``
    to refuse as a value. orjson reads an integer beyond 64 bits as a float.
    """
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(raw)
    except RecursionError as err:
        # Nested deeper than any reply (orjson stops at 1024 levels).
        raise ValueError("JSON nested too deeply") from err


def number(
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    whole: bool = False,
) -> float | int:
    """Return a finite number within [low, high]; ParseError for anything else.

    Refuses Booleans, text, NaN, infinities and integers too large for a
    float. ``whole`` asks for an integer; a float without a fraction is one.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParseError(f"{_shown(value)} is not a number")
    try:
        finite = math.isfinite(value)
    except OverflowError:
        finite = False
    if not finite:
        raise ParseError(f"{_shown(value)} is not a finite number")
    read: float | int = value
    if whole and isinstance(read, float):
        if not read.is_integer():
            raise ParseError(f"{_shown(read)} is not an integer")
        read = int(read)
    if (low is not None and read < low) or (high is not None and read > high):
        raise ParseError(f"{_shown(read)} is out of range")
    return read


def number_at(data: Any, key: str, **bounds: Unpack[Bounds]) -> float | int | None:
    """Return a numeric field; None when absent or null, ParseError when unreadable."""
    value = data.get(key) if isinstance(data, dict) else None
    if value is None:
        return None
    try:
        return number(value, **bounds)
    except ParseError as err:
        raise ParseError(f"{key} {err}") from None


def number_or_text_at(
    data: Any, key: str, **bounds: Unpack[Bounds]
) -> float | int | None:
    """Return a numeric field given as a number or as decimal text ("200", 200).

    None when absent or null; ParseError when neither reads as a finite number.
    """
    value = data.get(key) if isinstance(data, dict) else None
    if isinstance(value, str):
        written = value.strip()
        # Only plain decimals of a sensible length: not "nan", "1e999", "0x10".
        if _DECIMAL.fullmatch(written) is None or len(written) > 30:
            raise ParseError(f"{key} {_shown(value)} is not a number")
        value = float(written) if "." in written else int(written)
    return number_at({key: value}, key, **bounds)


def optional_number(
    data: Any, key: str, *, problems: list[str] | None = None, **bounds: Unpack[Bounds]
) -> float | int | None:
    """Return a numeric field; None when absent or unreadable (why, into problems)."""
    try:
        return number_at(data, key, **bounds)
    except ParseError as err:
        if problems is not None:
            problems.append(str(err))
        return None


def json_object(data: Any, what: str) -> dict[str, Any]:
    """Return data as the object it must be; ParseError naming what it is not."""
    if not isinstance(data, dict):
        raise ParseError(f"{what} is not an object")
    return data


def text(data: Any, key: str) -> str:
    """Return a required non-empty string field."""
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, str) or not value:
        raise ParseError(f"{key} is missing or not a string")
    return value


def optional_text(data: Any, key: str) -> str:
    """Return an optional string field, empty when missing."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, str) else ""


def boolean(data: Any, key: str) -> bool | None:
    """Return an optional Boolean field; None when missing or not a Boolean."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, bool) else None


def items(data: Any, key: str) -> list[Any]:
    """Return a list field, or an empty list when it is missing or not a list."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def _shown(value: Any) -> str:
    """Return a value for a problem report, cut short (an integer may be huge)."""
    if isinstance(value, int) and abs(value) >= 10**50:
        # Not written out: str() of a huge integer is slow, or refused.
        return f"an integer of about {round(value.bit_length() * math.log10(2))} digits"
    shown = repr(value)
    return shown if len(shown) <= 60 else f"{shown[:57]}..."
