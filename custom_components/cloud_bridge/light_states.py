"""What several lights show together: a room, a group, a floor, a building."""

from collections import Counter
from collections.abc import Sequence

from .model import LightFeatures, LightState


def combine_light_states(
    members: Sequence[LightState], features: LightFeatures
) -> LightState:
    """Return what several lights show together: on when any is on."""
    lit = [member for member in members if member.on]
    if not lit:
        if all(member.on is None for member in members):
            return LightState()
        return LightState(on=False, color_mode=_default_mode(features))
    counts = Counter(m.color_mode for m in lit)
    # The most common mode the lights offer; of equals, the first seen.
    modes = [mode for mode in counts if mode in features.color_modes]
    color_mode = (
        max(modes, key=counts.__getitem__) if modes else _default_mode(features)
    )
    brightness = [b for m in lit if (b := m.brightness) is not None]
    effects = {m.effect for m in lit}
    kelvin: list[int] = []
    rgb: tuple[int, int, int] | None = None
    rgbww: tuple[int, int, int, int, int] | None = None
    if color_mode == "color_temp":
        kelvin = [k for m in lit if (k := m.color_temp_kelvin) is not None]
    elif color_mode == "rgb":
        rgb = next((c for m in lit if (c := m.rgb_color) is not None), None)
    elif color_mode == "rgbww":
        rgbww = next((w for m in lit if (w := m.rgbww_color) is not None), None)
    return LightState(
        on=True,
        brightness=round(sum(brightness) / len(brightness)) if brightness else None,
        color_mode=color_mode,
        color_temp_kelvin=(
            _within(round(sum(kelvin) / len(kelvin)), features.kelvin_range)
            if kelvin
            else None
        ),
        rgb_color=rgb,
        rgbww_color=rgbww,
        effect=effects.pop() if len(effects) == 1 else None,
    )


def _within(value: int, limits: tuple[int, int] | None) -> int:
    """Return a value kept to limits: a room's mean Kelvin to the range it offers."""
    return value if limits is None else min(max(value, limits[0]), limits[1])


def _default_mode(features: LightFeatures) -> str:
    """Return the colour mode to report when the lights say nothing usable."""
    return next(
        mode
        for mode in ("color_temp", "rgb", "rgbww", "brightness")
        if mode in features.color_modes
    )
