"""The WEGnology data model: users and tokens, applications, devices and their state.

WEGnology is a white-label of Losant; where the documents (``wegnology-rest-api.txt``,
``wegnology-devices-api.txt``) name a type without its shape, the shape is Losant's
(see the reading notes). Times are kept as integer milliseconds since the epoch, as
Losant stores them; ``iso()`` renders them the way its JSON does
(``2016-06-01T17:16:02.324Z``).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime
import hashlib
import json
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .wegnology_events import Event
    from .wegnology_flows import Workflow

DATA_TYPES = ("number", "string", "boolean", "gps", "blob")
DEVICE_CLASSES = (
    "standalone",
    "gateway",
    "peripheral",
    "floating",
    "edgeCompute",
    "system",
)
# How a composite state ``time`` is written: an ISO string (what Losant's REST API
# serialises a date to), a number of milliseconds, or MongoDB-style {"$date": iso}.
TIME_FORMATS = ("iso", "ms", "date")

# Error ``type`` per HTTP status (Losant's names; 403 is the simulator's choice for a
# token that lacks a scope or is bound to another application).
VALIDATION = "Validation"
UNAUTHORIZED = "Unauthorized"
FORBIDDEN = "Forbidden"
NOT_FOUND = "NotFound"
TOO_MANY_REQUESTS = "TooManyRequests"
SERVER_ERROR = "ServerError"
ERROR_STATUS = {
    VALIDATION: 400,
    UNAUTHORIZED: 401,
    FORBIDDEN: 403,
    NOT_FOUND: 404,
    TOO_MANY_REQUESTS: 429,
    SERVER_ERROR: 500,
}


def _scopes(*names: str) -> frozenset[str]:
    """Return an endpoint's accepted scopes."""
    return frozenset(names)


_READ: tuple[str, ...] = ("all.Application", "all.Application.read")
_READ += ("all.Organization", "all.Organization.read", "all.User", "all.User.read")
_WRITE = ("all.Application", "all.Organization", "all.User")
_DEVICE = ("all.Device", "all.Device.read")
# The documents' scope lists (Losant's for the Application and Device resources;
# wegnology-rest-js ``docs/events.md``, ``event.md``, ``flows.md`` and ``flow.md`` for
# events and workflows). An application token passes the all.Application check of
# APPLICATIONS_GET, but the handler refuses it (403, or 401 on the variant server):
# the collection is a user's, not an application's.
APPLICATIONS_GET = _scopes(*_READ, "applications.*", "applications.get")
APPLICATION_GET = _scopes(*_READ, *_DEVICE, "application.*", "application.get")
DEVICES_GET = _scopes(*_READ, *_DEVICE, "devices.*", "devices.get")
DEVICES_STATE = _scopes(*_READ, *_DEVICE, "devices.*", "devices.getCompositeState")
DEVICES_COMMAND = _scopes(*_WRITE, "all.Device", "devices.*", "devices.sendCommand")
DEVICE_GET = _scopes(*_READ, *_DEVICE, "device.*", "device.get")
DEVICE_STATE = _scopes(*_READ, *_DEVICE, "device.*", "device.getCompositeState")
DEVICE_COMMAND = _scopes(*_WRITE, "all.Device", "device.*", "device.sendCommand")
EVENTS_GET = _scopes(*_READ, "events.*", "events.get")
EVENTS_MOST_RECENT = _scopes(*_READ, "events.*", "events.mostRecentBySeverity")
EVENTS_POST = _scopes(*_WRITE, "events.*", "events.post")
EVENT_GET = _scopes(*_READ, "event.*", "event.get")
EVENT_PATCH = _scopes(*_WRITE, "event.*", "event.patch")
FLOWS_GET = _scopes(*_READ, "flows.*", "flows.get")
FLOW_PRESS = _scopes(*_WRITE, "flow.*", "flow.pressVirtualButton")

# Every endpoint's own scope (``resource.action``), for tokens limited to some of them.
ENDPOINT_SCOPES: tuple[str, ...] = (
    "application.get",
    "devices.get",
    "devices.getCompositeState",
    "devices.sendCommand",
    "device.get",
    "device.getCompositeState",
    "device.sendCommand",
    "events.get",
    "events.mostRecentBySeverity",
    "events.post",
    "event.get",
    "event.patch",
    "flows.get",
    "flow.pressVirtualButton",
)


def scopes_except(*denied: str) -> tuple[str, ...]:
    """Return every endpoint scope but the denied ones ("events." denies a prefix).

    A token made with the result may call every endpoint of the simulator except
    the denied ones, e.g. ``scopes_except("events.", "event.")`` reads devices and
    workflows but gets 403 on every events endpoint.
    """
    return tuple(
        scope
        for scope in ENDPOINT_SCOPES
        if not any(
            scope == name or (name.endswith(".") and scope.startswith(name))
            for name in denied
        )
    )


