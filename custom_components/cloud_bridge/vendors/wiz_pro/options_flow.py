"""WiZ Pro's options: the webhook address for Data export, and what it delivered."""

from typing import Any

from homeassistant.config_entries import ConfigFlowResult, OptionsFlow
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.util import dt as dt_util

from .push import async_webhook_url
from .push_store import async_get_push_store

# Shown when Data export has delivered something: its time.
DELIVERED_STEP = "wiz_pro_delivered"


class WebhookOptionsFlow(OptionsFlow):
    """Shows the address WiZ Pro pushes to, how to enter it there, and its news."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the webhook address, and whether Data export delivered yet."""
        if user_input is not None:
            return self.async_create_entry(data=dict(self.config_entry.options))
        url = async_webhook_url(self.hass, self.config_entry.data[CONF_WEBHOOK_ID])
        placeholders = {"webhook_url": url or "-"}
        store = await async_get_push_store(self.hass)
        last = store.record(self.config_entry.entry_id).last_delivery
        if last is None:
            return self.async_show_form(
                step_id="init", description_placeholders=placeholders
            )
        placeholders["last_delivery"] = dt_util.as_local(last).strftime(
            "%Y-%m-%d %H:%M:%S"
        )
        return self.async_show_form(
            step_id=DELIVERED_STEP, description_placeholders=placeholders
        )

    async def async_step_wiz_pro_delivered(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Close the dialog as the first step does."""
        return await self.async_step_init(user_input)
