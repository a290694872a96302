"""WEGnology events (an application's alerts): the model, its JSON and its rules.

The shapes are Losant's (``event.json``, ``eventPost.json``, ``eventPatch.json``,
``events.json``, ``eventPlusNewCount.json`` and ``advancedEventQuery.json`` of
losant-rest-js / wegnology-rest-js; ``wegnology-events-and-workflows.md``). Where
they are silent, the choices are:

- An event is served with ``id``/``eventId``, ``applicationId``, ``creationDate``,
  ``lastUpdated``, ``sourceType`` (``sourceId``/``sourceName`` when known),
  ``level``, ``state``, ``subject`` and ``updates``; ``message``, ``data``,
  ``deviceId``/``deviceName`` and ``eventTags`` only when the event has them (as a
  stored document leaves unset fields out; the schema's example has none of them).
- ``level`` sorts by severity (info < warning < error < critical) and ``state`` in
  its documented order (new < acknowledged < resolved), not alphabetically.
- Creating an event adds no update. A PATCH adds one update (when its body is not
  empty) holding its ``comment`` and ``data``, the event's state after it, and a
  ``stateChange``/``levelChange``/``subjectChange``/``deviceIdChange``/``tagsChange``
  for what it changed (``{old, new}``). Updates are kept oldest first, at most 100
  (the schema's ``maxItems``): the oldest are dropped. A PATCH's ``data`` goes to the
  update, not to the event's own ``data``; its ``eventTags`` replace the event's.
- A ``deviceId`` must name a device of the application (400 otherwise); the event
  then carries that device's name as ``deviceName``.
- The list's ``query`` (the Advanced Event Query) covers ``id``, ``creationDate``,
  ``lastUpdated``, ``sourceId``, ``sourceType``, ``level``, ``state``, ``subject``
  and ``deviceId`` with the operators and time rules of the device query (see
  ``wegnology_query``); ``eventTags`` and the experience fields are a 400. There
  ``level`` and ``state`` compare as text, as stored strings would.
- Most Recent by Severity: Losant documents it as "the first new event ordered by
  severity and then creation" — among the *new* events (``states``), the highest
  level, newest first — with ``newCount``, the number of new events; ``filter`` (a
  glob on the subject) and ``query`` narrow both. With no such event the reply is
  ``{"newCount": n}`` without ``event``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import re
from typing import TYPE_CHECKING, Any

from .wegnology_model import iso, ms_from_iso, now_ms, object_id
from .wegnology_query import QueryField, glob, invalid, matches_query, parse_query

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from .wegnology_model import Application

LEVELS = ("info", "warning", "error", "critical")  # by severity
EVENT_STATES = ("new", "acknowledged", "resolved")
SOURCE_TYPES = ("flow", "user", "device", "apiToken", "experienceUser", "public")
POST_KEYS = {
    "level",
    "state",
    "subject",
    "message",
    "data",
    "deviceId",
    "eventTags",
    "creationDate",
    "disableTagChangeTracking",
}
PATCH_KEYS = {"state", "level", "subject", "deviceId", "comment", "data", "eventTags"}
_MAX_UPDATES = 100
_OBJECT_ID = re.compile(r"^[A-Fa-f\d]{24}$")
_TAG_KEY = re.compile(r"^[0-9a-zA-Z_-]{1,255}$")

EVENT_SORT_FIELDS: dict[str, Any] = {
    "creationDate": lambda e: e.creation_date,
    "subject": lambda e: e.subject.lower(),
    "id": lambda e: e.id,
    "lastUpdated": lambda e: e.last_updated,
    "level": lambda e: LEVELS.index(e.level),
    "state": lambda e: EVENT_STATES.index(e.state),
    "deviceId": lambda e: e.device_id or "",
}
EVENT_QUERY_FIELDS: dict[str, QueryField] = {
    "id": QueryField(lambda e: e.id),
    "creationDate": QueryField(lambda e: e.creation_date, time=True),
    "lastUpdated": QueryField(lambda e: e.last_updated, time=True),
    "sourceId": QueryField(lambda e: e.source.id),
    "sourceType": QueryField(lambda e: e.source.type),
    "level": QueryField(lambda e: e.level),
    "state": QueryField(lambda e: e.state),
    "subject": QueryField(lambda e: e.subject),
    "deviceId": QueryField(lambda e: e.device_id),
}


class _Absent:
    """The value of a field an event does not have (``data`` may be null)."""

    def __repr__(self) -> str:
        """Return a readable name."""
        return "ABSENT"


ABSENT: Any = _Absent()


@dataclass(frozen=True, slots=True)
class Source:
    """Who raised or changed an event: a workflow, a user, an API token…."""

    type: str
    id: str | None = None
    name: str | None = None

    def to_json(self) -> dict[str, str]:
        """Return sourceType, sourceId and sourceName (those known)."""
        document = {"sourceType": self.type}
        if self.id is not None:
            document["sourceId"] = self.id
        if self.name is not None:
            document["sourceName"] = self.name
        return document


WORKFLOW = Source("flow")  # a workflow whose id does not matter
PUBLIC = Source("public")  # nobody known


@dataclass(slots=True)
class EventUpdate:
    """One change of an event: who, when, the state after it, comment and changes."""

    source: Source
    creation_date: int
    state: str
    comment: str | None = None
    data: Any = ABSENT
    changes: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return the update as the API lists it."""
        document: dict[str, Any] = {
            **self.source.to_json(),
            "creationDate": iso(self.creation_date),
            "state": self.state,
        }
        if self.comment is not None:
            document["comment"] = self.comment
        if self.data is not ABSENT:
            document["data"] = self.data
        document.update(self.changes)
        return document


