"""WEGnology workflows (Losant's "flows"), their virtual buttons and what they do.

The shapes are Losant's (``flow.json``, ``flows.json``, ``virtualButtonPress.json``,
``flowTriggerFilter.json`` and ``apiInfo.json`` of losant-rest-js / wegnology-rest-js;
Losant's "Virtual Button Trigger" page). A virtual button is a trigger
``{key, type: "virtualButton", config: {}, meta: {category: "trigger", name:
"virtualButton", label?, payload?}, outputIds}``: its label lives in ``meta.label``
and the payload configured on it (JSON text) in ``meta.payload``; its key looks like
``<flowId>-<short id>``. Where the documents are silent, the choices are:

- A workflow is served with ``id``/``flowId``, ``applicationId``, ``creationDate``,
  ``lastUpdated``, ``name``, ``description``, ``enabled``, ``flowClass``,
  ``triggers``, ``nodes`` (always empty: the simulator runs Python, not nodes),
  ``globals`` (empty) and ``stats`` (``runCount``, ``errorCount``).
- The list filters on ``flowClass`` (default ``cloud``, as documented),
  ``filterField=name`` + ``filter`` (glob), ``triggerFilter`` (a workflow matches
  when any trigger has the type and key of any pair) or ``query`` (the Advanced
  Workflow Query over ``id``, ``name``, ``creationDate``, ``lastUpdated``,
  ``flowClass`` and ``enabled``; it overrides the other filters).
- Pressing (``POST …/flows/{flowId}/virtualButton``): the body is validated against
  the schema first (400), then an unknown workflow is a 404 "Flow was not found", a
  key that is none of the workflow's virtual buttons a 400, and a disabled workflow
  a 400 (its triggers do not fire). Otherwise the press is recorded, the workflow's
  effect runs at once (before the reply) and the reply is ``{"success": true}``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import re
from typing import TYPE_CHECKING, Any

from .wegnology_events import Source
from .wegnology_model import WegnologyError, iso, now_ms
from .wegnology_query import (
    QueryField,
    glob,
    indexed,
    invalid,
    matches_query,
    parse_query,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .wegnology_model import Application

FLOW_CLASSES = ("cloud", "edge", "embedded", "experience", "customNode")
VIRTUAL_BUTTON = "virtualButton"
PRESS_KEYS = {"key", "payload", "meta", "flowVersion", "deviceId", "deploymentId"}
_OBJECT_ID = re.compile(r"^[A-Fa-f\d]{24}$")

FLOW_SORT_FIELDS: dict[str, Callable[[Workflow], Any]] = {
    "name": lambda f: f.name.lower(),
    "id": lambda f: f.id,
    "creationDate": lambda f: f.creation_date,
    "lastUpdated": lambda f: f.last_updated,
}
FLOW_QUERY_FIELDS: dict[str, QueryField] = {
    "id": QueryField(lambda f: f.id),
    "name": QueryField(lambda f: f.name),
    "creationDate": QueryField(lambda f: f.creation_date, time=True),
    "lastUpdated": QueryField(lambda f: f.last_updated, time=True),
    "flowClass": QueryField(lambda f: f.flow_class),
    "enabled": QueryField(lambda f: f.enabled),
}


@dataclass(frozen=True, slots=True)
class Trigger:
    """A workflow trigger; a virtual button has a key, a label and maybe a payload."""

    type: str
    key: str | None = None
    label: str | None = None
    payload: str | None = None  # a virtual button's configured payload (JSON text)
    config: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return the trigger as the API lists it."""
        meta: dict[str, Any] = {"category": "trigger", "name": self.type}
        if self.label is not None:
            meta["label"] = self.label
        if self.payload is not None:
            meta["payload"] = self.payload
        document: dict[str, Any] = {} if self.key is None else {"key": self.key}
        document.update({"type": self.type, "config": dict(self.config), "meta": meta})
        document["outputIds"] = [[]]
        return document


def virtual_button(
    key: str, label: str | None = None, payload: str | None = None
) -> Trigger:
    """Return a virtual button trigger."""
    return Trigger(VIRTUAL_BUTTON, key, label, payload)


@dataclass(frozen=True, slots=True)
class ButtonPress:
    """One accepted press of a virtual button, as the simulator records it."""

    application_id: str
    flow_id: str
    key: str
    payload: Any
    device_id: str | None
    source: Source
    time: int


type Effect = Callable[[Application, Workflow, ButtonPress], None]


