"""The send_command action: a named command, with a payload, to WEGnology devices."""

from typing import Any

import probatio

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr

from ...const import DOMAIN
from ...model import Command, DeviceCommand
from .const import VENDOR_ID

SERVICE_SEND_COMMAND = "send_command"
ATTR_COMMAND = "command"
ATTR_PAYLOAD = "payload"

SEND_COMMAND_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_DEVICE_ID): probatio.All(cv.ensure_list, [cv.string]),
        probatio.Required(ATTR_COMMAND): cv.string,
        probatio.Optional(ATTR_PAYLOAD): object,
    }
)


def _target(hass: HomeAssistant, device_id: str) -> tuple[Any, str]:
    """Return the coordinator and device key of a WEGnology device, or refuse it."""
    device = dr.async_get(hass).async_get(device_id)
    prefix = f"{VENDOR_ID}:"
    key = next(
        (
            identifier.removeprefix(prefix)
            for domain, identifier in (device.identifiers if device else ())
            if domain == DOMAIN and identifier.startswith(prefix)
        ),
        None,
    )
    if device is None or key is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="not_a_wegnology_device",
            translation_placeholders={"device_id": device_id},
        )
    for entry_id in device.config_entries:
        entry = hass.config_entries.async_get_entry(entry_id)
        if entry is not None and entry.state is ConfigEntryState.LOADED:
            return entry.runtime_data.coordinator, key
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="entry_not_loaded",
        translation_placeholders={"device": device.name or device_id},
    )


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register cloud_bridge.send_command."""

    async def send_command(call: ServiceCall) -> None:
        targets = [_target(hass, device_id) for device_id in call.data[ATTR_DEVICE_ID]]
        command = DeviceCommand(call.data[ATTR_COMMAND], call.data.get(ATTR_PAYLOAD))
        for coordinator, key in targets:
            await coordinator.async_execute(
                Command(device_key=key, point_key="", value=command)
            )

    hass.services.async_register(
        DOMAIN, SERVICE_SEND_COMMAND, send_command, schema=SEND_COMMAND_SCHEMA
    )
