"""The repair that unlocks a product's controls: the user pastes its definition."""

import json
from typing import Any

from homeassistant.components.repairs import RepairsFlow
from homeassistant.helpers.selector import TextSelector, TextSelectorConfig

from ...compat import RepairsFlowResult, probatio
from .definitions import async_get_definition_store
from .models import GizwitsParseError, ProductDefinition

CONF_DEFINITION = "definition"


class DefinitionRepairFlow(RepairsFlow):
    """Takes the datapoint definition JSON the Gizwits developer console exports."""

    def __init__(self, entry_id: str, product_key: str) -> None:
        """Remember which entry and product the issue is about."""
        self._entry_id = entry_id
        self._product_key = product_key

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Ask for the definition, and check it before keeping it."""
        errors: dict[str, str] = {}
        # Repairs opens the flow with {"issue_id": ...}: only a paste is an answer.
        if user_input is not None and CONF_DEFINITION in user_input:
            try:
                raw = json.loads(user_input[CONF_DEFINITION])
                definition = ProductDefinition.from_json(raw, self._product_key)
            except GizwitsParseError:
                errors[CONF_DEFINITION] = "no_datapoints"
            except ValueError:
                errors[CONF_DEFINITION] = "invalid_json"
            else:
                if isinstance(raw, dict) and raw.get("product_key") not in (
                    None,
                    self._product_key,
                ):
                    errors[CONF_DEFINITION] = "wrong_product"
                else:
                    store = await async_get_definition_store(self.hass)
                    await store.async_put(definition, pasted=True)
                    self.hass.config_entries.async_schedule_reload(self._entry_id)
                    return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="init",
            data_schema=probatio.Schema(
                {
                    probatio.Required(CONF_DEFINITION): TextSelector(
                        TextSelectorConfig(multiline=True)
                    )
                }
            ),
            description_placeholders={"product_key": self._product_key},
            errors=errors,
        )