@dataclass(eq=False)
class Event:
    """An event of an application."""

    id: str
    level: str
    subject: str
    state: str = "new"
    message: str | None = None
    data: Any = ABSENT
    device_id: str | None = None
    device_name: str | None = None
    event_tags: dict[str, str] = field(default_factory=dict)
    source: Source = WORKFLOW
    creation_date: int = 0
    last_updated: int = 0
    updates: list[EventUpdate] = field(default_factory=list)
    application_id: str = ""

    def __post_init__(self) -> None:
        """Refuse a level or state Losant does not have; fill in missing times."""
        if self.level not in LEVELS:
            raise ValueError(f"Unknown level {self.level!r}")
        if self.state not in EVENT_STATES:
            raise ValueError(f"Unknown state {self.state!r}")
        self.creation_date = self.creation_date or now_ms()
        self.last_updated = self.last_updated or self.creation_date

    def to_json(self) -> dict[str, Any]:
        """Return the event as the API serves it."""
        document: dict[str, Any] = {
            "id": self.id,
            "eventId": self.id,
            "applicationId": self.application_id,
            "creationDate": iso(self.creation_date),
            "lastUpdated": iso(self.last_updated),
            **self.source.to_json(),
            "level": self.level,
            "state": self.state,
            "subject": self.subject,
        }
        if self.message is not None:
            document["message"] = self.message
        if self.data is not ABSENT:
            document["data"] = self.data
        if self.device_id is not None:
            document["deviceId"] = self.device_id
            if self.device_name is not None:
                document["deviceName"] = self.device_name
        if self.event_tags:
            document["eventTags"] = dict(self.event_tags)
        document["updates"] = [update.to_json() for update in self.updates]
        return document

    def change(
        self,
        source: Source,
        *,
        at: int | None = None,
        comment: str | None = None,
        data: Any = ABSENT,
        **changes: Any,
    ) -> EventUpdate:
        """Apply changes (state, level, subject, device, tags) and record the update.

        ``changes`` takes ``state``, ``level``, ``subject``, ``device`` ((id, name) or
        None) and ``event_tags``; only those given are changed.
        """
        at = now_ms() if at is None else at
        recorded: dict[str, Any] = {}
        for key, attribute in (("state", "state"), ("level", "level")):
            if key in changes and changes[key] != getattr(self, attribute):
                recorded[f"{key}Change"] = {
                    "old": getattr(self, attribute),
                    "new": changes[key],
                }
                setattr(self, attribute, changes[key])
        if "subject" in changes and changes["subject"] != self.subject:
            recorded["subjectChange"] = {"old": self.subject, "new": changes["subject"]}
            self.subject = changes["subject"]
        if "device" in changes:
            self._change_device(changes["device"], recorded)
        if "event_tags" in changes:
            self._change_tags(changes["event_tags"], recorded)
        update = EventUpdate(source, at, self.state, comment, data, recorded)
        self.updates = [*self.updates, update][-_MAX_UPDATES:]
        self.last_updated = max(self.last_updated, at)
        return update

    def _change_device(
        self, device: tuple[str, str] | None, recorded: dict[str, Any]
    ) -> None:
        """Link the event to another device (None: to none) and record it."""
        new_id, new_name = device if device is not None else (None, None)
        if new_id == self.device_id:
            return
        pairs = (
            ("old", self.device_id),
            ("oldDeviceName", self.device_name),
            ("new", new_id),
            ("newDeviceName", new_name),
        )
        recorded["deviceIdChange"] = {k: v for k, v in pairs if v is not None}
        self.device_id, self.device_name = new_id, new_name

    def _change_tags(self, tags: dict[str, str], recorded: dict[str, Any]) -> None:
        """Replace the event's tags and record each key that changed."""
        change: dict[str, dict[str, str]] = {}
        for key in sorted(set(self.event_tags) | set(tags)):
            old, new = self.event_tags.get(key), tags.get(key)
            if old != new:
                change[key] = {
                    k: v for k, v in (("old", old), ("new", new)) if v is not None
                }
        if change:
            recorded["tagsChange"] = change
        self.event_tags = dict(tags)


