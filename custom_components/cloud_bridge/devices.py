"""Keeps the device and entity registries in step with the Snapshot."""

from dataclasses import dataclass, field

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .compat import async_remove_entry_device
from .const import DOMAIN
from .model import Device, Snapshot


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
    """Return what of a device the registries hold: its facts and point keys."""
    return (
        device.name,
        device.manufacturer,
        device.model,
        device.mac,
        device.suggested_area,
        device.via_device,
        tuple(device.points),
    )


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


@dataclass
class DeviceSync:
    """Registers new devices, updates changed ones, removes the ones gone."""

    hass: HomeAssistant
    entry: ConfigEntry
    vendor: str
    device_ids: dict[str, str] = field(default_factory=dict)
    _facts: dict[str, tuple[object, ...]] = field(default_factory=dict)

    @callback
    def async_sync(self, snapshot: Snapshot) -> bool:
        """Bring the registries in line with a Snapshot; tell if anything moved."""
        registry = dr.async_get(self.hass)
        changed = [
            device
            for key, device in snapshot.devices.items()
            if self._facts.get(key) != _registry_facts(device)
        ]
        # Parents first, so a child can name its parent's registry id.
        changed.sort(key=lambda device: _depth(snapshot, device))
        for device in changed:
            connections = (
                {(dr.CONNECTION_NETWORK_MAC, dr.format_mac(device.mac))}
                if device.mac
                else set()
            )
            entry = registry.async_get_or_create(
                config_entry_id=self.entry.entry_id,
                identifiers={device_identifier(self.vendor, device.key)},
                connections=connections,
                name=device.name,
                manufacturer=device.manufacturer,
                model=device.model,
                suggested_area=device.suggested_area,
            )
            parent_id = (
                self.device_ids.get(device.via_device) if device.via_device else None
            )
            # Linked here: async_get_or_create takes via_device_id only from 2026.9.
            if entry.via_device_id != parent_id:
                registry.async_update_device(entry.id, via_device_id=parent_id)
            self.device_ids[device.key] = entry.id
            self._facts[device.key] = _registry_facts(device)
        if not snapshot.complete:
            # What could not be read this time is not gone: keep its device.
            return bool(changed)
        if not changed and len(self._facts) == len(snapshot.devices):
            return False
        self._remove_stale(registry, snapshot)
        return True

    @callback
    def _remove_stale(self, registry: dr.DeviceRegistry, snapshot: Snapshot) -> None:
        """Remove devices and entities the account no longer has."""
        known = {device_identifier(self.vendor, key) for key in snapshot.devices}
        for device in dr.async_entries_for_config_entry(registry, self.entry.entry_id):
            if not device.identifiers & known:
                async_remove_entry_device(registry, device.id, self.entry.entry_id)
        for key in list(self._facts):
            if key not in snapshot.devices:
                del self._facts[key]
                self.device_ids.pop(key, None)
        # A point that changed platform (a sensor that became a switch) leaves
        # its old entity behind otherwise: compare platform and unique id.
        current = {
            (point.kind.value, entity_unique_id(self.vendor, device.key, point_key))
            for device in snapshot.devices.values()
            for point_key, point in device.points.items()
        }
        entities = er.async_get(self.hass)
        for entity in er.async_entries_for_config_entry(entities, self.entry.entry_id):
            if (entity.domain, entity.unique_id) not in current:
                entities.async_remove(entity.entity_id)
