"""Setting up, polling, renewing, failing and unloading a Gizwits entry."""

import asyncio
from collections import Counter
from datetime import timedelta
import logging
import time
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from homeassistant.components.climate import ATTR_CURRENT_TEMPERATURE, HVACMode
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import (
    device_registry as dr,
    issue_registry as ir,
)
from homeassistant.helpers.update_coordinator import UpdateFailed

from custom_components.cloud_bridge.compat import config_entry_ids_of
from custom_components.cloud_bridge.const import DOMAIN
from custom_components.cloud_bridge.vendors.gizwits.definitions import (
    DATA_STORE,
    STORAGE_KEY,
)
from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import (
    AIR_CONDITIONER,
    BALCONY_PLUG_DID,
    BEDROOM_AC_DID,
    CEILING_LAMP_DID,
    DEMO_APP_ID,
    DEMO_PASSWORD,
    DEMO_UID,
    DEMO_USERNAME,
    LIVING_AC_DID,
    LIVING_LIGHTS_GROUP_ID,
    PET_HOUSE,
    PET_HOUSE_DID,
    PRODUCTS,
    SMART_PLUG,
    TV_PLUG_DID,
    did_for,
)
from simulator.gizwits_model import (
    Datapoint,
    Device,
    GizwitsData,
    Product,
    User,
    error_body,
)
from simulator.recording import RecordedRequest

from .gizwits_helpers import (
    ADAPTER_LOGGER,
    BINDINGS,
    DATAPOINT,
    GROUPS,
    LOGIN,
    SCENES,
    devdata,
    devdata_dids,
    device_entities,
    device_entry,
    entity,
    entity_of,
    group_devices,
    make_entry,
    online_dids,
)
from .helpers import (
    SetupEntry,
    entity_state,
    errors_logged,
    log_lines,
    next_poll,
    paths,
    state_of,
    stored_before,
)

SECOND_APP_ID = "cloud-bridge-second-app"


@pytest.fixture(autouse=True)
def frozen_time(freezer: FrozenDateTimeFactory) -> None:
    """Freeze time before anything is set up, so only ticks make polls happen."""


def ac_thermostat(hass: HomeAssistant) -> str:
    """Return the thermostat of the living-room air conditioner."""
    return entity(hass, "climate", LIVING_AC_DID, "climate")


def room_temperature(hass: HomeAssistant) -> float | None:
    """Return the room temperature the living-room air conditioner shows."""
    state = entity_state(hass, ac_thermostat(hass))
    return state.attributes[ATTR_CURRENT_TEMPERATURE]


def plug_switch(hass: HomeAssistant) -> str:
    """Return the switch of the TV plug."""
    return entity(hass, "switch", TV_PLUG_DID, "switch")


def poll_paths(sim: GizwitsSimulator) -> Counter[str]:
    """Return how often each path was requested."""
    return Counter(request.path for request in sim.requests)


def state_poll(sim: GizwitsSimulator) -> Counter[str]:
    """Return the requests a state poll of the demo user should make.

    The bindings take two pages: the devices, then an empty page that tells
    the list is over (a short page does not: the cloud may clamp the limit).
    """
    return Counter([BINDINGS, BINDINGS, *(devdata(did) for did in online_dids(sim))])


# --- setup, devices, unload -------------------------------------------------------


