"""Application credentials: for the one cloud that links accounts with OAuth."""

from homeassistant.components.application_credentials import ClientCredential
from homeassistant.core import HomeAssistant
from homeassistant.helpers.config_entry_oauth2_flow import AbstractOAuth2Implementation

from .vendors import VENDORS, OAuthLinking


def _linking() -> OAuthLinking:
    """Return how the OAuth cloud takes application credentials."""
    return next(vendor.oauth for vendor in VENDORS.values() if vendor.oauth)


async def async_get_auth_implementation(
    hass: HomeAssistant, auth_domain: str, credential: ClientCredential
) -> AbstractOAuth2Implementation:
    """Return the OAuth implementation of a credential."""
    return await _linking().async_get_auth_implementation(hass, auth_domain, credential)


async def async_get_description_placeholders(hass: HomeAssistant) -> dict[str, str]:
    """Return what the credentials dialog explains (such as the redirect URI)."""
    return await _linking().async_get_description_placeholders(hass)
