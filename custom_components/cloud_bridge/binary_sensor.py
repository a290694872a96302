"""Binary sensors: read-only on/off values, such as connectivity."""

from typing import override

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)

from .entity import CloudBridgeEntity, as_enum, platform_setup
from .model import BinarySensorSpec

PARALLEL_UPDATES = 0


class CloudBridgeBinarySensor(
    CloudBridgeEntity[BinarySensorSpec, bool], BinarySensorEntity
):
    """A binary sensor point."""

    spec_type = BinarySensorSpec

    @override
    def describe(self, spec: BinarySensorSpec) -> BinarySensorEntityDescription:
        """Describe the binary sensor."""
        return BinarySensorEntityDescription(
            **self.description_fields(spec, spec.device_class),
            device_class=as_enum(spec.device_class, BinarySensorDeviceClass),
        )

    @override
    def apply_value(self, value: bool | None) -> None:
        """Show the value."""
        self._attr_is_on = value


async_setup_entry = platform_setup(CloudBridgeBinarySensor)
