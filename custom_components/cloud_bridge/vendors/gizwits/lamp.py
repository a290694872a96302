"""The lamp rule: a product that is plainly a lamp becomes one light.

A product whose writable datapoints are exactly an on/off boolean and a
brightness number, optionally with a colour-temperature number or red, green
and blue numbers, is one light entity instead of a switch and numbers. Its
read-only datapoints stay sensors. Only names that plainly mean brightness or
colour temperature count, so appliances (a heater's heat_level and set_temp, a
pump's flow_level) keep their switch and numbers.
"""

from dataclasses import dataclass
import itertools
import math
from typing import Any

from ...model import LightCommand, LightFeatures, LightSpec, LightState, Point
from ...quantities import ordered_words
from .mapping import is_number, read_value, snap
from .models import Datapoint
from .roles import says

LIGHT_KEY = "light"
# Only names that plainly mean brightness or dimming: "level" (heat_level,
# flow_level) and the like belong to appliances.
BRIGHTNESS_WORDS = frozenset(
    {"bright", "brightness", "dim", "dimming", "lightness", "luminance"}
)
# Only names of a colour temperature, whole or as adjacent words (led_color_temp):
# never a plain temperature, which a heater or an air conditioner sets.
COLOR_TEMP_WORDS = frozenset(
    {
        "cct",
        "kelvin",
        "colortemp",
        "colourtemp",
        "colortemperature",
        "colourtemperature",
    }
)
COLOR_TEMP_PAIRS = frozenset(
    (colour, temp) for colour in ("color", "colour") for temp in ("temp", "temperature")
)
RGB_WORDS = (
    frozenset({"r", "red"}),
    frozenset({"g", "green"}),
    frozenset({"b", "blue"}),
)
_TERMS = {"brightness": ("亮度",), "color_temp": ("色温",), "rgb": ("红", "绿", "蓝")}
# A colour-temperature datapoint in this range is in Kelvin; any other range is
# spread over this one, warm to cold.
KELVIN_SPAN = (1000, 10000)
DEFAULT_KELVIN = (2700, 6500)


def _is_color_temp(datapoint: Datapoint) -> bool:
    """Tell whether a datapoint's names say it is a colour temperature."""
    if says(datapoint, COLOR_TEMP_WORDS, _TERMS["color_temp"]):
        return True
    ordered = ordered_words(datapoint.name)
    return any(pair in COLOR_TEMP_PAIRS for pair in itertools.pairwise(ordered))


