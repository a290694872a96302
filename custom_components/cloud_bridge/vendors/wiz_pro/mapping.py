"""Pure conversions between WiZ Pro light states and the neutral light model."""

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from ...model import LightCommand, LightFeatures, LightState
from .light_modes import CLASS_MODES, LIGHT_MODES, MODE_IDS, BulbClass
from .models import LightModel, PilotingState

# Home Assistant's EFFECT_OFF: listed first among a light's effects and shown
# while no light mode plays, as Home Assistant's light documentation asks.
EFFECT_OFF = "off"
DIMMING_RANGE = (10, 100)
SPEED_RANGE = (20, 200)
RATIO_RANGE = (0, 100)

_CLASS_COLOR_MODES: dict[BulbClass, frozenset[str]] = {
    BulbClass.RGBTW: frozenset({"color_temp", "rgbww"}),
    BulbClass.TW: frozenset({"color_temp"}),
    BulbClass.DW: frozenset({"brightness"}),
}


def light_features(model: LightModel, bulb: BulbClass) -> LightFeatures:
    """Return what a bulb of this model and class can do."""
    modes = _CLASS_COLOR_MODES[bulb]
    return LightFeatures(
        color_modes=modes,
        brightness_range=DIMMING_RANGE,
        # A DW bulb has no colour temperature to set; a room with one still
        # offers its other bulbs' common range (the DW bulb just dims).
        kelvin_range=(
            (model.temperature_min, model.temperature_max)
            if "color_temp" in modes
            else None
        ),
        effects=(EFFECT_OFF, *(LIGHT_MODES[mode] for mode in CLASS_MODES[bulb])),
    )


def _channels(state: PilotingState) -> tuple[int, int, int, int, int] | None:
    """Return r, g, b, cw, ww when any colour channel is lit."""
    channels = (state.r, state.g, state.b, state.cw, state.ww)
    if not any(channels):
        return None
    return (
        state.r or 0,
        state.g or 0,
        state.b or 0,
        state.cw or 0,
        state.ww or 0,
    )


def light_state(state: PilotingState, features: LightFeatures) -> LightState:
    """Return what a bulb shows, keeping the colour mode one it supports."""
    channels = _channels(state) if "rgbww" in features.color_modes else None
    coloured = any((state.r, state.g, state.b))
    if channels is not None and (coloured or not state.temperature):
        color_mode = "rgbww"
    elif "color_temp" in features.color_modes:
        color_mode = "color_temp"
    else:
        color_mode = "brightness"
    if not state.sceneId:
        effect: str | None = EFFECT_OFF
    elif (effect := LIGHT_MODES.get(state.sceneId)) not in features.effects:
        effect = None  # a mode we cannot name: not "off", but not in the list
    return LightState(
        on=state.state,
        brightness=state.dimming,
        color_mode=color_mode,
        color_temp_kelvin=state.temperature if color_mode == "color_temp" else None,
        rgbww_color=channels if color_mode == "rgbww" else None,
        effect=effect,
    )


def piloting_input(command: LightCommand, features: LightFeatures) -> PilotingState:
    """Return the PilotingLightStateInput for a command, kept within range."""
    if not command.on:
        return PilotingState(state=False)
    dimming = None
    if command.brightness is not None:
        dimming = min(max(command.brightness, DIMMING_RANGE[0]), DIMMING_RANGE[1])
    temperature = None
    if command.color_temp_kelvin is not None and features.kelvin_range:
        low, high = features.kelvin_range
        temperature = min(max(command.color_temp_kelvin, low), high)
    r = g = b = cw = ww = None
    if command.rgbww_color is not None:
        r, g, b, cw, ww = (min(max(value, 0), 255) for value in command.rgbww_color)
    return PilotingState(
        state=True,
        dimming=dimming,
        temperature=temperature,
        r=r,
        g=g,
        b=b,
        cw=cw,
        ww=ww,
        sceneId=MODE_IDS.get(command.effect) if command.effect is not None else None,
    )


