"""A WEGnology application as a Snapshot; commands as device commands.

Each poll reads the composite state a page of devices at a time (the bulk
endpoint), the devices whose connection changed since the last read (the
device list's query on ``connectedAt``/``disconnectedAt``: one small request),
and the alerts (``alerts.py``); the whole device list (attributes, gateways,
connection, tags) and the workflow buttons (``workflows.py``) are topology.
The application itself is a device too: its alerts and buttons are its points.
Where the bulk endpoint answers 404 and the application is still there, each
device's own composite state is read instead, a few at a time. An application
the cloud no longer has (404 on its device list or on Application Get) is an
account problem the user must act on; a device it no longer has (404 on the
device) only makes the device list stale.
"""

from collections.abc import Iterable, Mapping
from functools import lru_cache, partial
import logging
import re
from typing import Any

from ...errors import (
    CloudAccountError,
    CloudInvalidValueError,
    CloudRejectedError,
    DeviceGoneError,
)
from ...model import (
    BinarySensorSpec,
    Category,
    Command,
    Device,
    DeviceCommand,
    EventSpec,
    Occurrence,
    Point,
    PointUpdate,
    SensorSpec,
    Snapshot,
    Spec,
    SwitchSpec,
)
from ...quantities import quantity
from ..base import ProblemLog, VendorAdapter, read_concurrently
from ..parse import number
from .alerts import (
    ALERT_LEVELS,
    AlertMemory,
    Alerts,
    EventStateChange,
    query_time,
)
from .client import (
    WegnologyClient,
    WegnologyNotFoundError,
)
from .models import (
    EVENT_LEVELS,
    Attribute,
    AttributeState,
    Device as WegnologyDevice,
    Event,
)
from .workflows import WorkflowButtons

_LOGGER = logging.getLogger(__name__)

MANUFACTURER = "WEGnology"
# "$" cannot appear in an attribute name, so this key never meets one.
CONNECTED = "$connected"
MAX_CONCURRENT_READS = 4
_MAX_STATE_LENGTH = 255
# The repair issue (and error) of an application the cloud no longer has.
APPLICATION_GONE = "wegnology_application_gone"
# Losant's device classes that never hold a connection of their own: a floating
# device's state is reported for it (by a gateway, a workflow or the API), and a
# system device is the platform's own. Their connectionInfo says "disconnected"
# for ever, which tells nothing about whether their values are current.
NEVER_CONNECTED = frozenset({"floating", "system"})
# Tags whose value names the device's area, by preference (keys compare
# case-insensitively).
AREA_TAGS = ("area", "room")
_CONNECTIVITY = BinarySensorSpec(
    device_class="connectivity", category=Category.DIAGNOSTIC, survives_offline=True
)
# The application's own points, and each device's open alert.
ALERTS = "$alerts"
NEW_ALERTS = "$new_alerts"
ALERT_LEVEL = "$alert_level"
OPEN_ALERT = "$open_alert"
_ALERT_EVENT = EventSpec(translation_key="alert", event_types=EVENT_LEVELS)
_NEW_ALERTS = SensorSpec(translation_key="new_alerts", state_class="measurement")
_ALERT_LEVEL = SensorSpec(
    translation_key="alert_level", device_class="enum", options=ALERT_LEVELS
)
# An offline device's alert (it went offline, say) stays shown. One per device:
# the first to start disabled in an application too large for the entity limit.
_OPEN_ALERT = BinarySensorSpec(
    translation_key="open_alert",
    device_class="problem",
    survives_offline=True,
    optional=True,
)
APPLICATION_MODEL = "Application"


def _not_found(err: CloudRejectedError) -> bool:
    """Tell whether the cloud refused a request with 404."""
    return isinstance(err.__cause__, WegnologyNotFoundError)


def attribute_value(data_type: str, raw: Any) -> Any:
    """Return a reported value as the model holds it; None when it is not one."""
    match data_type:
        case "number":
            return _reading(raw)
        case "boolean":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower() if raw is not None else ""
            return {"true": True, "1": True, "false": False, "0": False}.get(text)
        case "gps":
            return _gps(raw)
    if raw is None or isinstance(raw, dict | list):
        return None
    return str(raw)[:_MAX_STATE_LENGTH]


def _reading(
    raw: Any, *, low: float | None = None, high: float | None = None
) -> float | None:
    """Return a number, given as one or as text, within bounds; None otherwise."""
    try:
        return number(float(raw) if isinstance(raw, str) else raw, low=low, high=high)
    except ValueError:  # ParseError too
        return None


