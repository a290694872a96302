"""Cloud Bridge: WiZ Pro, Gizwits and WEGnology clouds in Home Assistant."""

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    issue_registry as ir,
)
from homeassistant.helpers.typing import ConfigType

from .const import CONF_VENDOR, DOMAIN
from .coordinator import CloudBridgeConfigEntry, CloudBridgeCoordinator, CloudBridgeData
from .devices import device_key_of
from .vendors import VENDORS

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the clouds' actions, so automations validate before entries load."""
    for vendor in VENDORS.values():
        if vendor.async_setup_services is not None:
            vendor.async_setup_services(hass)
    return True


PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CLIMATE,
    Platform.EVENT,
    Platform.FAN,
    Platform.LIGHT,
    Platform.NUMBER,
    Platform.SCENE,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
]


async def async_setup_entry(hass: HomeAssistant, entry: CloudBridgeConfigEntry) -> bool:
    """Set up one cloud account."""
    vendor = VENDORS[entry.data[CONF_VENDOR]]
    adapter = await vendor.async_create_adapter(hass, entry)
    coordinator = CloudBridgeCoordinator(hass, entry, adapter, vendor.id)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = CloudBridgeData(coordinator=coordinator, vendor=vendor)
    if vendor.async_setup_entry is not None:
        vendor.async_setup_entry(hass, entry, coordinator)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(
    hass: HomeAssistant, entry: CloudBridgeConfigEntry
) -> bool:
    """Unload a cloud account."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(
    hass: HomeAssistant, entry: CloudBridgeConfigEntry
) -> None:
    """Delete the repair issues of an entry that is gone: none can be fixed now."""
    for domain, issue_id in list(ir.async_get(hass).issues):
        if domain == DOMAIN and entry.entry_id in issue_id:
            ir.async_delete_issue(hass, DOMAIN, issue_id)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: CloudBridgeConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Allow removing a device only once the cloud no longer has it.

    An entry that is not loaded cannot ask the cloud: its devices may go, and
    one the cloud still has comes back when the entry is set up.
    """
    if entry.state is not ConfigEntryState.LOADED:
        return True
    coordinator = entry.runtime_data.coordinator
    return device_key_of(coordinator.vendor, device) not in coordinator.data.devices