async def test_setup_registers_devices(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, gizwits_loaded: MockConfigEntry
) -> None:
    """Every bound device is a device: alias (or product name), MAC and product."""
    assert gizwits_loaded.state is ConfigEntryState.LOADED
    for did in gizwits_sim.user().bindings:
        sim_device = gizwits_sim.device(did)
        product = gizwits_sim.product(sim_device.product_key)
        device = device_entry(hass, did)
        assert device is not None, did
        assert device.name == (sim_device.alias or product.name)
        assert device.model == product.name
        assert device.manufacturer == "Gizwits"
        assert device.connections == {
            (dr.CONNECTION_NETWORK_MAC, dr.format_mac(sim_device.mac))
        }
        assert config_entry_ids_of(device) == {gizwits_loaded.entry_id}
    pet_house = device_entry(hass, PET_HOUSE_DID)
    assert pet_house is not None
    assert pet_house.name == "宠物屋"  # dev_alias is "": the product's name

    registered = dr.async_entries_for_config_entry(
        dr.async_get(hass), gizwits_loaded.entry_id
    )
    # The bound devices, the one-product group and the account's scenarios.
    assert len(registered) == len(gizwits_sim.user().bindings) + 2
    group = device_entry(hass, f"group-{LIVING_LIGHTS_GROUP_ID}")
    assert group is not None
    assert group.name == "客厅灯"
    account = device_entry(hass, "account")
    assert account is not None
    assert account.name == gizwits_loaded.title

    assert state_of(hass, ac_thermostat(hass)) == HVACMode.COOL
    assert room_temperature(hass) == 28
    # Offline from the start: registered, its entities unavailable.
    assert device_entry(hass, BEDROOM_AC_DID) is not None
    for platform, point in (("climate", "climate"), ("number", "on_timing")):
        bedroom = entity(hass, platform, BEDROOM_AC_DID, point)
        assert state_of(hass, bedroom) == STATE_UNAVAILABLE


async def test_setup_reads_topology_and_definitions_once(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, gizwits_loaded: MockConfigEntry
) -> None:
    """Setup reads bindings, groups, scenes, each product's definition and data."""
    online = online_dids(gizwits_sim)
    assert BEDROOM_AC_DID not in online
    assert poll_paths(gizwits_sim) == Counter(
        {
            BINDINGS: 2,
            GROUPS: 1,
            # Only the one-product group can become a device.
            group_devices(LIVING_LIGHTS_GROUP_ID): 1,
            SCENES: 1,
            DATAPOINT: len(PRODUCTS),
            **{devdata(did): 1 for did in online},
        }
    )
    asked = sorted(
        r.query["product_key"] for r in gizwits_sim.requests if r.path == DATAPOINT
    )
    assert asked == sorted(product.product_key for product in PRODUCTS)
    bindings = [r.query for r in gizwits_sim.requests if r.path == BINDINGS]
    devices = str(len(gizwits_sim.user().bindings))
    assert bindings == [
        {"limit": "100", "skip": "0"},
        {"limit": "100", "skip": devices},
    ]
    # The stored token was used: no login.
    assert LOGIN not in poll_paths(gizwits_sim)
    assert {
        r.headers.get("X-Gizwits-User-token")
        for r in gizwits_sim.requests
        if not r.path.startswith("/app/devdata/") and r.path != DATAPOINT
    } == {gizwits_loaded.data["token"]}


# --- request cost -----------------------------------------------------------------


