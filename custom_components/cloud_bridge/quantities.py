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
    """A physical quantity: its device class (None: one HA has no class for)."""

    device_class: str | None
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
    (frozenset({"pm25"}), ("PM2.5",), Quantity("pm25", "µg/m³")),
    (
        frozenset({"lux", "illuminance"}),
        ("光照", "照度"),
        Quantity("illuminance", "lx"),
    ),
    (frozenset({"pressure"}), ("气压",), Quantity("pressure", "hPa")),
    (
        frozenset({"rssi", "signal", "signalstrength"}),
        (),
        Quantity("signal_strength", "dBm"),
    ),
    (
        frozenset({"uptime", "runtime", "duration"}),
        (),
        Quantity("duration", "s"),
    ),
    (frozenset({"rpm"}), (), Quantity(None, "rpm")),
    (frozenset({"frequency", "freq", "hz"}), (), Quantity("frequency", "Hz")),
)
# Words that say what a value measures only with a unit spelt next to them
# (flowRateLpm, flow_m3h, tankLevelPct): alone, a flow may be of air, water
# or gas in any unit, and a level in %, m or litres. (words, quantity, units)
NAMED_WITH_UNIT: tuple[tuple[frozenset[str], Quantity, dict[str, str]], ...] = (
    (
        frozenset({"flow", "flowrate"}),
        Quantity("volume_flow_rate", None),
        {
            "lpm": "L/min",
            "lpmin": "L/min",
            "lph": "L/h",
            "lps": "L/s",
            "m3h": "m³/h",
            "m3s": "m³/s",
            "cfm": "ft³/min",
            "gpm": "gal/min",
            "gph": "gal/h",
        },
    ),
    (
        frozenset({"level"}),
        Quantity(None, "%"),
        {"pct": "%", "percent": "%"},
    ),
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

    A word and the number after it count joined too, so co2Level reads co2,
    and so do a word and two numbers: indoor_pm2_5 reads pm25.
    """
    parts = ordered_words(name)
    joined = {
        word + after
        for word, after in itertools.pairwise(parts)
        if word.isalpha() and after.isdigit()
    }
    joined |= {
        "".join(three)
        for three in zip(parts, parts[1:], parts[2:], strict=False)
        if three[0].isalpha() and three[1].isdigit() and three[2].isdigit()
    }
    return frozenset({*parts, *joined, name.lower()})


def compounds(name: str) -> frozenset[str]:
    """Return the words a name writes apart that mean one thing together.

    Two words in a row (upTime reads uptime, flowRate flowrate), and a word,
    a number and a word (flow_m3h reads m3h).
    """
    parts = ordered_words(name)
    pairs = {
        word + after
        for word, after in itertools.pairwise(parts)
        if word.isalpha() and after.isalpha()
    }
    spelt = {
        "".join(three)
        for three in zip(parts, parts[1:], parts[2:], strict=False)
        if three[0].isalpha() and three[1].isdigit() and three[2].isalpha()
    }
    return frozenset(pairs | spelt)


# A colour temperature is not a temperature in °C.
_NOT_A_TEMPERATURE = frozenset({"color", "colour", "colortemp", "cct"})
# "power" and "current" also mean "on/off" and "present": power_level,
# powerMode, current_speed, currentMode are settings, not watts or amperes;
# a signal_level is as often bars (0-5) as dBm.
_AMBIGUOUS = frozenset({"power", "current", "signal"})
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
    "signal_strength": {"dbm": "dBm"},
    "duration": {
        "s": "s",
        "sec": "s",
        "secs": "s",
        "seconds": "s",
        "ms": "ms",
        "millis": "ms",
        "min": "min",
        "mins": "min",
        "minutes": "min",
        "h": "h",
        "hr": "h",
        "hrs": "h",
        "hours": "h",
        "d": "d",
        "days": "d",
    },
    "frequency": {"hz": "Hz", "khz": "kHz"},
}


# Milli or mega? Names are not written with care for case (txPowerMw,
# energy_MWh, power_mw): no guess rather than one 10⁹ off.
_UNCLEAR_UNIT = re.compile(r"mwh?(?![a-z])", re.IGNORECASE)


def quantity(name: str, display_name: str = "") -> Quantity | None:
    """Return what a numeric value measures, if its names say so plainly."""
    found = words(name) | compounds(name)
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
    for names, measured, units in NAMED_WITH_UNIT:
        if found & names and (spelt := sorted(found & units.keys())):
            return Quantity(measured.device_class, units[spelt[0]])
    return None


def _with_unit_word(measured: Quantity, found: frozenset[str]) -> Quantity:
    """Return the quantity in the unit its name spells out, if it does."""
    units = _UNIT_WORDS.get(measured.device_class or "", {})
    for word in sorted(found & units.keys()):
        return Quantity(measured.device_class, units[word], measured.state_class)
    return measured
