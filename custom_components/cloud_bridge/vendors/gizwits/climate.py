"""The climate rule: a product that plainly heats or cools becomes one thermostat.

A product whose writable datapoints include its on/off boolean and a target
temperature is one climate entity, with its mode enum (HVAC modes and presets),
fan-speed enum, swing boolean or enum and read-only room temperature when it has
them. Everything else it has keeps its own entities. A role two datapoints could
play, or a product that says neither heat nor cool and has no mode enum naming
a mode, is no thermostat: it keeps today's entities.
"""

from collections.abc import Mapping
from dataclasses import dataclass
import math
from typing import Any, ClassVar

from ...model import ClimateCommand, ClimateSpec, ClimateState, Point
from ...quantities import quantity
from .mapping import read_value, write_value
from .models import Datapoint, ProductDefinition
from .roles import (
    CLIMATE_PRESET_LABELS,
    COOL_TERMS,
    COOL_WORDS,
    ELSEWHERE_TERMS,
    ELSEWHERE_WORDS,
    FAN_MODE_LABELS,
    HEAT_TERMS,
    HEAT_WORDS,
    HVAC_LABELS,
    MODE_TERMS,
    MODE_WORDS,
    ROOM_TERMS,
    ROOM_WORDS,
    SPEED_TERMS,
    SPEED_WORDS,
    SWING_LABELS,
    SWING_TERMS,
    SWING_WORDS,
    is_power,
    is_setting,
    is_temperature,
    keyed_labels,
    label_key,
    name_says,
    names_climate_mode,
    only,
    says,
)

CLIMATE_KEY = "climate"
TRANSLATION_KEY = "appliance"
SWING_BOOL_MODES = ("off", "on")


@dataclass(frozen=True, slots=True, kw_only=True)
class Climate:
    """The datapoints of a product that is a thermostat, and what their labels mean.

    ``modes`` and ``presets`` read the mode enum's labels (as HVAC modes and as
    presets); ``base_mode`` is the one mode the product has, if it has one.
    """

    switch: Datapoint
    target: Datapoint
    current: Datapoint | None = None
    mode: Datapoint | None = None
    fan: Datapoint | None = None
    swing: Datapoint | None = None
    modes: Mapping[str, str]
    presets: Mapping[str, str]
    fan_modes: Mapping[str, str]
    swing_modes: Mapping[str, str]
    base_mode: str | None
    spec: ClimateSpec
    key: ClassVar[str] = CLIMATE_KEY

    @property
    def names(self) -> frozenset[str]:
        """Return the datapoints the thermostat stands for."""
        parts = (self.switch, self.target, self.current, self.mode, self.fan)
        return frozenset(part.name for part in (*parts, self.swing) if part is not None)

    def point(self, values: Mapping[str, Any]) -> Point:
        """Return the thermostat point from the reported values."""
        return Point(key=CLIMATE_KEY, spec=self.spec, value=self.state(values))

    def state(self, values: Mapping[str, Any]) -> ClimateState:
        """Return what the thermostat shows."""

        def read(datapoint: Datapoint | None) -> Any:
            if datapoint is None:
                return None
            return read_value(datapoint, values.get(datapoint.name))

        on = read(self.switch)
        label = read(self.mode)
        swing = read(self.swing)
        if isinstance(swing, bool):
            swing_mode: str | None = SWING_BOOL_MODES[swing]
        else:
            swing_mode = self.swing_modes.get(swing)
        return ClimateState(
            hvac_mode=self._hvac_mode(on, label),
            current_temperature=_finite(read(self.current)),
            target_temperature=_finite(read(self.target)),
            fan_mode=self.fan_modes.get(read(self.fan)),
            swing_mode=swing_mode,
            preset_mode=self.presets.get(label),
        )

    def _hvac_mode(self, on: bool | None, label: str | None) -> str | None:
        """Return the HVAC mode: off, the mode's, or the one mode it has."""
        if on is None:
            return None
        if not on:
            return "off"
        if label is not None and label in self.modes:
            return self.modes[label]
        # A preset (or a mode not reported) of a product with several modes
        # says nothing of which one it runs.
        return self.base_mode

    def attrs(self, command: object) -> dict[str, Any]:
        """Return the datapoints to set for a command, in one request.

        ValueError when the command asks for something the product lacks.
        """
        if isinstance(command, ClimateCommand):
            return self._attrs(command)
        raise ValueError("not a climate command")

    def _attrs(self, command: ClimateCommand) -> dict[str, Any]:
        """Return the datapoints to set for a climate command."""
        wanted: dict[Datapoint, Any] = {}
        if command.on is not None:
            wanted[self.switch] = command.on
        if command.hvac_mode == "off":
            wanted[self.switch] = False
        elif command.hvac_mode is not None:
            wanted[self.switch] = True
            label = _label_of(self.modes, command.hvac_mode)
            if label is not None and self.mode is not None:
                wanted[self.mode] = label
            elif command.hvac_mode != self.base_mode:
                raise ValueError(f"no HVAC mode {command.hvac_mode}")
        if command.preset_mode is not None:
            wanted[self.switch] = True
            wanted[_needed(self.mode)] = _needed(
                _label_of(self.presets, command.preset_mode)
            )
        if command.target_temperature is not None:
            wanted[self.target] = command.target_temperature
        if command.fan_mode is not None:
            wanted[_needed(self.fan)] = _needed(
                _label_of(self.fan_modes, command.fan_mode)
            )
        if command.swing_mode is not None:
            swing = _needed(self.swing)
            if swing.data_type == "bool":
                if command.swing_mode not in SWING_BOOL_MODES:
                    raise ValueError(f"no swing mode {command.swing_mode}")
                wanted[swing] = command.swing_mode == "on"
            else:
                wanted[swing] = _needed(_label_of(self.swing_modes, command.swing_mode))
        return {dp.name: write_value(dp, value) for dp, value in wanted.items()}


