"""The base entity: one point of one device in the Snapshot."""

from collections.abc import Callable
from typing import Any, override

from homeassistant.const import EntityCategory
from homeassistant.core import callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import UNDEFINED
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .coordinator import CloudBridgeConfigEntry, CloudBridgeCoordinator
from .devices import entity_unique_id
from .model import Device, Kind, Point


def description_fields(point: Point) -> dict[str, Any]:
    """Return the EntityDescription fields every platform takes from a point."""
    if point.name is not None:
        name: Any = point.name
    elif point.translation_key is not None or point.device_class is not None:
        name = UNDEFINED
    else:
        # Nothing to tell it apart: the device's main feature, named as the device.
        name = None
    return {
        "key": point.key,
        "translation_key": point.translation_key,
        "name": name,
        "entity_category": EntityCategory(point.category) if point.category else None,
        "entity_registry_enabled_default": point.enabled_by_default,
    }


class CloudBridgeEntity(CoordinatorEntity[CloudBridgeCoordinator]):
    """An entity backed by one point of the coordinator's Snapshot."""

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: CloudBridgeCoordinator,
        device: Device,
        point: Point,
        description: EntityDescription,
    ) -> None:
        """Bind the entity to its device and point."""
        super().__init__(coordinator, context=device.key)
        self.entity_description = description
        self._device_key = device.key
        self._point_key = point.key
        self._last_point = point
        self._attr_unique_id = entity_unique_id(
            coordinator.vendor, device.key, point.key
        )
        self._attr_translation_placeholders = dict(point.translation_placeholders or {})
        self.device_entry = dr.async_get(coordinator.hass).async_get(
            coordinator.devices.device_ids[device.key]
        )
        self._written: tuple[Any, ...] | None = None

    @property
    def point(self) -> Point:
        """Return the point as the Snapshot has it now (or as it was last seen)."""
        if point := self.coordinator.data.point(self._device_key, self._point_key):
            self._last_point = point
        return self._last_point

    @property
    @override
    def available(self) -> bool:
        """Return whether the cloud, the device and the point are there."""
        device = self.coordinator.data.devices.get(self._device_key)
        if not super().available or device is None:
            return False
        if self._point_key not in device.points:
            return False
        return device.online or device.points[self._point_key].survives_offline

    def _state_key(self) -> tuple[Any, ...]:
        """Return what the written state depends on."""
        device = self.coordinator.data.devices.get(self._device_key)
        return (
            self.coordinator.last_update_success,
            device.online if device else None,
            device.points.get(self._point_key) if device else None,
        )

    @override
    async def async_added_to_hass(self) -> None:
        """Remember what was first written."""
        await super().async_added_to_hass()
        self._written = self._state_key()

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Write the state only when this entity's point or availability changed."""
        if (key := self._state_key()) == self._written:
            return
        self._written = key
        super()._handle_coordinator_update()


@callback
def async_add_point_entities(
    entry: CloudBridgeConfigEntry,
    kind: Kind,
    make_entity: Callable[[CloudBridgeCoordinator, Device, Point], Entity],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an entity for every point of a kind, now and whenever new ones appear."""
    coordinator = entry.runtime_data.coordinator
    known: set[tuple[str, str]] = set()
    seen_version = -1

    @callback
    def add_new_points() -> None:
        nonlocal seen_version
        if coordinator.topology_version == seen_version:
            return
        seen_version = coordinator.topology_version
        current = {
            (device.key, point.key): (device, point)
            for device in coordinator.data.devices.values()
            for point in device.points.values()
            if point.kind is kind
        }
        if coordinator.data.complete:
            # A device missing from an incomplete read keeps its entities.
            known.intersection_update(current)
        new = [
            make_entity(coordinator, device, point)
            for ref, (device, point) in current.items()
            if ref not in known
        ]
        known.update(current)
        if new:
            async_add_entities(new)

    add_new_points()
    entry.async_on_unload(coordinator.async_add_listener(add_new_points))
