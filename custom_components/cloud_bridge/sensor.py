"""Sensors: read-only values."""

from typing import override

from homeassistant.components.sensor import (
    DEVICE_CLASS_STATE_CLASSES,
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)

from .entity import CloudBridgeEntity, as_enum, platform_setup
from .model import SensorSpec, SensorValue

PARALLEL_UPDATES = 0


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


class CloudBridgeSensor(CloudBridgeEntity[SensorSpec, SensorValue], SensorEntity):
    """A sensor point."""

    spec_type = SensorSpec

    @override
    def describe(self, spec: SensorSpec) -> SensorEntityDescription:
        """Describe the sensor: its device class, unit, state class and options."""
        device_class = as_enum(spec.device_class, SensorDeviceClass)
        return SensorEntityDescription(
            **self.description_fields(spec, spec.device_class),
            device_class=device_class,
            native_unit_of_measurement=spec.unit,
            state_class=allowed_state_class(device_class, spec.state_class),
            options=list(spec.options) if spec.options else None,
        )

    @override
    def apply_value(self, value: SensorValue | None) -> None:
        """Show the value (the adapters read only finite numbers)."""
        self._attr_native_value = value


async_setup_entry = platform_setup(CloudBridgeSensor)