def _finite(value: Any) -> float | None:
    """Return a number, or None for none, NaN or infinity."""
    if isinstance(value, int | float) and math.isfinite(value):
        return value
    return None


def _label_of(keys: Mapping[str, str], key: str) -> str | None:
    """Return the label that means a key."""
    return next((label for label, known in keys.items() if known == key), None)


def _needed[T](found: T | None) -> T:
    """Return what a command needs; ValueError when the product lacks it."""
    if found is None:
        raise ValueError("not offered by this product")
    return found


def _names_a_mode(datapoint: Datapoint) -> bool:
    """Tell whether an enum's labels name any HVAC mode."""
    return any(label_key(label, HVAC_LABELS) for label in datapoint.labels)


def _said_mode(definition: ProductDefinition) -> str | None:
    """Return heat or cool when the product's names say one (and not the other)."""
    writable = [dp for dp in definition.datapoints if dp.writable]
    heat = name_says(definition.name, HEAT_WORDS, HEAT_TERMS) or any(
        says(dp, HEAT_WORDS, HEAT_TERMS) for dp in writable
    )
    cool = name_says(definition.name, COOL_WORDS, COOL_TERMS) or any(
        says(dp, COOL_WORDS, COOL_TERMS) for dp in writable
    )
    if heat == cool:
        return None
    return "heat" if heat else "cool"


def _room_temperature(datapoints: tuple[Datapoint, ...]) -> Datapoint | None:
    """Return the read-only temperature of the room (or water) the product sets."""
    found = [
        dp
        for dp in datapoints
        if dp.type == "status_readonly"
        and is_temperature(dp)
        and not is_setting(dp)
        and not says(dp, ELSEWHERE_WORDS, ELSEWHERE_TERMS)
    ]
    if len(found) > 1:
        found = [dp for dp in found if says(dp, ROOM_WORDS, ROOM_TERMS)]
    return only(found)


def find_climate(definition: ProductDefinition) -> Climate | None:
    """Return the thermostat a product is, if its datapoints say so plainly."""
    writable = [dp for dp in definition.datapoints if dp.writable]
    switch = only([dp for dp in writable if is_power(dp)])
    target = only([dp for dp in writable if is_temperature(dp) and is_setting(dp)])
    if switch is None or target is None:
        return None
    low, high = target.scaled_range
    if not low < high:
        return None
    enums = [dp for dp in writable if dp.data_type == "enum"]
    swings = [
        dp
        for dp in writable
        if dp.data_type in ("bool", "enum") and says(dp, SWING_WORDS, SWING_TERMS)
    ]
    fans = [
        dp
        for dp in enums
        if dp not in swings
        and says(dp, SPEED_WORDS, SPEED_TERMS)
        and not names_climate_mode(dp)
    ]
    modes = [
        dp
        for dp in enums
        if dp not in swings
        and dp not in fans
        and (_names_a_mode(dp) or says(dp, MODE_WORDS, MODE_TERMS))
    ]
    if len(swings) > 1 or len(fans) > 1 or len(modes) > 1:
        return None
    mode = modes[0] if modes else None
    hvac = _hvac_labels(mode)
    offered = list(dict.fromkeys(hvac.values()))
    if not offered:
        said = _said_mode(definition)
        if said is None:
            return None
        offered = [said]
    base_mode = offered[0] if len(offered) == 1 else None
    presets = keyed_labels(
        [label for label in (mode.labels if mode else ()) if label not in hvac],
        CLIMATE_PRESET_LABELS,
    )
    fan = fans[0] if fans else None
    swing = swings[0] if swings else None
    current = _room_temperature(definition.datapoints)
    fan_modes = keyed_labels(fan.labels, FAN_MODE_LABELS) if fan else {}
    swing_modes = (
        keyed_labels(swing.labels, SWING_LABELS)
        if swing is not None and swing.data_type == "enum"
        else {}
    )
    measured = quantity(target.name, target.display_name)
    return Climate(
        switch=switch,
        target=target,
        current=current,
        mode=mode,
        fan=fan,
        swing=swing,
        modes=hvac,
        presets=presets,
        fan_modes=fan_modes,
        swing_modes=swing_modes,
        base_mode=base_mode,
        spec=ClimateSpec(
            translation_key=TRANSLATION_KEY,
            hvac_modes=("off", *offered),
            target_range=(low, high),
            target_step=target.ratio,
            precision=min(target.ratio, current.ratio if current else target.ratio),
            unit=measured.unit if measured and measured.unit else "°C",
            fan_modes=tuple(fan_modes.values()),
            swing_modes=(
                SWING_BOOL_MODES
                if swing is not None and swing.data_type == "bool"
                else tuple(swing_modes.values())
            ),
            preset_modes=tuple(presets.values()),
        ),
    )


def _hvac_labels(mode: Datapoint | None) -> dict[str, str]:
    """Return the mode enum's labels that name an HVAC mode (the first for each)."""
    found: dict[str, str] = {}
    for label in mode.labels if mode else ():
        key = label_key(label, HVAC_LABELS)
        if key is not None and key not in found.values():
            found[label] = key
    return found
