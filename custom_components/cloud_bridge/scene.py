"""Scenes: saved states a cloud can restore, such as WiZ room scenes."""

from typing import Any, override

from homeassistant.components.scene import Scene
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import CloudBridgeConfigEntry, CloudBridgeCoordinator
from .entity import CloudBridgeEntity, async_add_point_entities, description_fields
from .model import Command, Device, Kind, Point

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CloudBridgeConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up scenes from the Snapshot."""
    async_add_point_entities(entry, Kind.SCENE, CloudBridgeScene, async_add_entities)


class CloudBridgeScene(CloudBridgeEntity, Scene):
    """A scene point."""

    def __init__(
        self, coordinator: CloudBridgeCoordinator, device: Device, point: Point
    ) -> None:
        """Describe the scene from its point."""
        super().__init__(
            coordinator, device, point, EntityDescription(**description_fields(point))
        )

    @override
    async def async_activate(self, **kwargs: Any) -> None:
        """Ask the cloud to apply the scene."""
        await self.coordinator.async_execute(
            Command(device_key=self._device_key, point_key=self._point_key)
        )
