"""What every cloud's entry does alike: set up, poll, fail, recover, sign in, unload.

Each scenario is written once and runs for WiZ Pro, Gizwits and WEGnology,
each against its simulator; what differs is in ``vendor_scenarios.py``.
"""

import json
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from homeassistant.components.diagnostics import REDACTED
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.update_coordinator import UpdateFailed
from homeassistant.setup import async_setup_component

from custom_components.cloud_bridge.const import DOMAIN
from simulator.server import SimulatorServer

from .helpers import (
    LOGGER_NAME,
    SetupEntry,
    entity_state,
    log_lines,
    next_poll,
    paths,
    state_of,
)
from .registry import device_with
from .vendor_scenarios import VENDORS, Shown, VendorSteps


@pytest.fixture(autouse=True)
def frozen_time(freezer: FrozenDateTimeFactory) -> None:
    """Freeze time before anything is set up, so only ticks make polls happen."""


@pytest.fixture(params=list(VENDORS))
def vendor(request: pytest.FixtureRequest) -> VendorSteps[Any]:
    """Return the steps of one vendor; each scenario runs for every vendor."""
    return VENDORS[request.param]


@pytest.fixture
def sim(request: pytest.FixtureRequest, vendor: VendorSteps[Any]) -> SimulatorServer:
    """Return the vendor's simulator with its demo, running."""
    found: SimulatorServer = request.getfixturevalue(vendor.sim_fixture)
    return found


@pytest.fixture
def entry(
    request: pytest.FixtureRequest, vendor: VendorSteps[Any], sim: SimulatorServer
) -> MockConfigEntry:
    """Return the vendor's demo entry, not set up."""
    found: MockConfigEntry = request.getfixturevalue(vendor.entry_fixture)
    return found


@pytest.fixture
async def loaded(entry: MockConfigEntry, setup_entry: SetupEntry) -> MockConfigEntry:
    """Return the vendor's demo entry, set up."""
    await setup_entry(entry)
    assert entry.state is ConfigEntryState.LOADED
    return entry


def assert_shows(hass: HomeAssistant, shown: Shown, why: object = None) -> None:
    """Assert that an entity shows a state and attributes."""
    state = entity_state(hass, shown.entity_id)
    assert state.state == shown.state, (shown.entity_id, why)
    for name, value in shown.attributes.items():
        assert state.attributes.get(name) == value, (shown.entity_id, name, why)


def assert_unavailable(hass: HomeAssistant, watched: list[Shown], why: object) -> None:
    """Assert that every watched entity is unavailable."""
    for shown in watched:
        shows = state_of(hass, shown.entity_id)
        assert shows == STATE_UNAVAILABLE, (shown.entity_id, why)


def reauth_flows(hass: HomeAssistant) -> list[dict[str, Any]]:
    """Return Cloud Bridge's flows in progress, each as (source, entry, step)."""
    return [
        {
            "source": flow["context"]["source"],
            "entry_id": flow["context"].get("entry_id"),
            "step_id": flow["step_id"],
        }
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    ]


# --- set-up and unload --------------------------------------------------------------


