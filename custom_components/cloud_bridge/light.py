"""Lights: bulbs, and the rooms, groups, floors and buildings that hold them."""

from typing import Any, override

from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_EFFECT,
    ATTR_RGB_COLOR,
    ATTR_RGBWW_COLOR,
    ColorMode,
    LightEntity,
    LightEntityDescription,
    LightEntityFeature,
)

from .entity import CloudBridgeEntity, platform_setup
from .model import LightCommand, LightFeatures, LightSpec, LightState

# Each cloud's adapter bounds its own requests (Vendor.max_parallel_requests).
PARALLEL_UPDATES = 0


def to_ha_brightness(native: int, features: LightFeatures) -> int:
    """Scale a native brightness (its range's top is full) to 1-255."""
    full = features.brightness_range[1] if features.brightness_range else 255
    return min(255, max(1, round(native * 255 / full)))


def to_native_brightness(brightness: int, features: LightFeatures) -> int:
    """Scale 1-255 into the light's native range, never outside it."""
    low, full = features.brightness_range or (1, 255)
    return min(full, max(low, round(brightness * full / 255)))


class CloudBridgeLight(CloudBridgeEntity[LightSpec, LightState], LightEntity):
    """A light point."""

    spec_type = LightSpec

    @override
    def describe(self, spec: LightSpec) -> LightEntityDescription:
        """Describe the light."""
        return LightEntityDescription(**self.description_fields(spec))

    @override
    def apply_spec(self, spec: LightSpec) -> None:
        """Take the colour modes, Kelvin range and effects the light offers."""
        features = spec.features
        self._attr_supported_color_modes = {
            ColorMode(mode) for mode in features.color_modes
        }
        self._attr_supported_features = (
            LightEntityFeature.EFFECT if features.effects else LightEntityFeature(0)
        )
        self._attr_effect_list = list(features.effects) or None
        low, high = features.kelvin_range or (2000, 6500)
        self._attr_min_color_temp_kelvin = low
        self._attr_max_color_temp_kelvin = high

    @property
    def _features(self) -> LightFeatures:
        """Return what the light can do."""
        return self.spec.features

    @override
    def apply_value(self, value: LightState | None) -> None:
        """Show whether the light is on, how bright, in which colour or mode."""
        state = value or LightState()
        native = state.brightness
        self._attr_is_on = state.on
        self._attr_brightness = (
            None if native is None else to_ha_brightness(native, self._features)
        )
        self._attr_color_mode = self._shown_mode(state.color_mode)
        self._attr_color_temp_kelvin = state.color_temp_kelvin
        self._attr_rgb_color = state.rgb_color
        self._attr_rgbww_color = state.rgbww_color
        self._attr_effect = state.effect

    def _shown_mode(self, mode: str | None) -> ColorMode:
        """Return the colour mode to show, always one the light supports."""
        modes = self._attr_supported_color_modes or {ColorMode.ONOFF}
        if mode is not None and ColorMode(mode) in modes:
            return ColorMode(mode)
        for fallback in (
            ColorMode.COLOR_TEMP,
            ColorMode.RGB,
            ColorMode.RGBWW,
            ColorMode.BRIGHTNESS,
        ):
            if fallback in modes:
                return fallback
        return next(iter(modes))

    @override
    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn the light on, with what the call asks for."""
        brightness = kwargs.get(ATTR_BRIGHTNESS)
        await self._send(
            LightCommand(
                on=True,
                brightness=(
                    None
                    if brightness is None
                    else to_native_brightness(brightness, self._features)
                ),
                color_temp_kelvin=kwargs.get(ATTR_COLOR_TEMP_KELVIN),
                rgb_color=kwargs.get(ATTR_RGB_COLOR),
                rgbww_color=kwargs.get(ATTR_RGBWW_COLOR),
                effect=kwargs.get(ATTR_EFFECT),
            )
        )

    @override
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the light off."""
        await self._send(LightCommand(on=False))


async_setup_entry = platform_setup(CloudBridgeLight)
