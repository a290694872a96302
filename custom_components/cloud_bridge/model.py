"""The vendor-neutral model every adapter produces and every platform reads.

A Snapshot holds devices; a device holds points; one point becomes one entity.
Values use Home Assistant's vocabulary (device classes, units, colour modes) as
plain strings, so this module stays free of Home Assistant imports.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, ClassVar


class Kind(StrEnum):
    """The platform a point becomes."""

    BINARY_SENSOR = "binary_sensor"
    CLIMATE = "climate"
    FAN = "fan"
    LIGHT = "light"
    NUMBER = "number"
    SCENE = "scene"
    SELECT = "select"
    SENSOR = "sensor"
    SWITCH = "switch"
    # What a cloud service (an application) offers besides its devices.
    BUTTON = "button"
    EVENT = "event"


class Category(StrEnum):
    """Entity category of a point that is not a primary control."""

    CONFIG = "config"
    DIAGNOSTIC = "diagnostic"


@dataclass(frozen=True, slots=True, kw_only=True)
class LightFeatures:
    """What a light can do.

    Brightness is native: ``brightness_range`` is (lowest accepted, full), so a
    cloud that takes 10-100 % reports (10, 100).
    """

    color_modes: frozenset[str]
    brightness_range: tuple[int, int] | None = None
    kelvin_range: tuple[int, int] | None = None
    effects: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class LightState:
    """What a light shows; None where the cloud did not say."""

    on: bool | None = None
    brightness: int | None = None
    color_mode: str | None = None
    color_temp_kelvin: int | None = None
    rgb_color: tuple[int, int, int] | None = None
    rgbww_color: tuple[int, int, int, int, int] | None = None
    effect: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LightCommand:
    """A request to change a light; unset fields stay as they are."""

    on: bool
    brightness: int | None = None
    color_temp_kelvin: int | None = None
    rgb_color: tuple[int, int, int] | None = None
    rgbww_color: tuple[int, int, int, int, int] | None = None
    effect: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClimateState:
    """What a thermostat shows; None where the cloud did not say.

    ``hvac_mode`` is None while a device that has several modes runs a preset.
    """

    hvac_mode: str | None = None
    current_temperature: float | None = None
    target_temperature: float | None = None
    fan_mode: str | None = None
    swing_mode: str | None = None
    preset_mode: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClimateCommand:
    """A request to change a thermostat; unset fields stay as they are.

    ``on`` alone turns it on or off in whatever mode it was; an HVAC mode or a
    preset turns it on in that mode ("off" turns it off).
    """

    on: bool | None = None
    hvac_mode: str | None = None
    target_temperature: float | None = None
    fan_mode: str | None = None
    swing_mode: str | None = None
    preset_mode: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FanState:
    """What a fan shows; percentage 0 while it is off."""

    on: bool | None = None
    percentage: int | None = None
    preset_mode: str | None = None
    oscillating: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FanCommand:
    """A request to change a fan; unset fields stay as they are.

    A percentage or a preset turns the fan on.
    """

    on: bool | None = None
    percentage: int | None = None
    preset_mode: str | None = None
    oscillating: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Spec:
    """How a point's entity looks and behaves: everything but its value.

    Each platform has its own Spec; a point whose Spec changes gets a new
    entity (of its new platform, or with its new options, range or unit).
    """

    kind: ClassVar[Kind]
    name: str | None = None
    translation_key: str | None = None
    translation_placeholders: tuple[tuple[str, str], ...] = ()
    category: Category | None = None
    enabled_by_default: bool = True
    # Starts disabled in an entry too large for Home Assistant's entity limit.
    optional: bool = False
    # Stays available while its device is offline (connectivity, say).
    survives_offline: bool = False
    # Where something is (a GPS fix): shown, but redacted in diagnostics.
    private: bool = False
    # The device's main feature: named as the device, even with a device class.
    main: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class LightSpec(Spec):
    """A light: what it can do."""

    kind = Kind.LIGHT
    features: LightFeatures


@dataclass(frozen=True, slots=True, kw_only=True)
class ClimateSpec(Spec):
    """A thermostat: its modes, target range and the settings it offers.

    ``hvac_modes`` holds "off" and the modes offered, in Home Assistant's words;
    ``precision`` is the finest step of the temperatures it shows.
    """

    kind = Kind.CLIMATE
    hvac_modes: tuple[str, ...]
    target_range: tuple[float, float]
    target_step: float = 1
    precision: float = 1
    unit: str = "°C"
    fan_modes: tuple[str, ...] = ()
    swing_modes: tuple[str, ...] = ()
    preset_modes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class FanSpec(Spec):
    """A fan: how many speeds it has, its presets and whether it oscillates."""

    kind = Kind.FAN
    speed_count: int
    preset_modes: tuple[str, ...] = ()
    oscillation: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class SwitchSpec(Spec):
    """A settable on/off value."""

    kind = Kind.SWITCH
    device_class: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BinarySensorSpec(Spec):
    """A read-only on/off value."""

    kind = Kind.BINARY_SENSOR
    device_class: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NumberSpec(Spec):
    """A settable number within a range."""

    kind = Kind.NUMBER
    native_range: tuple[float, float]
    step: float = 1
    unit: str | None = None
    device_class: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SelectSpec(Spec):
    """A settable value from a fixed list."""

    kind = Kind.SELECT
    options: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SensorSpec(Spec):
    """A read-only value: a measurement, a total, text or one of some options."""

    kind = Kind.SENSOR
    device_class: str | None = None
    unit: str | None = None
    state_class: str | None = None
    options: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SceneSpec(Spec):
    """Something the cloud applies on request (a scene, a favorite)."""

    kind = Kind.SCENE


@dataclass(frozen=True, slots=True, kw_only=True)
class ButtonSpec(Spec):
    """Something the cloud does when pressed (a workflow's button)."""

    kind = Kind.BUTTON


@dataclass(frozen=True, slots=True, kw_only=True)
class EventSpec(Spec):
    """Things that happen (alerts); each Occurrence of its point fires once."""

    kind = Kind.EVENT
    event_types: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Occurrence:
    """One thing that happened: its id (fired once), its type and what it says.

    ``device_key`` names the device it is about, if any.
    """

    id: str
    type: str
    data: Mapping[str, Any] = field(default_factory=dict)
    device_key: str | None = None


type SensorValue = str | int | float


@dataclass(frozen=True, slots=True, kw_only=True)
class Point[S: Spec = Spec, V = Any]:
    """One readable or settable thing on a device: one entity."""

    key: str
    spec: S
    value: V | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Device:
    """A thing Home Assistant shows as a device."""

    key: str
    name: str
    manufacturer: str | None = None
    model: str | None = None
    mac: str | None = None
    suggested_area: str | None = None
    via_device: str | None = None
    # A cloud service (an application), not a physical device.
    service: bool = False
    online: bool = True
    points: Mapping[str, Point] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class PointUpdate:
    """A new value for one point, from a command or a push message."""

    device_key: str
    point_key: str
    value: Any


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything an account holds at one moment.

    ``complete`` is False when the cloud's answer had items that could not be
    read: devices missing from such a Snapshot are unavailable, not gone.
    """

    devices: Mapping[str, Device]
    complete: bool = True

    def point(self, device_key: str, point_key: str) -> Point | None:
        """Return a point, or None when its device or the point is gone."""
        if (device := self.devices.get(device_key)) is None:
            return None
        return device.points.get(point_key)

    def with_updates(self, updates: Iterable[PointUpdate]) -> Snapshot:
        """Return a copy with new point values; untouched devices are shared."""
        changed: dict[str, dict[str, Point]] = {}
        for update in updates:
            device = self.devices.get(update.device_key)
            if device is None or update.point_key not in device.points:
                continue
            points = changed.setdefault(update.device_key, dict(device.points))
            points[update.point_key] = replace(
                points[update.point_key], value=update.value
            )
        if not changed:
            return self
        devices = dict(self.devices)
        for device_key, points in changed.items():
            devices[device_key] = replace(devices[device_key], points=points)
        return Snapshot(devices, self.complete)

    def with_online(self, device_key: str, online: bool) -> Snapshot:
        """Return a copy where one device is online or offline."""
        device = self.devices.get(device_key)
        if device is None or device.online == online:
            return self
        return Snapshot(
            {**self.devices, device_key: replace(device, online=online)},
            self.complete,
        )


@dataclass(frozen=True, slots=True)
class DeviceCommand:
    """A named command with a payload, sent to a device rather than a point."""

    name: str
    payload: Any = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    """A change the user asked for, on one point."""

    device_key: str
    point_key: str
    value: Any = None
    # The service call it is part of (its context id): one call's commands
    # may travel together.
    call: str | None = None