async def test_cloud_down_at_setup_retries(
    hass: HomeAssistant,
    vendor: VendorSteps[Any],
    sim: SimulatorServer,
    entry: MockConfigEntry,
    *,
    setup_entry: SetupEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The cloud failing at start (5xx, then dropped): retried until it answers."""
    sim.faults.add("server_error", path=vendor.first_read, count=None)
    await setup_entry(entry)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert hass.states.async_entity_ids() == []

    sim.faults.clear()
    sim.faults.add("disconnect", path=vendor.first_read, count=None)
    sim.clear_requests()
    await next_poll(hass, freezer, 120)
    assert vendor.first_read in paths(sim)  # it was tried again
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert hass.states.async_entity_ids() == []

    sim.faults.clear()
    await next_poll(hass, freezer, 120)
    assert entry.state is ConfigEntryState.LOADED
    for shown in vendor.watched(hass, sim):
        assert_shows(hass, shown)


async def test_sign_in_lost_at_setup_starts_reauth(
    hass: HomeAssistant,
    vendor: VendorSteps[Any],
    sim: SimulatorServer,
    entry: MockConfigEntry,
    setup_entry: SetupEntry,
) -> None:
    """The cloud no longer takes the entry's sign-in at start: reauth, no loop."""
    vendor.lose_sign_in_before_setup(hass, sim, entry)
    await setup_entry(entry)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert reauth_flows(hass) == [
        {
            "source": SOURCE_REAUTH,
            "entry_id": entry.entry_id,
            "step_id": vendor.reauth_step,
        }
    ]
    assert vendor.requests(sim) == vendor.reauth_setup
    assert hass.states.async_entity_ids() == []


async def test_unload(
    hass: HomeAssistant,
    vendor: VendorSteps[Any],
    sim: SimulatorServer,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Unloading takes the entities away and stops polling."""
    watched = vendor.watched(hass, sim)
    for shown in watched:
        assert_shows(hass, shown)
    assert await hass.config_entries.async_unload(loaded.entry_id)
    await hass.async_block_till_done()
    assert loaded.state is ConfigEntryState.NOT_LOADED
    assert_unavailable(hass, watched, "unloaded")

    sim.clear_requests()
    await next_poll(hass, freezer)
    await next_poll(hass, freezer, 600)
    assert sim.requests == []


# --- request cost -------------------------------------------------------------------


async def test_poll_cost(
    hass: HomeAssistant,
    vendor: VendorSteps[Any],
    sim: SimulatorServer,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Each poll asks what the design says, the topology every 10 minutes.

    What changed in the cloud shows after a state poll.
    """
    for round_ in range(3):
        change = vendor.change(hass, sim, round_)
        sim.clear_requests()
        await next_poll(hass, freezer)
        assert vendor.requests(sim) == vendor.state_poll(sim), round_
        assert_shows(hass, change, round_)

    sim.clear_requests()
    await next_poll(hass, freezer, 600)
    assert vendor.requests(sim) == vendor.topology_poll(sim)

    for _ in range(2):
        sim.clear_requests()
        await next_poll(hass, freezer)
        assert vendor.requests(sim) == vendor.state_poll(sim)
    assert loaded.runtime_data.coordinator.last_update_success


# --- the cloud failing ------------------------------------------------------------


async def test_outage_and_recovery(
    hass: HomeAssistant,
    vendor: VendorSteps[Any],
    sim: SimulatorServer,
    loaded: MockConfigEntry,
    *,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Each way the cloud fails: entities unavailable, one line; back, one line.

    What changed in the cloud meanwhile shows once it answers again.
    """
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    watched = vendor.watched(hass, sim)
    for round_, outage in enumerate(vendor.outages):
        caplog.clear()
        outage.arm(sim)
        await next_poll(hass, freezer, outage.first_poll)
        await next_poll(hass, freezer)
        await next_poll(hass, freezer)
        assert_unavailable(hass, watched, outage.name)
        errors = log_lines(caplog, logging.ERROR)
        assert len(errors) == 1, (outage.name, errors)
        assert errors[0].startswith("Error fetching"), outage.name
        assert "Unexpected error" not in caplog.text, outage.name

        change = vendor.change(hass, sim, round_)
        sim.faults.clear()
        await next_poll(hass, freezer)
        await next_poll(hass, freezer)
        assert_shows(hass, change, outage.name)
        for shown in watched:
            if shown.entity_id != change.entity_id:
                assert_shows(hass, shown, outage.name)
        assert len(log_lines(caplog, logging.ERROR)) == 1, outage.name
        recovered = [
            line for line in log_lines(caplog, logging.INFO) if "recovered" in line
        ]
        assert len(recovered) == 1, (outage.name, recovered)


async def test_throttled_poll_waits_as_asked(
    hass: HomeAssistant,
    vendor: VendorSteps[Any],
    sim: SimulatorServer,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Throttled: entities unavailable, no request until the cloud's wait is over."""
    watched = vendor.watched(hass, sim)
    vendor.throttle(sim)
    await next_poll(hass, freezer)
    assert_unavailable(hass, watched, "throttled")
    coordinator = loaded.runtime_data.coordinator
    assert isinstance(coordinator.last_exception, UpdateFailed)
    assert coordinator.last_exception.retry_after == vendor.retry_after

    vendor.throttle_over(sim)
    sim.clear_requests()
    for waited in range(30, vendor.retry_after, 30):  # the usual 30 s, and on
        await next_poll(hass, freezer)
        assert sim.requests == [], waited
    await next_poll(hass, freezer)  # the wait is over
    assert vendor.requests(sim) == vendor.state_poll(sim)
    for shown in watched:
        assert_shows(hass, shown)


# --- the sign-in ------------------------------------------------------------------


async def test_sign_in_lost_while_polling_starts_reauth(
    hass: HomeAssistant,
    vendor: VendorSteps[Any],
    sim: SimulatorServer,
    loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The sign-in refused and not renewable: reauth, entities unavailable, no loop."""
    watched = vendor.watched(hass, sim)
    vendor.lose_sign_in(sim)
    sim.clear_requests()
    await next_poll(hass, freezer)

    # One try, one renewal that fails; no retry loop.
    assert vendor.requests(sim) == vendor.reauth_poll
    assert reauth_flows(hass) == [
        {
            "source": SOURCE_REAUTH,
            "entry_id": loaded.entry_id,
            "step_id": vendor.reauth_step,
        }
    ]
    assert_unavailable(hass, watched, "reauth")

    # The next poll does not hammer the cloud while the user is asked.
    sim.clear_requests()
    await next_poll(hass, freezer)
    assert sim.requests == []


# --- devices going ------------------------------------------------------------------


async def test_device_gone_from_the_cloud_leaves_the_registries(
    hass: HomeAssistant,
    vendor: VendorSteps[Any],
    sim: SimulatorServer,
    entry: MockConfigEntry,
    *,
    setup_entry: SetupEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """A device deleted (or unbound) in the cloud goes, with its entities."""
    stale = vendor.stale
    if stale.before_setup is not None:
        stale.before_setup(hass_storage, entry)
    await setup_entry(entry)
    entities = er.async_get(hass)
    devices = dr.async_get(hass)
    device = device_with(hass, (DOMAIN, stale.key), entry.entry_id)
    assert device is not None
    gone = er.async_entries_for_device(
        entities, device.id, include_disabled_entities=True
    )
    assert {registered.domain for registered in gone} == stale.domains
    watched = vendor.watched(hass, sim)
    entities_before = len(er.async_entries_for_config_entry(entities, entry.entry_id))
    devices_before = len(dr.async_entries_for_config_entry(devices, entry.entry_id))

    stale.remove(sim)
    await next_poll(hass, freezer, stale.noticed_after)

    assert device_with(hass, (DOMAIN, stale.key), entry.entry_id) is None
    assert devices.async_get(device.id) is None
    for registered in gone:
        assert entities.async_get(registered.entity_id) is None
        assert hass.states.get(registered.entity_id) is None
    after = er.async_entries_for_config_entry(entities, entry.entry_id)
    assert len(after) == entities_before - len(gone)
    assert len(dr.async_entries_for_config_entry(devices, entry.entry_id)) == (
        devices_before - 1
    )
    assert_shows(hass, stale.neighbour(hass, sim))
    gone_ids = {registered.entity_id for registered in gone}
    for shown in watched:
        if shown.entity_id not in gone_ids:
            assert_shows(hass, shown)


# --- diagnostics --------------------------------------------------------------------


def value_at(data: Any, path: tuple[str, ...]) -> Any:
    """Return the value at a path of nested dictionaries."""
    for key in path:
        data = data[key]
    return data


async def test_diagnostics_hide_every_secret_renewed_ones_too(
    hass: HomeAssistant,
    vendor: VendorSteps[Any],
    sim: SimulatorServer,
    entry: MockConfigEntry,
    *,
    setup_entry: SetupEntry,
    hass_client: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Secrets, the first and the renewed token too, appear nowhere in diagnostics.

    What helps to debug (the server, ids that are not secret) stays.
    """
    # Set up before the first client starts the HTTP server.
    assert await async_setup_component(hass, "diagnostics", {})
    await setup_entry(entry)
    first = vendor.secrets(entry)
    vendor.expire_token(sim)
    await next_poll(hass, freezer)
    assert entry.runtime_data.coordinator.last_update_success
    secrets = vendor.secrets(entry)
    assert secrets[vendor.renewed] != first[vendor.renewed]
    secrets |= {f"first {name}": secret for name, secret in first.items()}

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    text = json.dumps(diagnostics, ensure_ascii=False)
    for name, secret in secrets.items():
        assert secret not in text, f"the {name} leaks into diagnostics"
    for key in vendor.redacted:
        assert diagnostics["entry"]["data"][key] == REDACTED, key
    for path, value in vendor.kept(sim, entry).items():
        assert value_at(diagnostics, path) == value, path
