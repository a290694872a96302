"""Typed WEGnology data (the shapes of Losant's API), parsed leniently."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Self

from ..parse import (
    ParseError,
    boolean,
    decode_json,
    items,
    number,
    optional_number,
    optional_text,
    text,
)

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
    # When the connection last changed (connectionInfo.time), if said.
    connection_time: datetime | None = None

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
        changed = parse_time(info.get("time")) if isinstance(info, dict) else None
        parent = data.get("parentId")
        return cls(
            id=device_id,
            name=optional_text(data, "name") or device_id,
            device_class=optional_text(data, "deviceClass") or "standalone",
            parent_id=parent if isinstance(parent, str) and parent else None,
            connected=None if connected is None else bool(connected),
            attributes=attributes,
            tags=tags,
            connection_time=changed,
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


EVENT_LEVELS = ("info", "warning", "error", "critical")  # by severity
EVENT_STATES = ("new", "acknowledged", "resolved")  # in the order people work them
# What an event's text is cut to: it travels in an event entity's attributes.
MAX_SUBJECT_LENGTH = 255
MAX_MESSAGE_LENGTH = 2000


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """An event (an alert) of the application."""

    id: str
    level: str
    state: str
    subject: str
    message: str
    device_id: str | None
    device_name: str | None
    created: datetime
    updated: datetime

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse one item of /applications/{id}/events."""
        if not isinstance(data, dict):
            raise WegnologyParseError("event is not an object")
        event_id = optional_text(data, "id") or text(data, "eventId")
        level, state = optional_text(data, "level"), optional_text(data, "state")
        if level not in EVENT_LEVELS:
            raise WegnologyParseError(f"event {event_id} has level {level!r}")
        if state not in EVENT_STATES:
            raise WegnologyParseError(f"event {event_id} has state {state!r}")
        created = parse_time(data.get("creationDate"))
        if created is None:
            raise WegnologyParseError(f"event {event_id} has no creationDate")
        return cls(
            id=event_id,
            level=level,
            state=state,
            subject=optional_text(data, "subject")[:MAX_SUBJECT_LENGTH],
            message=optional_text(data, "message")[:MAX_MESSAGE_LENGTH],
            device_id=optional_text(data, "deviceId") or None,
            device_name=optional_text(data, "deviceName") or None,
            created=created,
            updated=max(parse_time(data.get("lastUpdated")) or created, created),
        )


@dataclass(frozen=True, slots=True)
class MostRecent:
    """Most Recent by Severity: the count of new events and the worst one."""

    new_count: int | None
    event: Event | None

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse ``{event?, newCount}``; what cannot be read is None."""
        new_count = optional_number(data, "newCount", low=0, whole=True)
        raw = data.get("event") if isinstance(data, dict) else None
        try:
            event = Event.from_json(raw) if raw is not None else None
        except WegnologyParseError:
            event = None
        return cls(None if new_count is None else int(new_count), event)


@dataclass(frozen=True, slots=True)
class VirtualButton:
    """A workflow's virtual button: its key, label, and the payload it sends."""

    key: str
    label: str | None
    payload: Any = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Workflow:
    """A workflow (Losant's flow) and its virtual buttons."""

    id: str
    name: str
    enabled: bool
    buttons: tuple[VirtualButton, ...]

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse one item of /applications/{id}/flows."""
        if not isinstance(data, dict):
            raise WegnologyParseError("workflow is not an object")
        flow_id = optional_text(data, "id") or text(data, "flowId")
        return cls(
            id=flow_id,
            name=optional_text(data, "name") or flow_id,
            # Losant always says; a workflow that does not is taken as enabled.
            enabled=boolean(data, "enabled") is not False,
            buttons=tuple(
                button
                for trigger in items(data, "triggers")
                if (button := _virtual_button(trigger)) is not None
            ),
        )


def _virtual_button(trigger: Any) -> VirtualButton | None:
    """Return a trigger's virtual button; None for any other trigger."""
    if not isinstance(trigger, dict) or trigger.get("type") != "virtualButton":
        return None
    key = optional_text(trigger, "key")
    if not key:
        return None
    meta = trigger.get("meta")
    label = optional_text(meta, "label").strip() or None
    # The payload configured on the button is JSON text, sent with each press.
    payload = meta.get("payload") if isinstance(meta, dict) else None
    if isinstance(payload, str):
        try:
            payload = decode_json(payload.encode()) if payload.strip() else None
        except ValueError:
            payload = None
    return VirtualButton(key, label, payload)
