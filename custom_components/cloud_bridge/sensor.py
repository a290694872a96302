"""Sensors: read-only values."""

from datetime import date, datetime
from decimal import Decimal
from typing import override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
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
    """Set up sensors from the Snapshot."""
    async_add_point_entities(entry, Kind.SENSOR, CloudBridgeSensor, async_add_entities)


class CloudBridgeSensor(CloudBridgeEntity, SensorEntity):
    """A sensor point."""

    def __init__(
        self, coordinator: CloudBridgeCoordinator, device: Device, point: Point
    ) -> None:
        """Describe the sensor from its point."""
        super().__init__(
            coordinator,
            device,
            point,
            SensorEntityDescription(
                **description_fields(point),
                device_class=(
                    SensorDeviceClass(point.device_class)
                    if point.device_class
                    else None
                ),
                native_unit_of_measurement=point.unit,
                state_class=(
                    SensorStateClass(point.state_class) if point.state_class else None
                ),
                options=list(point.options) if point.options else None,
            ),
        )

    @property
    @override
    def native_value(self) -> str | int | float | date | datetime | Decimal | None:
        """Return the value."""
        value = self.point.value
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return value
        return None