async def test_definitions_read_again_after_a_week(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Definitions from the cloud are refreshed rarely: after seven days."""
    gizwits_sim.clear_requests()
    await next_poll(hass, freezer, 6 * 24 * 3600)
    assert DATAPOINT not in poll_paths(gizwits_sim)
    gizwits_sim.clear_requests()
    await next_poll(hass, freezer, 24 * 3600 + 600)
    assert poll_paths(gizwits_sim)[DATAPOINT] == len(PRODUCTS)
    assert gizwits_loaded.runtime_data.coordinator.last_update_success


def switches(count: int) -> GizwitsData:
    """Return the demo user with count one-switch devices, every 10th offline."""
    product = Product(
        "0f" * 16,
        "开关",
        [Datapoint(0, "switch", "开关", "status_writable", "bool")],
    )
    devices = [
        Device(
            did=did_for(f"switch-{index}"),
            product_key=product.product_key,
            mac=f"accf24{index:06x}",
            alias=f"开关{index + 1}",
            online=index % 10 != 9,
            attr={"switch": index % 2 == 0},
            updated_at=int(time.time()),
        )
        for index in range(count)
    ]
    user = User(
        uid=DEMO_UID,
        username=DEMO_USERNAME,
        password=DEMO_PASSWORD,
        bindings={device.did: "special" for device in devices},
    )
    return GizwitsData(products=[product], devices=devices, users=[user])


async def test_refused_refresh_keeps_the_stored_definition(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A week on, the cloud refuses the refresh: the definition read before stays."""
    gizwits_sim.super_app_ids = set()
    gizwits_sim.clear_requests()
    await next_poll(hass, freezer, 7 * 24 * 3600 + 600)
    assert poll_paths(gizwits_sim)[DATAPOINT] == len(PRODUCTS)
    assert gizwits_loaded.runtime_data.coordinator.last_update_success
    assert state_of(hass, ac_thermostat(hass)) != STATE_UNAVAILABLE
    assert entity_of(hass, "climate", LIVING_AC_DID, "climate") is not None
    assert not ir.async_get(hass).issues


async def test_odd_datapoint_skipped_and_warned_once(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_entry: MockConfigEntry,
    setup_entry: SetupEntry,
    *,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A datapoint that cannot be read is left out; the product's others work."""

    def add_odd(reply: dict[str, Any]) -> None:
        if reply.get("product_key") == AIR_CONDITIONER.product_key:
            reply["entities"][0]["attrs"].append(
                {"name": "turbo", "type": "status_writable", "data_type": "float"}
            )

    gizwits_sim.faults.add("patch_response", path=DATAPOINT, count=None, patch=add_odd)
    await setup_entry(gizwits_entry)
    assert state_of(hass, ac_thermostat(hass)) == HVACMode.COOL
    assert entity_of(hass, "switch", LIVING_AC_DID, "turbo") is None
    await next_poll(hass, freezer)
    await next_poll(hass, freezer, 600)
    warnings = [
        record.getMessage()
        for phase in ("setup", "call")
        for record in caplog.get_records(phase)
        if record.name == ADAPTER_LOGGER and record.levelno == logging.WARNING
    ]
    expected = (
        f"Gizwits: datapoint of {AIR_CONDITIONER.product_key} skipped: "
        "turbo: unknown data_type 'float'"
    )
    assert warnings == [expected]


async def test_unreadable_stored_definition_read_again(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_entry: MockConfigEntry,
    setup_entry: SetupEntry,
    hass_storage: dict[str, Any],
) -> None:
    """A stored definition that no longer parses is read from the cloud again."""
    stored_before(
        hass_storage,
        STORAGE_KEY,
        {
            AIR_CONDITIONER.product_key: {
                "fetched_at": time.time(),
                "pasted": False,
                "definition": {"name": "空调", "entities": []},
            },
            PET_HOUSE.product_key: "not an object",
        },
    )
    await setup_entry(gizwits_entry)
    asked = sorted(
        r.query["product_key"] for r in gizwits_sim.requests if r.path == DATAPOINT
    )
    assert asked == sorted(product.product_key for product in PRODUCTS)
    assert state_of(hass, ac_thermostat(hass)) == HVACMode.COOL
    stored = hass_storage[STORAGE_KEY]["data"][AIR_CONDITIONER.product_key]
    assert stored["definition"] == AIR_CONDITIONER.definition()


async def test_bindings_paged_per_hundred_devices(
    hass: HomeAssistant,
    socket_enabled: None,
    setup_entry: SetupEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With 101 devices a poll reads bindings to an empty page, then online devices."""
    async with GizwitsSimulator(switches(101)) as sim:
        sim.state.ws_port = 0  # polled: no app WebSocket
        entry = make_entry(hass, sim)
        await setup_entry(entry)
        assert entry.state is ConfigEntryState.LOADED
        devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
        assert len(devices) == 101
        sim.clear_requests()
        await next_poll(hass, freezer)
        bindings = [r.query for r in sim.requests if r.path == BINDINGS]
        assert bindings == [
            {"limit": "100", "skip": "0"},
            {"limit": "100", "skip": "100"},
            {"limit": "100", "skip": "101"},
        ]
        assert devdata_dids(sim) == online_dids(sim)
        assert len(online_dids(sim)) == 91
        assert len(sim.requests) == 3 + 91
        assert await hass.config_entries.async_unload(entry.entry_id)


async def test_at_most_four_devdata_requests_at_once(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The cloud never holds more than four latest-data requests of a poll."""
    in_flight = 0
    peak = 0

    def is_devdata(request: RecordedRequest) -> bool:
        return request.path.startswith("/app/devdata/")

    def arrives(request: RecordedRequest) -> bool:
        nonlocal in_flight, peak
        if not is_devdata(request):
            return False
        in_flight += 1
        peak = max(peak, in_flight)
        return True

    def answered(reply: Any) -> None:
        nonlocal in_flight
        in_flight -= 1

    # Each answer waits a second: requests pile up unless the client holds back.
    gizwits_sim.faults.add("latency", count=None, match=arrives, seconds=1)
    gizwits_sim.faults.add(
        "patch_response", count=None, match=is_devdata, patch=answered
    )
    gizwits_sim.clear_requests()
    freezer.tick(timedelta(seconds=30))
    async_fire_time_changed(hass)
    online = online_dids(gizwits_sim)
    for _ in range(len(online)):
        for _ in range(200):
            await asyncio.sleep(0)
        freezer.tick(timedelta(seconds=1))
        async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert devdata_dids(gizwits_sim) == online
    assert len(online) > 4
    assert peak == 4
    assert in_flight == 0
    assert gizwits_loaded.runtime_data.coordinator.last_update_success


# --- definitions kept with Store -------------------------------------------------


async def test_definitions_survive_a_restart(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Definitions are stored: a reload or a restart asks the cloud for none."""
    stored = hass_storage[STORAGE_KEY]["data"]
    assert sorted(stored) == sorted(product.product_key for product in PRODUCTS)
    for product in PRODUCTS:
        assert stored[product.product_key]["definition"] == product.definition()

    gizwits_sim.clear_requests()
    assert await hass.config_entries.async_reload(gizwits_loaded.entry_id)
    await hass.async_block_till_done()
    assert gizwits_loaded.state is ConfigEntryState.LOADED
    assert DATAPOINT not in poll_paths(gizwits_sim)

    # A restart: what was in memory is gone; what was stored stays.
    assert await hass.config_entries.async_unload(gizwits_loaded.entry_id)
    hass.data.pop(DATA_STORE)
    gizwits_sim.clear_requests()
    gizwits_sim.super_app_ids = set()  # it could not be read again now
    assert await hass.config_entries.async_setup(gizwits_loaded.entry_id)
    await hass.async_block_till_done()
    assert gizwits_loaded.state is ConfigEntryState.LOADED
    assert DATAPOINT not in poll_paths(gizwits_sim)
    assert state_of(hass, ac_thermostat(hass)) == HVACMode.COOL
    assert entity_of(hass, "climate", LIVING_AC_DID, "climate") is not None
    assert not ir.async_get(hass).issues


async def test_second_account_reads_no_definitions(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    setup_entry: SetupEntry,
) -> None:
    """Another account with the same products costs no definition requests."""
    gizwits_sim.users.append(
        User(
            uid="f" * 32,
            username="neighbour",
            password="neighbour-password",
            bindings={TV_PLUG_DID: "guest"},
        )
    )
    token = gizwits_sim.issue_token("neighbour")
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Gizwits neighbour",
        unique_id=f"gizwits:{DEMO_APP_ID}:{'f' * 32}",
        data={
            **gizwits_loaded.data,
            "username": "neighbour",
            "password": "neighbour-password",
            "uid": "f" * 32,
            "token": token.token,
            "expire_at": token.expire_at,
        },
    )
    entry.add_to_hass(hass)
    gizwits_sim.clear_requests()
    await setup_entry(entry)

    assert entry.state is ConfigEntryState.LOADED
    assert DATAPOINT not in poll_paths(gizwits_sim)
    assert BINDINGS in poll_paths(gizwits_sim)
    neighbours_plug = entity(hass, "switch", TV_PLUG_DID, "switch", "f" * 32)
    assert state_of(hass, neighbours_plug) == STATE_ON


# --- the user token -----------------------------------------------------------------


async def test_expired_token_renewed_silently(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A token the cloud says expired (9006): one login, the poll goes on."""
    old = gizwits_loaded.data["token"]
    gizwits_sim.expire_tokens()
    gizwits_sim.clear_requests()
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    await next_poll(hass, freezer)

    assert [r.path for r in gizwits_sim.requests[:3]] == [BINDINGS, LOGIN, BINDINGS]
    assert poll_paths(gizwits_sim) == state_poll(gizwits_sim) + Counter(
        [BINDINGS, LOGIN]
    )
    new = gizwits_loaded.data["token"]
    assert new != old
    assert gizwits_sim.requests[2].headers["X-Gizwits-User-token"] == new
    assert gizwits_loaded.data["expire_at"] == gizwits_sim.tokens[new].expire_at
    assert gizwits_loaded.data["expire_at"] > time.time() + 6 * 24 * 3600
    assert gizwits_loaded.runtime_data.coordinator.last_update_success
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []
    assert errors_logged(caplog) == []
    # Not even debug logging shows a token or the password.
    for secret in (old, new, gizwits_loaded.data["password"]):
        assert secret not in caplog.text
    assert state_of(hass, ac_thermostat(hass)) == HVACMode.COOL

    gizwits_sim.clear_requests()
    await next_poll(hass, freezer)
    assert poll_paths(gizwits_sim) == state_poll(gizwits_sim)


async def test_token_near_expiry_renewed_before_setup(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    setup_entry: SetupEntry,
) -> None:
    """A stored token past its expiry is renewed first; the new one is stored."""
    entry = make_entry(hass, gizwits_sim, expire_at=time.time() - 5)
    old = entry.data["token"]
    gizwits_sim.clear_requests()
    await setup_entry(entry)

    assert entry.state is ConfigEntryState.LOADED
    assert paths(gizwits_sim)[:2] == [LOGIN, BINDINGS]
    assert paths(gizwits_sim).count(LOGIN) == 1
    new = entry.data["token"]
    assert new != old
    assert gizwits_sim.tokens[new].expire_at == entry.data["expire_at"]
    assert gizwits_sim.requests[1].headers["X-Gizwits-User-token"] == new


async def test_token_renewed_a_tenth_of_its_lifetime_early(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    setup_entry: SetupEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The expiry the cloud gave is read (not assumed): renewal 12 min of 2 h ahead."""
    gizwits_sim.token_lifetime = timedelta(hours=2)
    entry = make_entry(hass, gizwits_sim)
    await setup_entry(entry)
    assert LOGIN not in paths(gizwits_sim)

    gizwits_sim.clear_requests()
    await next_poll(hass, freezer, 100 * 60)  # 20 min left
    assert LOGIN not in paths(gizwits_sim)
    gizwits_sim.clear_requests()
    await next_poll(hass, freezer, 9 * 60)  # 11 min left: under a tenth
    assert paths(gizwits_sim)[0] == LOGIN
    assert paths(gizwits_sim).count(LOGIN) == 1
    assert entry.data["expire_at"] == pytest.approx(time.time() + 2 * 3600, abs=1)
    gizwits_sim.clear_requests()
    await next_poll(hass, freezer)
    assert LOGIN not in paths(gizwits_sim)


async def test_short_lived_token_is_not_renewed_on_every_request(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    setup_entry: SetupEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A token that lives 30 min: one login, then polls use it until 3 min are left."""
    gizwits_sim.token_lifetime = timedelta(minutes=30)
    entry = make_entry(hass, gizwits_sim, expire_at=0)
    gizwits_sim.clear_requests()
    await setup_entry(entry)
    assert entry.state is ConfigEntryState.LOADED
    assert paths(gizwits_sim).count(LOGIN) == 1, (
        "BUG: a token living less than the renew margin is renewed before every request"
    )

    gizwits_sim.clear_requests()
    await next_poll(hass, freezer)
    assert poll_paths(gizwits_sim) == state_poll(gizwits_sim)
    for _ in range(4):  # 26.5 min after the login
        await next_poll(hass, freezer, 390)
    assert LOGIN not in paths(gizwits_sim)
    await next_poll(hass, freezer, 30)  # 27 min: a tenth of the lifetime left
    assert paths(gizwits_sim).count(LOGIN) == 1
    gizwits_sim.clear_requests()
    await next_poll(hass, freezer)
    assert poll_paths(gizwits_sim) == state_poll(gizwits_sim)


def app_id_issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    """Return the repair issue about a refused AppID."""
    return ir.async_get(hass).async_get_issue(
        DOMAIN, f"invalid_app_id_{entry.entry_id}"
    )


async def test_refused_app_id_while_polling(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """9003 in a poll: a repair issue says to reconfigure; reconfigured, it goes."""
    gizwits_sim.app_ids = {SECOND_APP_ID}
    await next_poll(hass, freezer)

    issue = app_id_issue(hass, gizwits_loaded)
    assert issue is not None
    assert issue.translation_key == "invalid_app_id"
    assert issue.translation_placeholders == {"title": gizwits_loaded.title}
    assert issue.severity is ir.IssueSeverity.ERROR
    assert not issue.is_fixable
    assert state_of(hass, ac_thermostat(hass)) == STATE_UNAVAILABLE
    coordinator = gizwits_loaded.runtime_data.coordinator
    assert coordinator.last_exception is not None
    assert coordinator.last_exception.translation_key == "invalid_app_id"
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []
    assert len(errors_logged(caplog)) == 1
    await next_poll(hass, freezer)
    assert len(errors_logged(caplog)) == 1

    gizwits_sim.super_app_ids.add(SECOND_APP_ID)
    result = await gizwits_loaded.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"region": "custom", "base_url": gizwits_sim.url, "app_id": SECOND_APP_ID},
    )
    await hass.async_block_till_done()
    assert result["reason"] == "reconfigure_successful"
    assert gizwits_loaded.state is ConfigEntryState.LOADED
    assert app_id_issue(hass, gizwits_loaded) is None
    assert state_of(hass, ac_thermostat(hass)) == HVACMode.COOL


async def test_refused_app_id_at_setup_and_on_a_command(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    setup_entry: SetupEntry,
) -> None:
    """9003 at setup fails it with the issue; on a command the user hears why."""
    entry = make_entry(hass, gizwits_sim)
    gizwits_sim.app_ids = {SECOND_APP_ID}
    await setup_entry(entry)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.reason is not None
    assert "Reconfigure" in entry.reason
    assert app_id_issue(hass, entry) is not None

    gizwits_sim.app_ids = {DEMO_APP_ID}
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert app_id_issue(hass, entry) is None

    gizwits_sim.faults.add(
        "patch_response",
        path=f"/app/control/{LIVING_AC_DID}",
        patch=lambda _: error_body(9003),
    )
    with pytest.raises(HomeAssistantError) as exc:
        await hass.services.async_call(
            "climate", "turn_off", {"entity_id": ac_thermostat(hass)}, blocking=True
        )
    assert exc.value.translation_key == "invalid_app_id"
    assert "Reconfigure the entry" in str(exc.value)


async def test_account_issue_leaves_with_the_entry(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, setup_entry: SetupEntry
) -> None:
    """An entry removed takes its account issue with it: none can be fixed now."""
    entry = make_entry(hass, gizwits_sim)
    gizwits_sim.app_ids = {SECOND_APP_ID}
    await setup_entry(entry)
    assert app_id_issue(hass, entry) is not None
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert app_id_issue(hass, entry) is None


# --- the cloud failing ------------------------------------------------------------


async def test_throttled_without_retry_after_waits_a_minute(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """9041 without a Retry-After header (the document names none): a minute."""
    gizwits_sim.faults.add("rate_limit", path=BINDINGS, retry_after=None)
    await next_poll(hass, freezer)
    assert "Retry-After" not in gizwits_sim.requests[-1].headers
    coordinator = gizwits_loaded.runtime_data.coordinator
    assert isinstance(coordinator.last_exception, UpdateFailed)
    assert coordinator.last_exception.retry_after == 60
    assert state_of(hass, ac_thermostat(hass)) == STATE_UNAVAILABLE

    gizwits_sim.clear_requests()
    await next_poll(hass, freezer)  # the usual 30 s: no request yet
    assert gizwits_sim.requests == []
    await next_poll(hass, freezer)  # 60 s after the refusal
    assert poll_paths(gizwits_sim) == state_poll(gizwits_sim)
    assert state_of(hass, ac_thermostat(hass)) == HVACMode.COOL


# --- devices coming, going, offline -------------------------------------------------


async def test_offline_device_unavailable_and_not_asked(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A device going offline: its entities unavailable, no data asked, rest fine."""
    ac_entities = [e.entity_id for e in device_entities(hass, LIVING_AC_DID)]
    gizwits_sim.set_online(LIVING_AC_DID, False)
    gizwits_sim.clear_requests()
    await next_poll(hass, freezer)

    assert LIVING_AC_DID not in devdata_dids(gizwits_sim)
    assert devdata_dids(gizwits_sim) == online_dids(gizwits_sim)
    for entity_id in ac_entities:
        state = hass.states.get(entity_id)
        # Disabled-by-default entities have no state at all.
        assert state is None or state.state == STATE_UNAVAILABLE, entity_id
    assert state_of(hass, plug_switch(hass)) == STATE_ON
    assert device_entry(hass, LIVING_AC_DID) is not None

    gizwits_sim.set_online(LIVING_AC_DID, True)
    await next_poll(hass, freezer)
    assert state_of(hass, ac_thermostat(hass)) == HVACMode.COOL


async def test_device_the_cloud_calls_offline(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Its data answered 9042: that device unavailable, the rest fine, warned once."""
    gizwits_sim.faults.add(
        "patch_response",
        path=devdata(LIVING_AC_DID),
        count=None,
        patch=lambda _: error_body(9042),
    )
    await next_poll(hass, freezer)
    await next_poll(hass, freezer)
    assert state_of(hass, ac_thermostat(hass)) == STATE_UNAVAILABLE
    assert state_of(hass, plug_switch(hass)) == STATE_ON
    assert gizwits_loaded.runtime_data.coordinator.last_update_success
    warnings = log_lines(caplog, logging.WARNING, ADAPTER_LOGGER)
    assert len(warnings) == 1
    assert LIVING_AC_DID in warnings[0]
    assert "(9042)" in warnings[0]

    gizwits_sim.faults.clear()
    await next_poll(hass, freezer)
    assert state_of(hass, ac_thermostat(hass)) == HVACMode.COOL


async def test_device_data_refused_keeps_the_last_report(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A device no longer bound (9017) in one answer does not fail the poll."""
    gizwits_sim.faults.add(
        "patch_response", path=devdata(TV_PLUG_DID), patch=lambda _: error_body(9017)
    )
    gizwits_sim.set_attr(LIVING_AC_DID, "switch", False)
    await next_poll(hass, freezer)
    assert gizwits_loaded.runtime_data.coordinator.last_update_success
    assert state_of(hass, plug_switch(hass)) == STATE_ON
    assert state_of(hass, ac_thermostat(hass)) == "off"


async def test_new_device_appears_without_reload(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A device bound in the app appears at the next poll."""
    did = "NewPlug0000000000000001"
    gizwits_sim.add_device(
        Device(
            did=did,
            product_key=SMART_PLUG.product_key,
            mac="DC:4F:22:A1:03:99",
            alias="厨房插座",
            attr=SMART_PLUG.raw_values({"switch": True, "power": 12.5}),
            updated_at=int(time.time()),
        )
    )
    assert device_entry(hass, did) is None
    gizwits_sim.clear_requests()
    await next_poll(hass, freezer)

    assert gizwits_loaded.state is ConfigEntryState.LOADED
    device = device_entry(hass, did)
    assert device is not None
    assert device.name == "厨房插座"
    assert device.model == SMART_PLUG.name
    assert device.connections == {(dr.CONNECTION_NETWORK_MAC, "dc:4f:22:a1:03:99")}
    assert state_of(hass, entity(hass, "switch", did, "switch")) == STATE_ON
    assert state_of(hass, entity(hass, "sensor", did, "power")) == "12.5"
    assert devdata(did) in poll_paths(gizwits_sim)
    assert DATAPOINT not in poll_paths(gizwits_sim)


async def test_device_that_never_reported(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """updated_at 0: the entities are there and available, their state unknown."""
    switch = entity(hass, "switch", BALCONY_PLUG_DID, "switch")
    power = entity(hass, "sensor", BALCONY_PLUG_DID, "power")
    assert state_of(hass, switch) == STATE_UNKNOWN
    assert state_of(hass, power) == STATE_UNKNOWN

    gizwits_sim.set_attr(BALCONY_PLUG_DID, "switch", True)
    gizwits_sim.set_attr(BALCONY_PLUG_DID, "power", 3.2)
    await next_poll(hass, freezer)
    assert state_of(hass, switch) == STATE_ON
    assert state_of(hass, power) == "3.2"


async def test_lamp_group_follows_its_members(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A member unbound leaves the group; the group shows the rest."""
    group_light = entity(hass, "light", f"group-{LIVING_LIGHTS_GROUP_ID}", "light")
    assert state_of(hass, group_light) == STATE_ON
    gizwits_sim.unbind(CEILING_LAMP_DID)  # the lit one
    await next_poll(hass, freezer, 600)
    assert device_entry(hass, CEILING_LAMP_DID) is None
    assert state_of(hass, group_light) == "off"


# --- odd answers and lapses ----------------------------------------------------------


async def test_updated_at_as_text(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """updated_at as the table types it ("1505809000", a string): values show."""

    def as_text(reply: dict[str, Any]) -> None:
        reply["updated_at"] = str(reply["updated_at"])

    gizwits_sim.faults.add(
        "patch_response", path=devdata(LIVING_AC_DID), count=None, patch=as_text
    )
    gizwits_sim.set_attr(LIVING_AC_DID, "room_temp", 25)
    await next_poll(hass, freezer)
    assert state_of(hass, ac_thermostat(hass)) == HVACMode.COOL
    assert room_temperature(hass) == 25


async def test_data_older_than_a_day_keeps_the_last_values(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """devdata/latest serves 24 h only: after that the last values stay shown."""
    registered = {e.entity_id for e in device_entities(hass, LIVING_AC_DID)}
    gizwits_sim.device(LIVING_AC_DID).updated_at = int(time.time()) - 25 * 3600
    assert gizwits_sim.attrs(LIVING_AC_DID) == {}
    gizwits_sim.clear_requests()
    await next_poll(hass, freezer)
    await next_poll(hass, freezer, 600)

    assert devdata(LIVING_AC_DID) in paths(gizwits_sim)
    assert state_of(hass, ac_thermostat(hass)) == HVACMode.COOL
    assert room_temperature(hass) == 28
    assert {e.entity_id for e in device_entities(hass, LIVING_AC_DID)} == registered

    gizwits_sim.set_attr(LIVING_AC_DID, "room_temp", 21)
    await next_poll(hass, freezer)
    assert room_temperature(hass) == 21


async def test_odd_binding_keeps_its_device(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A binding that cannot be read: warned once, nothing leaves the registries."""
    registered = {e.entity_id for e in device_entities(hass, TV_PLUG_DID)}
    passcode = gizwits_sim.device(TV_PLUG_DID).passcode

    def break_plug(reply: dict[str, Any]) -> None:
        for item in reply["devices"]:
            if item["did"] == TV_PLUG_DID:
                item["product_key"] = None

    gizwits_sim.faults.add(
        "patch_response", path=BINDINGS, count=None, patch=break_plug
    )
    caplog.clear()
    await next_poll(hass, freezer)
    await next_poll(hass, freezer, 600)

    assert device_entry(hass, TV_PLUG_DID) is not None
    assert {e.entity_id for e in device_entities(hass, TV_PLUG_DID)} == registered
    assert state_of(hass, plug_switch(hass)) == STATE_UNAVAILABLE
    assert state_of(hass, ac_thermostat(hass)) == HVACMode.COOL
    warnings = log_lines(caplog, logging.WARNING, ADAPTER_LOGGER)
    assert warnings == [
        "Gizwits: a bound device skipped: product_key is missing or not a string"
    ]
    assert passcode not in caplog.text
    assert gizwits_loaded.data["token"] not in caplog.text

    gizwits_sim.faults.clear()
    await next_poll(hass, freezer)
    assert state_of(hass, plug_switch(hass)) == STATE_ON

    # Unbound for real, the device goes once the list is whole again.
    gizwits_sim.unbind(TV_PLUG_DID)
    await next_poll(hass, freezer)
    assert device_entry(hass, TV_PLUG_DID) is None


async def test_bindings_clamped_below_our_page_size(
    hass: HomeAssistant,
    socket_enabled: None,
    setup_entry: SetupEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A cloud that answers at most 30 a page: every device arrives all the same."""
    async with GizwitsSimulator(switches(75), max_limit=30) as sim:
        sim.state.ws_port = 0  # polled: no app WebSocket
        entry = make_entry(hass, sim)
        await setup_entry(entry)
        assert entry.state is ConfigEntryState.LOADED
        devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
        assert len(devices) == 75
        bindings = [r.query["skip"] for r in sim.requests if r.path == BINDINGS]
        assert bindings == ["0", "30", "60", "75"]

        sim.clear_requests()
        await next_poll(hass, freezer)
        assert devdata_dids(sim) == online_dids(sim)
        assert len(devdata_dids(sim)) == 68
        assert await hass.config_entries.async_unload(entry.entry_id)
