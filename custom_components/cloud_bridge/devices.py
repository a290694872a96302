"""Keeps the device and entity registries in step with the Snapshot."""

from dataclasses import dataclass, field

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
)

from .compat import async_remove_entry_device
from .const import DOMAIN, LOGGER
from .model import Device, Snapshot, Spec
from .names import clean_name

# New areas one entry may suggest: rooms of a large building fit, thousands of
# free-form tags do not (areas outlive the entry).
MAX_NEW_AREAS = 500


def device_identifier(vendor: str, device_key: str) -> tuple[str, str]:
    """Return the device registry identifier of a device."""
    return (DOMAIN, f"{vendor}:{device_key}")


def device_key_of(vendor: str, device: dr.BaseDeviceEntry) -> str | None:
    """Return the Snapshot key of a registered device of a vendor; None if not one."""
    prefix = f"{vendor}:"
    return next(
        (
            identifier.removeprefix(prefix)
            for domain, identifier in device.identifiers
            if domain == DOMAIN and identifier.startswith(prefix)
        ),
        None,
    )


def entity_unique_id(vendor: str, device_key: str, point_key: str) -> str:
    """Return an entity's unique id: vendor:account:device:point."""
    return f"{vendor}:{device_key}:{point_key}"


def _registry_facts(device: Device) -> tuple[object, ...]:
    """Return what of a device the device registry holds."""
    return (
        device.name,
        device.manufacturer,
        device.model,
        device.mac,
        device.suggested_area,
        device.via_device,
        device.service,
    )


def _specs(device: Device) -> tuple[tuple[str, Spec], ...]:
    """Return a device's points as entities see them: key and spec."""
    return tuple((key, point.spec) for key, point in device.points.items())


def _depth(snapshot: Snapshot, device: Device) -> int:
    """Return how many parents stand above a device (a gateway under a system…)."""
    depth = 0
    seen = {device.key}
    while (parent := snapshot.devices.get(device.via_device or "")) is not None:
        if parent.key in seen:
            break  # a loop in the cloud's data; any order will do
        seen.add(parent.key)
        depth += 1
        device = parent
    return depth


def _text(value: str | None) -> str | None:
    """Return a cloud's text cleaned for the registry; None when nothing is left."""
    return clean_name(value) or None if value is not None else None


@dataclass
class DeviceSync:
    """Registers new devices, updates changed ones, removes the ones gone.

    A device object shared with the previous Snapshot is unchanged: only new
    objects are compared, so an unchanged poll of a large account costs little.
    """

    hass: HomeAssistant
    entry: ConfigEntry
    vendor: str
    device_ids: dict[str, str] = field(default_factory=dict)
    _seen: dict[str, Device] = field(default_factory=dict)
    _facts: dict[str, tuple[object, ...]] = field(default_factory=dict)
    _specs: dict[str, tuple[tuple[str, Spec], ...]] = field(default_factory=dict)
    _new_areas: set[str] = field(default_factory=set)
    _areas_capped: bool = False

    @callback
    def async_sync(self, snapshot: Snapshot) -> bool:
        """Bring the registries in line with a Snapshot; tell if entities must follow.

        True when a device or point came, went or changed its spec.
        """
        changed = [
            device
            for key, device in snapshot.devices.items()
            if self._seen.get(key) is not device
        ]
        registry = dr.async_get(self.hass)
        moved = False
        # Parents first, so a child can name its parent's registry id.
        changed.sort(key=lambda device: _depth(snapshot, device))
        for device in changed:
            self._seen[device.key] = device
            if self._facts.get(device.key) != (facts := _registry_facts(device)):
                self._register(registry, device)
                self._facts[device.key] = facts
                moved = True
            if self._specs.get(device.key) != (specs := _specs(device)):
                self._specs[device.key] = specs
                moved = True
        gone = len(self._seen) != len(snapshot.devices)
        if gone and snapshot.complete:
            self._remove_gone_devices(registry, snapshot)
        if moved or (gone and snapshot.complete):
            self._remove_stale_entities(snapshot)
            return True
        return False

    @callback
    def _register(self, registry: dr.DeviceRegistry, device: Device) -> None:
        """Create or update a device in the registry."""
        connections = (
            {(dr.CONNECTION_NETWORK_MAC, dr.format_mac(device.mac))}
            if device.mac
            else set()
        )
        registered = registry.async_get_or_create(
            config_entry_id=self.entry.entry_id,
            identifiers={device_identifier(self.vendor, device.key)},
            connections=connections,
            name=_text(device.name) or device.key,
            manufacturer=_text(device.manufacturer),
            model=_text(device.model),
            suggested_area=self._area(device.suggested_area),
            entry_type=dr.DeviceEntryType.SERVICE if device.service else None,
        )
        parent_id = (
            self.device_ids.get(device.via_device) if device.via_device else None
        )
        # Linked here: async_get_or_create takes via_device_id only from 2026.9.
        if registered.via_device_id != parent_id:
            registry.async_update_device(registered.id, via_device_id=parent_id)
        self.device_ids[device.key] = registered.id

    @callback
    def _area(self, suggested: str | None) -> str | None:
        """Return the area to suggest, unless the entry suggested enough new ones."""
        if (area := _text(suggested)) is None:
            return None
        known = ar.async_get(self.hass).async_get_area_by_name(area) is not None
        if known or area in self._new_areas:
            return area
        if len(self._new_areas) >= MAX_NEW_AREAS:
            if not self._areas_capped:
                self._areas_capped = True
                LOGGER.warning(
                    "%s names more than %d new areas; devices in the others get "
                    "no area",
                    self.entry.title,
                    MAX_NEW_AREAS,
                )
            return None
        self._new_areas.add(area)
        return area

    @callback
    def _remove_gone_devices(
        self, registry: dr.DeviceRegistry, snapshot: Snapshot
    ) -> None:
        """Remove the devices the account no longer has (a complete Snapshot)."""
        known = {device_identifier(self.vendor, key) for key in snapshot.devices}
        for device in dr.async_entries_for_config_entry(registry, self.entry.entry_id):
            if not device.identifiers & known:
                async_remove_entry_device(registry, device.id, self.entry.entry_id)
        for key in list(self._seen):
            if key not in snapshot.devices:
                del self._seen[key]
                self._facts.pop(key, None)
                self._specs.pop(key, None)
                self.device_ids.pop(key, None)

    @callback
    def _remove_stale_entities(self, snapshot: Snapshot) -> None:
        """Remove the entities of points now of another platform, or gone.

        What an incomplete Snapshot lacks may only have been unreadable: its
        entities stay.
        """
        current = {
            entity_unique_id(self.vendor, device.key, key): point.spec.kind.value
            for device in snapshot.devices.values()
            for key, point in device.points.items()
        }
        entities = er.async_get(self.hass)
        for entity in er.async_entries_for_config_entry(entities, self.entry.entry_id):
            platform = current.get(entity.unique_id)
            if platform != entity.domain and (platform or snapshot.complete):
                entities.async_remove(entity.entity_id)
