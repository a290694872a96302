"""Switches: settable on/off values, such as an appliance's power."""

from typing import Any, override

from homeassistant.components.switch import (
    SwitchDeviceClass,
    SwitchEntity,
    SwitchEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import CloudBridgeConfigEntry, CloudBridgeCoordinator
from .entity import CloudBridgeEntity, async_add_point_entities, description_fields
from .model import Command, Device, Kind, Point

# Commands go to one cloud request each.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CloudBridgeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up switches from the Snapshot."""
    async_add_point_entities(entry, Kind.SWITCH, CloudBridgeSwitch, async_add_entities)


class CloudBridgeSwitch(CloudBridgeEntity, SwitchEntity):
    """A switch point."""

    def __init__(
        self, coordinator: CloudBridgeCoordinator, device: Device, point: Point
    ) -> None:
        """Describe the switch from its point."""
        super().__init__(
            coordinator,
            device,
            point,
            SwitchEntityDescription(
                **description_fields(point),
                device_class=(
                    SwitchDeviceClass(point.device_class)
                    if point.device_class
                    else None
                ),
            ),
        )

    @property
    @override
    def is_on(self) -> bool | None:
        """Return the value."""
        value = self.point.value
        return value if isinstance(value, bool) else None

    @override
    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch on."""
        await self._send(True)

    @override
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch off."""
        await self._send(False)

    async def _send(self, value: bool) -> None:
        """Send the new value through the coordinator."""
        await self.coordinator.async_execute(
            Command(device_key=self._device_key, point_key=self._point_key, value=value)
        )
