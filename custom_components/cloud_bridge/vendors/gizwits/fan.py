"""The fan rule: a product that plainly moves air becomes one fan.

A product whose writable datapoints include its on/off boolean and one speed
(an enum or a number named ``speed``, ``fan``, ``wind``, ``gear``, 风速, 风量 or
档位), optionally an oscillation boolean and a mode enum, is one fan entity,
provided the speed's names or the product's name say it moves air (fan, wind,
风, 扇) and nothing makes it a climate device. Everything else it has keeps its
own entities.
"""

from collections.abc import Mapping
from dataclasses import dataclass
import math
from typing import Any, ClassVar

from ...model import FanCommand, FanSpec, FanState, Point
from .mapping import is_number, read_value, snap, write_value
from .models import Datapoint, ProductDefinition
from .roles import (
    FAN_PRESET_LABELS,
    MODE_TERMS,
    MODE_WORDS,
    OFF_LABELS,
    SPEED_TERMS,
    SPEED_WORDS,
    SWING_TERMS,
    SWING_WORDS,
    is_power,
    is_temperature,
    keyed_labels,
    label_key,
    name_says,
    names_climate_mode,
    only,
    plain_label,
    says,
)

FAN_KEY = "fan"
TRANSLATION_KEY = "appliance"
# What says a speed moves air rather than water (a pump's speed).
AIR_WORDS = frozenset({"fan", "wind", "air", "breeze"})
AIR_TERMS = ("风", "扇")
# A fan's mode may also be named its kind of breeze.
FAN_MODE_TERMS = (*MODE_TERMS, "风类", "风型")


@dataclass(frozen=True, slots=True, kw_only=True)
class Fan:
    """The datapoints of a product that is a fan.

    ``speeds`` are a speed enum's labels that are speeds, slowest first (empty
    for a number); ``presets`` maps each preset to its datapoint and label.
    """

    switch: Datapoint
    speed: Datapoint
    oscillation: Datapoint | None = None
    mode: Datapoint | None = None
    speeds: tuple[str, ...] = ()
    presets: Mapping[str, tuple[Datapoint, str]]
    spec: FanSpec
    key: ClassVar[str] = FAN_KEY

    @property
    def names(self) -> frozenset[str]:
        """Return the datapoints the fan stands for."""
        parts = (self.switch, self.speed, self.oscillation, self.mode)
        return frozenset(part.name for part in parts if part is not None)

    def point(self, values: Mapping[str, Any]) -> Point:
        """Return the fan point from the reported values."""
        return Point(key=FAN_KEY, spec=self.spec, value=self.state(values))

    def state(self, values: Mapping[str, Any]) -> FanState:
        """Return what the fan shows."""

        def read(datapoint: Datapoint | None) -> Any:
            if datapoint is None:
                return None
            return read_value(datapoint, values.get(datapoint.name))

        on = read(self.switch)
        held = [
            key
            for key, (datapoint, label) in self.presets.items()
            if read(datapoint) == label
        ]
        # A speed enum's preset (auto) rules over the mode the fan keeps.
        preset = min(
            held, key=lambda key: self.presets[key][0] is not self.speed, default=None
        )
        return FanState(
            on=on,
            percentage=0 if on is False else self._percentage(read(self.speed)),
            preset_mode=preset,
            oscillating=read(self.oscillation),
        )

    def _percentage(self, speed: Any) -> int | None:
        """Return a speed as a percentage of the fastest."""
        count = self.spec.speed_count
        if self.speeds:
            if speed in self.speeds:
                return round((self.speeds.index(speed) + 1) * 100 / count)
            return 0 if isinstance(speed, str) and _stops(speed) else None
        if not isinstance(speed, int | float) or not math.isfinite(speed):
            return None
        first = _first_speed(self.speed)
        if speed < first:
            return 0
        index = round((speed - first) / self.speed.ratio) + 1
        return min(100, round(index * 100 / count))

    def attrs(self, command: object) -> dict[str, Any]:
        """Return the datapoints to set for a command, in one request.

        ValueError when the command asks for something the product lacks.
        """
        if isinstance(command, FanCommand):
            return self._attrs(command)
        raise ValueError("not a fan command")

    def _attrs(self, command: FanCommand) -> dict[str, Any]:
        """Return the datapoints to set for a fan command."""
        wanted: dict[Datapoint, Any] = {}
        if command.on is not None:
            wanted[self.switch] = command.on
        if command.percentage is not None:
            wanted[self.switch] = True
            wanted[self.speed] = self._native(command.percentage)
        if command.preset_mode is not None:
            if command.preset_mode not in self.presets:
                raise ValueError(f"no preset {command.preset_mode}")
            datapoint, label = self.presets[command.preset_mode]
            wanted[self.switch] = True
            wanted[datapoint] = label
        if command.oscillating is not None:
            if self.oscillation is None:
                raise ValueError("no oscillation")
            wanted[self.oscillation] = command.oscillating
        return {dp.name: write_value(dp, value) for dp, value in wanted.items()}

    def _native(self, percentage: int) -> Any:
        """Return the speed a percentage asks for: the slowest that reaches it."""
        count = self.spec.speed_count
        index = min(count, max(1, math.ceil(percentage * count / 100)))
        if self.speeds:
            return self.speeds[index - 1]
        first = _first_speed(self.speed)
        return snap(self.speed, first + (index - 1) * self.speed.ratio)


