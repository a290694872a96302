"""Gizwits accounts on the newer app login, set up in Home Assistant."""

import logging

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.components.climate import HVACMode
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir

from custom_components.cloud_bridge.const import DOMAIN
from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import (
    BEDROOM_AC_DID,
    DEMO_MOVED_UID,
    LIVING_AC_DID,
    TV_PLUG_DID,
)
from simulator.gizwits_model import error_body

from .gizwits_helpers import (
    AEP_DEVICES,
    AEP_LOGIN,
    AEP_REFRESH,
    BINDINGS,
    GROUPS,
    LOGIN,
    entity,
    moved_entry,
    until,
)
from .helpers import SetupEntry, errors_logged, next_poll, paths, state_of


def moved_state(hass: HomeAssistant, platform: str, did: str, point: str) -> str:
    """Return the state of a point of the moved account's device."""
    return state_of(hass, entity(hass, platform, did, point, DEMO_MOVED_UID))


def our_issues(hass: HomeAssistant) -> list[str]:
    """Return the repair issues of Cloud Bridge."""
    return [
        issue_id for domain, issue_id in ir.async_get(hass).issues if domain == DOMAIN
    ]


async def test_entry_on_the_newer_login(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, setup_entry: SetupEntry
) -> None:
    """Its token reads the Open API; its devices show like a classic account's."""
    entry = await setup_entry(moved_entry(hass, gizwits_sim))
    assert entry.state is ConfigEntryState.LOADED
    assert LOGIN not in paths(gizwits_sim)
    assert AEP_LOGIN not in paths(gizwits_sim)
    assert moved_state(hass, "climate", LIVING_AC_DID, "climate") == HVACMode.COOL
    assert moved_state(hass, "climate", BEDROOM_AC_DID, "climate") == STATE_UNAVAILABLE