def new_event_id(app: Application, at: int) -> str:
    """Return the ObjectId-shaped id of the application's next event."""
    return object_id(f"event:{app.id}:{len(app.events)}:{at}", at)


def raise_event(
    app: Application,
    level: str,
    subject: str,
    *,
    source: Source,
    state: str = "new",
    message: str | None = None,
    data: Any = ABSENT,
    device_id: str | None = None,
    event_tags: Mapping[str, str] | None = None,
    at: int | None = None,
) -> Event:
    """Create an event in app (its device must be one of app's) and return it."""
    at = now_ms() if at is None else at
    device_name = None
    if device_id is not None:
        device = app.devices.get(device_id)
        if device is None:
            raise invalid(f"{device_id} is not a valid deviceId")
        device_name = device.name
    event = Event(
        id=new_event_id(app, at),
        level=level,
        subject=subject,
        state=state,
        message=message,
        data=data,
        device_id=device_id,
        device_name=device_name,
        event_tags=dict(event_tags or {}),
        source=source,
        creation_date=at,
        application_id=app.id,
    )
    app.events[event.id] = event
    return event


def _check_text(body: Mapping[str, Any], name: str, low: int, high: int) -> None:
    """Refuse body[name] unless it is a string of low..high characters (400)."""
    value = body[name]
    if not isinstance(value, str) or not low <= len(value) <= high:
        raise invalid(f"{name} must be a string of {low} to {high} characters")


def _check_choice(body: Mapping[str, Any], name: str, choices: Iterable[str]) -> None:
    """Refuse body[name] unless it is one of choices (400)."""
    if body[name] not in tuple(choices):
        raise invalid(f"{name} must be one of {', '.join(choices)}")


def _check_tags(tags: Any) -> None:
    """Refuse eventTags that are not {key: value} with Losant's key pattern (400)."""
    if not isinstance(tags, dict) or not all(
        _TAG_KEY.match(key) and isinstance(value, str) and 1 <= len(value) <= 255
        for key, value in tags.items()
    ):
        raise invalid("eventTags must map tag keys to strings of 1 to 255 characters")


def _check_device_id(value: Any, *, nullable: bool) -> None:
    """Refuse a deviceId that is not an ObjectId (or null where allowed) (400)."""
    if value is None and nullable:
        return
    if not isinstance(value, str) or not _OBJECT_ID.match(value):
        raise invalid("deviceId must be a device id")


def check_event_post(body: Any) -> dict[str, Any]:
    """Validate an Event Post body; return it (400 if it breaks the schema)."""
    if not isinstance(body, dict):
        raise invalid("The body must be a JSON object")
    if unknown := sorted(set(body) - POST_KEYS):
        raise invalid(f"Unknown field {unknown[0]}")
    for name in ("level", "subject"):
        if name not in body:
            raise invalid(f"{name} is required")
    _check_choice(body, "level", LEVELS)
    _check_text(body, "subject", 1, 255)
    if "state" in body:
        _check_choice(body, "state", EVENT_STATES)
    if "message" in body:
        _check_text(body, "message", 0, 32767)
    if "deviceId" in body:
        _check_device_id(body["deviceId"], nullable=False)
    if "eventTags" in body:
        _check_tags(body["eventTags"])
    if "creationDate" in body:
        try:
            post_time(body["creationDate"])
        except KeyError, TypeError, ValueError:
            raise invalid("creationDate must be a date") from None
    if not isinstance(body.get("disableTagChangeTracking", False), bool):
        raise invalid("disableTagChangeTracking must be true or false")
    return body