def _stops(label: str) -> bool:
    """Tell whether a speed label stops the fan."""
    return plain_label(label) in OFF_LABELS


def _first_speed(speed: Datapoint) -> float:
    """Return the slowest speed of a speed number: its lowest value above 0."""
    low = speed.scaled_range[0]
    if low > 0:
        return low
    return low + (math.floor(-low / speed.ratio) + 1) * speed.ratio


def find_fan(definition: ProductDefinition) -> Fan | None:
    """Return the fan a product is, if its datapoints say so plainly."""
    writable = [dp for dp in definition.datapoints if dp.writable]
    if any(is_temperature(dp) for dp in writable) or any(
        dp.data_type == "enum" and names_climate_mode(dp) for dp in writable
    ):
        return None
    switch = only([dp for dp in writable if is_power(dp)])
    oscillations = [
        dp
        for dp in writable
        if dp.data_type == "bool" and says(dp, SWING_WORDS, SWING_TERMS)
    ]
    speeds = [
        dp
        for dp in writable
        if (dp.data_type == "enum" or is_number(dp))
        and says(dp, SPEED_WORDS, SPEED_TERMS)
    ]
    speed = only(speeds)
    if switch is None or speed is None or len(oscillations) > 1:
        return None
    if not (
        says(speed, AIR_WORDS, AIR_TERMS)
        or name_says(definition.name, AIR_WORDS, AIR_TERMS)
    ):
        return None
    modes = [
        dp
        for dp in writable
        if dp.data_type == "enum"
        and dp is not speed
        and says(dp, MODE_WORDS, FAN_MODE_TERMS)
    ]
    if len(modes) > 1:
        return None
    mode = modes[0] if modes else None
    presets: dict[str, tuple[Datapoint, str]] = {}
    ordered: tuple[str, ...] = ()
    if speed.data_type == "enum":
        held = [
            label
            for label in speed.labels
            if label_key(label, FAN_PRESET_LABELS) is not None
        ]
        ordered = tuple(
            label for label in speed.labels if label not in held and not _stops(label)
        )
        if not ordered:
            return None
        count = len(ordered)
        for label, key in keyed_labels(held, FAN_PRESET_LABELS).items():
            presets.setdefault(key, (speed, label))
    else:
        first, high = _first_speed(speed), speed.scaled_range[1]
        if high < first:
            return None
        count = round((high - first) / speed.ratio) + 1
    if mode is not None:
        for label, key in keyed_labels(mode.labels, FAN_PRESET_LABELS).items():
            presets.setdefault(key, (mode, label))
    oscillation = oscillations[0] if oscillations else None
    return Fan(
        switch=switch,
        speed=speed,
        oscillation=oscillation,
        mode=mode,
        speeds=ordered,
        presets=presets,
        spec=FanSpec(
            translation_key=TRANSLATION_KEY,
            speed_count=count,
            preset_modes=tuple(presets),
            oscillation=oscillation is not None,
        ),
    )
