"""Application credentials: the client ID WiZ Pro issued (it has no secret)."""

from homeassistant.components.application_credentials import ClientCredential
from homeassistant.core import HomeAssistant
from homeassistant.helpers.network import NoURLAvailableError

from .vendors.wiz_pro.oauth import CALLBACK_PATH, WizProImplementation, redirect_uri

DOCS_URL = "https://github.com/cloud-bridge/cloud-bridge#wiz-pro"


async def async_get_auth_implementation(
    hass: HomeAssistant, auth_domain: str, credential: ClientCredential
) -> WizProImplementation:
    """Return WiZ Pro's OAuth implementation for a credential."""
    return WizProImplementation(hass, auth_domain, credential)


async def async_get_description_placeholders(hass: HomeAssistant) -> dict[str, str]:
    """Return the redirect URI to register with WiZ, for the credentials dialog."""
    try:
        uri = redirect_uri(hass)
    except NoURLAvailableError:
        uri = f"https://<your Home Assistant address>{CALLBACK_PATH}"
    return {"redirect_uri": uri, "more_info_url": DOCS_URL}
