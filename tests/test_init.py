"""Setting up, polling, failing, renewing and unloading a WiZ Pro entry."""

from collections.abc import AsyncGenerator, Callable
from datetime import timedelta
import logging
import time
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from homeassistant.components.light import ATTR_BRIGHTNESS
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import (
    CONF_WEBHOOK_ID,
    MAJOR_VERSION,
    MINOR_VERSION,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    area_registry as ar,
    config_entry_oauth2_flow,
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.setup import async_setup_component

from custom_components.cloud_bridge import coordinator as coordinator_module
from custom_components.cloud_bridge.compat import ImplementationUnavailableError
from custom_components.cloud_bridge.const import DOMAIN
from simulator.server import SimulatorServer
from simulator.wiz_pro import WizProSimulator
from simulator.wiz_pro_demo import (
    A60_RGBTW,
    DEMO_BUILDING_ID,
    SECOND_BUILDING_ID,
    demo_data,
)
from simulator.wiz_pro_model import FavoriteStatus, Light, white_state

from .conftest import wiz_pro_entry
from .helpers import SetupEntry, log_lines, next_poll, paths
from .registry import device_with, remove_device_request
from .wiz_helpers import (
    GRAPHQL,
    TOKEN,
    entity_id,
    record_state_writes,
    reported_before,
    sim_room,
    unique_id,
)

ADAPTER_LOGGER = "custom_components.cloud_bridge.vendors.wiz_pro.adapter"


def light_id_named(sim: WizProSimulator, name: str) -> str:
    """Return the id of the simulator's light with that name."""
    (light,) = [
        light
        for building in sim.buildings
        for light in building.lights
        if light.name == name
    ]
    return light.id


def light_entity(hass: HomeAssistant, sim: WizProSimulator, name: str) -> str:
    """Return the light entity of a bulb of the demo office, by the bulb's name."""
    return entity_id(hass, "light", unique_id("light", light_id_named(sim, name)))


def device_of(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    kind: str,
    item_id: str,
    building_id: str = DEMO_BUILDING_ID,
) -> dr.DeviceEntry | None:
    """Return the registered device of a building, room, group or bulb."""
    return device_with(
        hass, (DOMAIN, f"wiz_pro:{building_id}:{kind}-{item_id}"), entry.entry_id
    )


@pytest.fixture(autouse=True)
def frozen_time(freezer: FrozenDateTimeFactory) -> None:
    """Freeze time before anything is set up, so only ticks make polls happen."""


@pytest.fixture
async def two_building_sim(socket_enabled: None) -> AsyncGenerator[WizProSimulator]:
    """Run a simulator whose account holds the office and the warehouse."""
    sim = WizProSimulator(demo_data(buildings=2), require_https_webhooks=False)
    await sim.start()
    yield sim
    await sim.stop()


# --- setup, devices, unload -------------------------------------------------------


async def test_setup_registers_devices(
    hass: HomeAssistant, wiz_sim: WizProSimulator, wiz_loaded: MockConfigEntry
) -> None:
    """Every bulb, room and group is a device under the building device."""
    assert wiz_loaded.state is ConfigEntryState.LOADED
    devices = dr.async_get(hass)
    areas = ar.async_get(hass)
    building = wiz_sim.building(DEMO_BUILDING_ID)

    def device(kind: str, item_id: str) -> dr.DeviceEntry:
        found = device_of(hass, wiz_loaded, kind, item_id)
        assert found is not None, (kind, item_id)
        return found

    building_device = device("building", DEMO_BUILDING_ID)
    assert building_device.name == building.name
    assert building_device.via_device_id is None

    expected = 1
    for floor in building.floors:
        for room in floor.rooms:
            area = areas.async_get_area_by_name(room.name)
            assert area is not None, room.name
            room_device = device("room", room.id)
            assert room_device.name == room.name
            assert room_device.via_device_id == building_device.id
            for light in room.lights:
                bulb = device("light", light.id)
                assert bulb.name == light.name
                assert bulb.connections == {
                    (dr.CONNECTION_NETWORK_MAC, dr.format_mac(light.mac))
                }
                assert bulb.manufacturer == light.model.brand
                assert bulb.model == light.model.name
                assert bulb.area_id == area.id
                assert bulb.via_device_id == building_device.id
            for group in room.groups:
                group_device = device("group", group.id)
                assert group_device.name == group.name
                assert group_device.via_device_id == building_device.id
            expected += 1 + len(room.lights) + len(room.groups)
    registered = dr.async_entries_for_config_entry(devices, wiz_loaded.entry_id)
    assert len(registered) == expected


async def test_unload_drops_the_webhook(
    hass: HomeAssistant,
    wiz_loaded: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Unloading drops the Data export webhook (the rest: test_vendor_scenarios)."""
    http = await hass_client_no_auth()
    url = f"/api/webhook/{wiz_loaded.data[CONF_WEBHOOK_ID]}"
    caplog.set_level(logging.INFO, logger="homeassistant.components.webhook")

    # While loaded, the webhook is there: an invalid body is refused.
    response = await http.post(url, data=b"not json")
    assert response.status == 400

    assert await hass.config_entries.async_unload(wiz_loaded.entry_id)
    await hass.async_block_till_done()
    assert wiz_loaded.state is ConfigEntryState.NOT_LOADED

    response = await http.post(url, data=b"not json")
    assert response.status == 200
    assert "Received message for unregistered webhook" in caplog.text


# --- request cost -----------------------------------------------------------------


async def test_one_query_per_building(
    hass: HomeAssistant,
    two_building_sim: WizProSimulator,
    setup_entry: SetupEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An entry for two buildings sends two queries per poll, one for each."""
    buildings = [DEMO_BUILDING_ID, SECOND_BUILDING_ID]
    entry = await setup_entry(
        wiz_pro_entry(hass, two_building_sim, buildings, "Demo Office, Demo Warehouse")
    )
    assert entry.state is ConfigEntryState.LOADED
    for building_id in buildings:
        assert device_of(hass, entry, "building", building_id, building_id)
    warehouse_lamp = two_building_sim.building(SECOND_BUILDING_ID).lights[-1]
    warehouse_entity = entity_id(
        hass,
        "light",
        f"wiz_pro:{SECOND_BUILDING_ID}:light-{warehouse_lamp.id}:light",
    )
    assert hass.states.get(warehouse_entity).state == STATE_ON

    two_building_sim.clear_requests()
    await next_poll(hass, freezer)
    assert paths(two_building_sim) == [GRAPHQL, GRAPHQL]
    assert sorted(args["buildingId"] for _, args in two_building_sim.queries) == (
        sorted(buildings)
    )
    assert {field for field, _ in two_building_sim.queries} == {"buildingTopology"}


# --- the cloud failing ------------------------------------------------------------


def two_building_entry(hass: HomeAssistant, sim: WizProSimulator) -> MockConfigEntry:
    """Add an entry for the office and the warehouse, not set up."""
    buildings = [DEMO_BUILDING_ID, SECOND_BUILDING_ID]
    return wiz_pro_entry(hass, sim, buildings, "Demo Office, Demo Warehouse")


def lost_buildings_issue(
    hass: HomeAssistant, entry: MockConfigEntry
) -> ir.IssueEntry | None:
    """Return the repair issue about buildings WiZ no longer grants."""
    return ir.async_get(hass).async_get_issue(
        DOMAIN, f"wiz_pro_lost_buildings_{entry.entry_id}"
    )


async def test_building_no_longer_granted(
    hass: HomeAssistant,
    two_building_sim: WizProSimulator,
    setup_entry: SetupEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A building WiZ stops granting goes unavailable; the other keeps working.

    Its devices are kept (not removed), Repairs says what to do, and all of it
    undoes itself once the building is granted again.
    """
    sim = two_building_sim
    entry = await setup_entry(two_building_entry(hass, sim))
    warehouse = sim.building(SECOND_BUILDING_ID)
    warehouse_lights = [
        entity_id(hass, "light", f"wiz_pro:{SECOND_BUILDING_ID}:light-{light.id}:light")
        for light in warehouse.lights
    ]
    office_light = light_entity(hass, sim, "Reception Accent 1")
    assert lost_buildings_issue(hass, entry) is None

    sim.granted_buildings = [DEMO_BUILDING_ID]
    await next_poll(hass, freezer)

    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get(office_light).state == STATE_ON
    for entity in warehouse_lights:
        assert hass.states.get(entity).state == STATE_UNAVAILABLE, entity
    assert device_of(hass, entry, "building", SECOND_BUILDING_ID, SECOND_BUILDING_ID)
    for light in warehouse.lights:
        assert device_of(hass, entry, "light", light.id, SECOND_BUILDING_ID)
    issue = lost_buildings_issue(hass, entry)
    assert issue is not None
    assert issue.translation_key == "building_not_granted"
    assert issue.severity is ir.IssueSeverity.ERROR
    assert issue.translation_placeholders == {
        "title": "Demo Office, Demo Warehouse",
        "buildings": warehouse.name,
    }
    # The office still takes commands.
    await hass.services.async_call(
        "light", "turn_off", {"entity_id": office_light}, blocking=True
    )
    assert hass.states.get(office_light).state == STATE_OFF

    # Neither granted: everything unavailable, the same issue names both.
    sim.granted_buildings = []
    await next_poll(hass, freezer)
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get(office_light).state == STATE_UNAVAILABLE
    issue = lost_buildings_issue(hass, entry)
    assert issue is not None
    assert issue.translation_placeholders["buildings"] == (
        f"{sim.building(DEMO_BUILDING_ID).name}, {warehouse.name}"
    )
    assert device_of(hass, entry, "building", DEMO_BUILDING_ID)

    # Granted again: back by itself, and the issue is gone.
    sim.granted_buildings = [DEMO_BUILDING_ID, SECOND_BUILDING_ID]
    await next_poll(hass, freezer)
    assert hass.states.get(office_light).state == STATE_OFF
    for entity in warehouse_lights:
        assert hass.states.get(entity).state != STATE_UNAVAILABLE, entity
    assert lost_buildings_issue(hass, entry) is None


async def test_building_gone_before_setup(
    hass: HomeAssistant,
    two_building_sim: WizProSimulator,
    setup_entry: SetupEntry,
) -> None:
    """A building deleted while Home Assistant was down: set-up still works."""
    sim = two_building_sim
    sim.buildings.remove(sim.building(SECOND_BUILDING_ID))
    sim.reindex()
    entry = await setup_entry(two_building_entry(hass, sim))
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get(light_entity(hass, sim, "Reception Accent 1")).state == (
        STATE_ON
    )
    issue = lost_buildings_issue(hass, entry)
    assert issue is not None
    # Never seen, so named by its id.
    assert issue.translation_placeholders["buildings"] == SECOND_BUILDING_ID


# --- tokens -----------------------------------------------------------------------


def set_token(hass: HomeAssistant, entry: MockConfigEntry, **changes: Any) -> None:
    """Change the stored token of an entry."""
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, "token": {**entry.data["token"], **changes}}
    )


async def test_token_renewed_before_expiry(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    wiz_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An access token about to expire is renewed before the poll uses it."""
    old = dict(wiz_loaded.data["token"])
    set_token(hass, wiz_loaded, expires_at=time.time() + 5)
    wiz_sim.clear_requests()
    await next_poll(hass, freezer)

    assert paths(wiz_sim) == [TOKEN, GRAPHQL]
    assert wiz_sim.requests[0].json == {
        "grantType": "refreshToken",
        "refreshToken": old["refresh_token"],
    }
    new = wiz_loaded.data["token"]
    assert new["refresh_token"] != old["refresh_token"]
    assert new["access_token"] != old["access_token"]
    assert new["expires_at"] > time.time() + 3600
    assert wiz_sim.requests[1].headers["Authorization"] == (
        f"Bearer {new['access_token']}"
    )
    light = light_entity(hass, wiz_sim, "Reception Accent 1")
    assert hass.states.get(light).state == STATE_ON


async def test_token_renewal_redirected_is_not_followed(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    elsewhere: SimulatorServer,
    *,
    wiz_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A redirected token request sends nothing on; the log says where it pointed."""
    set_token(hass, wiz_loaded, expires_at=time.time() + 5)
    wiz_sim.faults.add(
        "redirect", path=TOKEN, status=308, location=f"{elsewhere.url}/token"
    )
    wiz_sim.clear_requests()
    caplog.clear()
    await next_poll(hass, freezer)

    assert paths(wiz_sim) == [TOKEN]
    assert elsewhere.requests == []
    light = light_entity(hass, wiz_sim, "Reception Accent 1")
    assert hass.states.get(light).state == STATE_UNAVAILABLE
    (error,) = log_lines(caplog, logging.ERROR)
    assert f"answered with a redirect to {elsewhere.url}/token" in error
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []


async def test_refused_token_renewed_once(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    wiz_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The cloud refusing a token that should still work: renewed, poll succeeds."""
    old = dict(wiz_loaded.data["token"])
    wiz_sim.expire_access_tokens()
    wiz_sim.clear_requests()
    caplog.clear()
    caplog.set_level(logging.DEBUG)
    await next_poll(hass, freezer)

    assert paths(wiz_sim) == [GRAPHQL, TOKEN, GRAPHQL]
    new = wiz_loaded.data["token"]
    assert new["refresh_token"] != old["refresh_token"]
    # Not even debug logging shows a token.
    assert "WiZ Pro refused the access token; renewing it" in caplog.text
    for token in (old, new):
        assert token["access_token"] not in caplog.text
        assert token["refresh_token"] not in caplog.text
    light = light_entity(hass, wiz_sim, "Reception Accent 1")
    assert hass.states.get(light).state == STATE_ON
    assert wiz_loaded.runtime_data.coordinator.last_update_success
    assert log_lines(caplog, logging.ERROR) == []
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []


async def test_token_refused_again_after_renewal_starts_reauth(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    wiz_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Renewal works but the cloud refuses the new token too: link again, no loop."""
    # Every access token from now on is born expired; the current one expires.
    wiz_sim.access_token_lifetime = timedelta(0)
    wiz_sim.expire_access_tokens()
    wiz_sim.clear_requests()
    await next_poll(hass, freezer)

    requests = paths(wiz_sim)
    assert requests.count(GRAPHQL) == 2, requests
    assert TOKEN in requests
    assert requests[-1] == GRAPHQL
    # The renewal itself succeeded: the entry holds the new tokens.
    assert wiz_loaded.data["token"]["access_token"] == (
        wiz_sim.requests[-1].headers["Authorization"].removeprefix("Bearer ")
    )
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert flows[0]["context"]["entry_id"] == wiz_loaded.entry_id
    light = light_entity(hass, wiz_sim, "Reception Accent 1")
    assert hass.states.get(light).state == STATE_UNAVAILABLE

    # The next poll does not hammer the cloud while the user is asked.
    wiz_sim.clear_requests()
    await next_poll(hass, freezer)
    assert wiz_sim.requests == []


# --- malformed data ----------------------------------------------------------------


def first_light(reply: dict[str, Any]) -> dict[str, Any] | None:
    """Return the first light of a buildingTopology reply (None for other replies)."""
    topology = (reply.get("data") or {}).get("buildingTopology")
    if topology is None:
        return None
    light: dict[str, Any] = topology["floors"][0]["rooms"][0]["lights"][0]
    return light


def without(key: str) -> Callable[[dict[str, Any]], None]:
    """Return a patch that deletes a key from the first light."""

    def patch(reply: dict[str, Any]) -> None:
        if (light := first_light(reply)) is not None:
            del light[key]

    return patch


def string_state(reply: dict[str, Any]) -> None:
    """Make the first light's currentState a string."""
    if (light := first_light(reply)) is not None:
        light["currentState"] = "on"


MALFORMATIONS: dict[str, Callable[[dict[str, Any]], None]] = {
    "no model": without("model"),
    "no mac": without("mac"),
    "state is a string": string_state,
}


async def test_malformed_light_is_skipped(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    wiz_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One odd light: the others keep working, it is unavailable, warned once.

    Its device and entities stay registered (with whatever the user changed on
    them) and it comes back under the same entity id once the cloud sends it whole.
    """
    odd_light = wiz_sim.building(DEMO_BUILDING_ID).floors[0].rooms[0].lights[0]
    odd_uid = unique_id("light", odd_light.id)
    other_name = "Reception Accent 1"
    other_id = light_id_named(wiz_sim, other_name)
    other = light_entity(hass, wiz_sim, other_name)

    for what, patch in MALFORMATIONS.items():
        caplog.clear()
        odd = entity_id(hass, "light", odd_uid)
        wiz_sim.faults.add("patch_response", path=GRAPHQL, count=None, patch=patch)
        await next_poll(hass, freezer)
        assert hass.states.get(odd).state == STATE_UNAVAILABLE, what
        assert entity_id(hass, "light", odd_uid) == odd, what
        registered = er.async_get(hass).async_get(odd)
        assert registered is not None
        assert dr.async_get(hass).async_get(registered.device_id) is not None
        assert hass.states.get(other).state == STATE_ON, what
        warnings = log_lines(caplog, logging.WARNING, ADAPTER_LOGGER)
        assert len(warnings) == 1, (what, warnings)
        assert odd_light.id in warnings[0]
        assert log_lines(caplog, logging.ERROR) == []

        # The next poll still reads the others, and does not warn again.
        wiz_sim.change_light_locally(other_id, state=False)
        await next_poll(hass, freezer)
        assert hass.states.get(other).state == STATE_OFF, what
        assert len(log_lines(caplog, logging.WARNING, ADAPTER_LOGGER)) == 1, what
        assert wiz_loaded.runtime_data.coordinator.last_update_success

        # Once the cloud sends it whole again, the light is back.
        wiz_sim.faults.clear()
        wiz_sim.change_light_locally(other_id, state=True)
        await next_poll(hass, freezer)
        assert entity_id(hass, "light", odd_uid) == odd
        assert hass.states.get(odd).state == STATE_ON
        assert hass.states.get(other).state == STATE_ON


def brightness_of_first_light(value: Any) -> Callable[[dict[str, Any]], None]:
    """Return a patch that sets the first light's currentState dimming."""

    def patch(reply: dict[str, Any]) -> None:
        if (light := first_light(reply)) is not None:
            light["currentState"]["dimming"] = value

    return patch


@pytest.mark.parametrize(
    "value", [float("inf"), float("nan"), 10**3999], ids=["Infinity", "NaN", "huge"]
)
async def test_a_state_value_that_is_no_number_costs_that_value(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    *,
    wiz_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    value: Any,
) -> None:
    """Infinity, NaN or a 4,000-digit dimming leaves out that value, warned once.

    The light stays, on, without a brightness; the other lights and the entry
    are unaffected.
    """
    odd_light = wiz_sim.building(DEMO_BUILDING_ID).floors[0].rooms[0].lights[0]
    odd = entity_id(hass, "light", unique_id("light", odd_light.id))
    other = light_entity(hass, wiz_sim, "Reception Accent 1")
    assert hass.states.get(odd).attributes[ATTR_BRIGHTNESS] is not None
    caplog.clear()
    # JSON has no such numbers; json.dumps writes Infinity and NaN as a
    # non-standard server would.
    wiz_sim.faults.add(
        "patch_response",
        path=GRAPHQL,
        count=None,
        patch=brightness_of_first_light(value),
    )
    for _ in range(2):
        await next_poll(hass, freezer)
        assert wiz_loaded.runtime_data.coordinator.last_update_success
        assert hass.states.get(odd).state == STATE_ON
        assert hass.states.get(odd).attributes[ATTR_BRIGHTNESS] is None
        assert hass.states.get(other).state == STATE_ON
    warnings = log_lines(caplog, logging.WARNING, ADAPTER_LOGGER)
    assert len(warnings) == 1, warnings
    assert odd_light.id in warnings[0]
    assert "dimming" in warnings[0]
    assert log_lines(caplog, logging.ERROR) == []


async def test_a_bad_value_leaves_the_read_complete(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    wiz_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A light with a dimming no number is still read: a light gone is removed.

    A value that cannot be read costs that value; only an item that cannot be
    read (a light, a room) makes the read incomplete, and keeps what it lacks.
    """
    room = wiz_sim.building(DEMO_BUILDING_ID).floors[0].rooms[0]
    gone = room.lights[-1]
    assert device_of(hass, wiz_loaded, "light", gone.id) is not None
    wiz_sim.faults.add(
        "patch_response",
        path=GRAPHQL,
        count=None,
        patch=brightness_of_first_light(float("nan")),
    )
    room.lights.remove(gone)
    wiz_sim.reindex()
    await next_poll(hass, freezer)
    assert wiz_loaded.runtime_data.coordinator.data.complete
    assert device_of(hass, wiz_loaded, "light", gone.id) is None
    odd = entity_id(hass, "light", unique_id("light", room.lights[0].id))
    assert hass.states.get(odd).state == STATE_ON


# --- devices coming and going -----------------------------------------------------


async def test_new_light_appears_without_reload(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    wiz_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A bulb added in the cloud shows up at the next poll."""
    http = await hass_client_no_auth()
    wiz_sim.webhook_url = str(
        http.make_url(f"/api/webhook/{wiz_loaded.data[CONF_WEBHOOK_ID]}")
    )
    room = wiz_sim.building(DEMO_BUILDING_ID).floors[0].rooms[0]
    new = Light(
        id="99001",
        name="New Lamp",
        mac="a8bb50fe0001",
        model=A60_RGBTW,
        state=white_state(3000, 50),
    )
    room.lights.append(new)
    wiz_sim.reindex()
    new_uid = unique_id("light", new.id)
    assert er.async_get(hass).async_get_entity_id("light", DOMAIN, new_uid) is None

    await next_poll(hass, freezer)
    assert wiz_loaded.state is ConfigEntryState.LOADED
    state = hass.states.get(entity_id(hass, "light", new_uid))
    assert state.state == STATE_ON
    assert state.attributes[ATTR_BRIGHTNESS] == round(50 * 255 / 100)
    # Its power comes with its first notification.
    assert (await wiz_sim.send_status_change(new.id)).status == 200
    await hass.async_block_till_done()
    power = entity_id(hass, "sensor", unique_id("light", new.id, "power"))
    assert hass.states.get(power) is not None
    device = device_with(
        hass, (dr.CONNECTION_NETWORK_MAC, dr.format_mac(new.mac)), wiz_loaded.entry_id
    )
    assert device is not None
    assert device.name == "New Lamp"
    assert device.model == A60_RGBTW.name


async def test_only_stale_devices_can_be_removed(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    wiz_loaded: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """The user may delete a device the cloud no longer has, not one it still has."""
    assert await async_setup_component(hass, "config", {})
    devices = dr.async_get(hass)
    light_id = light_id_named(wiz_sim, "Reception Accent 1")
    live = device_of(hass, wiz_loaded, "light", light_id)
    assert live is not None
    stale = devices.async_get_or_create(
        config_entry_id=wiz_loaded.entry_id,
        identifiers={(DOMAIN, f"wiz_pro:{DEMO_BUILDING_ID}:light-00000")},
        name="Old Lamp",
    )
    client = await hass_ws_client(hass)

    await client.send_json_auto_id(remove_device_request(live.id, wiz_loaded.entry_id))
    response = await client.receive_json()
    assert not response["success"]
    assert devices.async_get(live.id) is not None

    await client.send_json_auto_id(remove_device_request(stale.id, wiz_loaded.entry_id))
    response = await client.receive_json()
    assert response["success"], response
    assert devices.async_get(stale.id) is None


# --- quiet polls -------------------------------------------------------------------


async def test_unchanged_poll_writes_no_state(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    wiz_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A poll that finds nothing new writes nothing; a change writes only its own."""
    changed = record_state_writes(hass, wiz_loaded.entry_id)
    wiz_sim.clear_requests()
    await next_poll(hass, freezer)
    await next_poll(hass, freezer)
    assert paths(wiz_sim) == [GRAPHQL, GRAPHQL]
    assert changed == []

    dimmed = light_entity(hass, wiz_sim, "Reception Accent 1")
    untouched = light_entity(hass, wiz_sim, "Reception Accent 2")
    wiz_sim.change_light_locally(
        light_id_named(wiz_sim, "Reception Accent 1"), dimming=20
    )
    await next_poll(hass, freezer)
    assert changed.count(dimmed) == 1
    assert untouched not in changed
    # Only the bulb and the lights that contain it (room, floor, building).
    assert len(changed) <= 4, changed


def reception_reply(reply: dict[str, Any]) -> dict[str, Any] | None:
    """Return the Reception room of a buildingTopology reply (None for others)."""
    topology = (reply.get("data") or {}).get("buildingTopology")
    if topology is None:
        return None
    room: dict[str, Any] = topology["floors"][0]["rooms"][0]
    assert room["name"] == "Reception"
    return room


async def test_malformed_room_scene_stays_unavailable(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    wiz_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A room scene sent without its name: kept but unavailable; the rest works."""
    reception = sim_room(wiz_sim, "Reception")
    welcome, evening = reception.scenes
    odd = entity_id(
        hass, "scene", unique_id("room", reception.id, f"scene-{welcome.id}")
    )
    other = entity_id(
        hass, "scene", unique_id("room", reception.id, f"scene-{evening.id}")
    )
    room_light = entity_id(hass, "light", unique_id("room", reception.id))
    assert hass.states.get(odd).state != STATE_UNAVAILABLE

    def nameless_scene(reply: dict[str, Any]) -> None:
        if (room := reception_reply(reply)) is not None:
            room["roomScenes"][0]["name"] = None

    wiz_sim.faults.add("patch_response", path=GRAPHQL, count=None, patch=nameless_scene)
    await next_poll(hass, freezer)
    assert hass.states.get(odd).state == STATE_UNAVAILABLE
    assert er.async_get(hass).async_get(odd) is not None
    assert hass.states.get(other).state != STATE_UNAVAILABLE
    assert hass.states.get(room_light).state == STATE_ON

    wiz_sim.faults.clear()
    await next_poll(hass, freezer)
    assert hass.states.get(odd).state != STATE_UNAVAILABLE


async def test_malformed_group_does_not_fail_the_poll(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    wiz_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A group entry that is not an object is skipped like any odd item."""
    light = light_entity(hass, wiz_sim, "Reception Accent 1")

    def null_group(reply: dict[str, Any]) -> None:
        if (room := reception_reply(reply)) is not None:
            room["groups"].append(None)

    wiz_sim.faults.add("patch_response", path=GRAPHQL, count=None, patch=null_group)
    await next_poll(hass, freezer)
    coordinator = wiz_loaded.runtime_data.coordinator
    assert coordinator.last_update_success, (
        "one group that is not a JSON object failed the whole poll "
        f"({coordinator.last_exception!r}); every entity went unavailable"
    )
    assert hass.states.get(light).state == STATE_ON


async def test_points_gone_from_a_room_leave_the_registry(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    wiz_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A favorite unset, a room scene deleted: their scenes go; the room stays."""
    entities = er.async_get(hass)
    reception = sim_room(wiz_sim, "Reception")
    room_device = device_of(hass, wiz_loaded, "room", reception.id)
    assert room_device is not None
    welcome, evening = reception.scenes
    favorite = entity_id(hass, "scene", unique_id("room", reception.id, "favorite-1"))
    other_favorite = entity_id(
        hass, "scene", unique_id("room", reception.id, "favorite-2")
    )
    scene = entity_id(
        hass, "scene", unique_id("room", reception.id, f"scene-{welcome.id}")
    )
    other_scene = entity_id(
        hass, "scene", unique_id("room", reception.id, f"scene-{evening.id}")
    )
    kept = (other_favorite, other_scene)
    for entity in (favorite, scene, *kept):
        assert hass.states.get(entity).state != STATE_UNAVAILABLE, entity

    reception.favorites[0] = FavoriteStatus(status=False)
    await next_poll(hass, freezer)
    assert entities.async_get(favorite) is None
    assert hass.states.get(favorite) is None
    assert entities.async_get(scene) is not None

    reception.scenes.remove(welcome)
    wiz_sim.reindex()
    await next_poll(hass, freezer)
    assert entities.async_get(scene) is None
    assert hass.states.get(scene) is None

    assert device_of(hass, wiz_loaded, "room", reception.id) == room_device
    for entity in kept:
        assert entities.async_get(entity) is not None, entity
        assert hass.states.get(entity).state != STATE_UNAVAILABLE, entity


async def test_devices_of_an_entry_not_loaded_can_be_removed(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    wiz_loaded: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """Unloaded, the entry cannot ask the cloud: the user may remove its devices."""
    assert await async_setup_component(hass, "config", {})
    light_id = light_id_named(wiz_sim, "Reception Accent 1")
    device = device_of(hass, wiz_loaded, "light", light_id)
    assert device is not None
    await hass.config_entries.async_unload(wiz_loaded.entry_id)
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        remove_device_request(device.id, wiz_loaded.entry_id)
    )
    response = await client.receive_json()
    assert response["success"], response
    assert dr.async_get(hass).async_get(device.id) is None


@pytest.mark.parametrize(
    ("provider_down", "state", "reauth"),
    [
        pytest.param(
            False, ConfigEntryState.SETUP_ERROR, True, id="credential_deleted"
        ),
        pytest.param(
            True,
            ConfigEntryState.SETUP_RETRY,
            False,
            id="provider_down",
            # Before 2026.10 Home Assistant reports a provider down as a deleted
            # credential.
            marks=pytest.mark.skipif(
                (MAJOR_VERSION, MINOR_VERSION) < (2026, 10),
                reason="Home Assistant tells providers down apart from 2026.10",
            ),
        ),
    ],
)
async def test_set_up_without_the_credential(  # noqa: PLR0917
    hass: HomeAssistant,
    wiz_entry: MockConfigEntry,
    setup_entry: SetupEntry,
    caplog: pytest.LogCaptureFixture,
    provider_down: bool,
    state: ConfigEntryState,
    reauth: bool,
) -> None:
    """A deleted credential asks to link again; a provider down retries.

    Both say why in words; no error with a traceback is logged.
    """
    hass.config_entries.async_update_entry(
        wiz_entry, data={**wiz_entry.data, "auth_implementation": "deleted_credential"}
    )
    if provider_down:

        async def unavailable(hass: HomeAssistant, domain: str) -> list[Any]:
            raise ImplementationUnavailableError("provider down")

        config_entry_oauth2_flow.async_add_implementation_provider(
            hass, "test_provider", unavailable
        )
    await setup_entry(wiz_entry)
    assert wiz_entry.state is state
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == (
        [SOURCE_REAUTH] if reauth else []
    )
    assert not [
        record
        for record in caplog.records
        if record.levelno >= logging.WARNING and record.exc_info
    ]
    assert wiz_entry.reason is not None
    assert "application credential" in wiz_entry.reason


async def test_a_large_entry_starts_optional_entities_disabled(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    wiz_entry: MockConfigEntry,
    *,
    hass_storage: dict[str, Any],
    setup_entry: SetupEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past the entity budget, effect speed, ratio, power and connectivity start off.

    Every light, room and group keeps its light entity, enabled.
    """
    monkeypatch.setattr(coordinator_module, "ENTITY_BUDGET", 50)
    # Data export reported every light before: each has its power and connectivity.
    macs = [light.mac for light in wiz_sim.building(DEMO_BUILDING_ID).lights]
    reported_before(hass_storage, wiz_entry, *macs)
    await setup_entry(wiz_entry)
    entities = er.async_entries_for_config_entry(er.async_get(hass), wiz_entry.entry_id)
    by_point: dict[str, set[bool]] = {}
    for entity in entities:
        *_, kind, point = entity.unique_id.split(":")
        if kind.startswith(("light-", "room-", "group-")):
            by_point.setdefault(point, set()).add(entity.disabled_by is None)
    for optional in ("effect_speed", "ratio", "power", "connectivity"):
        assert by_point[optional] == {False}, optional
    assert by_point["light"] == {True}
