"""What a value measures, read from its name: device class and unit.

A name (``room_temp``, ``Temperature``, ``batteryLevel``) is split into words;
a display name (often Chinese) is searched for the listed terms. Gizwits
datapoints and WEGnology attributes are read the same way.
"""

from dataclasses import dataclass
import re


@dataclass(frozen=True, slots=True)
class Quantity:
    """A physical quantity Home Assistant knows."""

    device_class: str
    unit: str
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


def words(name: str) -> frozenset[str]:
    """Split a datapoint name into lower-case words: room_temp, roomTemp, PM25."""
    parts = {
        part.lower()
        for chunk in re.split(r"[_\W]+", name)
        for part in _WORD.findall(chunk)
    }
    return frozenset(parts | {name.lower()})


# A colour temperature is not a temperature in °C.
_NOT_A_TEMPERATURE = frozenset({"color", "colour", "colortemp", "cct"})


def quantity(name: str, display_name: str = "") -> Quantity | None:
    """Return what a numeric value measures, if its names say so plainly."""
    found = words(name)
    colour = bool(found & _NOT_A_TEMPERATURE) or "色温" in display_name
    for names, terms, measured in QUANTITIES:
        if colour and measured.device_class == "temperature":
            continue
        if found & names or any(term in display_name for term in terms):
            return measured
    return None
