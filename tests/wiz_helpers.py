"""Shared steps of WiZ Pro tests: a browser that approves, entity lookups."""

from collections.abc import Mapping
from typing import Any

import aiohttp
from yarl import URL

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from custom_components.cloud_bridge.const import DOMAIN
from simulator.wiz_pro import WizProSimulator
from simulator.wiz_pro_demo import DEMO_BUILDING_ID
from simulator.wiz_pro_model import (
    Group as SimGroup,
    Light as SimLight,
    Room as SimRoom,
)

from .helpers import stored_before

GRAPHQL = "/api/graphql"
TOKEN = "/api/oauth/token"


async def approve(authorize_url: str) -> URL:
    """Play the user's browser on WiZ's authorize page; return where it lands.

    The real page is a single-page app that reads its query from the fragment,
    so the browser's job is to turn ``#/oauth/authorize?...`` into a request.
    """
    url = URL(authorize_url)
    assert url.fragment.startswith("/oauth/authorize?")
    query = url.fragment.partition("?")[2]
    approve_url = url.with_fragment(None).join(URL(f"oauth/authorize?{query}"))
    async with (
        aiohttp.ClientSession() as session,
        session.get(approve_url, allow_redirects=False) as response,
    ):
        assert response.status == 302, await response.text()
        return URL(response.headers["Location"])


def entity_id(hass: HomeAssistant, platform: str, unique_id: str) -> str:
    """Return the entity id registered for a unique id."""
    registered = er.async_get(hass).async_get_entity_id(platform, DOMAIN, unique_id)
    assert registered is not None, unique_id
    return registered


def unique_id(kind: str, item_id: str, point: str = "light") -> str:
    """Return the unique id of a point of a demo-office device."""
    return f"wiz_pro:{DEMO_BUILDING_ID}:{kind}-{item_id}:{point}"


def mutations(sim: WizProSimulator, name: str) -> list[dict[str, Any]]:
    """Return the arguments of every mutation of a kind the cloud received."""
    return [args for field, args in sim.mutations if field == name]


def sim_light(sim: WizProSimulator, name: str) -> SimLight:
    """Return the simulated light with a name."""
    found = [light for b in sim.buildings for light in b.lights if light.name == name]
    assert len(found) == 1, name
    return found[0]


def sim_room(sim: WizProSimulator, name: str) -> SimRoom:
    """Return the simulated room with a name."""
    found = [
        room
        for building in sim.buildings
        for floor in building.floors
        for room in floor.rooms
        if room.name == name
    ]
    assert len(found) == 1, name
    return found[0]


def sim_group(sim: WizProSimulator, name: str) -> SimGroup:
    """Return the simulated group with a name."""
    found = [group for group in sim.state.group_by_id.values() if group.name == name]
    assert len(found) == 1, name
    return found[0]


def bulb_entity(hass: HomeAssistant, light: SimLight, point: str = "light") -> str:
    """Return the entity id of a point of a simulated bulb."""
    platform = "light" if point == "light" else "number"
    return entity_id(hass, platform, unique_id("light", light.id, point))


async def enable_entities(
    hass: HomeAssistant, entry: ConfigEntry, platform: str, unique_ids: list[str]
) -> list[str]:
    """Enable disabled-by-default entities, reload the entry; return their ids."""
    registry = er.async_get(hass)
    entity_ids = [entity_id(hass, platform, uid) for uid in unique_ids]
    for registered in entity_ids:
        registry.async_update_entity(registered, disabled_by=None)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    return entity_ids


def leave_without_url(hass: HomeAssistant) -> None:
    """Leave Home Assistant with no address to give out.

    No internal or external URL is configured and Home Assistant serves HTTPS
    itself, so its local IP address cannot stand in as a plain-HTTP internal URL
    (the test harness's http component reports 10.10.10.10 otherwise).
    """
    assert hass.config.api is not None, "set up http first"
    hass.config.internal_url = None
    hass.config.external_url = None
    hass.config.api.use_ssl = True


PUSH_STORE = "cloud_bridge.wiz_pro_push"


def reported_before(
    hass_storage: dict[str, Any],
    entry: ConfigEntry,
    *macs: str,
    last_delivery: str | None = None,
) -> None:
    """Have Home Assistant find that Data export reported these lights before.

    As after a restart: what the entry kept of earlier notifications (each
    light connected, at -70 dBm, drawing 1 W), before the entry is set up.
    """
    telemetry = {"connected": True, "rssi": -70, "power": 1.0}
    stored_before(
        hass_storage,
        PUSH_STORE,
        {
            entry.entry_id: {
                "lights": dict.fromkeys(macs, telemetry),
                "last_delivery": last_delivery,
            }
        },
    )


def record_state_writes(hass: HomeAssistant, entry_id: str) -> list[str]:
    """Record every state written for an entry's entities, changed or not.

    Home Assistant fires state_changed for a new state and state_reported for
    a state written again unchanged; both count as a write.
    """
    ours = {
        entry.entity_id
        for entry in er.async_entries_for_config_entry(er.async_get(hass), entry_id)
    }
    written: list[str] = []

    @callback
    def ours_only(data: Mapping[str, Any]) -> bool:
        return data["entity_id"] in ours

    @callback
    def record(event: Event[Any]) -> None:
        written.append(event.data["entity_id"])

    for event_type in (EVENT_STATE_CHANGED, EVENT_STATE_REPORTED):
        hass.bus.async_listen(event_type, record, event_filter=ours_only)
    return written