# Ready-made limited scopes (give them to ``WegnologySimulator.add_api_token``).
SCOPE_WITHOUT_EVENTS = scopes_except("events.", "event.")
SCOPE_WITHOUT_BUTTON_PRESS = scopes_except("flow.pressVirtualButton")


class WegnologyError(Exception):
    """An API error reply: ``{"type": ..., "message": ...}`` with its HTTP status."""

    def __init__(
        self, kind: str, message: str, *, headers: dict[str, str] | None = None
    ) -> None:
        """Make the error of kind (one of ERROR_STATUS) with message."""
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message
        self.status = ERROR_STATUS[kind]
        self.headers = headers or {}


def error_body(kind: str, message: str) -> dict[str, str]:
    """Return the JSON body of an error reply."""
    return {"type": kind, "message": message}


def now_ms() -> int:
    """Return the current time in milliseconds since the epoch."""
    return int(time.time() * 1000)


def iso(ms: int) -> str:
    """Return ms as Losant writes a date: ``2016-06-01T17:16:02.324Z``."""
    moment = datetime.fromtimestamp(ms // 1000, UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}Z"


def ms_from_iso(text: str) -> int:
    """Return the milliseconds of an ISO date (ValueError if it is none)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def object_id(seed: str, created_ms: int) -> str:
    """Return a deterministic 24-hex id shaped like a MongoDB ObjectId.

    Like a real ObjectId it starts with the creation time in seconds (8 hex digits);
    the other 16 digits come from seed.
    """
    digest = hashlib.md5(seed.encode(), usedforsecurity=False).hexdigest()
    return f"{created_ms // 1000:08x}{digest[:16]}"


def etag(document: Any) -> str:
    """Return an ``_etag`` shaped like the document's example."""
    # <length in hex>-<first 22 characters of the base64 MD5 of the body>
    body = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    digest = base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest())
    return f'"{len(body):x}-{digest.decode()[:22]}"'


def served_time(ms: int, time_format: str) -> Any:
    """Return a state time in one of TIME_FORMATS."""
    if time_format == "ms":
        return ms
    if time_format == "date":
        return {"$date": iso(ms)}
    return iso(ms)


@dataclass(frozen=True, slots=True)
class Attribute:
    """A device attribute definition: its name and dataType."""

    name: str
    data_type: str = "number"

    def __post_init__(self) -> None:
        """Refuse a dataType Losant does not have."""
        if self.data_type not in DATA_TYPES:
            raise ValueError(f"Unknown dataType {self.data_type!r}")

    def to_json(self) -> dict[str, str]:
        """Return the attribute as the API lists it."""
        return {"name": self.name, "dataType": self.data_type}


@dataclass(frozen=True, slots=True)
class Tag:
    """A device tag (keys may repeat on one device, as in Losant)."""

    key: str
    value: str

    def matches(self, key: str | None, value: str | None) -> bool:
        """Return whether this tag has key (if given) and value (if given)."""
        return (key is None or self.key == key) and (
            value is None or self.value == value
        )


@dataclass(slots=True)
class Reported:
    """The last value reported for one attribute and when (ms)."""

    value: Any
    time: int


@dataclass(frozen=True, slots=True)
class RelayFirmware:
    """What a relay's firmware does with a command: which attribute it reports back.

    ``on``/``off`` take no payload; ``set`` takes ``{payload_key: true|false}``. Any
    other command, or a ``set`` without a boolean, is ignored (firmware does not
    answer commands it does not understand).
    """

    attribute: str = "relay"
    on: str = "relayOn"
    off: str = "relayOff"
    set: str = "setRelay"
    payload_key: str = "state"

    def react(self, name: str, payload: Any) -> dict[str, Any] | None:
        """Return the state the firmware reports after command name (None: ignored)."""
        if name == self.on:
            return {self.attribute: True}
        if name == self.off:
            return {self.attribute: False}
        if (
            name == self.set
            and isinstance(payload, dict)
            and isinstance(payload.get(self.payload_key), bool)
        ):
            return {self.attribute: payload[self.payload_key]}
        return None


# Device classes that never connect themselves (a workflow or an edge agent reports
# for them): they have neither connectedAt nor disconnectedAt.
NEVER_CONNECTING = ("system", "floating")


