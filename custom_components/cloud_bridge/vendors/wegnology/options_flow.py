"""WEGnology's options: units and device classes per attribute, command switches.

Units take two steps: the attribute (listed by device, then attribute, sorted)
and its device class (by Home Assistant's own translated names), then its unit,
offered as a list of the units that device class takes.
"""

import json
from typing import Any, cast

from homeassistant.components.sensor import (
    DEVICE_CLASS_UNITS,
    NON_NUMERIC_DEVICE_CLASSES,
    SensorDeviceClass,
)
from homeassistant.config_entries import ConfigFlowResult, OptionsFlowWithReload
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
)
from homeassistant.helpers.translation import async_get_translations

from ...compat import probatio
from ...const import DOMAIN
from .adapter import WegnologyAdapter, measurement
from .const import CONF_ATTRIBUTES, CONF_SWITCHES

CONF_ATTRIBUTE = "attribute"
CONF_DEVICE_CLASS = "device_class"
CONF_UNIT = "unit"
AUTO = "auto"
SWITCH_FIELDS = ("on_command", "on_payload", "off_command", "off_payload")


NUMERIC_DEVICE_CLASSES = sorted(
    cls.value for cls in SensorDeviceClass if cls not in NON_NUMERIC_DEVICE_CLASSES
)


def _units_of(device_class: str | None) -> list[str]:
    """Return the units Home Assistant takes for a device class, sorted."""
    if device_class is None:
        return []
    allowed = DEVICE_CLASS_UNITS.get(SensorDeviceClass(device_class), set())
    return sorted((str(unit) for unit in allowed if unit), key=str.casefold)


def _units_refused(key: str, override: dict[str, str]) -> str:
    """Return the units a chosen device class allows, if the unit is not one."""
    if CONF_DEVICE_CLASS not in override:
        return ""
    device_class, unit, _ = measurement(key.partition("/")[2], override)
    allowed = _units_of(device_class)
    if not allowed or unit in allowed:
        return ""
    return ", ".join(allowed)


