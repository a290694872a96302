"""Buttons: something the cloud does when pressed, such as a workflow's button."""

from typing import override

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription

from .entity import CloudBridgeEntity, platform_setup
from .model import ButtonSpec

# Each cloud's adapter bounds its own requests (Vendor.max_parallel_requests).
PARALLEL_UPDATES = 0


class CloudBridgeButton(CloudBridgeEntity[ButtonSpec, None], ButtonEntity):
    """A button point."""

    spec_type = ButtonSpec

    @override
    def describe(self, spec: ButtonSpec) -> ButtonEntityDescription:
        """Describe the button."""
        return ButtonEntityDescription(**self.description_fields(spec))

    @override
    async def async_press(self) -> None:
        """Press the button in the cloud."""
        await self._send()


async_setup_entry = platform_setup(CloudBridgeButton)
