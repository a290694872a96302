"""Each bulb's last white or colour, to go back to when its light mode stops.

WiZ has no "no mode" to send (sceneId takes 1-32): a white or a colour stops a
mode, so stopping one means sending the bulb what it showed before.
"""

from dataclasses import replace

from ...model import LightFeatures
from .mapping import light_state
from .models import LightModel, PilotingState


class LightModeMemory:
    """Remembers the white or colour each bulb last showed outside a mode."""

    def __init__(self) -> None:
        """Remember nothing yet."""
        self._static: dict[str, PilotingState] = {}

    def remember(self, key: str, state: PilotingState, features: LightFeatures) -> None:
        """Keep a bulb's white or colour while it plays no light mode."""
        if state.sceneId:
            return
        # Colour when the light shows one (light_state's reading), else white.
        if (channels := light_state(state, features).rgbww_color) is not None:
            r, g, b, cw, ww = channels
            self._static[key] = PilotingState(r=r, g=g, b=b, cw=cw, ww=ww)
        elif state.temperature:
            self._static[key] = PilotingState(temperature=state.temperature)

    def mode_off_change(
        self, key: str, state: PilotingState, model: LightModel, dimming: int | None
    ) -> PilotingState:
        """Return what stops a bulb's light mode: its last white or colour.

        A bulb that plays no mode is only turned on. One never seen in white or
        colour since set-up gets plain white in the middle of its model's range,
        the one white every bulb of its model can show (a DW bulb's only one).
        """
        if not state.sceneId:
            return PilotingState(state=True, dimming=dimming)
        low, high = model.temperature_min, model.temperature_max
        static = self._static.get(key) or PilotingState(
            temperature=round((low + high) / 200) * 100
        )
        if (kelvin := static.temperature) is not None:
            static = replace(static, temperature=min(max(kelvin, low), high))
        return replace(static, state=True, dimming=dimming)