class WegnologyOptionsFlow(OptionsFlowWithReload):
    """Lets the user correct what names could not say, and make switches."""

    _attribute: str
    _override: dict[str, str]

    def _attributes(self, data_type: str) -> list[SelectOptionDict]:
        """Return the entry's attributes of a type, as "device · attribute".

        Sorted by device name, then attribute: a device's attributes stand together.
        """
        adapter = cast(
            WegnologyAdapter, self.config_entry.runtime_data.coordinator.adapter
        )
        return [
            SelectOptionDict(value=f"{device_id}/{name}", label=f"{device} · {name}")
            for device_id, device, name in adapter.attributes(data_type)
        ]

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask what to change."""
        if not hasattr(self.config_entry, "runtime_data"):
            return self.async_abort(reason="not_loaded")
        return await self.async_step_wegnology_options()

    async def async_step_wegnology_options(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer the two kinds of change."""
        return self.async_show_menu(
            step_id="wegnology_options",
            menu_options=["wegnology_unit", "wegnology_switch"],
        )

    async def _device_classes(self) -> list[SelectOptionDict]:
        """Return "auto" and the numeric device classes, by their translated names.

        The names are Home Assistant's own, in its language, sorted by name.
        """
        language = self.hass.config.language
        names = await async_get_translations(
            self.hass, language, "entity_component", ["sensor"]
        )
        ours = await async_get_translations(self.hass, language, "selector", [DOMAIN])
        auto = ours.get(
            f"component.{DOMAIN}.selector.wegnology_device_class.options.{AUTO}"
        )
        classes = sorted(
            (
                SelectOptionDict(
                    value=device_class,
                    label=names.get(
                        f"component.sensor.entity_component.{device_class}.name",
                        device_class,
                    ),
                )
                for device_class in NUMERIC_DEVICE_CLASSES
            ),
            key=lambda option: option["label"].casefold(),
        )
        return [SelectOptionDict(value=AUTO, label=auto or AUTO), *classes]

    async def async_step_wegnology_unit(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose a numeric attribute and what it measures (its device class)."""
        if user_input is not None:
            self._attribute = user_input[CONF_ATTRIBUTE]
            chosen = str(user_input.get(CONF_DEVICE_CLASS) or AUTO)
            self._override = {} if chosen == AUTO else {CONF_DEVICE_CLASS: chosen}
            return await self.async_step_wegnology_unit_choice()
        return self.async_show_form(
            step_id="wegnology_unit",
            data_schema=probatio.Schema(
                {
                    probatio.Required(CONF_ATTRIBUTE): SelectSelector(
                        SelectSelectorConfig(options=self._attributes("number"))
                    ),
                    probatio.Optional(CONF_DEVICE_CLASS, default=AUTO): SelectSelector(
                        SelectSelectorConfig(
                            options=await self._device_classes(),
                            mode=SelectSelectorMode.DROPDOWN,
                        )
                    ),
                }
            ),
        )

    async def async_step_wegnology_unit_choice(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose the unit among those the device class takes (or type one)."""
        errors: dict[str, str] = {}
        key = self._attribute
        device_class, guessed, _ = measurement(key.partition("/")[2], self._override)
        units = _units_of(device_class)
        placeholders = {
            "attribute": key.partition("/")[2],
            "units": ", ".join(units) or "-",
        }
        if user_input is not None:
            override = dict(self._override)
            if unit := str(user_input.get(CONF_UNIT) or "").strip():
                override[CONF_UNIT] = unit
            if _units_refused(key, override):
                errors[CONF_UNIT] = "unit_not_allowed"
            else:
                overrides = dict(self.config_entry.options.get(CONF_ATTRIBUTES, {}))
                if override:
                    overrides[key] = override
                else:
                    overrides.pop(key, None)
                return self.async_create_entry(
                    data={**self.config_entry.options, CONF_ATTRIBUTES: overrides}
                )
        current = self.config_entry.options.get(CONF_ATTRIBUTES, {}).get(key, {})
        suggested = current.get(CONF_UNIT) or guessed
        return self.async_show_form(
            step_id="wegnology_unit_choice",
            data_schema=self.add_suggested_values_to_schema(
                probatio.Schema(
                    {
                        probatio.Optional(CONF_UNIT): SelectSelector(
                            SelectSelectorConfig(
                                options=units,
                                custom_value=True,
                                mode=SelectSelectorMode.DROPDOWN,
                            )
                        )
                    }
                ),
                {CONF_UNIT: suggested} if suggested in units or not units else {},
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_wegnology_switch(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Make a boolean attribute a switch, by its on and off commands."""
        errors: dict[str, str] = {}
        if user_input is not None:
            switches = dict(self.config_entry.options.get(CONF_SWITCHES, {}))
            key = user_input[CONF_ATTRIBUTE]
            on, off = (
                str(user_input.get(f"{side}_command") or "").strip()
                for side in ("on", "off")
            )
            if not on and not off:
                switches.pop(key, None)
                return self.async_create_entry(
                    data={**self.config_entry.options, CONF_SWITCHES: switches}
                )
            if not on or not off:
                errors["base"] = "both_commands"
            else:
                switch: dict[str, Any] = {"on_command": on, "off_command": off}
                for side in ("on", "off"):
                    text = str(user_input.get(f"{side}_payload") or "").strip()
                    if not text:
                        continue
                    try:
                        switch[f"{side}_payload"] = json.loads(text)
                    except ValueError:
                        errors[f"{side}_payload"] = "invalid_json"
                if not errors:
                    switches[key] = switch
                    return self.async_create_entry(
                        data={**self.config_entry.options, CONF_SWITCHES: switches}
                    )
        return self.async_show_form(
            step_id="wegnology_switch",
            data_schema=probatio.Schema(
                {
                    probatio.Required(CONF_ATTRIBUTE): SelectSelector(
                        SelectSelectorConfig(options=self._attributes("boolean"))
                    ),
                    **{
                        probatio.Optional(field): TextSelector(TextSelectorConfig())
                        for field in SWITCH_FIELDS
                    },
                }
            ),
            errors=errors,
        )
