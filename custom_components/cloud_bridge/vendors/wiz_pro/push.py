"""The webhook address a user pastes into WiZ Pro's Data export."""

from homeassistant.components import webhook
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.network import NoURLAvailableError


@callback
def async_webhook_url(hass: HomeAssistant, webhook_id: str) -> str | None:
    """Return the webhook's URL, or None when Home Assistant has no URL yet."""
    try:
        return webhook.async_generate_url(hass, webhook_id)
    except NoURLAvailableError:
        return None