@dataclass(frozen=True, slots=True, kw_only=True)
class Lamp:
    """The datapoints of a product that is a lamp."""

    switch: Datapoint
    brightness: Datapoint
    color_temp: Datapoint | None = None
    rgb: tuple[Datapoint, Datapoint, Datapoint] | None = None

    @property
    def names(self) -> frozenset[str]:
        """Return the datapoints the light stands for."""
        parts = [self.switch, self.brightness, self.color_temp, *(self.rgb or ())]
        return frozenset(part.name for part in parts if part is not None)

    @property
    def kelvin_range(self) -> tuple[int, int] | None:
        """Return the colour temperatures the light offers."""
        if self.color_temp is None:
            return None
        low, high = self.color_temp.scaled_range
        if KELVIN_SPAN[0] <= low < high <= KELVIN_SPAN[1]:
            return (int(low), int(high))
        return DEFAULT_KELVIN

    def features(self) -> LightFeatures:
        """Return what the light can do."""
        modes = {"color_temp"} if self.color_temp else set()
        if self.rgb:
            modes.add("rgb")
        low, high = self.brightness.scaled_range
        return LightFeatures(
            color_modes=frozenset(modes or {"brightness"}),
            # The lowest whole brightness above 0: a ratio of 0.1 starts at 1.
            brightness_range=(math.ceil(max(low, self.brightness.ratio)), int(high)),
            kelvin_range=self.kelvin_range,
        )

    def point(self, values: dict[str, Any]) -> Point:
        """Return the light point from the reported values."""
        features = self.features()
        return Point(
            key=LIGHT_KEY,
            spec=LightSpec(features=features),
            value=self.state(values, features),
        )

    def state(self, values: dict[str, Any], features: LightFeatures) -> LightState:
        """Return what the lamp shows.

        A lamp with both colour temperature and colour reports both; it is taken
        to show the colour while any channel is lit.
        """
        on = read_value(self.switch, values.get(self.switch.name))
        brightness = read_value(self.brightness, values.get(self.brightness.name))
        kelvin = None
        if self.color_temp is not None and self.kelvin_range is not None:
            native = read_value(self.color_temp, values.get(self.color_temp.name))
            if native is not None:
                kelvin = _rescale(
                    native, self.color_temp.scaled_range, self.kelvin_range
                )
        rgb = None
        if self.rgb is not None:
            channels = [read_value(dp, values.get(dp.name)) for dp in self.rgb]
            if all(channel is not None for channel in channels):
                rgb = (int(channels[0]), int(channels[1]), int(channels[2]))
        modes = features.color_modes
        if "rgb" in modes and ("color_temp" not in modes or (rgb and any(rgb))):
            color_mode = "rgb"
        elif "color_temp" in modes:
            color_mode = "color_temp"
        else:
            color_mode = "brightness"
        return LightState(
            on=on,
            brightness=None if brightness is None else int(brightness),
            color_mode=color_mode,
            color_temp_kelvin=None if kelvin is None else round(kelvin),
            rgb_color=rgb,
        )

    def attrs(self, command: LightCommand) -> dict[str, Any]:
        """Return the datapoints to set for a light command, in one request."""
        attrs: dict[str, Any] = {self.switch.name: command.on}
        if not command.on:
            return attrs
        if command.brightness is not None:
            attrs[self.brightness.name] = snap(self.brightness, command.brightness)
        kelvin = command.color_temp_kelvin
        if kelvin is not None and self.color_temp is not None and self.kelvin_range:
            native = _rescale(kelvin, self.kelvin_range, self.color_temp.scaled_range)
            attrs[self.color_temp.name] = snap(self.color_temp, native)
        if command.rgb_color is not None and self.rgb is not None:
            for datapoint, channel in zip(self.rgb, command.rgb_color, strict=True):
                attrs[datapoint.name] = snap(datapoint, channel)
        return attrs


def _rescale(
    value: float, source: tuple[float, float], target: tuple[float, float]
) -> float:
    """Map a value linearly from one range onto another."""
    if source == target or source[1] == source[0]:
        return value
    return target[0] + (value - source[0]) * (target[1] - target[0]) / (
        source[1] - source[0]
    )


def find_lamp(datapoints: tuple[Datapoint, ...]) -> Lamp | None:
    """Return the lamp a product is, if its writable datapoints say so plainly."""
    writable = [dp for dp in datapoints if dp.writable]
    switches = [dp for dp in writable if dp.data_type == "bool"]
    numbers = [dp for dp in writable if is_number(dp)]
    if len(switches) != 1 or len(switches) + len(numbers) != len(writable):
        return None
    brightness = [
        dp for dp in numbers if says(dp, BRIGHTNESS_WORDS, _TERMS["brightness"])
    ]
    if len(brightness) != 1:
        return None
    rest = [dp for dp in numbers if dp is not brightness[0]]
    color_temp = [dp for dp in rest if _is_color_temp(dp)]
    rgb = [
        next((dp for dp in rest if says(dp, names, (term,))), None)
        for names, term in zip(RGB_WORDS, _TERMS["rgb"], strict=True)
    ]
    channels = tuple(dp for dp in rgb if dp is not None)
    if len(color_temp) > 1 or len(channels) not in (0, 3):
        return None
    if len(rest) != len(color_temp) + len(channels):
        return None
    return Lamp(
        switch=switches[0],
        brightness=brightness[0],
        color_temp=color_temp[0] if color_temp else None,
        rgb=(channels[0], channels[1], channels[2]) if len(channels) == 3 else None,
    )
