"""Device registry look-ups that read the same on every Home Assistant CI runs.

Home Assistant 2026.9 keeps a device per config entry and looks devices up by
entry; the suite also runs on 2026.3 (scripts/test --minimum), which has
neither. Both list an entry's devices alike.
"""

from typing import Any

from homeassistant.const import MAJOR_VERSION, MINOR_VERSION
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from custom_components.cloud_bridge.const import DOMAIN


def registered_devices(
    hass: HomeAssistant, config_entry_id: str | None = None
) -> list[dr.DeviceEntry]:
    """Return the devices of one entry, or of every Cloud Bridge entry."""
    registry = dr.async_get(hass)
    entry_ids = (
        [config_entry_id]
        if config_entry_id is not None
        else [entry.entry_id for entry in hass.config_entries.async_entries(DOMAIN)]
    )
    return [
        device
        for entry_id in entry_ids
        for device in dr.async_entries_for_config_entry(registry, entry_id)
    ]


def device_with(
    hass: HomeAssistant,
    identifier: tuple[str, str],
    config_entry_id: str | None = None,
) -> dr.DeviceEntry | None:
    """Return the device with an identifier (or connection); None when none is."""
    found = [
        device
        for device in registered_devices(hass, config_entry_id)
        if identifier in device.identifiers | device.connections
    ]
    assert len(found) <= 1, found
    return found[0] if found else None


def remove_device_request(device_id: str, config_entry_id: str) -> dict[str, Any]:
    """Return the websocket command that deletes a device in Settings → Devices."""
    if (MAJOR_VERSION, MINOR_VERSION) >= (2026, 9):
        return {"type": "config/device_registry/remove", "device_id": device_id}
    return {
        "type": "config/device_registry/remove_config_entry",
        "config_entry_id": config_entry_id,
        "device_id": device_id,
    }
