"""WEGnology: industrial IoT devices of an application, through its REST API."""

from typing import TYPE_CHECKING

from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ..base import VendorAdapter
from ..vendor import Vendor
from .adapter import MAX_CONCURRENT_READS, WegnologyAdapter
from .client import WegnologyClient
from .config_flow import WegnologyFlow
from .const import (
    AUTH_LOGIN,
    CONF_API_TOKEN,
    CONF_APPLICATION_ID,
    CONF_ATTRIBUTES,
    CONF_AUTH,
    CONF_BASE_URL,
    CONF_SWITCHES,
    CONF_USER_TOKEN,
    VENDOR_ID,
)
from .memory import async_get_alert_store
from .options_flow import WegnologyOptionsFlow
from .services import async_setup_services

if TYPE_CHECKING:
    from ...coordinator import CloudBridgeConfigEntry


def client_for(hass: HomeAssistant, entry: CloudBridgeConfigEntry) -> WegnologyClient:
    """Return a client for an entry; a new user token is stored in the entry."""
    data = entry.data
    if data[CONF_AUTH] != AUTH_LOGIN:
        return WegnologyClient(
            async_get_clientsession(hass),
            base_url=data[CONF_BASE_URL],
            token=data[CONF_API_TOKEN],
        )

    @callback
    def store_token(token: str) -> None:
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_USER_TOKEN: token}
        )

    return WegnologyClient(
        async_get_clientsession(hass),
        base_url=data[CONF_BASE_URL],
        token=data.get(CONF_USER_TOKEN),
        email=data[CONF_EMAIL],
        password=data[CONF_PASSWORD],
        on_login=store_token,
    )


async def async_create_adapter(
    hass: HomeAssistant, entry: CloudBridgeConfigEntry
) -> VendorAdapter:
    """Return the adapter for a WEGnology entry, with the user's options."""
    alerts = await async_get_alert_store(hass)
    return WegnologyAdapter(
        client_for(hass, entry),
        entry.data[CONF_APPLICATION_ID],
        overrides=entry.options.get(CONF_ATTRIBUTES, {}),
        switches=entry.options.get(CONF_SWITCHES, {}),
        name=entry.title,
        memory=alerts.memory(entry.entry_id),
    )


VENDOR = Vendor(
    id=VENDOR_ID,
    flow=WegnologyFlow,
    async_create_adapter=async_create_adapter,
    iot_class="cloud_polling",
    max_parallel_requests=MAX_CONCURRENT_READS,
    # A pasted API token and the user token each read the whole application.
    redact=frozenset({CONF_API_TOKEN, CONF_USER_TOKEN}),
    options_flow=WegnologyOptionsFlow,
    async_setup_services=async_setup_services,
)
