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

    @override
    def apply_spec(self, spec: FanSpec) -> None:
        """Take the speeds, presets and features the fan offers."""
        features = (
            FanEntityFeature.TURN_ON
            | FanEntityFeature.TURN_OFF
            | FanEntityFeature.SET_SPEED
        )
        if spec.preset_modes:
            features |= FanEntityFeature.PRESET_MODE
        if spec.oscillation:
            features |= FanEntityFeature.OSCILLATE
        self._attr_supported_features = features
        self._attr_speed_count = spec.speed_count
        self._attr_preset_modes = list(spec.preset_modes) or None

    @property
    @override
    def is_on(self) -> bool | None:
        """Return whether the fan runs (off, it keeps its speed and preset)."""
        return self._attr_is_on

    @override
    def apply_value(self, value: FanState | None) -> None:
        """Show whether the fan runs, how fast, in which preset, oscillating."""
        state = value or FanState()
        self._attr_is_on = state.on
        self._attr_percentage = state.percentage
        self._attr_preset_mode = state.preset_mode
        self._attr_oscillating = state.oscillating

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
