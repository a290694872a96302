"""Selects: settable values from a fixed list, such as an appliance's mode."""

from typing import override

from homeassistant.components.select import SelectEntity, SelectEntityDescription

from .entity import CloudBridgeEntity, platform_setup
from .model import SelectSpec

# Each cloud's adapter bounds its own requests (Vendor.max_parallel_requests).
PARALLEL_UPDATES = 0


class CloudBridgeSelect(CloudBridgeEntity[SelectSpec, str], SelectEntity):
    """A select point."""

    spec_type = SelectSpec

    @override
    def describe(self, spec: SelectSpec) -> SelectEntityDescription:
        """Describe the select: its options."""
        return SelectEntityDescription(
            **self.description_fields(spec), options=list(spec.options)
        )

    @override
    def apply_value(self, value: str | None) -> None:
        """Show the option the device is in, if it is one of the list."""
        self._attr_current_option = value if value in self.spec.options else None

    @override
    async def async_select_option(self, option: str) -> None:
        """Choose an option."""
        await self._send(option)


async_setup_entry = platform_setup(CloudBridgeSelect)