def _gps(raw: Any) -> str | None:
    """Return a location as "lat,lon" from text, a pair, or a lat/lon object."""
    if isinstance(raw, dict):
        raw = (raw.get("lat", raw.get("latitude")), raw.get("lon", raw.get("lng")))
    elif isinstance(raw, str):
        raw = raw.split(",")
    if not isinstance(raw, list | tuple) or len(raw) != 2:
        return None
    lat = _reading(raw[0], low=-90, high=90)
    lon = _reading(raw[1], low=-180, high=180)
    if lat is None or lon is None:
        return None
    # 15 significant digits: ":g" (6) would cut a GPS fix to about 100 m.
    return f"{lat:.15g},{lon:.15g}"


_WORD_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|[\s_\-.]+")
# Abbreviations that read as capitals when the name writes them in lower case.
_ABBREVIATIONS = frozenset(
    {"co", "co2", "cpu", "gps", "hvac", "id", "ip", "no2", "ph", "pm1", "pm10"}
    | {"pm25", "rpm", "rssi", "snr", "tvoc", "uv", "voc"}
)


@lru_cache(maxsize=4096)
def sentence(name: str) -> str:
    """Return a camelCase or snake_case name as words: flowRate → Flow rate.

    Abbreviations stay capitals: co2 → CO2, cpuLoad → CPU load, CPUTemp → CPU temp.
    """
    words = [
        word
        if len(word) > 1 and word.isupper()
        else word.upper()
        if word.lower() in _ABBREVIATIONS
        else word.lower()
        for word in _WORD_BREAK.split(name)
        if word
    ]
    text = " ".join(words) or name
    return text[:1].upper() + text[1:]


def suggested_area(tags: Iterable[tuple[str, str]]) -> str | None:
    """Return the area a device's tags name: an "area" tag, else a "room" tag."""
    for wanted in AREA_TAGS:
        for key, value in tags:
            if key.strip().casefold() == wanted and value.strip():
                return value.strip()
    return None


def names_device(device_name: str, attribute: str) -> bool:
    """Tell whether an attribute's words are the last words of its device's name.

    Such an attribute is the device's main feature: "Boiler Relay" + relay.
    """
    said = sentence(attribute).casefold().split()
    name = device_name.casefold().split()
    return 0 < len(said) <= len(name) and name[-len(said) :] == said