@dataclass(eq=False)
class Device:
    """A device of an application, with its definition and its last reported state.

    ``connection_time`` is when ``connected`` last changed (``connectionInfo.time``);
    ``connected_at``/``disconnected_at`` are when the device last connected and last
    disconnected (None: never, or not known), what the advanced query's
    ``connectedAt``/``disconnectedAt`` filter on. When none is given, a connected
    device connected at ``connection_time`` and a disconnected one disconnected then.
    """

    id: str
    name: str
    device_class: str = "standalone"
    description: str = ""
    tags: list[Tag] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)
    parent_id: str | None = None
    connected: bool = True
    connection_time: int = 0
    connected_at: int | None = None
    disconnected_at: int | None = None
    creation_date: int = 0
    last_updated: int = 0
    state: dict[str, Reported] = field(default_factory=dict)
    time_format: str | None = None  # None: the simulator's time_format
    firmware: RelayFirmware | None = None
    application_id: str = ""

    def __post_init__(self) -> None:
        """Refuse a device class Losant does not have; fill in missing times."""
        if self.device_class not in DEVICE_CLASSES:
            raise ValueError(f"Unknown deviceClass {self.device_class!r}")
        if self.time_format is not None and self.time_format not in TIME_FORMATS:
            raise ValueError(f"Unknown time format {self.time_format!r}")
        now = now_ms()
        self.creation_date = self.creation_date or now
        self.last_updated = self.last_updated or self.creation_date
        self.connection_time = self.connection_time or self.last_updated
        never_set = self.connected_at is None and self.disconnected_at is None
        if never_set and self.device_class not in NEVER_CONNECTING:
            if self.connected:
                self.connected_at = self.connection_time
            else:
                self.disconnected_at = self.connection_time

    @property
    def connection_status(self) -> str:
        """Return "connected" or "disconnected" (Losant's connection status values)."""
        return "connected" if self.connected else "disconnected"

    def set_connection(self, connected: bool, at: int | None = None) -> None:
        """Connect or disconnect the device at (ms; default now)."""
        at = now_ms() if at is None else at
        self.connected = connected
        self.connection_time = at
        if connected:
            self.connected_at = at
        else:
            self.disconnected_at = at

    def attribute(self, name: str) -> Attribute:
        """Return the attribute definition called name (KeyError otherwise)."""
        for attribute in self.attributes:
            if attribute.name == name:
                return attribute
        raise KeyError(name)

    def report(self, values: dict[str, Any], at: int | None = None) -> None:
        """Store values as the device reports them (attributes must be defined)."""
        at = now_ms() if at is None else at
        for name, value in values.items():
            self.attribute(name)
            self.state[name] = Reported(value, at)
        self.last_updated = max(self.last_updated, at)


@dataclass(eq=False)
class Application:
    """An application: its devices, events and workflows by id."""

    id: str
    name: str
    owner_id: str
    description: str = ""
    creation_date: int = 0
    last_updated: int = 0
    devices: dict[str, Device] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    flows: dict[str, Workflow] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Fill in missing times and tie devices, events and flows to this app."""
        self.creation_date = self.creation_date or now_ms()
        self.last_updated = self.last_updated or self.creation_date
        for device in self.devices.values():
            device.application_id = self.id
        for event in self.events.values():
            event.application_id = self.id
        for flow in self.flows.values():
            flow.application_id = self.id


@dataclass(eq=False)
class User:
    """A WEGnology user who logs in with email and password."""

    id: str
    email: str
    password: str
    first_name: str = ""
    last_name: str = ""


@dataclass(eq=False)
class ApiToken:
    """An API token as made in the web UI: no expiry, scoped to an application or user.

    ``application_id`` set: an application token (default scope ``all.Application``),
    valid for that application only. None: a user API token (default ``all.User``).
    A token whose ``status`` is not "active" is refused like a revoked one.
    """

    token: str
    user_id: str
    application_id: str | None = None
    scope: tuple[str, ...] = ()
    name: str = "API token"
    status: str = "active"
    id: str = ""

    def __post_init__(self) -> None:
        """Give the token its default scope and an id (events name it as source)."""
        if not self.scope:
            self.scope = ("all.Application",) if self.application_id else ("all.User",)
        self.id = self.id or object_id(
            f"apiToken:{self.user_id}:{self.application_id}:{self.name}", 0
        )


@dataclass(eq=False)
class UserToken:
    """A token issued by POST /auth/user; it expires at expires_at (seconds)."""

    token: str
    user_id: str
    expires_at: float
    scope: tuple[str, ...] = ("all.User",)


@dataclass(eq=False)
class WegnologyData:
    """Everything a WEGnology cloud holds: users, applications, pre-made API tokens."""

    users: list[User]
    applications: list[Application]
    api_tokens: list[ApiToken] = field(default_factory=list)