def post_time(value: Any) -> int | None:
    """Return an Event Post creationDate in ms: an ISO date, ms or {"$date": iso}.

    None gives None (now); anything else raises KeyError, TypeError or ValueError.
    """
    if value is None:
        return None
    if isinstance(value, dict):
        if set(value) != {"$date"} or not isinstance(value["$date"], str):
            raise KeyError("$date")
        value = value["$date"]
    if isinstance(value, bool):
        raise TypeError(value)
    if isinstance(value, int | float):
        return int(value)
    if not isinstance(value, str):
        raise TypeError(value)
    return ms_from_iso(value)


def check_event_patch(body: Any) -> dict[str, Any]:
    """Validate an Event Patch body; return it (400 if it breaks the schema)."""
    if not isinstance(body, dict):
        raise invalid("The body must be a JSON object")
    if unknown := sorted(set(body) - PATCH_KEYS):
        raise invalid(f"Unknown field {unknown[0]}")
    if "state" in body:
        _check_choice(body, "state", EVENT_STATES)
    if "level" in body:
        _check_choice(body, "level", LEVELS)
    if "subject" in body:
        _check_text(body, "subject", 1, 255)
    if "comment" in body:
        _check_text(body, "comment", 0, 32767)
    if "deviceId" in body:
        _check_device_id(body["deviceId"], nullable=True)
    if "eventTags" in body:
        _check_tags(body["eventTags"])
    return body


def patch_event(
    app: Application, event: Event, body: dict[str, Any], source: Source
) -> None:
    """Apply a checked Event Patch body to event (an empty body changes nothing)."""
    if not body:
        return
    changes: dict[str, Any] = {
        key: body[key] for key in ("state", "level", "subject") if key in body
    }
    if "deviceId" in body:
        device_id = body["deviceId"]
        if device_id is None:
            changes["device"] = None
        elif (device := app.devices.get(device_id)) is None:
            raise invalid(f"{device_id} is not a valid deviceId")
        else:
            changes["device"] = (device.id, device.name)
    if "eventTags" in body:
        changes["event_tags"] = body["eventTags"]
    event.change(
        source,
        comment=body.get("comment"),
        data=body.get("data", ABSENT),
        **changes,
    )


def subject_filter(pattern: str | None) -> Callable[[Event], bool]:
    """Return a predicate on events for a subject glob (None or "": every event)."""
    if not pattern:
        return lambda _event: True
    return lambda event: glob(pattern, event.subject)


def most_recent_by_severity(
    events: Iterable[Event], states: Iterable[str] = ("new",)
) -> dict[str, Any]:
    """Return ``{event?, newCount}``: the worst, newest event in states, new count."""
    matching = list(events)
    wanted = tuple(states)
    candidates = [event for event in matching if event.state in wanted]
    reply: dict[str, Any] = {}
    if candidates:
        worst = max(
            candidates,
            key=lambda e: (LEVELS.index(e.level), e.creation_date, e.id),
        )
        reply["event"] = worst.to_json()
    reply["newCount"] = sum(1 for event in matching if event.state == "new")
    return reply


def event_filter(query: Mapping[str, str]) -> Callable[[Event], bool]:
    """Return the event predicate of an Events Get query string (400 if bad).

    ``query`` overrides ``filterField``/``filter`` and ``state``, as documented.
    """
    advanced = parse_query(query.get("query"), EVENT_QUERY_FIELDS)
    if advanced is not None:
        return lambda event: matches_query(event, advanced, EVENT_QUERY_FIELDS)
    field_name, pattern = query.get("filterField"), query.get("filter")
    if field_name not in (None, "", "subject"):
        raise invalid("filterField must be subject")
    state = query.get("state") or None
    if state is not None and state not in EVENT_STATES:
        raise invalid(f"state must be one of {', '.join(EVENT_STATES)}")
    by_subject = subject_filter(pattern if field_name else None)
    return lambda event: by_subject(event) and (state is None or event.state == state)


def most_recent_filter(query: Mapping[str, str]) -> Callable[[Event], bool]:
    """Return the event predicate of a Most Recent by Severity query string (400).

    ``filter`` is a glob on the subject (no filterField here); ``query`` overrides it.
    """
    advanced = parse_query(query.get("query"), EVENT_QUERY_FIELDS)
    if advanced is not None:
        return lambda event: matches_query(event, advanced, EVENT_QUERY_FIELDS)
    return subject_filter(query.get("filter"))
