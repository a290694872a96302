"""Thermostats: appliances that heat or cool, with their modes and target."""

from typing import Any, override

from homeassistant.components.climate import (
    ATTR_HVAC_MODE,
    ClimateEntity,
    ClimateEntityDescription,
    ClimateEntityFeature,
    HVACMode,
)
from homeassistant.const import (
    ATTR_TEMPERATURE,
    PRECISION_HALVES,
    PRECISION_TENTHS,
    PRECISION_WHOLE,
)

from .entity import CloudBridgeEntity, platform_setup
from .model import ClimateCommand, ClimateSpec, ClimateState

# Each cloud's adapter bounds its own requests (Vendor.max_parallel_requests).
PARALLEL_UPDATES = 0


def display_precision(step: float) -> float:
    """Return Home Assistant's precision that shows a step: whole, halves or tenths."""
    if step >= PRECISION_WHOLE:
        return PRECISION_WHOLE
    if step >= PRECISION_HALVES:
        return PRECISION_HALVES
    return PRECISION_TENTHS


class CloudBridgeClimate(CloudBridgeEntity[ClimateSpec, ClimateState], ClimateEntity):
    """A climate point."""

    spec_type = ClimateSpec

    @override
    def describe(self, spec: ClimateSpec) -> ClimateEntityDescription:
        """Describe the thermostat."""
        return ClimateEntityDescription(**self.description_fields(spec))

    @override
    def apply_spec(self, spec: ClimateSpec) -> None:
        """Take the modes, range, unit and features the thermostat offers."""
        features = (
            ClimateEntityFeature.TARGET_TEMPERATURE
            | ClimateEntityFeature.TURN_ON
            | ClimateEntityFeature.TURN_OFF
        )
        if spec.fan_modes:
            features |= ClimateEntityFeature.FAN_MODE
        if spec.swing_modes:
            features |= ClimateEntityFeature.SWING_MODE
        if spec.preset_modes:
            features |= ClimateEntityFeature.PRESET_MODE
        self._attr_supported_features = features
        self._attr_temperature_unit = spec.unit
        self._attr_precision = display_precision(spec.precision)
        self._attr_hvac_modes = [HVACMode(mode) for mode in spec.hvac_modes]
        self._attr_min_temp, self._attr_max_temp = spec.target_range
        self._attr_target_temperature_step = spec.target_step
        self._attr_fan_modes = list(spec.fan_modes) or None
        self._attr_swing_modes = list(spec.swing_modes) or None
        self._attr_preset_modes = list(spec.preset_modes) or None

    @override
    def apply_value(self, value: ClimateState | None) -> None:
        """Show the mode, the target and measured temperatures, fan, swing, preset."""
        state = value or ClimateState()
        mode = state.hvac_mode
        self._attr_hvac_mode = HVACMode(mode) if mode in self.spec.hvac_modes else None
        self._attr_target_temperature = state.target_temperature
        self._attr_current_temperature = state.current_temperature
        self._attr_fan_mode = state.fan_mode
        self._attr_swing_mode = state.swing_mode
        self._attr_preset_mode = state.preset_mode

    @override
    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Turn the device off, or on in a mode."""
        await self._send(ClimateCommand(hvac_mode=hvac_mode))

    @override
    async def async_set_temperature(self, **kwargs: Any) -> None:
        """Set the target, and the mode when the call names one."""
        mode = kwargs.get(ATTR_HVAC_MODE)
        await self._send(
            ClimateCommand(
                target_temperature=kwargs.get(ATTR_TEMPERATURE),
                hvac_mode=None if mode is None else HVACMode(mode),
            )
        )

    @override
    async def async_set_fan_mode(self, fan_mode: str) -> None:
        """Set the fan speed."""
        await self._send(ClimateCommand(fan_mode=fan_mode))

    @override
    async def async_set_swing_mode(self, swing_mode: str) -> None:
        """Set the swing."""
        await self._send(ClimateCommand(swing_mode=swing_mode))

    @override
    async def async_set_preset_mode(self, preset_mode: str) -> None:
        """Run a preset (it turns the device on)."""
        await self._send(ClimateCommand(preset_mode=preset_mode))

    @override
    async def async_turn_on(self) -> None:
        """Turn the device on in the mode it was in."""
        await self._send(ClimateCommand(on=True))

    @override
    async def async_turn_off(self) -> None:
        """Turn the device off."""
        await self._send(ClimateCommand(on=False))


async_setup_entry = platform_setup(CloudBridgeClimate)
