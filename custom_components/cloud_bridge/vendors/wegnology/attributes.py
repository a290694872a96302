"""WEGnology device attributes as points: their values, names and specs."""

from collections.abc import Iterable, Mapping
from functools import lru_cache
import re
from typing import Any

from ...model import BinarySensorSpec, SensorSpec, Spec, SwitchSpec
from ...quantities import quantity
from ..parse import number
from .models import Attribute, Device

_MAX_STATE_LENGTH = 255
# Tags whose value names the device's area, by preference (keys compare
# case-insensitively).
AREA_TAGS = ("area", "room")
_WORD_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|[\s_\-.]+")
# Abbreviations that read as capitals when the name writes them in lower case.
_ABBREVIATIONS = frozenset(
    {"co", "co2", "cpu", "gps", "hvac", "id", "ip", "no2", "ph", "pm1", "pm10"}
    | {"pm25", "rpm", "rssi", "snr", "tvoc", "uv", "voc"}
)


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


class AttributeSpecs:
    """The spec of each attribute that becomes an entity, by the user's options.

    Worked out once per device definition (a poll of a large application
    reads thousands of attributes).
    """

    def __init__(
        self,
        overrides: Mapping[str, Mapping[str, str]],
        switches: Mapping[str, Mapping[str, Any]],
    ) -> None:
        """Keep the options: units and device classes, and attributes made switches."""
        self._overrides = overrides
        self._switches = switches
        self._known: dict[
            tuple[str, str, tuple[Attribute, ...]], tuple[tuple[Attribute, Spec], ...]
        ] = {}

    def forget(self) -> None:
        """Drop what was worked out (the device list was read again)."""
        self._known = {}

    def of(self, device: Device) -> tuple[tuple[Attribute, Spec], ...]:
        """Return each attribute of a device that becomes an entity, with its spec.

        The one attribute whose words end the device's name is its main feature.
        """
        shape = (device.id, device.name, device.attributes)
        if (known := self._known.get(shape)) is not None:
            return known
        main = [a.name for a in device.attributes if names_device(device.name, a.name)]
        specs = tuple(
            (attribute, spec)
            for attribute in device.attributes
            if (
                spec := self._spec(
                    device.id,
                    attribute.name,
                    attribute.data_type,
                    main=main == [attribute.name],
                )
            )
            is not None
        )
        self._known[shape] = specs
        return specs

    def _spec(
        self, device_id: str, name: str, data_type: str, *, main: bool
    ) -> Spec | None:
        """Return the spec an attribute becomes, by its data type and the options.

        Its point's key (and so its unique id) is the attribute's name; its
        name is that name in words, or the device's own for its main feature.
        """
        option = f"{device_id}/{name}"
        words = sentence(name)
        match data_type:
            case "boolean" if option in self._switches:
                return SwitchSpec(name=words, main=main)
            case "boolean":
                return BinarySensorSpec(name=words, main=main)
            case "number":
                device_class, unit, state_class = measurement(
                    name, self._overrides.get(option, {})
                )
                return SensorSpec(
                    name=words,
                    main=main,
                    device_class=device_class,
                    unit=unit,
                    state_class=state_class,
                )
            case "string" | "gps":
                return SensorSpec(name=words, main=main, private=data_type == "gps")
        return None
