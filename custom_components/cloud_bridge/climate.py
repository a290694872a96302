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

    @property
    def _state(self) -> ClimateState:
        """Return what the thermostat shows."""
        return self.point.value or ClimateState()

    @property
    @override
    def supported_features(self) -> ClimateEntityFeature:
        """Return what can be set: always the target, power and mode."""
        features = (
            ClimateEntityFeature.TARGET_TEMPERATURE
            | ClimateEntityFeature.TURN_ON
            | ClimateEntityFeature.TURN_OFF
        )
        if self.spec.fan_modes:
            features |= ClimateEntityFeature.FAN_MODE
        if self.spec.swing_modes:
            features |= ClimateEntityFeature.SWING_MODE
        if self.spec.preset_modes:
            features |= ClimateEntityFeature.PRESET_MODE
        return features

    @property
    @override
    def temperature_unit(self) -> str:
        """Return the unit the device's temperatures are in."""
        return self.spec.unit

    @property
    @override
    def precision(self) -> float:
        """Return how finely the device's temperatures are shown."""
        return display_precision(self.spec.precision)

    @property
    @override
    def hvac_modes(self) -> list[HVACMode]:
        """Return off and the modes the device offers."""
        return [HVACMode(mode) for mode in self.spec.hvac_modes]

    @property
    @override
    def hvac_mode(self) -> HVACMode | None:
        """Return the mode the device is in."""
        mode = self._state.hvac_mode
        return HVACMode(mode) if mode in self.spec.hvac_modes else None

    @property
    @override
    def min_temp(self) -> float:
        """Return the lowest target."""
        return self.spec.target_range[0]

    @property
    @override
    def max_temp(self) -> float:
        """Return the highest target."""
        return self.spec.target_range[1]

    @property
    @override
    def target_temperature_step(self) -> float:
        """Return the step of the target."""
        return self.spec.target_step

    @property
    @override
    def target_temperature(self) -> float | None:
        """Return the target."""
        return self._state.target_temperature

    @property
    @override
    def current_temperature(self) -> float | None:
        """Return the temperature the device measures."""
        return self._state.current_temperature

    @property
    @override
    def fan_modes(self) -> list[str] | None:
        """Return the fan speeds offered."""
        return list(self.spec.fan_modes) or None

    @property
    @override
    def fan_mode(self) -> str | None:
        """Return the fan speed."""
        return self._state.fan_mode

    @property
    @override
    def swing_modes(self) -> list[str] | None:
        """Return the swing settings offered."""
        return list(self.spec.swing_modes) or None

    @property
    @override
    def swing_mode(self) -> str | None:
        """Return the swing setting."""
        return self._state.swing_mode

    @property
    @override
    def preset_modes(self) -> list[str] | None:
        """Return the presets offered."""
        return list(self.spec.preset_modes) or None

    @property
    @override
    def preset_mode(self) -> str | None:
        """Return the preset the device runs, if any."""
        return self._state.preset_mode

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
