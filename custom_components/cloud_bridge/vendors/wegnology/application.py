"""The application as a device: its alerts and workflow buttons, and their commands.

Each device of the application gets one point from here too: its open alert.
"""

from collections.abc import Callable
from typing import Any

from ...errors import CloudInvalidValueError
from ...model import (
    BinarySensorSpec,
    Command,
    Device,
    EventSpec,
    Occurrence,
    Point,
    SensorSpec,
)
from .alerts import ALERT_LEVELS, AlertMemory, Alerts, EventStateChange
from .calls import ApplicationApi
from .models import EVENT_LEVELS, Event, query_time
from .workflows import WorkflowButtons

MANUFACTURER = "WEGnology"
APPLICATION_MODEL = "Application"
# The application's own points, and each device's open alert.
ALERTS = "$alerts"
NEW_ALERTS = "$new_alerts"
ALERT_LEVEL = "$alert_level"
OPEN_ALERT = "$open_alert"
_ALERT_EVENT = EventSpec(translation_key="alert", event_types=EVENT_LEVELS)
_NEW_ALERTS = SensorSpec(translation_key="new_alerts", state_class="measurement")
_ALERT_LEVEL = SensorSpec(
    translation_key="alert_level", device_class="enum", options=ALERT_LEVELS
)
# An offline device's alert (it went offline, say) stays shown. One per device:
# the first to start disabled in an application too large for the entity limit.
_OPEN_ALERT = BinarySensorSpec(
    translation_key="open_alert",
    device_class="problem",
    survives_offline=True,
    optional=True,
)


class ApplicationDevice:
    """The application's alerts and workflow buttons, read and shown as a device."""

    def __init__(self, api: ApplicationApi, name: str, memory: AlertMemory) -> None:
        """Read the application's events and workflows; it is named name.

        ``memory`` keeps which alerts fired across restarts.
        """
        self._application_id = api.application_id
        self._name = name
        self._alerts = Alerts(api, memory)
        self._buttons = WorkflowButtons(api)
        self._open_alerts: frozenset[str] = frozenset()

    async def poll(self, *, topology_due: bool) -> None:
        """Read the alerts; the workflow buttons with the topology, or when stale."""
        # A device gone (stale) re-reads the devices, not the rest of the topology.
        await self._alerts.poll(full=topology_due)
        if topology_due or self._buttons.stale:
            await self._buttons.read()
        self._open_alerts = self._alerts.devices_with_open_alerts

    def open_alert(self, device_id: str) -> Point | None:
        """Return a device's open-alert point; None while events cannot be read."""
        if not self._alerts.readable:
            return None
        return Point(
            key=OPEN_ALERT, spec=_OPEN_ALERT, value=device_id in self._open_alerts
        )

    def device(self, device_key: Callable[[str], str | None]) -> Device | None:
        """Return the application as a device: its alerts and workflow buttons.

        ``device_key`` gives a known device's key by its id (None: not known).
        None while it has neither (a token that may read neither).
        """
        points: list[Point] = []
        if self._alerts.readable:
            fresh = self._alerts.take_fresh()
            points += [
                Point(key=NEW_ALERTS, spec=_NEW_ALERTS, value=self._alerts.new_count),
                Point(
                    key=ALERT_LEVEL, spec=_ALERT_LEVEL, value=self._alerts.worst_level
                ),
                Point(
                    key=ALERTS,
                    spec=_ALERT_EVENT,
                    value=tuple(_occurrence(event, device_key) for event in fresh),
                ),
            ]
        points += self._buttons.points()
        if not points:
            return None
        return Device(
            key=self._application_id,
            name=self._name,
            manufacturer=MANUFACTURER,
            model=APPLICATION_MODEL,
            service=True,
            points={point.key: point for point in points},
        )

    async def execute(self, command: Command) -> None:
        """Move an event, or press a workflow button."""
        if isinstance(command.value, EventStateChange):
            await self._alerts.set_state(command.value)
        elif command.point_key in self._buttons:
            await self._buttons.press(command.point_key)
        else:
            raise CloudInvalidValueError("the application takes no device commands")

    @property
    def reported_problems(self) -> list[str]:
        """Return the unreadable events and workflows logged, for diagnostics."""
        return [*self._alerts.reported_problems, *self._buttons.reported_problems]

    def diagnostics(self) -> dict[str, Any]:
        """Return whether the sign-in may read the events and the workflows."""
        return {
            "events_readable": self._alerts.readable,
            "workflows_readable": self._buttons.readable,
        }


def _occurrence(event: Event, device_key: Callable[[str], str | None]) -> Occurrence:
    """Return an event as its event entity fires it."""
    return Occurrence(
        id=event.id,
        type=event.level,
        data={
            "event_id": event.id,
            "subject": event.subject,
            "message": event.message,
            "state": event.state,
            "device": event.device_name,
            "created": query_time(event.created),
        },
        device_key=device_key(event.device_id) if event.device_id else None,
    )
