"""Binary sensors: read-only on/off values, such as connectivity."""

from typing import override

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import CloudBridgeConfigEntry, CloudBridgeCoordinator
from .entity import CloudBridgeEntity, async_add_point_entities, description_fields
from .model import Device, Kind, Point

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CloudBridgeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up binary sensors from the Snapshot."""
    async_add_point_entities(
        entry, Kind.BINARY_SENSOR, CloudBridgeBinarySensor, async_add_entities
    )


class CloudBridgeBinarySensor(CloudBridgeEntity, BinarySensorEntity):
    """A binary sensor point."""

    def __init__(
        self, coordinator: CloudBridgeCoordinator, device: Device, point: Point
    ) -> None:
        """Describe the binary sensor from its point."""
        super().__init__(
            coordinator,
            device,
            point,
            BinarySensorEntityDescription(
                **description_fields(point),
                device_class=(
                    BinarySensorDeviceClass(point.device_class)
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
