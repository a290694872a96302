"""Gizwits: appliances described by datapoints, through the Gizwits Open API.

State is pushed through the app WebSocket (``push.py``) and polled as the
safety net; accounts on Gizwits' newer app login sign in there.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from homeassistant.components.repairs import RepairsFlow
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ...issues import Issue, async_track_issues
from ..base import VendorAdapter
from ..vendor import Vendor
from .adapter import GizwitsAdapter
from .aep import aep_url_for
from .catalog import REFUSED
from .client import GizwitsClient
from .config_flow import GizwitsFlow
from .const import (
    CONF_APP_ID,
    CONF_BASE_URL,
    CONF_EXPIRE_AT,
    CONF_LOGIN,
    CONF_REFRESH_TOKEN,
    CONF_TOKEN,
    CONF_UID,
    LOGIN_CLASSIC,
    VENDOR_ID,
)
from .definitions import async_get_definition_store
from .models import UserSession
from .push import GizwitsPush
from .repair import DefinitionRepairFlow
from .reports import MAX_CONCURRENT_READS

if TYPE_CHECKING:
    from ...coordinator import CloudBridgeConfigEntry, CloudBridgeCoordinator

DEFINITION_ISSUE = "gizwits_definition"


def definition_issue_id(entry_id: str, product_key: str) -> str:
    """Return the repair issue of a product whose definition is missing."""
    return f"{DEFINITION_ISSUE}_{entry_id}_{product_key}"


def client_for(hass: HomeAssistant, entry: CloudBridgeConfigEntry) -> GizwitsClient:
    """Return a client for an entry; new tokens and the login used are stored."""
    data = entry.data
    stored = (
        UserSession(
            data[CONF_UID],
            data[CONF_TOKEN],
            data[CONF_EXPIRE_AT],
            data.get(CONF_REFRESH_TOKEN, ""),
        )
        if data.get(CONF_TOKEN)
        else None
    )
    client: GizwitsClient

    @callback
    def store_login(user: UserSession) -> None:
        hass.config_entries.async_update_entry(
            entry,
            data={
                **entry.data,
                CONF_TOKEN: user.token,
                CONF_EXPIRE_AT: user.expire_at,
                CONF_REFRESH_TOKEN: user.refresh_token,
                CONF_LOGIN: client.login_kind,
            },
        )

    client = GizwitsClient(
        async_get_clientsession(hass),
        base_url=data[CONF_BASE_URL],
        app_id=data[CONF_APP_ID],
        username=data[CONF_USERNAME],
        password=data[CONF_PASSWORD],
        user=stored,
        on_login=store_login,
        aep_url=aep_url_for(data),
        login_kind=data.get(CONF_LOGIN, LOGIN_CLASSIC),
    )
    return client


async def async_create_adapter(
    hass: HomeAssistant, entry: CloudBridgeConfigEntry
) -> VendorAdapter:
    """Return the adapter for a Gizwits entry."""
    return GizwitsAdapter(
        client_for(hass, entry),
        await async_get_definition_store(hass),
        entry.data[CONF_UID],
        entry.title,
    )


@callback
def async_setup_entry(
    hass: HomeAssistant,
    entry: CloudBridgeConfigEntry,
    coordinator: CloudBridgeCoordinator,
) -> None:
    """Open the app WebSockets; keep a repair issue per product without definition."""
    adapter = cast(GizwitsAdapter, coordinator.adapter)
    GizwitsPush(hass, entry, coordinator, adapter).async_start()

    @callback
    def missing_definitions() -> dict[str, Issue]:
        return {
            definition_issue_id(entry.entry_id, product_key): Issue(
                translation_key=DEFINITION_ISSUE
                if reason == REFUSED
                else f"{DEFINITION_ISSUE}_{reason}",
                placeholders={"product_key": product_key, "title": entry.title},
                fixable=True,
                severity=ir.IssueSeverity.WARNING,
                data={"entry_id": entry.entry_id, "product_key": product_key},
            )
            for product_key, reason in adapter.without_definition.items()
        }

    async_track_issues(
        hass,
        entry,
        coordinator,
        definition_issue_id(entry.entry_id, ""),
        missing_definitions,
    )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: Mapping[str, Any]
) -> RepairsFlow:
    """Return the flow that takes a product's pasted definition."""
    return DefinitionRepairFlow(str(data["entry_id"]), str(data["product_key"]))


VENDOR = Vendor(
    id=VENDOR_ID,
    flow=GizwitsFlow,
    async_create_adapter=async_create_adapter,
    # Pushed through the app WebSocket; polled as the safety net.
    iot_class="cloud_push",
    max_parallel_requests=MAX_CONCURRENT_READS,
    # The login name is often an e-mail or phone number; the AppID with a
    # device's did reads that device (devdata/latest needs no user token). The
    # uid stays: it is in every device key and signs nothing in without a token.
    redact=frozenset({CONF_APP_ID}),
    async_setup_entry=async_setup_entry,
    async_create_fix_flow=async_create_fix_flow,
)
