"""Switches: settable on/off values, such as an appliance's power."""

from typing import Any, override

from homeassistant.components.switch import (
    SwitchDeviceClass,
    SwitchEntity,
    SwitchEntityDescription,
)

from .entity import CloudBridgeEntity, as_enum, platform_setup
from .model import SwitchSpec

# Each cloud's adapter bounds its own requests (Vendor.max_parallel_requests).
PARALLEL_UPDATES = 0


class CloudBridgeSwitch(CloudBridgeEntity[SwitchSpec, bool], SwitchEntity):
    """A switch point."""

    spec_type = SwitchSpec

    @override
    def describe(self, spec: SwitchSpec) -> SwitchEntityDescription:
        """Describe the switch."""
        return SwitchEntityDescription(
            **self.description_fields(spec, spec.device_class),
            device_class=as_enum(spec.device_class, SwitchDeviceClass),
        )

    @override
    def apply_value(self, value: bool | None) -> None:
        """Show the value."""
        self._attr_is_on = value

    @override
    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch on."""
        await self._send(True)

    @override
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch off."""
        await self._send(False)


async_setup_entry = platform_setup(CloudBridgeSwitch)