def measurement(
    name: str, override: Mapping[str, str]
) -> tuple[str | None, str | None, str]:
    """Return an attribute's device class, unit and state class.

    The options win over the name. What was guessed with the device class
    (unit, state class) is kept only under that device class: a "temperature"
    made a pressure is not in °C. The sensor platform moves a state class the
    device class does not allow to one it does.
    """
    measured = quantity(name)
    device_class = override.get("device_class") or (
        measured.device_class if measured else None
    )
    if measured is None or measured.device_class != device_class:
        measured = None
    return (
        device_class,
        override.get("unit") or (measured.unit if measured else None),
        measured.state_class if measured else "measurement",
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
        self._client = client
        self._application_id = application_id
        self._name = name or application_id
        self._alerts = Alerts(client, application_id, memory, self._call)
        self._buttons = WorkflowButtons(client, application_id, self._call)
        self._overrides = overrides or {}
        self._switches = switches or {}
        self._devices: dict[str, WegnologyDevice] = {}
        self._states: dict[str, dict[str, AttributeState]] = {}
        self._bulk = True
        self._stale = True
        self._complete = True
        self._unlisted: set[str] = set()
        # Each device's attribute specs, while its definition stays the same.
        self._specs: dict[
            tuple[str, str, tuple[Attribute, ...]], tuple[tuple[Attribute, Spec], ...]
        ] = {}
        self._open_alerts: frozenset[str] = frozenset()
        self._problems = ProblemLog(_LOGGER, "WEGnology: a device skipped: %s")

    def _key(self, device_id: str) -> str:
        """Return a device key, unique within the vendor."""
        return f"{self._application_id}:{device_id}"

    async def async_poll(self, *, topology_due: bool) -> Snapshot:
        """Read state, connection changes and alerts; topology when it is due."""
        topology = topology_due or self._stale
        listed = topology
        if topology:
            await self._read_devices()
            self._bulk = True
        states = await self._read_states()
        if (unlisted := set(states) - set(self._devices)) - self._unlisted:
            # State names a device the list did not have: read the list now
            # (once: one the list cannot give, being unreadable, is not asked
            # for again on every poll).
            await self._read_devices()
            listed = True
        self._unlisted = unlisted
        if not listed:
            await self._read_connection_changes()
        self._states = states
        # A device gone (stale) re-reads the devices, not the rest of the topology.
        await self._alerts.poll(full=topology_due)
        if topology_due or self._buttons.stale:
            await self._buttons.read()
        self._open_alerts = self._alerts.devices_with_open_alerts
        devices = {
            self._key(device.id): self._device(device)
            for device in self._devices.values()
        }
        if (application := self._application_device()) is not None:
            devices[application.key] = application
        # A device whose item could not be read is not gone.
        return Snapshot(devices, complete=self._complete)

    async def _read_connection_changes(self) -> None:
        """Read the devices whose connection changed since the newest change seen.

        One small request (usually the device or two of that last moment);
        a device it names that the list did not have joins at once.
        """
        changes = [
            device.connection_time
            for device in self._devices.values()
            if device.connection_time is not None
            and device.device_class not in NEVER_CONNECTED
        ]
        if not changes:
            return
        since = query_time(max(changes))
        listing = await self._call(
            partial(
                self._client.devices,
                self._application_id,
                query={
                    "$or": [
                        {"connectedAt": {"$gte": since}},
                        {"disconnectedAt": {"$gte": since}},
                    ]
                },
            )
        )
        for device in listing.items:
            self._devices[device.id] = device

    def _gone(self, err: CloudRejectedError) -> CloudAccountError:
        """Return the account problem of an application the cloud no longer has."""
        return CloudAccountError(
            f"WEGnology no longer has application {self._application_id}: {err}",
            APPLICATION_GONE,
        )

    async def _read_devices(self) -> None:
        """Read the application's devices."""
        try:
            devices = await self._call(
                partial(self._client.devices, self._application_id)
            )
        except CloudRejectedError as err:
            if _not_found(err):
                raise self._gone(err) from err
            raise
        for problem in devices.skipped:
            self._problems.report(problem)
        self._complete = not devices.skipped
        self._devices = {device.id: device for device in devices.items}
        self._specs = {}
        self._stale = False

    async def _check_application(self) -> None:
        """Raise the account problem if Application Get no longer finds the application.

        Only a 404 says it is gone: a token that may not read the application
        itself (403) still reads its devices.
        """
        try:
            await self._call(partial(self._client.application, self._application_id))
        except CloudRejectedError as err:
            if _not_found(err):
                raise self._gone(err) from err
            _LOGGER.debug("Application Get refused, the devices are read: %s", err)

    async def _read_states(self) -> dict[str, dict[str, AttributeState]]:
        """Read every device's state: in bulk, or one by one where bulk is missing."""
        if self._bulk:
            try:
                return await self._call(
                    partial(self._client.composite_states, self._application_id)
                )
            except CloudRejectedError as err:
                if not _not_found(err):
                    raise
                # A 404 from a server without the route, or for an application
                # that is gone: Application Get tells them apart.
                await self._check_application()
                _LOGGER.info(
                    "WEGnology has no bulk composite state; reading devices one by one"
                )
                self._bulk = False

        async def read(device_id: str) -> tuple[str, dict[str, AttributeState]]:
            try:
                return device_id, await self._call(
                    partial(
                        self._client.composite_state,
                        self._application_id,
                        device_id,
                    )
                )
            except CloudRejectedError as err:
                if not _not_found(err):
                    raise
                # Gone since the list was read: read the list again next time.
                self._stale = True
                return device_id, {}

        states = dict(
            await read_concurrently(self._devices, read, MAX_CONCURRENT_READS)
        )
        if self._stale:
            # A device was not found: gone itself, or with its application?
            await self._check_application()
        return states

    def _device(self, device: WegnologyDevice) -> Device:
        """Return a device with its connectivity and attribute points."""
        state = self._states.get(device.id, {})
        connects = device.device_class not in NEVER_CONNECTED
        points: list[Point] = []
        if connects:
            points.append(
                Point(key=CONNECTED, spec=_CONNECTIVITY, value=device.connected)
            )
        if self._alerts.readable:
            points.append(
                Point(
                    key=OPEN_ALERT,
                    spec=_OPEN_ALERT,
                    value=device.id in self._open_alerts,
                )
            )
        for attribute, spec in self._attribute_specs(device):
            reported = state.get(attribute.name)
            value = attribute_value(
                attribute.data_type, reported.value if reported else None
            )
            points.append(Point(key=attribute.name, spec=spec, value=value))
        parent = device.parent_id if device.parent_id in self._devices else None
        return Device(
            key=self._key(device.id),
            name=device.name,
            manufacturer=MANUFACTURER,
            model=sentence(device.device_class),
            suggested_area=suggested_area(device.tags),
            via_device=self._key(parent) if parent else None,
            online=not connects or device.connected is not False,
            points={point.key: point for point in points},
        )

    def _attribute_specs(
        self, device: WegnologyDevice
    ) -> tuple[tuple[Attribute, Spec], ...]:
        """Return the spec of each attribute that becomes an entity.

        Worked out once per device definition (a poll of a large application
        reads thousands of attributes); the one attribute whose words end the
        device's name is its main feature.
        """
        shape = (device.id, device.name, device.attributes)
        if (known := self._specs.get(shape)) is not None:
            return known
        main = [a.name for a in device.attributes if names_device(device.name, a.name)]
        specs = tuple(
            (attribute, spec)
            for attribute in device.attributes
            if (
                spec := self._attribute_spec(
                    device.id,
                    attribute.name,
                    attribute.data_type,
                    main=main == [attribute.name],
                )
            )
            is not None
        )
        self._specs[shape] = specs
        return specs

    def _attribute_spec(
        self, device_id: str, name: str, data_type: str, *, main: bool
    ) -> Spec | None:
        """Return the spec an attribute becomes, by its data type and the options.

        Its point's key (and so its unique id) is the attribute's name; its
        name is that name in words, or the device's own for its main feature.
        """
        option = f"{device_id}/{name}"
        words = sentence(name)
        spec: Spec
        match data_type:
            case "boolean" if option in self._switches:
                spec = SwitchSpec(name=words, main=main)
            case "boolean":
                spec = BinarySensorSpec(name=words, main=main)
            case "number":
                device_class, unit, state_class = measurement(
                    name, self._overrides.get(option, {})
                )
                spec = SensorSpec(
                    name=words,
                    main=main,
                    device_class=device_class,
                    unit=unit,
                    state_class=state_class,
                )
            case "string" | "gps":
                spec = SensorSpec(name=words, main=main, private=data_type == "gps")
            case _:
                return None
        return spec

    def _application_device(self) -> Device | None:
        """Return the application as a device: its alerts and workflow buttons.

        None while it has neither (a token that may read neither).
        """
        points: list[Point] = []
        if self._alerts.readable:
            points += [
                Point(key=NEW_ALERTS, spec=_NEW_ALERTS, value=self._alerts.new_count),
                Point(
                    key=ALERT_LEVEL, spec=_ALERT_LEVEL, value=self._alerts.worst_level
                ),
                Point(
                    key=ALERTS,
                    spec=_ALERT_EVENT,
                    value=tuple(self._occurrence(e) for e in self._alerts.take_fresh()),
                ),
            ]
        points += self._buttons.points()
        if not points:
            return None
        return Device(
            key=self._application_id,
            name=self._name,
            manufacturer=MANUFACTURER,
            model=APPLICATION_MODEL,
            service=True,
            points={point.key: point for point in points},
        )

    def _occurrence(self, event: Event) -> Occurrence:
        """Return an event as its event entity fires it."""
        return Occurrence(
            id=event.id,
            type=event.level,
            data={
                "event_id": event.id,
                "subject": event.subject,
                "message": event.message,
                "state": event.state,
                "device": event.device_name,
                "created": query_time(event.created),
            },
            device_key=self._key(event.device_id)
            if event.device_id in self._devices
            else None,
        )

    async def async_execute(self, command: Command) -> list[PointUpdate]:
        """Send the device command a command needs; switches show it at once.

        On the application: move an event, or press a workflow button.
        """
        if command.device_key == self._application_id:
            if isinstance(command.value, EventStateChange):
                await self._alerts.set_state(command.value)
            elif command.point_key in self._buttons:
                await self._buttons.press(command.point_key)
            else:
                raise CloudInvalidValueError("the application takes no device commands")
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
            await self._call(
                partial(
                    self._client.send_command,
                    self._application_id,
                    device_id,
                    name,
                    payload,
                )
            )
        except CloudRejectedError as err:
            if _not_found(err):
                # The next poll reads the device list again.
                self._stale = True
                raise DeviceGoneError(str(err)) from err
            raise

    def attributes(self, data_type: str) -> list[tuple[str, str, str]]:
        """Return (device id, device name, attribute) of every attribute of a type.

        Sorted by device name, then attribute (as a person reads them).
        """
        return sorted(
            (
                (device.id, device.name, attribute.name)
                for device in self._devices.values()
                for attribute in device.attributes
                if attribute.data_type == data_type
            ),
            key=lambda found: (found[1].casefold(), found[2].casefold(), found[0]),
        )

    def diagnostics(self) -> dict[str, Any]:
        """Return the devices known, the read mode and the options in use."""
        return {
            "application_id": self._application_id,
            "devices": len(self._devices),
            "bulk_composite_state": self._bulk,
            "reported_problems": [
                *self._problems.reported,
                *self._alerts.reported_problems,
                *self._buttons.reported_problems,
            ],
            "events_readable": self._alerts.readable,
            "workflows_readable": self._buttons.readable,
            "device_classes": sorted(
                {device.device_class for device in self._devices.values()}
            ),
            "overrides": dict(self._overrides),
            "switches": dict(self._switches),
        }
