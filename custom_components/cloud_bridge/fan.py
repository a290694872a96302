"""Fans: appliances that move air, with their speed, presets and oscillation."""

from typing import Any, override

from homeassistant.components.fan import (
    FanEntity,
    FanEntityDescription,
    FanEntityFeature,
)

from .entity import CloudBridgeEntity, platform_setup
from .model import FanCommand, FanSpec, FanState

# Each cloud's adapter bounds its own requests (Vendor.max_parallel_requests).
PARALLEL_UPDATES = 0


class CloudBridgeFan(CloudBridgeEntity[FanSpec, FanState], FanEntity):
    """A fan point."""

    spec_type = FanSpec

    @override
    def describe(self, spec: FanSpec) -> FanEntityDescription:
        """Describe the fan."""
        return FanEntityDescription(**self.description_fields(spec))

    @property
    def _state(self) -> FanState:
        """Return what the fan shows."""
        return self.point.value or FanState()

    @property
    @override
    def supported_features(self) -> FanEntityFeature:
        """Return what can be set: power and speed, presets and oscillation if any."""
        features = (
            FanEntityFeature.TURN_ON
            | FanEntityFeature.TURN_OFF
            | FanEntityFeature.SET_SPEED
        )
        if self.spec.preset_modes:
            features |= FanEntityFeature.PRESET_MODE
        if self.spec.oscillation:
            features |= FanEntityFeature.OSCILLATE
        return features

    @property
    @override
    def speed_count(self) -> int:
        """Return how many speeds the fan has."""
        return self.spec.speed_count

    @property
    @override
    def is_on(self) -> bool | None:
        """Return whether the fan is on."""
        return self._state.on

    @property
    @override
    def percentage(self) -> int | None:
        """Return the speed as a percentage of the fastest (0 while off)."""
        return self._state.percentage

    @property
    @override
    def preset_modes(self) -> list[str] | None:
        """Return the presets offered."""
        return list(self.spec.preset_modes) or None

    @property
    @override
    def preset_mode(self) -> str | None:
        """Return the preset the fan runs, if any."""
        return self._state.preset_mode

    @property
    @override
    def oscillating(self) -> bool | None:
        """Return whether the fan oscillates."""
        return self._state.oscillating

    @override
    async def async_turn_on(
        self,
        percentage: int | None = None,
        preset_mode: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Turn the fan on, at a speed or in a preset when the call asks."""
        await self._send(
            FanCommand(on=True, percentage=percentage, preset_mode=preset_mode)
        )

    @override
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the fan off."""
        await self._send(FanCommand(on=False))

    @override
    async def async_set_percentage(self, percentage: int) -> None:
        """Set the speed; 0 turns the fan off."""
        if percentage == 0:
            await self._send(FanCommand(on=False))
        else:
            await self._send(FanCommand(percentage=percentage))

    @override
    async def async_set_preset_mode(self, preset_mode: str) -> None:
        """Run a preset (it turns the fan on)."""
        await self._send(FanCommand(preset_mode=preset_mode))

    @override
    async def async_oscillate(self, oscillating: bool) -> None:
        """Start or stop oscillating."""
        await self._send(FanCommand(oscillating=oscillating))


async_setup_entry = platform_setup(CloudBridgeFan)
