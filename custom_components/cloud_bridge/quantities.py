"""What a value measures, read from its name: device class and unit.

A name (``room_temp``, ``Temperature``, ``batteryLevel``) is split into words;
a display name (often Chinese) is searched for the listed terms. Gizwits
datapoints and WEGnology attributes are read the same way.
"""

from dataclasses import dataclass
import itertools
import re


@dataclass(frozen=True, slots=True)
class Quantity:
    """A physical quantity Home Assistant knows."""

    device_class: str
    unit: str | None
    state_class: str = "measurement"


# (words in the name, terms in the display name, quantity)
QUANTITIES: tuple[tuple[frozenset[str], tuple[str, ...], Quantity], ...] = (
    (frozenset({"temp", "temperature"}), ("温度",), Quantity("temperature", "°C")),
    (frozenset({"humi", "humidity"}), ("湿度",), Quantity("humidity", "%")),
    (frozenset({"power", "watt"}), ("功率",), Quantity("power", "W")),
    (
        frozenset({"energy", "kwh", "consumption"}),
        ("电量", "电能", "用电"),
        Quantity("energy", "kWh", "total_increasing"),
    ),
    (frozenset({"voltage", "volt"}), ("电压",), Quantity("voltage", "V")),
    (frozenset({"current", "ampere"}), ("电流",), Quantity("current", "A")),
    (frozenset({"battery"}), ("电池",), Quantity("battery", "%")),
    (frozenset({"co2"}), ("二氧化碳",), Quantity("carbon_dioxide", "ppm")),
    (frozenset({"pm25", "pm2_5"}), ("PM2.5",), Quantity("pm25", "µg/m³")),
    (
        frozenset({"lux", "illuminance"}),
        ("光照", "照度"),
        Quantity("illuminance", "lx"),
    ),
    (frozenset({"pressure"}), ("气压",), Quantity("pressure", "hPa")),
)

_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def ordered_words(name: str) -> list[str]:
    """Return a name's words in order, lower-case: roomTemp → room, temp."""
    return [
        part.lower()
        for chunk in re.split(r"[_\W]+", name)
        for part in _WORD.findall(chunk)
    ]


def words(name: str) -> frozenset[str]:
    """Split a datapoint name into lower-case words: room_temp, roomTemp, PM25.

    A word and the number after it count joined too, so co2Level reads co2.
    """
    parts = ordered_words(name)
    joined = {
        word + after
        for word, after in itertools.pairwise(parts)
        if word.isalpha() and after.isdigit()
    }
    return frozenset({*parts, *joined, name.lower()})


# A colour temperature is not a temperature in °C.
_NOT_A_TEMPERATURE = frozenset({"color", "colour", "colortemp", "cct"})
# "power" and "current" also mean "on/off" and "present": power_level,
# powerMode, current_speed, currentMode are settings, not watts or amperes.
_AMBIGUOUS = frozenset({"power", "current"})
_SETTINGS = frozenset(
    {
        "level",
        "mode",
        "speed",
        "state",
        "status",
        "switch",
        "on",
        "off",
        "setting",
        "position",
        "step",
        "gear",
        "type",
        "timer",
        "time",
        "delay",
        "factor",
    }
)
POWER_FACTOR = Quantity("power_factor", None)
# A unit written into the name: temperatureF, pressure_psi, power_kw.
_UNIT_WORDS: dict[str, dict[str, str]] = {
    "temperature": {
        "c": "°C",
        "celsius": "°C",
        "f": "°F",
        "fahrenheit": "°F",
        "k": "K",
    },
    "pressure": {
        "pa": "Pa",
        "hpa": "hPa",
        "kpa": "kPa",
        "mbar": "mbar",
        "bar": "bar",
        "psi": "psi",
        "mmhg": "mmHg",
        "inhg": "inHg",
    },
    "power": {"w": "W", "kw": "kW"},
    "energy": {"wh": "Wh", "kwh": "kWh"},
    "voltage": {"v": "V", "mv": "mV", "kv": "kV"},
    # Not "a": current_a is as often phase A as amperes.
    "current": {"ma": "mA"},
}


# Milli or mega? Names are not written with care for case (txPowerMw,
# energy_MWh, power_mw): no guess rather than one 10⁹ off.
_UNCLEAR_UNIT = re.compile(r"mwh?(?![a-z])", re.IGNORECASE)


def quantity(name: str, display_name: str = "") -> Quantity | None:
    """Return what a numeric value measures, if its names say so plainly."""
    found = words(name)
    if _UNCLEAR_UNIT.search(name):
        return None
    if {"power", "factor"} <= found or "pf" in found:
        return POWER_FACTOR
    colour = bool(found & _NOT_A_TEMPERATURE) or "色温" in display_name
    setting = bool(found & _SETTINGS)
    for names, terms, measured in QUANTITIES:
        if colour and measured.device_class == "temperature":
            continue
        named = found & names
        if named and setting and named <= _AMBIGUOUS:
            continue
        if named or any(term in display_name for term in terms):
            return _with_unit_word(measured, found)
    return None


def _with_unit_word(measured: Quantity, found: frozenset[str]) -> Quantity:
    """Return the quantity in the unit its name spells out, if it does."""
    units = _UNIT_WORDS.get(measured.device_class, {})
    for word in sorted(found & units.keys()):
        return Quantity(measured.device_class, units[word], measured.state_class)
    return measured
