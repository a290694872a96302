"""Typed WEGnology data (the shapes of Losant's API), parsed leniently."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Self

DATA_TYPES = frozenset({"number", "string", "boolean", "gps", "blob"})


class WegnologyParseError(ValueError):
    """A piece of WEGnology JSON does not have the documented shape."""


def _str(data: Any, key: str) -> str:
    """Return a required non-empty string field."""
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, str) or not value:
        raise WegnologyParseError(f"{key} is missing or not a string")
    return value


def _text(data: dict[str, Any], key: str) -> str:
    """Return an optional string field, empty when missing."""
    value = data.get(key)
    return value if isinstance(value, str) else ""


def parse_time(value: Any) -> datetime | None:
    """Read a time as the API writes it: ISO text, milliseconds, or {"$date": ...}."""
    if isinstance(value, dict) and "$date" in value:
        value = value["$date"]
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value / 1000, UTC)
        except OverflowError, OSError, ValueError:
            return None
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None


@dataclass(frozen=True, slots=True)
class Application:
    """An application the token may read."""

    id: str
    name: str

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse one item of /applications."""
        return cls(id=_str(data, "id"), name=_text(data, "name") or _str(data, "id"))


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
        device_id = _text(data, "id") or _str(data, "deviceId")
        attributes = tuple(
            Attribute(item["name"], item.get("dataType", ""))
            for item in data.get("attributes") or []
            if isinstance(item, dict) and isinstance(item.get("name"), str)
        )
        # Keys are text; a value is text or a number (read as text). A null
        # or missing value carries nothing (no area named "None").
        tags = tuple(
            (tag["key"], str(tag["value"]))
            for tag in data.get("tags") or []
            if isinstance(tag, dict)
            and isinstance(tag.get("key"), str)
            and isinstance(tag.get("value"), str | int | float)
            and not isinstance(tag.get("value"), bool)
        )
        info = data.get("connectionInfo")
        connected = info.get("connected") if isinstance(info, dict) else None
        parent = data.get("parentId")
        return cls(
            id=device_id,
            name=_text(data, "name") or device_id,
            device_class=_text(data, "deviceClass") or "standalone",
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
