"""WiZ Pro: professional WiZ lighting through its OAuth-protected GraphQL API."""

import asyncio
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, cast

from homeassistant.components.application_credentials import ClientCredential
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.util import dt as dt_util

from ...compat import ImplementationUnavailableError, UnknownImplementationError
from ...const import DOMAIN
from ...issues import Issue, async_track_issues
from ..base import VendorAdapter
from ..vendor import OAuthLinking, Vendor
from .adapter import WizProAdapter
from .client import MAX_CONCURRENT_REQUESTS
from .config_flow import WizProFlow
from .const import CONF_BUILDINGS, VENDOR_ID
from .oauth import (
    CALLBACK_PATH,
    WizProImplementation,
    async_entry_client,
    redirect_uri,
)
from .options_flow import WebhookOptionsFlow
from .push import async_webhook_url
from .push_store import async_get_push_store
from .status_change import StatusChange
from .webhook import async_register_webhook

if TYPE_CHECKING:
    from ...coordinator import CloudBridgeConfigEntry, CloudBridgeCoordinator


async def async_create_adapter(
    hass: HomeAssistant, entry: CloudBridgeConfigEntry
) -> VendorAdapter:
    """Return the adapter for a WiZ Pro entry, with its OAuth session."""
    try:
        client, tokens = await async_entry_client(hass, entry)
    except UnknownImplementationError as err:
        # The application credential is gone: link again once it is back.
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key="credential_missing"
        ) from err
    except ImplementationUnavailableError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN, translation_key="credential_unavailable"
        ) from err

    def start(coroutine: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        # Not eagerly: the batch waits for the rest of its service call.
        return entry.async_create_background_task(
            hass, coroutine, name, eager_start=False
        )

    store = await async_get_push_store(hass)
    return WizProAdapter(
        client,
        entry.data[CONF_BUILDINGS],
        tokens.renew,
        start,
        store.record(entry.entry_id),
    )


@callback
def push_url(hass: HomeAssistant, entry: ConfigEntry) -> str | None:
    """Return the webhook URL the user gives WiZ Pro's Data export."""
    return async_webhook_url(hass, entry.data[CONF_WEBHOOK_ID])


@callback
def async_setup_entry(
    hass: HomeAssistant,
    entry: CloudBridgeConfigEntry,
    coordinator: CloudBridgeCoordinator,
) -> None:
    """Listen for STATUSCHANGE notifications through the entry's webhook."""
    # async_create_adapter above made it.
    adapter = cast(WizProAdapter, coordinator.adapter)

    @callback
    def on_status(status: StatusChange) -> bool:
        if (outcome := adapter.status_updates(status)) is None:
            return False
        coordinator.async_apply(outcome.updates, outcome.online)
        if outcome.devices:
            coordinator.async_apply_devices(outcome.devices)
        return True

    @callback
    def on_delivery() -> None:
        adapter.record.delivered(dt_util.utcnow())

    entry.async_on_unload(
        async_register_webhook(
            hass, entry.data[CONF_WEBHOOK_ID], entry.title, on_status, on_delivery
        )
    )
    issue_id = building_issue_id(entry.entry_id)

    @callback
    def lost_buildings() -> dict[str, Issue]:
        """Say in Repairs which buildings WiZ no longer grants; gone once it does."""
        if not (lost := adapter.lost_buildings):
            return {}
        placeholders = {"title": entry.title, "buildings": ", ".join(lost)}
        return {
            issue_id: Issue(translation_key=BUILDING_ISSUE, placeholders=placeholders)
        }

    async_track_issues(hass, entry, coordinator, issue_id, lost_buildings)


BUILDING_ISSUE = "building_not_granted"


def building_issue_id(entry_id: str) -> str:
    """Return the repair issue of an entry with buildings WiZ no longer grants.

    Not "<translation key>_<entry id>": the coordinator takes issues named so
    for its own account issues, and deletes them after a poll that works.
    """
    return f"wiz_pro_lost_buildings_{entry_id}"


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


VENDOR = Vendor(
    id=VENDOR_ID,
    flow=WizProFlow,
    async_create_adapter=async_create_adapter,
    # Polled every 30 s, and pushed through Data export when it is on.
    iot_class="cloud_push",
    max_parallel_requests=MAX_CONCURRENT_REQUESTS,
    async_setup_entry=async_setup_entry,
    options_flow=WebhookOptionsFlow,
    push_url=push_url,
    oauth=OAuthLinking(
        async_get_auth_implementation=async_get_auth_implementation,
        async_get_description_placeholders=async_get_description_placeholders,
    ),
)