def apply_piloting(
    state: PilotingState, change: PilotingState, bulb: BulbClass
) -> PilotingState:
    """Return a bulb's state after a change, as WiZ applies it.

    A bulb that cannot do what is asked does what it can and turns on: the
    document's "it will apply the closest possible light mode".
    """
    if change.state is False:
        return replace(state, state=False)
    new = replace(state, state=True)
    if change.dimming is not None:
        new = replace(new, dimming=change.dimming)
    if change.speed is not None:
        new = replace(new, speed=change.speed)
    if change.ratio is not None:
        new = replace(new, ratio=change.ratio)
    # Of a light mode, a colour and a white, the first the bulb can play wins.
    if change.sceneId is not None and change.sceneId in CLASS_MODES[bulb]:
        new = replace(
            new, sceneId=change.sceneId, temperature=None, r=0, g=0, b=0, cw=0, ww=0
        )
    elif _channels(change) is not None and bulb is BulbClass.RGBTW:
        new = replace(
            new,
            r=change.r or 0,
            g=change.g or 0,
            b=change.b or 0,
            cw=change.cw or 0,
            ww=change.ww or 0,
            sceneId=0,
            temperature=None,
        )
    elif change.temperature is not None:
        # A DW bulb cannot change its white; the closest it can do is show it,
        # at the one temperature it has.
        white = state.temperature if bulb is BulbClass.DW else change.temperature
        new = replace(new, temperature=white, sceneId=0, r=0, g=0, b=0, cw=0, ww=0)
    return new


_CHANNELS = ("r", "g", "b", "cw", "ww")


def merge_reported(
    known: PilotingState, reported: PilotingState, given: Iterable[str]
) -> PilotingState:
    """Return a bulb's state after a report that may leave fields out.

    What the report gives replaces what was known; what it leaves out stays,
    unless the report's mode makes it stale: a light mode clears the white and
    colour the report does not give, a white or a colour clears the mode (and
    the other of the two).
    """
    given = set(given)
    new = replace(known, **{name: getattr(reported, name) for name in given})
    shows_white = "temperature" in given and reported.temperature is not None
    shows_colour = any(getattr(reported, name) for name in _CHANNELS if name in given)
    stale: dict[str, Any] = {}
    if "sceneId" in given and reported.sceneId:
        stale = {**dict.fromkeys(_CHANNELS, 0), "temperature": None}
    elif shows_white or shows_colour:
        stale = {"sceneId": 0}
        if not shows_colour:
            stale.update(dict.fromkeys(_CHANNELS, 0))
        if not shows_white:
            stale["temperature"] = None
    return replace(new, **{k: v for k, v in stale.items() if k not in given})


def combined_features(members: Iterable[LightFeatures]) -> LightFeatures | None:
    """Return what a room, group, floor or building light offers.

    Colour modes and effects are the union (a bulb that cannot follow does
    what it can); the Kelvin range is the intersection, as the cloud refuses a
    temperature outside any targeted bulb's range.
    """
    features = list(members)
    if not features:
        return None
    modes = set().union(*(f.color_modes for f in features))
    kelvin = [f.kelvin_range for f in features if f.kelvin_range]
    kelvin_range = None
    if kelvin:
        low, high = max(k[0] for k in kelvin), min(k[1] for k in kelvin)
        kelvin_range = (low, high) if low < high else None
    if kelvin_range is None:
        modes.discard("color_temp")
    if modes - {"brightness", "onoff"}:
        modes.discard("brightness")
    effects = set().union(*(f.effects for f in features))
    return LightFeatures(
        color_modes=frozenset(modes or {"brightness"}),
        brightness_range=DIMMING_RANGE,
        kelvin_range=kelvin_range,
        # "off" (not a mode: 0) first, then the table's order.
        effects=tuple(sorted(effects, key=lambda effect: MODE_IDS.get(effect, 0))),
    )
