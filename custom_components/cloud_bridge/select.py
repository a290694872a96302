"""Selects: settable values from a fixed list, such as an appliance's mode."""

from typing import override

from homeassistant.components.select import SelectEntity, SelectEntityDescription
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
    """Set up selects from the Snapshot."""
    async_add_point_entities(entry, Kind.SELECT, CloudBridgeSelect, async_add_entities)


class CloudBridgeSelect(CloudBridgeEntity, SelectEntity):
    """A select point."""

    def __init__(
        self, coordinator: CloudBridgeCoordinator, device: Device, point: Point
    ) -> None:
        """Describe the select from its point."""
        super().__init__(
            coordinator,
            device,
            point,
            SelectEntityDescription(
                **description_fields(point), options=list(point.options or ())
            ),
        )

    @property
    @override
    def current_option(self) -> str | None:
        """Return the option the device is in, if it is one of the list."""
        value = self.point.value
        return value if value in (self.point.options or ()) else None

    @override
    async def async_select_option(self, option: str) -> None:
        """Choose an option."""
        await self.coordinator.async_execute(
            Command(
                device_key=self._device_key, point_key=self._point_key, value=option
            )
        )
