"""Numbers: settable values with a range, such as a light mode's speed."""

import math
from typing import override

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import CloudBridgeConfigEntry, CloudBridgeCoordinator
from .entity import CloudBridgeEntity, async_add_point_entities, description_fields
from .model import Command, Device, Kind, Point

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CloudBridgeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up numbers from the Snapshot."""
    async_add_point_entities(entry, Kind.NUMBER, CloudBridgeNumber, async_add_entities)


class CloudBridgeNumber(CloudBridgeEntity, NumberEntity):
    """A number point."""

    def __init__(
        self, coordinator: CloudBridgeCoordinator, device: Device, point: Point
    ) -> None:
        """Describe the number from its point."""
        low, high = point.native_range or (0, 100)
        super().__init__(
            coordinator,
            device,
            point,
            NumberEntityDescription(
                **description_fields(point),
                device_class=(
                    NumberDeviceClass(point.device_class)
                    if point.device_class
                    else None
                ),
                native_unit_of_measurement=point.unit,
                native_min_value=low,
                native_max_value=high,
                native_step=point.step or 1,
            ),
        )

    @property
    @override
    def native_value(self) -> float | None:
        """Return the value."""
        value = self.point.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return value if math.isfinite(value) else None

    @override
    async def async_set_native_value(self, value: float) -> None:
        """Set the value."""
        await self.coordinator.async_execute(
            Command(device_key=self._device_key, point_key=self._point_key, value=value)
        )
