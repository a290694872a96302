"""WiZ Pro: professional WiZ lighting through its OAuth-protected GraphQL API."""

from typing import TYPE_CHECKING, cast

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant, callback

from ...issues import Issue, async_track_issues
from ..base import VendorAdapter
from .adapter import WizProAdapter
from .const import CONF_BUILDINGS, VENDOR_ID
from .models import StatusChange
from .oauth import async_entry_client
from .push import async_webhook_url
from .webhook import async_register_webhook

if TYPE_CHECKING:
    from ...coordinator import CloudBridgeConfigEntry, CloudBridgeCoordinator


async def async_create_adapter(
    hass: HomeAssistant, entry: CloudBridgeConfigEntry
) -> VendorAdapter:
    """Return the adapter for a WiZ Pro entry, with its OAuth session."""
    client, tokens = await async_entry_client(hass, entry)
    return WizProAdapter(client, entry.data[CONF_BUILDINGS], tokens.renew)


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
        if (change := adapter.status_updates(status)) is None:
            return False
        coordinator.async_apply(*change)
        return True

    entry.async_on_unload(
        async_register_webhook(
            hass, entry.data[CONF_WEBHOOK_ID], entry.title, on_status
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


__all__ = ["VENDOR_ID", "async_create_adapter", "async_setup_entry", "push_url"]
