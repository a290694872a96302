"""Typed WEGnology data (the shapes of Losant's API), parsed leniently."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Self

from ..parse import ParseError, number, optional_text, text

DATA_TYPES = frozenset({"number", "string", "boolean", "gps", "blob"})


# One parse error for every cloud's JSON; the name is kept for callers.
WegnologyParseError = ParseError


def parse_time(value: Any) -> datetime | None:
    """Read a time as the API writes it: ISO text, milliseconds, or {"$date": ...}."""
    if isinstance(value, dict) and "$date" in value:
        value = value["$date"]
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(number(value) / 1000, UTC)
        except OverflowError, OSError, ValueError:  # ParseError is a ValueError
            return None
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None


def _tag_value(value: Any) -> str | None:
    """Return a tag's value as text: text, or a finite number written out."""
    if isinstance(value, str):
        return value
    try:
        return str(number(value))
    except ParseError:
        return None


@dataclass(frozen=True, slots=True)
class Application:
    """An application the token may read."""

    id: str
    name: str

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse one item of /applications."""
        return cls(
            id=text(data, "id"), name=optional_text(data, "name") or text(data, "id")
        )


@dataclass(frozen=True, slots=True)
class Attribute:
    """A device attribute and its type."""

    name: str
    data_type: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Device:
    """A device of the application."""

    id: str
    name: str
    device_class: str
    parent_id: str | None
    connected: bool | None
    attributes: tuple[Attribute, ...]
    tags: tuple[tuple[str, str], ...]

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse one item of /applications/{id}/devices."""
        if not isinstance(data, dict):
            raise WegnologyParseError("device is not an object")
        device_id = optional_text(data, "id") or text(data, "deviceId")
        attributes = tuple(
            Attribute(item["name"], item.get("dataType", ""))
            for item in data.get("attributes") or []
            if isinstance(item, dict) and isinstance(item.get("name"), str)
        )
        # Keys are text; a value is text or a number (read as text). A null
        # or missing value carries nothing (no area named "None").
        tags = tuple(
            (tag["key"], value)
            for tag in data.get("tags") or []
            if isinstance(tag, dict)
            and isinstance(tag.get("key"), str)
            and (value := _tag_value(tag.get("value"))) is not None
        )
        info = data.get("connectionInfo")
        connected = info.get("connected") if isinstance(info, dict) else None
        parent = data.get("parentId")
        return cls(
            id=device_id,
            name=optional_text(data, "name") or device_id,
            device_class=optional_text(data, "deviceClass") or "standalone",
            parent_id=parent if isinstance(parent, str) and parent else None,
            connected=None if connected is None else bool(connected),
            attributes=attributes,
            tags=tags,
        )


@dataclass(frozen=True, slots=True)
class AttributeState:
    """An attribute's last reported value and when it was reported."""

    value: Any
    time: datetime | None


def parse_composite_state(data: Any) -> dict[str, AttributeState]:
    """Parse ``{attribute: {value, time}}``; odd entries are skipped."""
    if not isinstance(data, dict):
        return {}
    return {
        name: AttributeState(entry.get("value"), parse_time(entry.get("time")))
        for name, entry in data.items()
        if isinstance(name, str) and isinstance(entry, dict)
    }
