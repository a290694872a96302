"""WEGnology's actions: send_command to devices, set_event_state of an alert.

Their target is Home Assistant's: devices, areas, floors, labels and entities.
A device named in the target must be a WEGnology device of a loaded entry; the
others resolve to the WEGnology devices they hold (in the area, with the label,
owning the entity), and the rest of what they hold is left alone.

send_command: every device gets the command, even when one fails; the failures
are then told together. The application's own device takes no commands.

set_event_state: the target names the application (its device, its alert
entity, or any of its devices); one application, since an event id is one
application's.
"""

from dataclasses import dataclass
import json
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    ATTR_AREA_ID,
    ATTR_DEVICE_ID,
    ATTR_ENTITY_ID,
    ATTR_FLOOR_ID,
    ATTR_LABEL_ID,
    ENTITY_MATCH_NONE,
)
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import (
    area_registry as ar,
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
    floor_registry as fr,
    label_registry as lr,
)
from homeassistant.helpers.service import async_register_admin_service
from homeassistant.helpers.target import (
    TargetSelection,
    async_extract_referenced_entity_ids,
)

from ...compat import config_entry_ids_of, probatio
from ...const import DOMAIN
from ...devices import device_key_of
from ...model import Command, DeviceCommand
from .adapter import ALERTS
from .alerts import EventStateChange
from .const import VENDOR_ID
from .models import EVENT_STATES

if TYPE_CHECKING:
    from ...coordinator import CloudBridgeCoordinator

SERVICE_SEND_COMMAND = "send_command"
SERVICE_SET_EVENT_STATE = "set_event_state"
ATTR_COMMAND = "command"
ATTR_PAYLOAD = "payload"
ATTR_EVENT_ID = "event_id"
ATTR_STATE = "state"
ATTR_COMMENT = "comment"
_HOLDERS = (ATTR_ENTITY_ID, ATTR_AREA_ID, ATTR_FLOOR_ID, ATTR_LABEL_ID)
# A command's payload as JSON, at most: a device command carries settings, not
# files (the documents give no limit; Losant caps a whole message at 256 KiB).
MAX_PAYLOAD_BYTES = 16 * 1024

SEND_COMMAND_SCHEMA = probatio.Schema(
    {
        **cv.TARGET_SERVICE_FIELDS,
        probatio.Required(ATTR_COMMAND): cv.string,
        probatio.Optional(ATTR_PAYLOAD): object,
    }
)
SET_EVENT_STATE_SCHEMA = probatio.Schema(
    {
        **cv.TARGET_SERVICE_FIELDS,
        probatio.Required(ATTR_EVENT_ID): cv.string,
        probatio.Required(ATTR_STATE): probatio.In(EVENT_STATES),
        probatio.Optional(ATTR_COMMENT): cv.string,
    }
)


@dataclass(frozen=True, slots=True)
class _Target:
    """A WEGnology device of a loaded entry, as the action reaches it."""

    coordinator: CloudBridgeCoordinator
    key: str
    name: str

    @property
    def application_id(self) -> str:
        """Return the id of the application the device is of (or is)."""
        return self.key.partition(":")[0]

    @property
    def is_application(self) -> bool:
        """Tell whether the target is the application's own device."""
        return ":" not in self.key


def _ids(call: ServiceCall, field: str) -> list[str]:
    """Return the ids a target field holds ("none" holds none)."""
    value = call.data.get(field)
    if value in (None, ENTITY_MATCH_NONE):
        return []
    return [value] if isinstance(value, str) else list(value)


def _coordinator(
    hass: HomeAssistant, device: dr.BaseDeviceEntry
) -> CloudBridgeCoordinator | None:
    """Return the coordinator of the device's entry, if that is loaded."""
    for entry_id in config_entry_ids_of(device):
        entry = hass.config_entries.async_get_entry(entry_id)
        if (
            entry is not None
            and entry.domain == DOMAIN
            and entry.state is ConfigEntryState.LOADED
        ):
            coordinator: CloudBridgeCoordinator = entry.runtime_data.coordinator
            return coordinator
    return None


def _name(device: dr.BaseDeviceEntry) -> str:
    """Return the name the user knows a device by."""
    return device.name_by_user or device.name or device.id


def _not_wegnology(target: str) -> ServiceValidationError:
    """Return the error of a target that is, or holds, no WEGnology device."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="not_a_wegnology_device",
        translation_placeholders={"device_id": target},
    )


def _not_loaded(device: dr.BaseDeviceEntry) -> ServiceValidationError:
    """Return the error of a WEGnology device whose entry is not loaded."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="entry_not_loaded",
        translation_placeholders={"device": _name(device)},
    )


def _held_devices(hass: HomeAssistant, call: ServiceCall) -> set[str]:
    """Return the devices the areas, floors, labels and entities of a call hold."""
    selection = {field: _ids(call, field) for field in _HOLDERS}
    entities = er.async_get(hass)
    selection[ATTR_ENTITY_ID] = [
        entity_id
        for given in selection[ATTR_ENTITY_ID]
        if (entity_id := er.async_resolve_entity_id(entities, given)) is not None
    ]
    selected = async_extract_referenced_entity_ids(hass, TargetSelection(selection))
    devices = set(selected.referenced_devices)
    for entity_id in selected.referenced | selected.indirectly_referenced:
        if (entry := entities.async_get(entity_id)) is not None and entry.device_id:
            devices.add(entry.device_id)
    return devices


