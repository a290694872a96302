"""Setting up, polling, signing in again, failing and unloading a WEGnology entry."""

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    device_registry as dr,
    issue_registry as ir,
)
from homeassistant.helpers.translation import async_get_translations
from homeassistant.helpers.update_coordinator import UpdateFailed

from custom_components.cloud_bridge.compat import config_entry_ids_of
from custom_components.cloud_bridge.const import DOMAIN
from simulator.recording import RecordedRequest
from simulator.wegnology import WegnologySimulator
from simulator.wegnology_demo import (
    BOILER_RELAY_ID,
    BOILER_ROOM_SENSOR_ID,
    DEMO_API_TOKEN,
    DEMO_APPLICATION_ID,
    DEMO_PASSWORD,
    FLOW_METER_ID,
    INLET_VALVE_ID,
    LINE_2_GATEWAY_ID,
    PUMP_GATEWAY_ID,
    PUMP_ID,
    SPARE_SENSOR_ID,
    TANK_LEVEL_ID,
    YARD_SENSOR_ID,
    generated_data,
)
from simulator.wegnology_model import Attribute, Device as SimDevice, Reported

from .helpers import SetupEntry, errors_logged, log_lines, next_poll, paths, state_of
from .wegnology_helpers import (
    AUTH_USER,
    DEVICES_LOGGER,
    after_state,
    application_path,
    bulk_state_path,
    demo_device_id,
    device_entry,
    device_list_reads,
    device_state_path,
    devices_path,
    entity,
    entity_of,
    events_path,
    flows_path,
    make_entry,
    most_recent_path,
    setup_reads,
    state_poll,
    topology_poll,
)

CONNECTED = "$connected"
GENERATED = generated_data(1).applications[0].id


@pytest.fixture(autouse=True)
def frozen_time(freezer: FrozenDateTimeFactory) -> None:
    """Freeze time before anything is set up, so only ticks make polls happen."""


def temperature(hass: HomeAssistant) -> str:
    """Return the boiler room's temperature sensor."""
    return entity(hass, "sensor", BOILER_ROOM_SENSOR_ID, "temperature")


def tank_level(hass: HomeAssistant) -> str:
    """Return the tank level sensor (a peripheral of the pump station)."""
    return entity(hass, "sensor", TANK_LEVEL_ID, "level")


def connectivity(hass: HomeAssistant, device_id: str) -> str:
    """Return a device's connectivity sensor."""
    return entity(hass, "binary_sensor", device_id, CONNECTED)


def poll_paths(sim: WegnologySimulator) -> Counter[str]:
    """Return how often each path was requested."""
    return Counter(paths(sim))


def plant_ids(
    sim: WegnologySimulator, application_id: str = DEMO_APPLICATION_ID
) -> list[str]:
    """Return the ids of an application's devices in the simulator."""
    return list(sim.application(application_id).devices)


def registered(hass: HomeAssistant, entry: MockConfigEntry) -> list[dr.DeviceEntry]:
    """Return the devices registered for an entry."""
    return dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)


def new_sensor(device_id: str = "6500000000000000000000aa") -> SimDevice:
    """Return a device the demo plant does not have yet, with one reading."""
    return SimDevice(
        id=device_id,
        name="Paint Shop Sensor",
        attributes=[Attribute("temperature"), Attribute("running", "boolean")],
        state={"temperature": Reported(24.2, 0), "running": Reported(True, 0)},
    )


# --- setup, devices, unload -------------------------------------------------------


# Losant's device classes, as a user reads them on the device page.
MODELS = {
    "standalone": "Standalone",
    "gateway": "Gateway",
    "peripheral": "Peripheral",
    "floating": "Floating",
    "edgeCompute": "Edge compute",
    "embedded": "Embedded",
    "system": "System",
}


