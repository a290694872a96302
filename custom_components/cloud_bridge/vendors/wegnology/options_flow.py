"""WEGnology's options: units and device classes per attribute, command switches."""

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

from ...compat import probatio
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


def _units_refused(key: str, override: dict[str, str]) -> str:
    """Return the units a chosen device class allows, if the unit is not one."""
    if CONF_DEVICE_CLASS not in override:
        return ""
    device_class, unit, _ = measurement(key.partition("/")[2], override)
    allowed = DEVICE_CLASS_UNITS.get(SensorDeviceClass(device_class or ""), set())
    if not allowed or unit in allowed:
        return ""
    return ", ".join(
        sorted(str(allowed_unit) for allowed_unit in allowed if allowed_unit)
    )


class WegnologyOptionsFlow(OptionsFlowWithReload):
    """Lets the user correct what names could not say, and make switches."""

    def _attributes(self, data_type: str) -> list[SelectOptionDict]:
        """Return the entry's attributes of a type, as "device · attribute"."""
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

    async def async_step_wegnology_unit(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Set the unit and device class of a numeric attribute."""
        errors: dict[str, str] = {}
        placeholders = {"units": ""}
        if user_input is not None:
            overrides = dict(self.config_entry.options.get(CONF_ATTRIBUTES, {}))
            key = user_input[CONF_ATTRIBUTE]
            override = {
                field: value
                for field in (CONF_DEVICE_CLASS, CONF_UNIT)
                if (value := str(user_input.get(field) or "").strip()) and value != AUTO
            }
            if units := _units_refused(key, override):
                errors[CONF_UNIT] = "unit_not_allowed"
                placeholders["units"] = units
            else:
                if override:
                    overrides[key] = override
                else:
                    overrides.pop(key, None)
                return self.async_create_entry(
                    data={**self.config_entry.options, CONF_ATTRIBUTES: overrides}
                )
        return self.async_show_form(
            step_id="wegnology_unit",
            data_schema=probatio.Schema(
                {
                    probatio.Required(CONF_ATTRIBUTE): SelectSelector(
                        SelectSelectorConfig(options=self._attributes("number"))
                    ),
                    probatio.Optional(CONF_DEVICE_CLASS, default=AUTO): SelectSelector(
                        SelectSelectorConfig(
                            options=[AUTO, *NUMERIC_DEVICE_CLASSES],
                            mode=SelectSelectorMode.DROPDOWN,
                        )
                    ),
                    probatio.Optional(CONF_UNIT): TextSelector(TextSelectorConfig()),
                }
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
