"""Numbers: settable values with a range, such as a light mode's speed."""

from typing import override

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
)

from .entity import CloudBridgeEntity, as_enum, platform_setup
from .model import NumberSpec

# Each cloud's adapter bounds its own requests (Vendor.max_parallel_requests).
PARALLEL_UPDATES = 0


class CloudBridgeNumber(CloudBridgeEntity[NumberSpec, float], NumberEntity):
    """A number point."""

    spec_type = NumberSpec

    @override
    def describe(self, spec: NumberSpec) -> NumberEntityDescription:
        """Describe the number: its range, step and unit."""
        low, high = spec.native_range
        return NumberEntityDescription(
            **self.description_fields(spec, spec.device_class),
            device_class=as_enum(spec.device_class, NumberDeviceClass),
            native_unit_of_measurement=spec.unit,
            native_min_value=low,
            native_max_value=high,
            native_step=spec.step,
        )

    @override
    def apply_value(self, value: float | None) -> None:
        """Show the value (the adapters read only finite numbers)."""
        self._attr_native_value = value

    @override
    async def async_set_native_value(self, value: float) -> None:
        """Set the value."""
        await self._send(value)


async_setup_entry = platform_setup(CloudBridgeNumber)