async def test_setup_registers_devices(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """Every device is registered: name, device class as model, gateway as via.

    The application is a device too (a service), below which nothing hangs.
    """
    assert wegnology_loaded.state is ConfigEntryState.LOADED
    ids = plant_ids(wegnology_sim)
    assert len(ids) == 31
    assert len(registered(hass, wegnology_loaded)) == len(ids) + 1
    (application,) = (
        device
        for device in registered(hass, wegnology_loaded)
        if device.model == "Application"
    )
    assert application.name == "Demo Plant"
    assert application.entry_type is dr.DeviceEntryType.SERVICE
    assert application.via_device_id is None
    assert not any(
        device.via_device_id == application.id
        for device in registered(hass, wegnology_loaded)
    )
    for device_id in ids:
        sim_device = wegnology_sim.device(device_id)
        device = device_entry(hass, device_id)
        assert device is not None, device_id
        assert device.name == sim_device.name
        assert device.model == MODELS[sim_device.device_class]
        assert device.manufacturer == "WEGnology"
        assert config_entry_ids_of(device) == {wegnology_loaded.entry_id}
        if sim_device.parent_id is None:
            assert device.via_device_id is None
        else:
            parent = device_entry(hass, sim_device.parent_id)
            assert parent is not None
            assert device.via_device_id == parent.id
    gateway = device_entry(hass, PUMP_GATEWAY_ID)
    assert gateway is not None
    assert gateway.model == "Gateway"
    children = {
        device.name
        for device in registered(hass, wegnology_loaded)
        if device.via_device_id == gateway.id
    }
    assert children == {"Tank Level", "Feed Pump", "Flow Meter", "Inlet Valve"}

    assert state_of(hass, temperature(hass)) == "31.4"
    assert state_of(hass, tank_level(hass)) == "72.5"
    assert state_of(hass, connectivity(hass, BOILER_ROOM_SENSOR_ID)) == STATE_ON
    # Never reported: there, available, unknown.
    spare = entity(hass, "sensor", SPARE_SENSOR_ID, "temperature")
    assert state_of(hass, spare) == STATE_UNKNOWN


async def test_setup_reads_the_list_and_the_state_once(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """Setup: one device list, one composite state page, with the stored token.

    Then the alerts (new count, the newest event, the open ones) and workflows.
    """
    assert paths(wegnology_sim) == setup_reads()
    assert [r.query for r in wegnology_sim.requests[:2]] == [
        {"page": "0", "perPage": "100"}
    ] * 2
    token = wegnology_loaded.data["user_token"]
    assert {r.headers["Authorization"] for r in wegnology_sim.requests} == {
        f"Bearer {token}"
    }


async def test_setup_without_a_user_token_logs_in(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator, setup_entry: SetupEntry
) -> None:
    """An entry without a user token logs in first and keeps the token."""
    entry = make_entry(hass, wegnology_sim)
    data = dict(entry.data)
    del data["user_token"]
    hass.config_entries.async_update_entry(entry, data=data)
    await setup_entry(entry)
    assert entry.state is ConfigEntryState.LOADED
    assert paths(wegnology_sim) == [AUTH_USER, *setup_reads()]
    token = entry.data["user_token"]
    assert wegnology_sim.requests[1].headers["Authorization"] == f"Bearer {token}"


async def test_setup_with_an_api_token(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator, setup_entry: SetupEntry
) -> None:
    """A token entry sends its API token; there is no login."""
    entry = await setup_entry(make_entry(hass, wegnology_sim, login=False))
    assert entry.state is ConfigEntryState.LOADED
    assert paths(wegnology_sim) == setup_reads()
    assert {r.headers["Authorization"] for r in wegnology_sim.requests} == {
        f"Bearer {DEMO_API_TOKEN}"
    }
    assert state_of(hass, temperature(hass)) == "31.4"


# --- request cost -----------------------------------------------------------------


async def test_poll_cost_with_pages(
    hass: HomeAssistant,
    socket_enabled: None,
    setup_entry: SetupEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """250 devices: three composite state pages per poll and the small reads."""
    async with WegnologySimulator(generated_data(250)) as sim:
        entry = make_entry(
            hass, sim, login=False, title="Generated Plant", application_id=GENERATED
        )
        await setup_entry(entry)
        assert entry.state is ConfigEntryState.LOADED
        assert len(registered(hass, entry)) == 250 + 1  # and the application
        assert poll_paths(sim) == Counter(
            {
                devices_path(GENERATED): 3,
                bulk_state_path(GENERATED): 3,
                most_recent_path(GENERATED): 1,
                events_path(GENERATED): 2,
                flows_path(GENERATED): 1,
            }
        )

        sim.clear_requests()
        await next_poll(hass, freezer)
        assert paths(sim) == [
            *[bulk_state_path(GENERATED)] * 3,
            *after_state(GENERATED),
        ]
        assert [r.query["page"] for r in sim.requests[:3]] == ["0", "1", "2"]
        assert entry.runtime_data.coordinator.last_update_success
        assert await hass.config_entries.async_unload(entry.entry_id)


# --- devices coming and going --------------------------------------------------------


async def test_new_device_appears_without_reload(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """State names a device the list lacks: the list is read at once."""
    added = new_sensor()
    wegnology_sim.add_device(added, DEMO_APPLICATION_ID)
    wegnology_sim.set_attribute(added.id, "temperature", 24.2)
    wegnology_sim.set_attribute(added.id, "running", True)
    assert device_entry(hass, added.id) is None

    wegnology_sim.clear_requests()
    await next_poll(hass, freezer)
    # The list read, the connection changes need no read of their own.
    assert paths(wegnology_sim) == [
        bulk_state_path(),
        devices_path(),
        most_recent_path(),
        events_path(),
    ]
    assert device_list_reads(wegnology_sim) == 1
    assert wegnology_loaded.state is ConfigEntryState.LOADED
    device = device_entry(hass, added.id)
    assert device is not None
    assert device.name == "Paint Shop Sensor"
    assert device.model == "Standalone"
    sensor = entity(hass, "sensor", added.id, "temperature")
    assert state_of(hass, sensor) == "24.2"
    assert (
        state_of(hass, entity(hass, "binary_sensor", added.id, "running")) == STATE_ON
    )

    wegnology_sim.clear_requests()
    await next_poll(hass, freezer)
    assert paths(wegnology_sim) == state_poll()


async def test_removed_gateway_leaves_its_peripherals(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A gateway deleted in the cloud: its peripherals stay, working, as orphans."""
    wegnology_sim.remove_device(PUMP_GATEWAY_ID)
    await next_poll(hass, freezer, 600)
    assert device_entry(hass, PUMP_GATEWAY_ID) is None
    tank = device_entry(hass, TANK_LEVEL_ID)
    assert tank is not None
    assert tank.via_device_id is None
    assert state_of(hass, tank_level(hass)) == "72.5"
    assert wegnology_loaded.runtime_data.coordinator.last_update_success


# --- without the bulk composite state ---------------------------------------------


async def test_bulk_state_missing_reads_devices_one_by_one(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_entry: MockConfigEntry,
    setup_entry: SetupEntry,
    *,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Bulk 404, the application there: each device's own state; entities right."""
    caplog.set_level(logging.INFO, logger=DEVICES_LOGGER)
    wegnology_sim.bulk_composite_state = False
    await setup_entry(wegnology_entry)

    assert wegnology_entry.state is ConfigEntryState.LOADED
    ids = plant_ids(wegnology_sim)
    per_device = Counter(device_state_path(device_id) for device_id in ids)
    assert poll_paths(wegnology_sim) == per_device + Counter(
        [*setup_reads(), application_path()]
    )
    assert paths(wegnology_sim)[:3] == [
        devices_path(),
        bulk_state_path(),
        application_path(),
    ]
    assert state_of(hass, temperature(hass)) == "31.4"
    assert state_of(hass, tank_level(hass)) == "72.5"
    relay = entity(hass, "binary_sensor", BOILER_RELAY_ID, "relay")
    assert state_of(hass, relay) == STATE_OFF
    assert len(log_lines(caplog, logging.INFO, DEVICES_LOGGER)) == 1

    # The next polls go straight to the devices: no bulk request again.
    wegnology_sim.set_attribute(BOILER_ROOM_SENSOR_ID, "temperature", 30.0)
    wegnology_sim.clear_requests()
    await next_poll(hass, freezer)
    assert poll_paths(wegnology_sim) == per_device + Counter(after_state())
    assert state_of(hass, temperature(hass)) == "30.0"

    # With the topology, the bulk route is tried again (a server may gain it).
    wegnology_sim.bulk_composite_state = True
    wegnology_sim.clear_requests()
    await next_poll(hass, freezer, 570)
    assert paths(wegnology_sim) == topology_poll()
    assert state_of(hass, temperature(hass)) == "30.0"


async def test_at_most_four_device_reads_at_once(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Without the bulk route the cloud never holds more than four device reads."""
    in_flight = 0
    peak = 0

    def is_device_state(request: RecordedRequest) -> bool:
        return request.path.endswith("/compositeState") and request.path != (
            bulk_state_path()
        )

    def arrives(request: RecordedRequest) -> bool:
        nonlocal in_flight, peak
        if not is_device_state(request):
            return False
        in_flight += 1
        peak = max(peak, in_flight)
        return True

    def answered(reply: Any) -> None:
        nonlocal in_flight
        in_flight -= 1

    wegnology_sim.bulk_composite_state = False
    # Each answer waits a second: requests pile up unless the client holds back.
    wegnology_sim.faults.add("latency", count=None, match=arrives, seconds=1)
    wegnology_sim.faults.add(
        "patch_response", count=None, match=is_device_state, patch=answered
    )
    freezer.tick(timedelta(seconds=30))
    async_fire_time_changed(hass)
    for _ in range(10):
        for _ in range(200):
            await asyncio.sleep(0)
        freezer.tick(timedelta(seconds=1))
        async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)

    read = [r.path for r in wegnology_sim.requests if is_device_state(r)]
    assert sorted(read) == sorted(
        device_state_path(device_id) for device_id in plant_ids(wegnology_sim)
    )
    assert peak == 4
    assert in_flight == 0
    assert wegnology_loaded.runtime_data.coordinator.last_update_success
    assert state_of(hass, temperature(hass)) == "31.4"


async def test_device_gone_while_read_one_by_one(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_entry: MockConfigEntry,
    setup_entry: SetupEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A device's own state answering 404: the list is read again at the next poll."""
    wegnology_sim.bulk_composite_state = False
    await setup_entry(wegnology_entry)
    wegnology_sim.remove_device(FLOW_METER_ID)

    await next_poll(hass, freezer)
    assert wegnology_entry.runtime_data.coordinator.last_update_success
    assert state_of(hass, tank_level(hass)) == "72.5"

    wegnology_sim.clear_requests()
    await next_poll(hass, freezer)
    assert paths(wegnology_sim)[:2] == [devices_path(), bulk_state_path()]
    assert device_entry(hass, FLOW_METER_ID) is None
    assert device_entry(hass, TANK_LEVEL_ID) is not None


async def test_bulk_state_refused_is_not_a_missing_route(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    setup_entry: SetupEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Bulk state refused (403, not 404): no device-by-device reads; retried."""
    token = wegnology_sim.add_api_token(
        application_id=DEMO_APPLICATION_ID, scope=("devices.get",)
    ).token
    entry = await setup_entry(
        make_entry(hass, wegnology_sim, login=False, api_token=token)
    )
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert paths(wegnology_sim) == [devices_path(), bulk_state_path()]
    assert hass.states.async_entity_ids() == []

    wegnology_sim.api_tokens[token].scope = ("devices.get", "devices.getCompositeState")
    await next_poll(hass, freezer, 120)
    assert entry.state is ConfigEntryState.LOADED
    assert state_of(hass, temperature(hass)) == "31.4"


async def test_bulk_state_missing_and_application_get_refused(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    setup_entry: SetupEntry,
) -> None:
    """A token that may read devices but not the application: still per device."""
    token = wegnology_sim.add_api_token(
        application_id=DEMO_APPLICATION_ID,
        scope=("devices.get", "devices.getCompositeState", "device.getCompositeState"),
    ).token
    wegnology_sim.bulk_composite_state = False
    entry = await setup_entry(
        make_entry(hass, wegnology_sim, login=False, api_token=token)
    )
    assert entry.state is ConfigEntryState.LOADED
    assert application_path() in paths(wegnology_sim)
    assert state_of(hass, temperature(hass)) == "31.4"


async def test_a_device_read_refused_is_not_a_device_gone(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    setup_entry: SetupEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Per-device reads refused (403): the poll fails as such; nothing is stale."""
    token = wegnology_sim.add_api_token(
        application_id=DEMO_APPLICATION_ID,
        scope=("devices.get", "devices.getCompositeState", "application.get"),
    )
    wegnology_sim.bulk_composite_state = False
    entry = await setup_entry(
        make_entry(hass, wegnology_sim, login=False, api_token=token.token)
    )
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert hass.states.async_entity_ids() == []

    token.scope = (*token.scope, "device.getCompositeState")
    await next_poll(hass, freezer, 120)
    assert entry.state is ConfigEntryState.LOADED
    assert state_of(hass, temperature(hass)) == "31.4"

    # Refused again while running: unavailable, and no device list re-read.
    token.scope = token.scope[:-1]
    wegnology_sim.clear_requests()
    await next_poll(hass, freezer)
    assert state_of(hass, temperature(hass)) == STATE_UNAVAILABLE
    assert not entry.runtime_data.coordinator.last_update_success
    wegnology_sim.clear_requests()
    await next_poll(hass, freezer)
    assert device_list_reads(wegnology_sim) == 0
    assert device_entry(hass, BOILER_ROOM_SENSOR_ID) is not None


# --- the application gone -------------------------------------------------------------


def plant_ids_of(entry: MockConfigEntry) -> list[str]:
    """Return the device ids an entry's adapter knows."""
    prefix = f"{DEMO_APPLICATION_ID}:"
    return [
        key.removeprefix(prefix)
        for key in entry.runtime_data.coordinator.data.devices
        if key.startswith(prefix)  # not the application itself
    ]


def application_issue(
    hass: HomeAssistant, entry: MockConfigEntry
) -> ir.IssueEntry | None:
    """Return the repair issue about an application the cloud no longer has."""
    return ir.async_get(hass).async_get_issue(
        DOMAIN, f"wegnology_application_gone_{entry.entry_id}"
    )


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk state", "device by device"])
async def test_application_deleted_while_polling(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_entry: MockConfigEntry,
    setup_entry: SetupEntry,
    *,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    bulk: bool,
) -> None:
    """The application deleted in WEGnology: a repair issue says to remove the entry.

    Whether the bulk state or the device list meets the 404, Application Get or
    the list itself tells that the application is gone, not the cloud down.
    """
    wegnology_sim.bulk_composite_state = bulk
    entry = await setup_entry(wegnology_entry)
    del wegnology_sim.applications[DEMO_APPLICATION_ID]
    wegnology_sim.clear_requests()
    await next_poll(hass, freezer)

    issue = application_issue(hass, entry)
    assert issue is not None
    assert issue.translation_key == "wegnology_application_gone"
    assert issue.translation_placeholders == {"title": "Demo Plant"}
    assert issue.severity is ir.IssueSeverity.ERROR
    assert not issue.is_fixable
    texts = await async_get_translations(hass, "en", "issues", [DOMAIN])
    title = texts[f"component.{DOMAIN}.issues.wegnology_application_gone.title"]
    assert title.format(title="Demo Plant") == (
        "The WEGnology application of Demo Plant no longer exists"
    )
    description = texts[
        f"component.{DOMAIN}.issues.wegnology_application_gone.description"
    ]
    assert "Remove this entry" in description
    if bulk:
        assert paths(wegnology_sim) == [bulk_state_path(), application_path()]
    else:
        per_device = [device_state_path(device_id) for device_id in plant_ids_of(entry)]
        assert sorted(paths(wegnology_sim)) == sorted([*per_device, application_path()])
        assert paths(wegnology_sim)[-1] == application_path()
    assert state_of(hass, temperature(hass)) == STATE_UNAVAILABLE
    coordinator = entry.runtime_data.coordinator
    assert not coordinator.last_update_success
    assert "no longer has this entry's application" in str(coordinator.last_exception)
    assert all("cannot be reached" not in message for message in errors_logged(caplog))
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []

    # Removing the entry, as the issue says, takes the issue along.
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert application_issue(hass, entry) is None


async def test_application_deleted_at_the_device_list(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The device list (read every 10 min) answering 404 is the application gone."""
    del wegnology_sim.applications[DEMO_APPLICATION_ID]
    wegnology_sim.clear_requests()
    await next_poll(hass, freezer, 600)
    assert paths(wegnology_sim) == [devices_path()]
    assert application_issue(hass, wegnology_loaded) is not None


async def test_application_deleted_before_setup(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator, setup_entry: SetupEntry
) -> None:
    """Set up after the application was deleted: a setup error and the issue."""
    entry = make_entry(hass, wegnology_sim)
    del wegnology_sim.applications[DEMO_APPLICATION_ID]
    await setup_entry(entry)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.reason is not None
    assert "no longer has this entry's application; see Repairs" in entry.reason
    assert application_issue(hass, entry) is not None
    assert paths(wegnology_sim) == [devices_path()]


# --- signing in again ----------------------------------------------------------------


async def test_expired_user_token_renewed_silently(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A 401 on the user token: one login with the stored password, token kept."""
    old = wegnology_loaded.data["user_token"]
    wegnology_sim.expire_user_tokens()
    wegnology_sim.set_attribute(BOILER_ROOM_SENSOR_ID, "temperature", 28.0)
    wegnology_sim.clear_requests()
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    await next_poll(hass, freezer)

    assert paths(wegnology_sim) == [
        bulk_state_path(),
        AUTH_USER,
        bulk_state_path(),
        *after_state(),
    ]
    new = wegnology_loaded.data["user_token"]
    assert new != old
    assert wegnology_sim.requests[2].headers["Authorization"] == f"Bearer {new}"
    assert (
        wegnology_sim.user_tokens[new].expires_at
        > wegnology_sim.user_tokens[old].expires_at
    )
    assert wegnology_loaded.runtime_data.coordinator.last_update_success
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []
    assert errors_logged(caplog) == []
    for secret in (old, new, DEMO_PASSWORD):
        assert secret not in caplog.text
    assert state_of(hass, temperature(hass)) == "28.0"

    wegnology_sim.clear_requests()
    await next_poll(hass, freezer)
    assert paths(wegnology_sim) == state_poll()
    assert wegnology_sim.requests[0].headers["Authorization"] == f"Bearer {new}"


async def test_revoked_api_token_starts_reauth(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    setup_entry: SetupEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A pasted token revoked in WEGnology: reauth at once, no login tried."""
    entry = await setup_entry(make_entry(hass, wegnology_sim, login=False))
    wegnology_sim.revoke_api_token(DEMO_API_TOKEN)
    wegnology_sim.clear_requests()
    await next_poll(hass, freezer)

    assert paths(wegnology_sim) == [bulk_state_path()]
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert flows[0]["context"]["entry_id"] == entry.entry_id
    assert state_of(hass, temperature(hass)) == STATE_UNAVAILABLE


# --- the cloud failing ------------------------------------------------------------


async def test_throttled_without_retry_after(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """429 without Retry-After: the usual interval, then back."""
    wegnology_sim.faults.add("rate_limit", path=bulk_state_path(), retry_after=None)
    await next_poll(hass, freezer)
    assert state_of(hass, temperature(hass)) == STATE_UNAVAILABLE
    coordinator = wegnology_loaded.runtime_data.coordinator
    assert isinstance(coordinator.last_exception, UpdateFailed)
    assert coordinator.last_exception.retry_after is None
    await next_poll(hass, freezer)
    assert state_of(hass, temperature(hass)) == "31.4"


async def test_one_dropped_connection_is_retried(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A single dropped GET is sent again by aiohttp: nobody notices."""
    wegnology_sim.faults.add("disconnect", path=bulk_state_path())
    wegnology_sim.set_attribute(BOILER_ROOM_SENSOR_ID, "temperature", 30.5)
    wegnology_sim.clear_requests()
    await next_poll(hass, freezer)
    assert paths(wegnology_sim) == [bulk_state_path(), *state_poll()]
    assert state_of(hass, temperature(hass)) == "30.5"
    assert errors_logged(caplog) == []


# --- odd composite states ------------------------------------------------------------


def spoil_items(changes: dict[str, Callable[[dict[str, Any]], Any]]) -> Any:
    """Return a patch that changes the bulk items of some devices."""

    def patch(reply: dict[str, Any]) -> None:
        items = []
        for item in reply["items"]:
            change = changes.get(item["id"])
            if change is None:
                items.append(item)
            elif (replaced := change(item)) is not None:
                items.append(replaced)
        reply["items"] = [*items, "not an object", {"id": 42}]

    return patch


def set_state(item: dict[str, Any], **entries: Any) -> dict[str, Any]:
    """Return an item with some composite state entries replaced."""
    item["compositeState"].update(entries)
    return item


async def test_odd_composite_state_spares_the_rest(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_entry: MockConfigEntry,
    setup_entry: SetupEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Odd items and values: no crash, odd values unknown, other devices fine."""
    office = demo_device_id(wegnology_sim, "Office Sensor")
    lab = demo_device_id(wegnology_sim, "Lab Sensor")
    wegnology_sim.faults.add(
        "patch_response",
        path=bulk_state_path(),
        count=None,
        patch=spoil_items(
            {
                # compositeState a string.
                TANK_LEVEL_ID: lambda item: {**item, "compositeState": "72.5"},
                # Values of the wrong type, and times in each format or none.
                BOILER_ROOM_SENSOR_ID: lambda item: set_state(
                    item,
                    temperature={"value": "hot", "time": "2024-05-01T12:00:00Z"},
                    humidity={"value": "41.5", "time": 1_714_564_800_000},
                    co2={"value": True, "time": {"$date": "2024-05-01T12:00:00Z"}},
                    location={"value": "somewhere", "time": "yesterday"},
                    firmware={"value": {"major": 2}},
                    battery="87",
                ),
                BOILER_RELAY_ID: lambda item: set_state(
                    item, relay={"value": "maybe", "time": None}
                ),
                office: lambda item: set_state(
                    item, location={"value": {"lat": 51.5, "lng": -0.12}}
                ),
                lab: lambda item: set_state(item, location={"value": [None, 1]}),
                PUMP_ID: lambda item: set_state(
                    item, running={"value": "1"}, speed={"value": "1450.5"}
                ),
                # An item without its id.
                INLET_VALVE_ID: lambda item: {
                    key: value for key, value in item.items() if key != "id"
                },
            }
        ),
    )
    await setup_entry(wegnology_entry)

    assert wegnology_entry.state is ConfigEntryState.LOADED
    assert wegnology_entry.runtime_data.coordinator.last_update_success
    assert errors_logged(caplog) == []

    def sensor(device_id: str, name: str) -> str:
        return state_of(hass, entity(hass, "sensor", device_id, name))

    def binary(device_id: str, name: str) -> str:
        return state_of(hass, entity(hass, "binary_sensor", device_id, name))

    assert sensor(TANK_LEVEL_ID, "level") == STATE_UNKNOWN
    assert sensor(BOILER_ROOM_SENSOR_ID, "temperature") == STATE_UNKNOWN
    assert sensor(BOILER_ROOM_SENSOR_ID, "humidity") == "41.5"
    assert sensor(BOILER_ROOM_SENSOR_ID, "co2") == STATE_UNKNOWN
    assert sensor(BOILER_ROOM_SENSOR_ID, "location") == STATE_UNKNOWN
    assert sensor(BOILER_ROOM_SENSOR_ID, "firmware") == STATE_UNKNOWN
    assert sensor(BOILER_ROOM_SENSOR_ID, "battery") == STATE_UNKNOWN
    assert sensor(BOILER_ROOM_SENSOR_ID, "pressure") == "1013.2"
    assert binary(BOILER_RELAY_ID, "relay") == STATE_UNKNOWN
    assert sensor(BOILER_RELAY_ID, "coilTemperature") == "24.5"
    # A location as an object is read; a pair that is no numbers is not.
    assert sensor(office, "location") == "51.5,-0.12"
    assert sensor(lab, "location") == STATE_UNKNOWN
    assert binary(PUMP_ID, "running") == STATE_ON
    assert sensor(PUMP_ID, "speed") == "1450.5"
    assert binary(INLET_VALVE_ID, "open") == STATE_UNKNOWN
    assert binary(INLET_VALVE_ID, CONNECTED) == STATE_ON
    # The rest is as the cloud reported it.
    assert sensor(FLOW_METER_ID, "flowRate") == "12.8"
    assert binary(BOILER_ROOM_SENSOR_ID, CONNECTED) == STATE_ON
    # An odd item is not a new device: no device list read for it.
    assert paths(wegnology_sim).count(devices_path()) == 1


@pytest.mark.parametrize("time_format", ["iso", "ms", "date"])
async def test_every_time_format_is_read(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_entry: MockConfigEntry,
    setup_entry: SetupEntry,
    time_format: str,
) -> None:
    """Composite state times as ISO text, milliseconds or {"$date"}: all read."""
    wegnology_sim.time_format = time_format
    wegnology_sim.device(TANK_LEVEL_ID).time_format = "ms"
    await setup_entry(wegnology_entry)
    sample = wegnology_sim.composite_state(BOILER_ROOM_SENSOR_ID)["temperature"]
    assert isinstance(
        sample["time"], {"iso": str, "ms": int, "date": dict}[time_format]
    )
    assert state_of(hass, temperature(hass)) == "31.4"
    assert state_of(hass, tank_level(hass)) == "72.5"
    relay = entity(hass, "binary_sensor", BOILER_RELAY_ID, "relay")
    assert state_of(hass, relay) == STATE_OFF


# --- offline devices -----------------------------------------------------------------


async def test_offline_device(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Offline: attribute entities unavailable, connectivity shows off, rest fine.

    A device that drops off shows within one poll, and so does its return:
    each poll asks for the devices whose connection changed.
    """
    # Offline from the start: the yard sensor.
    yard = entity(hass, "sensor", YARD_SENSOR_ID, "temperature")
    assert state_of(hass, yard) == STATE_UNAVAILABLE
    assert state_of(hass, connectivity(hass, YARD_SENSOR_ID)) == STATE_OFF
    assert device_entry(hass, YARD_SENSOR_ID) is not None

    wegnology_sim.set_connected(BOILER_ROOM_SENSOR_ID, False)
    wegnology_sim.clear_requests()
    await next_poll(hass, freezer)
    assert paths(wegnology_sim) == state_poll()
    assert device_list_reads(wegnology_sim) == 0
    assert state_of(hass, temperature(hass)) == STATE_UNAVAILABLE
    firmware = entity(hass, "sensor", BOILER_ROOM_SENSOR_ID, "firmware")
    assert state_of(hass, firmware) == STATE_UNAVAILABLE
    assert state_of(hass, connectivity(hass, BOILER_ROOM_SENSOR_ID)) == STATE_OFF
    assert state_of(hass, tank_level(hass)) == "72.5"

    wegnology_sim.set_connected(BOILER_ROOM_SENSOR_ID, True)
    await next_poll(hass, freezer)
    assert state_of(hass, temperature(hass)) == "31.4"
    assert state_of(hass, connectivity(hass, BOILER_ROOM_SENSOR_ID)) == STATE_ON


async def test_offline_gateway_takes_its_peripherals(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A gateway offline: its peripherals' readings unavailable, the others' not."""
    wegnology_sim.set_connected(PUMP_GATEWAY_ID, False)
    await next_poll(hass, freezer, 600)
    for device_id in (PUMP_GATEWAY_ID, TANK_LEVEL_ID, PUMP_ID, FLOW_METER_ID):
        assert state_of(hass, connectivity(hass, device_id)) == STATE_OFF
    assert state_of(hass, tank_level(hass)) == STATE_UNAVAILABLE
    signal = entity(hass, "sensor", PUMP_GATEWAY_ID, "signal")
    assert state_of(hass, signal) == STATE_UNAVAILABLE
    line_2 = entity(hass, "sensor", LINE_2_GATEWAY_ID, "signal")
    assert state_of(hass, line_2) == "-58"
    assert entity_of(hass, "sensor", PUMP_GATEWAY_ID, "signal") == signal


async def test_an_unreadable_device_item_keeps_its_device(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A device the list sends unreadable is warned of once and not removed.

    Its state keeps coming, but the list is not read again on every poll for it.
    """
    registered = device_entry(hass, TANK_LEVEL_ID)
    assert registered is not None
    level = entity(hass, "sensor", TANK_LEVEL_ID, "level")

    def spoil_tank(reply: dict[str, Any]) -> None:
        for item in reply["items"]:
            if item["id"] == TANK_LEVEL_ID:
                del item["id"]
                item.pop("deviceId", None)

    wegnology_sim.faults.add(
        "patch_response", path=devices_path(), count=None, patch=spoil_tank
    )
    caplog.clear()
    await next_poll(hass, freezer, 600)  # the device list is due
    wegnology_sim.clear_requests()
    for _ in range(3):
        await next_poll(hass, freezer)

    assert device_entry(hass, TANK_LEVEL_ID) == registered
    assert entity_of(hass, "sensor", TANK_LEVEL_ID, "level") == level
    assert state_of(hass, level) == STATE_UNAVAILABLE
    assert state_of(hass, entity(hass, "sensor", FLOW_METER_ID, "flowRate")) not in (
        STATE_UNAVAILABLE,
        STATE_UNKNOWN,
    )
    assert log_lines(caplog, logging.WARNING, DEVICES_LOGGER) == [
        "WEGnology: a device skipped: deviceId is missing or not a string"
    ]
    assert device_list_reads(wegnology_sim) == 0

    # Readable again: back at the next list.
    wegnology_sim.faults.clear()
    await next_poll(hass, freezer, 600)
    assert state_of(hass, level) != STATE_UNAVAILABLE


# --- connectivity within one poll ----------------------------------------------------


async def test_a_gateway_dropping_off_shows_within_one_poll(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The gateway and its peripherals off after one poll; one small request."""
    wegnology_sim.set_connected(PUMP_GATEWAY_ID, False)
    wegnology_sim.clear_requests()
    await next_poll(hass, freezer)
    (changes,) = [r for r in wegnology_sim.requests if r.path == devices_path()]
    assert "query" in changes.query
    for device_id in (PUMP_GATEWAY_ID, TANK_LEVEL_ID, PUMP_ID, FLOW_METER_ID):
        assert state_of(hass, connectivity(hass, device_id)) == STATE_OFF
    assert state_of(hass, tank_level(hass)) == STATE_UNAVAILABLE
    line_2 = entity(hass, "sensor", LINE_2_GATEWAY_ID, "signal")
    assert state_of(hass, line_2) == "-58"


async def test_a_device_that_connects_joins_within_one_poll(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A device added in WEGnology that connects: there at the next poll."""
    added = wegnology_sim.add_device(
        SimDevice(
            id="6500000000000000000000bb",
            name="Dock Camera",
            attributes=[Attribute("temperature")],
            connected=False,
        ),
        DEMO_APPLICATION_ID,
    )
    wegnology_sim.set_connected(added.id, True)
    await next_poll(hass, freezer)
    assert device_entry(hass, added.id) is not None
    assert state_of(hass, connectivity(hass, added.id)) == STATE_ON
    assert state_of(hass, entity(hass, "sensor", added.id, "temperature")) == (
        STATE_UNKNOWN
    )


async def test_no_device_that_connects_no_connection_read(
    hass: HomeAssistant,
    socket_enabled: None,
    setup_entry: SetupEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An application whose devices never connect (reported by others): no query."""
    data = generated_data(3)
    for device in data.applications[0].devices.values():
        device.device_class = "floating"
        device.parent_id = None
        device.connected_at = device.disconnected_at = None
    async with WegnologySimulator(data) as sim:
        entry = await setup_entry(
            make_entry(hass, sim, login=False, application_id=GENERATED)
        )
        assert entry.state is ConfigEntryState.LOADED
        sim.clear_requests()
        await next_poll(hass, freezer)
        assert paths(sim) == [
            bulk_state_path(GENERATED),
            most_recent_path(GENERATED),
            events_path(GENERATED),
        ]
        assert await hass.config_entries.async_unload(entry.entry_id)


# --- a server with smaller pages -----------------------------------------------------


async def test_a_server_with_smaller_pages_is_polled_in_them(
    hass: HomeAssistant,
    socket_enabled: None,
    setup_entry: SetupEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Pages refused above 50: set-up and polls read pages of 50, refused once."""
    async with WegnologySimulator(generated_data(120), max_per_page=50) as sim:
        entry = await setup_entry(
            make_entry(hass, sim, login=False, application_id=GENERATED)
        )
        assert entry.state is ConfigEntryState.LOADED
        assert len(registered(hass, entry)) == 120 + 1
        listed = [r.query for r in sim.requests if r.path == devices_path(GENERATED)]
        assert [(q["page"], q["perPage"]) for q in listed] == [
            ("0", "100"),  # refused: "perPage must be <= 50"
            ("0", "50"),
            ("1", "50"),
            ("2", "50"),
        ]
        sim.clear_requests()
        await next_poll(hass, freezer)
        assert entry.runtime_data.coordinator.last_update_success
        states = [r.query for r in sim.requests if r.path == bulk_state_path(GENERATED)]
        assert [(q["page"], q["perPage"]) for q in states] == [
            ("0", "50"),
            ("1", "50"),
            ("2", "50"),
        ]
        assert {r.query.get("perPage") for r in sim.requests} <= {"50", None}
        assert await hass.config_entries.async_unload(entry.entry_id)