async def test_account_moved_while_polling_keeps_working(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """9026 at a re-login: signed in on the newer login, kept; no repair issue."""
    gizwits_sim.user().moved = True
    gizwits_sim.expire_tokens()
    gizwits_sim.clear_requests()
    await next_poll(hass, freezer)

    assert paths(gizwits_sim)[:3] == [BINDINGS, LOGIN, AEP_LOGIN]
    assert AEP_LOGIN in paths(gizwits_sim)
    data = gizwits_loaded.data
    assert data["login"] == "aep"
    assert gizwits_sim.tokens[data["token"]].kind == "aep"
    assert data["refresh_token"] in gizwits_sim.aep.refresh_tokens
    assert our_issues(hass) == []
    assert errors_logged(caplog) == []
    thermostat = entity(hass, "climate", LIVING_AC_DID, "climate", data["uid"])
    assert state_of(hass, thermostat) == HVACMode.COOL

    # The next renewal goes straight to the newer login's refresh.
    gizwits_sim.clear_requests()
    gizwits_sim.expire_tokens()
    await next_poll(hass, freezer)
    assert paths(gizwits_sim)[:3] == [BINDINGS, AEP_REFRESH, BINDINGS]
    assert LOGIN not in paths(gizwits_sim)


async def test_account_moved_before_setup(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, setup_entry: SetupEntry
) -> None:
    """9026 when setting up: the entry signs in on the newer login and loads."""
    entry = moved_entry(hass, gizwits_sim, login="classic", token="", expire_at=0)
    await setup_entry(entry)
    assert entry.state is ConfigEntryState.LOADED
    assert paths(gizwits_sim)[:2] == [LOGIN, AEP_LOGIN]
    assert entry.data["login"] == "aep"
    assert our_issues(hass) == []


async def test_expired_token_is_refreshed_and_kept(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    setup_entry: SetupEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An expired newer token is refreshed; the new one survives a reload."""
    entry = await setup_entry(moved_entry(hass, gizwits_sim))
    old = dict(entry.data)
    gizwits_sim.expire_tokens()
    gizwits_sim.clear_requests()
    await next_poll(hass, freezer)
    assert paths(gizwits_sim)[:3] == [BINDINGS, AEP_REFRESH, BINDINGS]
    assert entry.data["token"] != old["token"]
    assert entry.data["refresh_token"] not in ("", old["refresh_token"])
    assert entry.data["expire_at"] == gizwits_sim.tokens[entry.data["token"]].expire_at

    gizwits_sim.clear_requests()
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert AEP_REFRESH not in paths(gizwits_sim)
    assert AEP_LOGIN not in paths(gizwits_sim)


@pytest.fixture
async def without_refresh(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, setup_entry: SetupEntry
) -> MockConfigEntry:
    """Return the moved account's entry, set up where the newer host has no refresh."""
    gizwits_sim.aep.refresh_available = False
    return await setup_entry(moved_entry(hass, gizwits_sim))


async def test_refresh_unavailable_signs_in_again(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    without_refresh: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Without a refresh on the host, the stored password signs in again."""
    gizwits_sim.expire_tokens()
    gizwits_sim.clear_requests()
    await next_poll(hass, freezer)
    assert paths(gizwits_sim)[:4] == [BINDINGS, AEP_REFRESH, AEP_LOGIN, BINDINGS]
    assert without_refresh.state is ConfigEntryState.LOADED
    assert moved_state(hass, "climate", LIVING_AC_DID, "climate") == HVACMode.COOL


async def test_password_changed_on_the_newer_login_asks_again(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    without_refresh: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """1000033 when signing in again: re-authenticate, on the newer login."""
    gizwits_sim.user("demo-moved").password = "changed"
    gizwits_sim.expire_tokens()
    await next_poll(hass, freezer)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]

    gizwits_sim.clear_requests()
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {"password": "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    assert paths(gizwits_sim) == [AEP_LOGIN]
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {"password": "changed"}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert without_refresh.data["password"] == "changed"
    assert without_refresh.data["login"] == "aep"
    assert without_refresh.state is ConfigEntryState.LOADED
    assert LOGIN not in paths(gizwits_sim)


async def test_refused_bindings_list_devices_on_the_newer_host(
    hass: HomeAssistant,
    gizwits_push_sim: GizwitsSimulator,
    setup_entry: SetupEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Bindings refused: the newer list; each device's details once, for push."""
    sim = gizwits_push_sim
    sim.aep.bindings_refused = True
    entry = await setup_entry(moved_entry(hass, sim))
    assert entry.state is ConfigEntryState.LOADED
    assert paths(sim)[:2] == [BINDINGS, AEP_DEVICES]
    details = [p for p in paths(sim) if p.startswith("/app/devices/")]
    assert sorted(details) == sorted(
        f"/app/devices/{did}" for did in sim.user("demo-moved").bindings
    )
    assert moved_state(hass, "climate", LIVING_AC_DID, "climate") == HVACMode.COOL
    coordinator = entry.runtime_data.coordinator
    await until(lambda: coordinator.pushing is True, "pushed")
    (sock,) = sim.push.open_sockets
    bound = len(sim.user("demo-moved").bindings)
    await until(lambda: len(sock.subscriptions) == bound, "subscribed")
    sim.set_attr(TV_PLUG_DID, "switch", False)
    await until(
        lambda: moved_state(hass, "switch", TV_PLUG_DID, "switch") == STATE_OFF,
        "pushed",
    )
    sim.clear_requests()
    await coordinator.async_refresh()
    assert not [p for p in paths(sim) if p.startswith("/app/devices/")]
    assert BINDINGS not in paths(sim)
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_refused_details_leave_the_devices_polled(
    hass: HomeAssistant,
    gizwits_push_sim: GizwitsSimulator,
    setup_entry: SetupEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Details refused too: asked once; no socket; polled every 30 s."""
    sim = gizwits_push_sim
    sim.aep.bindings_refused = True
    sim.faults.add(
        "patch_response",
        count=None,
        match=lambda request: request.path.startswith("/app/devices/"),
        patch=lambda _: error_body(9026),
    )
    caplog.set_level(logging.WARNING)
    entry = await setup_entry(moved_entry(hass, sim))
    assert entry.state is ConfigEntryState.LOADED
    assert len([p for p in paths(sim) if p.startswith("/app/devices/")]) <= 4
    assert sim.push.sockets == []
    push = entry.runtime_data.coordinator.adapter.diagnostics()["push"]
    assert push["without_socket"] == len(sim.user("demo-moved").bindings)
    assert push["sockets"] == 0
    assert entry.runtime_data.coordinator.pushing is None
    problems = entry.runtime_data.coordinator.adapter.diagnostics()["reported_problems"]
    assert any("no WebSocket for the devices" in p for p in problems)


async def groups_refused(
    hass: HomeAssistant, sim: GizwitsSimulator, setup_entry: SetupEntry, code: int
) -> MockConfigEntry:
    """Set up the moved account's entry while the cloud refuses its groups."""
    sim.faults.add("patch_response", path=GROUPS, patch=lambda _: error_body(code))
    return await setup_entry(moved_entry(hass, sim))


async def test_groups_refused_for_the_account_read_as_none(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, setup_entry: SetupEntry
) -> None:
    """Groups answering 9026 for an account on the newer login: none, said once."""
    entry = await groups_refused(hass, gizwits_sim, setup_entry, 9026)
    assert entry.state is ConfigEntryState.LOADED
    diagnostics = entry.runtime_data.coordinator.adapter.diagnostics()
    assert diagnostics["groups"] == []
    assert any("(read as none)" in p for p in diagnostics["reported_problems"])


async def test_groups_refused_otherwise_fail_the_poll(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, setup_entry: SetupEntry
) -> None:
    """Any other refusal of the groups is no account matter: the poll fails."""
    entry = await groups_refused(hass, gizwits_sim, setup_entry, 9999)
    assert entry.state is ConfigEntryState.SETUP_RETRY
