"""WiZ Pro's options: the webhook address to paste into WiZ Pro's Data export."""

from typing import Any

from homeassistant.config_entries import ConfigFlowResult, OptionsFlow
from homeassistant.const import CONF_WEBHOOK_ID

from .push import async_webhook_url


class WebhookOptionsFlow(OptionsFlow):
    """Shows the address WiZ Pro pushes to, with how to enter it there."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the webhook address."""
        if user_input is not None:
            return self.async_create_entry(data=dict(self.config_entry.options))
        url = async_webhook_url(self.hass, self.config_entry.data[CONF_WEBHOOK_ID])
        return self.async_show_form(
            step_id="init", description_placeholders={"webhook_url": url or "-"}
        )
