"""WEGnology's options: units and device classes per attribute, command switches."""

import json
from typing import Any, cast

import probatio

from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.config_entries import ConfigFlowResult, OptionsFlowWithReload
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
)

from .adapter import WegnologyAdapter
from .const import CONF_ATTRIBUTES, CONF_SWITCHES

CONF_ATTRIBUTE = "attribute"
CONF_DEVICE_CLASS = "device_class"
CONF_UNIT = "unit"
AUTO = "auto"
SWITCH_FIELDS = ("on_command", "on_payload", "off_command", "off_payload")


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
        if user_input is not None:
            overrides = dict(self.config_entry.options.get(CONF_ATTRIBUTES, {}))
            override = {
                key: value
                for key in (CONF_DEVICE_CLASS, CONF_UNIT)
                if (value := str(user_input.get(key) or "").strip()) and value != AUTO
            }
            if override:
                overrides[user_input[CONF_ATTRIBUTE]] = override
            else:
                overrides.pop(user_input[CONF_ATTRIBUTE], None)
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
                            options=[AUTO, *sorted(c.value for c in SensorDeviceClass)],
                            mode=SelectSelectorMode.DROPDOWN,
                        )
                    ),
                    probatio.Optional(CONF_UNIT): TextSelector(TextSelectorConfig()),
                }
            ),
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