def _described(hass: HomeAssistant, call: ServiceCall) -> str:
    """Return the call's areas, floors, labels and entities as the user names them."""
    areas, floors, labels = ar.async_get(hass), fr.async_get(hass), lr.async_get(hass)
    names = [
        *(
            area.name if (area := areas.async_get_area(area_id)) else area_id
            for area_id in _ids(call, ATTR_AREA_ID)
        ),
        *(
            floor.name if (floor := floors.async_get_floor(floor_id)) else floor_id
            for floor_id in _ids(call, ATTR_FLOOR_ID)
        ),
        *(
            label.name if (label := labels.async_get_label(label_id)) else label_id
            for label_id in _ids(call, ATTR_LABEL_ID)
        ),
        *_ids(call, ATTR_ENTITY_ID),
    ]
    return ", ".join(names) or "-"


def _targets(hass: HomeAssistant, call: ServiceCall) -> list[_Target]:
    """Return the WEGnology devices a call reaches, or refuse it."""
    registry = dr.async_get(hass)
    targets: dict[str, _Target] = {}
    for device_id in _ids(call, ATTR_DEVICE_ID):
        device = registry.async_get(device_id)
        key = device_key_of(VENDOR_ID, device) if device is not None else None
        if device is None or key is None:
            raise _not_wegnology(_name(device) if device is not None else device_id)
        coordinator = _coordinator(hass, device)
        if coordinator is None:
            raise _not_loaded(device)
        targets[device.id] = _Target(coordinator, key, _name(device))
    unloaded: dr.BaseDeviceEntry | None = None
    for device_id in sorted(_held_devices(hass, call) - set(targets)):
        device = registry.async_get(device_id)
        if device is None or (key := device_key_of(VENDOR_ID, device)) is None:
            continue
        if (coordinator := _coordinator(hass, device)) is None:
            unloaded = unloaded or device
            continue
        targets[device.id] = _Target(coordinator, key, _name(device))
    if not targets:
        if unloaded is not None:
            raise _not_loaded(unloaded)
        raise _not_wegnology(_described(hass, call))
    return sorted(targets.values(), key=lambda target: target.name)


def _devices(targets: list[_Target]) -> list[_Target]:
    """Return the devices among targets; the application's device takes no command."""
    devices = [target for target in targets if not target.is_application]
    if not devices:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="application_takes_no_commands",
            translation_placeholders={
                "device": ", ".join(target.name for target in targets)
            },
        )
    return devices


def _application(targets: list[_Target]) -> _Target:
    """Return the one application targets are of, or refuse the call."""
    applications = {target.application_id: target for target in targets}
    if len(applications) > 1:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="one_application",
            translation_placeholders={
                "applications": ", ".join(
                    sorted(
                        t.coordinator.config_entry.title for t in applications.values()
                    )
                )
            },
        )
    return next(iter(applications.values()))


def _payload(call: ServiceCall) -> Any:
    """Return the call's payload, refused when it cannot be sent as a command's."""
    payload = call.data.get(ATTR_PAYLOAD)
    try:
        size = len(json.dumps(payload, separators=(",", ":")).encode())
    except TypeError, ValueError:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="payload_not_json"
        ) from None
    if size > MAX_PAYLOAD_BYTES:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="payload_too_large",
            translation_placeholders={
                "size": str(size),
                "limit": str(MAX_PAYLOAD_BYTES),
            },
        )
    return payload


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register send_command and set_event_state, for administrators only."""

    async def send_command(call: ServiceCall) -> None:
        payload = _payload(call)
        targets = _devices(_targets(hass, call))
        command = DeviceCommand(call.data[ATTR_COMMAND], payload)

        async def send(target: _Target) -> None:
            await target.coordinator.async_execute(
                Command(device_key=target.key, point_key="", value=command)
            )

        if len(targets) == 1:
            # One device: its own error says all.
            await send(targets[0])
            return
        failed: list[str] = []
        for target in targets:
            try:
                await send(target)
            except HomeAssistantError as err:
                failed.append(f"{target.name}: {err}")
        if failed:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="send_command_failed",
                translation_placeholders={
                    "failed": "; ".join(failed),
                    "received": str(len(targets) - len(failed)),
                    "total": str(len(targets)),
                },
            )

    async def set_event_state(call: ServiceCall) -> None:
        if not (event_id := call.data[ATTR_EVENT_ID].strip()):
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="event_id_missing"
            )
        target = _application(_targets(hass, call))
        change = EventStateChange(
            event_id, call.data[ATTR_STATE], call.data.get(ATTR_COMMENT) or None
        )
        await target.coordinator.async_execute(
            Command(
                device_key=target.application_id,
                point_key=ALERTS,
                value=change,
                call=call.context.id,
            )
        )

    async_register_admin_service(
        hass, DOMAIN, SERVICE_SEND_COMMAND, send_command, schema=SEND_COMMAND_SCHEMA
    )
    async_register_admin_service(
        hass,
        DOMAIN,
        SERVICE_SET_EVENT_STATE,
        set_event_state,
        schema=SET_EVENT_STATE_SCHEMA,
    )
