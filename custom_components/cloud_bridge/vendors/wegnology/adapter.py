"""A WEGnology application as a Snapshot; commands as device commands.

Each poll reads the devices' state and connection changes (``devices.py``),
then the alerts; the whole device list and the workflow buttons are topology.
The application itself is a device too: its alerts and buttons are its points
(``application.py``). Each attribute becomes a point by its type and the
user's options (``attributes.py``).
"""

from collections.abc import Mapping
import logging
from typing import Any

from ...errors import CloudInvalidValueError, CloudRejectedError, DeviceGoneError
from ...model import (
    BinarySensorSpec,
    Category,
    Command,
    Device,
    DeviceCommand,
    Point,
    PointUpdate,
    Snapshot,
)
from ..base import ProblemLog, VendorAdapter
from .alerts import AlertMemory
from .application import MANUFACTURER, ApplicationDevice
from .attributes import AttributeSpecs, attribute_value, sentence, suggested_area
from .calls import ApplicationApi, refused
from .client import WegnologyClient
from .devices import NEVER_CONNECTED, DeviceReader
from .models import Device as WegnologyDevice

_LOGGER = logging.getLogger(__name__)

# "$" cannot appear in an attribute name, so this key never meets one.
CONNECTED = "$connected"
_CONNECTIVITY = BinarySensorSpec(
    device_class="connectivity", category=Category.DIAGNOSTIC, survives_offline=True
)


class WegnologyAdapter(VendorAdapter):
    """Turns one WEGnology application into a Snapshot."""

    def __init__(
        self,
        client: WegnologyClient,
        application_id: str,
        *,
        memory: AlertMemory,
        overrides: Mapping[str, Mapping[str, str]] | None = None,
        switches: Mapping[str, Mapping[str, Any]] | None = None,
        name: str | None = None,
    ) -> None:
        """Keep the client, the application (and its name) and the user's options.

        ``memory`` keeps which alerts fired across restarts.
        """
        self._application_id = application_id
        self._overrides = overrides or {}
        self._switches = switches or {}
        self._api = ApplicationApi(client, application_id, self._call)
        self._reader = DeviceReader(self._api)
        self._application = ApplicationDevice(self._api, name or application_id, memory)
        self._specs = AttributeSpecs(self._overrides, self._switches)
        self._problems = ProblemLog(_LOGGER, "WEGnology: %s")

    def _key(self, device_id: str) -> str:
        """Return a device key, unique within the vendor."""
        return f"{self._application_id}:{device_id}"

    def _known_key(self, device_id: str) -> str | None:
        """Return the key of a device the list has; None for any other."""
        return self._key(device_id) if device_id in self._reader.devices else None

    async def async_poll(self, *, topology_due: bool, state_due: bool) -> Snapshot:
        """Read state, connection changes and alerts; topology when it is due."""
        del state_due  # nothing is pushed: the state is due at every poll
        if await self._reader.read(topology_due=topology_due):
            self._specs.forget()
        await self._application.poll(topology_due=topology_due)
        devices = {
            self._key(device.id): self._device(device)
            for device in self._reader.devices.values()
        }
        if (application := self._application.device(self._known_key)) is not None:
            devices[application.key] = application
        # A device whose item could not be read is not gone.
        return Snapshot(devices, complete=self._reader.complete)

    def _device(self, device: WegnologyDevice) -> Device:
        """Return a device with its connectivity, open alert and attribute points."""
        state = self._reader.states.get(device.id, {})
        connects = device.device_class not in NEVER_CONNECTED
        points: list[Point] = []
        if connects:
            points.append(
                Point(key=CONNECTED, spec=_CONNECTIVITY, value=device.connected)
            )
        if (open_alert := self._application.open_alert(device.id)) is not None:
            points.append(open_alert)
        for attribute, spec in self._specs.of(device):
            reported = state.get(attribute.name)
            raw = reported.value if reported else None
            value = attribute_value(attribute.data_type, raw)
            self._problems.unreadable(raw, value, "device", device.id, attribute.name)
            points.append(Point(key=attribute.name, spec=spec, value=value))
        parent = device.parent_id
        return Device(
            key=self._key(device.id),
            name=device.name,
            manufacturer=MANUFACTURER,
            model=sentence(device.device_class),
            suggested_area=suggested_area(device.tags),
            via_device=self._known_key(parent) if parent else None,
            online=not connects or device.connected is not False,
            points={point.key: point for point in points},
        )

    async def async_execute(self, command: Command) -> list[PointUpdate]:
        """Send the device command a command needs; switches show it at once.

        On the application: move an event, or press a workflow button.
        """
        if command.device_key == self._application_id:
            await self._application.execute(command)
            return []
        device_id = command.device_key.removeprefix(f"{self._application_id}:")
        if isinstance(command.value, DeviceCommand):
            await self._send(device_id, command.value.name, command.value.payload)
            return []
        switch = self._switches.get(f"{device_id}/{command.point_key}")
        if switch is None or not isinstance(command.value, bool):
            raise CloudInvalidValueError(f"{command.point_key} cannot be set")
        side = "on" if command.value else "off"
        await self._send(
            device_id, switch[f"{side}_command"], switch.get(f"{side}_payload")
        )
        return [
            PointUpdate(
                device_key=command.device_key,
                point_key=command.point_key,
                value=command.value,
            )
        ]

    async def _send(self, device_id: str, name: str, payload: Any) -> None:
        """Send a command; a device the cloud no longer has is looked for at once."""
        try:
            await self._api.send(WegnologyClient.send_command, device_id, name, payload)
        except CloudRejectedError as err:
            if refused(err, 404):
                # The next poll reads the device list again.
                self._reader.mark_stale()
                raise DeviceGoneError(str(err)) from err
            raise

    def attributes(self, data_type: str) -> list[tuple[str, str, str]]:
        """Return (device id, device name, attribute) of every attribute of a type.

        Sorted by device name, then attribute (as a person reads them).
        """
        return sorted(
            (
                (device.id, device.name, attribute.name)
                for device in self._reader.devices.values()
                for attribute in device.attributes
                if attribute.data_type == data_type
            ),
            key=lambda found: (found[1].casefold(), found[2].casefold(), found[0]),
        )

    def diagnostics(self) -> dict[str, Any]:
        """Return the devices known, the read mode and the options in use."""
        devices = self._reader.devices
        return {
            "application_id": self._application_id,
            "devices": len(devices),
            "bulk_composite_state": self._reader.bulk,
            "reported_problems": [
                *self._reader.reported_problems,
                *self._application.reported_problems,
                *self._problems.reported,
            ],
            **self._application.diagnostics(),
            "device_classes": sorted({d.device_class for d in devices.values()}),
            "overrides": dict(self._overrides),
            "switches": dict(self._switches),
        }