@dataclass(eq=False)
class Workflow:
    """A workflow: its triggers and what it does when a virtual button fires it."""

    id: str
    name: str
    description: str = ""
    enabled: bool = True
    flow_class: str = "cloud"
    triggers: list[Trigger] = field(default_factory=list)
    effect: Effect | None = None
    creation_date: int = 0
    last_updated: int = 0
    run_count: int = 0
    application_id: str = ""

    def __post_init__(self) -> None:
        """Refuse a flow class Losant does not have; fill in missing times."""
        if self.flow_class not in FLOW_CLASSES:
            raise ValueError(f"Unknown flowClass {self.flow_class!r}")
        self.creation_date = self.creation_date or now_ms()
        self.last_updated = self.last_updated or self.creation_date

    def button(self, key: str) -> Trigger | None:
        """Return the virtual button with key (None: the workflow has none)."""
        return next(
            (t for t in self.triggers if t.type == VIRTUAL_BUTTON and t.key == key),
            None,
        )

    def to_json(self) -> dict[str, Any]:
        """Return the workflow as the API lists it."""
        return {
            "id": self.id,
            "flowId": self.id,
            "applicationId": self.application_id,
            "creationDate": iso(self.creation_date),
            "lastUpdated": iso(self.last_updated),
            "name": self.name,
            "description": self.description,
            "enabled": self.enabled,
            "flowClass": self.flow_class,
            "triggers": [trigger.to_json() for trigger in self.triggers],
            "nodes": [],
            "globals": [],
            "stats": {"runCount": self.run_count, "errorCount": 0},
        }


def flow_filter(query: Mapping[str, str]) -> Callable[[Workflow], bool]:
    """Return the workflow predicate of a Workflows Get query string (400 if bad)."""
    advanced = parse_query(query.get("query"), FLOW_QUERY_FIELDS)
    if advanced is not None:  # overrides every other filter, as documented
        return lambda flow: matches_query(flow, advanced, FLOW_QUERY_FIELDS)
    field_name, pattern = query.get("filterField"), query.get("filter")
    if field_name not in (None, "", "name"):
        raise invalid("filterField must be name")
    if not field_name:
        pattern = None
    flow_class = query.get("flowClass") or "cloud"
    if flow_class not in FLOW_CLASSES:
        raise invalid(f"flowClass must be one of {', '.join(FLOW_CLASSES)}")
    pairs = indexed(query.items(), "triggerFilter")
    if any(not isinstance(pair, dict) or not pair for pair in pairs):
        raise invalid("triggerFilter takes triggerFilter[i][type] / [key]")

    def keep(flow: Workflow) -> bool:
        """Return whether flow passes every given filter."""
        return (
            flow.flow_class == flow_class
            and (not pattern or glob(pattern, flow.name))
            and (
                not pairs
                or any(
                    all(getattr(trigger, k, None) == v for k, v in pair.items())
                    for pair in pairs
                    for trigger in flow.triggers
                )
            )
        )

    return keep


def check_press(body: Any) -> dict[str, Any]:
    """Validate a Virtual Button Press body; return it (400 if it breaks the schema)."""
    if not isinstance(body, dict):
        raise invalid("The body must be a JSON object")
    if unknown := sorted(set(body) - PRESS_KEYS):
        raise invalid(f"Unknown field {unknown[0]}")
    if not isinstance(body.get("key"), str):
        raise invalid("key is required (a string)")
    version = body.get("flowVersion", "develop")
    if not isinstance(version, str) or not 1 <= len(version) <= 255:
        raise invalid("flowVersion must be a string of 1 to 255 characters")
    for name in ("deviceId", "deploymentId"):
        if name in body and (
            not isinstance(body[name], str) or not _OBJECT_ID.match(body[name])
        ):
            raise invalid(f"{name} must be an id")
    return body


def find_flow(app: Application, flow_id: str) -> Workflow:
    """Return a workflow of app (404 otherwise)."""
    flow = app.flows.get(flow_id)
    if flow is None:
        raise WegnologyError("NotFound", "Flow was not found")
    return flow


def press_button(
    app: Application,
    flow: Workflow,
    body: dict[str, Any],
    source: Source,
    at: int | None = None,
) -> ButtonPress:
    """Press a checked button of flow: run its effect and return the press (400)."""
    key = body["key"]
    if flow.button(key) is None:
        raise invalid(f"{key} is not a virtual button of this workflow")
    if not flow.enabled:
        raise invalid("The workflow is disabled")
    press = ButtonPress(
        app.id,
        flow.id,
        key,
        body.get("payload"),
        body.get("deviceId"),
        source,
        now_ms() if at is None else at,
    )
    flow.run_count += 1
    if flow.effect is not None:
        flow.effect(app, flow, press)
    return press


# --- effects: what the simulated workflows do ---------------------------------------


def acknowledge_events(
    comment: str, *, device_id: str | None = None, subject: str | None = None
) -> Effect:
    """Return an effect that acknowledges the new events of a device and/or subject.

    ``subject`` is a glob. The workflow is the update's source, as a Losant
    "Event: Update" node acting for it would be.
    """

    def effect(app: Application, flow: Workflow, press: ButtonPress) -> None:
        """Acknowledge every new event that matches."""
        for event in app.events.values():
            if (
                event.state == "new"
                and (device_id is None or event.device_id == device_id)
                and (subject is None or glob(subject, event.subject))
            ):
                event.change(
                    Source("flow", flow.id, flow.name),
                    at=press.time,
                    comment=comment,
                    state="acknowledged",
                )

    return effect


def report_state(device_id: str, values: dict[str, Any]) -> Effect:
    """Return an effect that reports values as the device's state (Device State)."""

    def effect(app: Application, _flow: Workflow, press: ButtonPress) -> None:
        """Report the values for the device."""
        app.devices[device_id].report(values, press.time)

    return effect
