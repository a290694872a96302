"""Events: things that happen in a cloud, such as alerts; each fires once."""

from collections import deque
from typing import Any, override

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import callback

from .coordinator import CloudBridgeCoordinator
from .entity import CloudBridgeEntity, platform_setup
from .model import EventSpec, Occurrence, Point

PARALLEL_UPDATES = 0
# Occurrences fired lately, by id: a Snapshot read again never fires one twice.
REMEMBERED_OCCURRENCES = 1000


class CloudBridgeEvent(
    CloudBridgeEntity[EventSpec, tuple[Occurrence, ...]], EventEntity
):
    """An event point: fires each occurrence its point carries, once.

    The adapter reports each occurrence in one poll only (and remembers that
    across restarts); this entity keeps the ids it fired, so a Snapshot seen
    again (a command, a push) fires nothing again.
    """

    spec_type = EventSpec

    def __init__(
        self,
        coordinator: CloudBridgeCoordinator,
        device_key: str,
        point: Point[EventSpec, tuple[Occurrence, ...]],
    ) -> None:
        """Bind the entity; nothing is fired yet."""
        super().__init__(coordinator, device_key, point)
        self._fired: deque[str] = deque(maxlen=REMEMBERED_OCCURRENCES)

    @override
    def describe(self, spec: EventSpec) -> EventEntityDescription:
        """Describe the event entity: its event types."""
        return EventEntityDescription(
            **self.description_fields(spec), event_types=list(spec.event_types)
        )

    @override
    async def async_added_to_hass(self) -> None:
        """Fire what the first Snapshot brought (what came while HA was off)."""
        await super().async_added_to_hass()
        self._fire_new()

    @callback
    def async_entity_id_changed(self, old_entity_id: str) -> None:
        """Take a new entity id in place (Home Assistant 2026.11 renames so).

        What was fired is kept by occurrence id, not by entity id.
        """

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Fire each new occurrence, then write the state as every entity does."""
        self._fire_new()
        super()._handle_coordinator_update()

    @callback
    def _fire_new(self) -> None:
        """Fire the occurrences not fired yet, oldest first; one state each."""
        for occurrence in self.point.value or ():
            if occurrence.id in self._fired or occurrence.type not in self.event_types:
                continue
            self._fired.append(occurrence.id)
            self._trigger_event(occurrence.type, self._attributes(occurrence))
            self.async_write_ha_state()

    def _attributes(self, occurrence: Occurrence) -> dict[str, Any]:
        """Return what an occurrence says, with the device registry id it is about."""
        attributes = dict(occurrence.data)
        if occurrence.device_key is not None and (
            device_id := self.coordinator.devices.device_ids.get(occurrence.device_key)
        ):
            attributes["device_id"] = device_id
        return attributes


async_setup_entry = platform_setup(CloudBridgeEvent)
