"""Scenes: room scenes, favorites and scenarios the cloud applies."""

from typing import Any, override

from homeassistant.components.scene import Scene

from .entity import CloudBridgeEntity, platform_setup
from .model import SceneSpec

# Each cloud's adapter bounds its own requests (Vendor.max_parallel_requests).
PARALLEL_UPDATES = 0


class CloudBridgeScene(CloudBridgeEntity[SceneSpec, None], Scene):
    """A scene point."""

    spec_type = SceneSpec

    @override
    async def async_activate(self, **kwargs: Any) -> None:
        """Ask the cloud to apply the scene."""
        await self._send()


async_setup_entry = platform_setup(CloudBridgeScene)
