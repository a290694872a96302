"""The base entity: one point of one device in the Snapshot."""

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, cast, override

from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import UNDEFINED
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .coordinator import CloudBridgeConfigEntry, CloudBridgeCoordinator
from .devices import entity_unique_id
from .model import Command, Point, Spec
from .names import clean_name

if TYPE_CHECKING:
    from homeassistant.helpers.entity_platform import EntityPlatform

type PlatformSetup = Callable[
    [HomeAssistant, CloudBridgeConfigEntry, AddConfigEntryEntitiesCallback],
    Awaitable[None],
]


class CloudBridgeEntity[S: Spec, V](CoordinatorEntity[CloudBridgeCoordinator]):
    """An entity backed by one point of the coordinator's Snapshot.

    What it shows comes from its point's spec; a point whose spec changes gets
    a new entity, so nothing here follows a spec once built.
    """

    _attr_has_entity_name = True
    spec_type: ClassVar[type[Spec]]

    def __init__(
        self, coordinator: CloudBridgeCoordinator, device_key: str, point: Point[S, V]
    ) -> None:
        """Bind the entity to its device and point."""
        super().__init__(coordinator, context=device_key)
        self._device_key = device_key
        self._point_key = point.key
        self._last_point = point
        self.spec: S = point.spec
        self.entity_description = self.describe(point.spec)
        self._attr_unique_id = entity_unique_id(
            coordinator.vendor, device_key, point.key
        )
        self._attr_translation_placeholders = dict(point.spec.translation_placeholders)
        self.device_entry = dr.async_get(coordinator.hass).async_get(
            coordinator.devices.device_ids[device_key]
        )
        self._written: tuple[Any, ...] | None = None

    def describe(self, spec: S) -> EntityDescription:
        """Return the entity description of a spec (platforms add their fields)."""
        return EntityDescription(**self.description_fields(spec))

    def description_fields(
        self, spec: S, device_class: str | None = None
    ) -> dict[str, Any]:
        """Return the EntityDescription fields every platform takes from a spec."""
        if spec.main:
            name: Any = None  # the device's main feature, named as the device
        elif spec.name is not None:
            name = clean_name(spec.name)
        elif spec.translation_key is not None or device_class is not None:
            name = UNDEFINED  # named by its translation, or by its device class
        else:
            # Nothing to tell it apart: the device's main feature, named as the device.
            name = None
        return {
            "key": self._point_key,
            "translation_key": spec.translation_key,
            "name": name,
            "entity_category": EntityCategory(spec.category) if spec.category else None,
            "entity_registry_enabled_default": spec.enabled_by_default
            and not (spec.optional and self.coordinator.over_budget),
        }

    @property
    def point(self) -> Point[S, V]:
        """Return the point as the Snapshot has it now (or as it was last seen)."""
        point = self.coordinator.data.point(self._device_key, self._point_key)
        if point is not None and (point.spec is self.spec or point.spec == self.spec):
            self._last_point = cast(Point[S, V], point)
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
        return device.online or self.spec.survives_offline

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
    def async_entity_id_changed(self, old_entity_id: str) -> None:
        """Take a new entity id in place (Home Assistant 2026.11 renames so).

        Nothing of ours is kept by entity id. Not an override yet: older
        releases have no such method, and call none.
        """

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Write the state only when this entity's point or availability changed."""
        if (key := self._state_key()) == self._written:
            return
        self._written = key
        super()._handle_coordinator_update()

    async def _send(self, value: Any = None) -> None:
        """Send a command to this entity's point through the coordinator."""
        await self.coordinator.async_execute(
            Command(
                device_key=self._device_key,
                point_key=self._point_key,
                value=value,
                call=self._context.id if self._context else None,
            )
        )


def _added(entity: Entity) -> bool:
    """Tell whether Home Assistant added an entity (a disabled one it does not)."""
    platform: EntityPlatform | None = getattr(entity, "platform", None)
    return platform is not None


@callback
def async_add_point_entities(
    entry: CloudBridgeConfigEntry,
    entity_type: type[CloudBridgeEntity[Any, Any]],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Keep an entity for every point of the entity's spec type, as points come.

    A point whose spec changed gets a new entity in place of the old one.
    """
    coordinator = entry.runtime_data.coordinator
    known: dict[tuple[str, str], CloudBridgeEntity[Any, Any]] = {}
    seen_version = -1

    async def replace(
        old: Sequence[Entity], new: Sequence[CloudBridgeEntity[Any, Any]]
    ) -> None:
        for entity in old:
            if _added(entity):
                await entity.async_remove()
        async_add_entities(new)

    @callback
    def follow_points() -> None:
        nonlocal seen_version
        if coordinator.topology_version == seen_version:
            return
        seen_version = coordinator.topology_version
        current = {
            (device.key, key): point
            for device in coordinator.data.devices.values()
            for key, point in device.points.items()
            if type(point.spec) is entity_type.spec_type
        }
        if coordinator.data.complete:
            # Gone from the account, or now of another platform: the registry
            # removal took the entity. A device missing from an incomplete
            # read keeps its entities.
            for ref in known.keys() - current.keys():
                del known[ref]
        stale: list[Entity] = []
        new: list[CloudBridgeEntity[Any, Any]] = []
        for ref, point in current.items():
            if (entity := known.get(ref)) is not None:
                if entity.spec == point.spec:
                    continue
                stale.append(entity)
            known[ref] = entity_type(coordinator, ref[0], point)
            new.append(known[ref])
        if stale:
            entry.async_create_background_task(
                coordinator.hass,
                replace(stale, new),
                f"cloud_bridge {entity_type.__name__} spec changed",
            )
        elif new:
            async_add_entities(new)

    follow_points()
    entry.async_on_unload(coordinator.async_add_listener(follow_points))


def platform_setup(entity_type: type[CloudBridgeEntity[Any, Any]]) -> PlatformSetup:
    """Return a platform's async_setup_entry: one entity per point of its spec."""

    async def async_setup_entry(
        hass: HomeAssistant,
        entry: CloudBridgeConfigEntry,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        """Set up the platform's entities from the Snapshot."""
        async_add_point_entities(entry, entity_type, async_add_entities)

    return async_setup_entry
