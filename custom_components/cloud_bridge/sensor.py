"""Sensors: read-only values."""

from datetime import date, datetime
from decimal import Decimal
import math
from typing import override

from homeassistant.components.sensor import (
    DEVICE_CLASS_STATE_CLASSES,
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


# A meter counts up; other totals (money) may go down; else no state class.
_FALLBACK_STATE_CLASSES = (
    SensorStateClass.TOTAL_INCREASING,
    SensorStateClass.TOTAL,
    SensorStateClass.MEASUREMENT,
)


def allowed_state_class(
    device_class: SensorDeviceClass | None, wanted: str | None
) -> SensorStateClass | None:
    """Return the wanted state class, or the nearest one the device class allows."""
    if wanted is None:
        return None
    allowed = DEVICE_CLASS_STATE_CLASSES.get(device_class) if device_class else None
    if allowed is None or wanted in allowed:
        return SensorStateClass(wanted)
    return next((cls for cls in _FALLBACK_STATE_CLASSES if cls in allowed), None)


class CloudBridgeSensor(CloudBridgeEntity, SensorEntity):
    """A sensor point."""

    def __init__(
        self, coordinator: CloudBridgeCoordinator, device: Device, point: Point
    ) -> None:
        """Describe the sensor from its point."""
        device_class = (
            SensorDeviceClass(point.device_class) if point.device_class else None
        )
        super().__init__(
            coordinator,
            device,
            point,
            SensorEntityDescription(
                **description_fields(point),
                device_class=device_class,
                native_unit_of_measurement=point.unit,
                state_class=allowed_state_class(device_class, point.state_class),
                options=list(point.options) if point.options else None,
            ),
        )

    @property
    @override
    def native_value(self) -> str | int | float | date | datetime | Decimal | None:
        """Return the value."""
        value = self.point.value
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return None
        # NaN or infinity (JSON lets a cloud send them) are no reading.
        return value if not isinstance(value, float) or math.isfinite(value) else None
