"""Gizwits state pushed through the app WebSocket, against the simulated cloud.

The simulator's socket is real (aiohttp, 127.0.0.1); time is the freezer's:
back-off, pings and polls run when a test lets time pass, and the simulator's
heartbeat check runs when a test calls it.
"""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant

from custom_components.cloud_bridge.coordinator import CloudBridgeCoordinator
from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import (
    BEDROOM_AC_DID,
    CEILING_LAMP_DID,
    DEMO_APP_ID,
    DEMO_UID,
    DEMO_USERNAME,
    LIVING_AC_DID,
    TV_PLUG_DID,
)
from simulator.gizwits_push import AppSocket

from .gizwits_helpers import (
    BINDINGS,
    LOGGER_NAME,
    PUSH_TASK,
    WS,
    devdata_dids,
    device_entry,
    entity,
    log_lines,
    make_entry,
    online_dids,
    paths,
    tick,
    until,
)

type SetupEntry = Callable[[MockConfigEntry], Awaitable[MockConfigEntry]]


def coordinator_of(entry: MockConfigEntry) -> CloudBridgeCoordinator:
    """Return an entry's coordinator."""
    return entry.runtime_data.coordinator


def state(hass: HomeAssistant, platform: str, did: str, point: str) -> str:
    """Return the state of a device's point."""
    found = hass.states.get(entity(hass, platform, did, point))
    assert found is not None
    return found.state


def bound(sim: GizwitsSimulator) -> list[str]:
    """Return the demo user's bound devices, sorted."""
    return sorted(sim.user().bindings)


def polls(sim: GizwitsSimulator) -> int:
    """Return how many polls the cloud saw (each reads the bindings from skip 0)."""
    return sum(
        1 for r in sim.requests if r.path == BINDINGS and r.query.get("skip") == "0"
    )


def reads(sock: AppSocket) -> list[str]:
    """Return the devices a socket was asked to read, in order."""
    return [
        frame["data"]["did"]
        for frame in sock.received
        if isinstance(frame, dict) and frame.get("cmd") == "c2s_read"
    ]


async def up(sim: GizwitsSimulator, entry: MockConfigEntry) -> AppSocket:
    """Wait until the one socket is logged in, subscribed and has read every device."""
    coordinator = coordinator_of(entry)
    await until(lambda: coordinator.pushing is True, "push up")
    (sock,) = sim.push.open_sockets
    await until(
        lambda: (
            sorted(sock.subscriptions) == bound(sim)
            and sorted(reads(sock)) == online_dids(sim)
        ),
        "subscribed and read",
    )
    return sock


@pytest.fixture
async def pushed(
    hass: HomeAssistant, gizwits_push_sim: GizwitsSimulator, setup_entry: SetupEntry
) -> MockConfigEntry:
    """Return the demo user's entry, set up, with its socket up."""
    entry = await setup_entry(make_entry(hass, gizwits_push_sim))
    await up(gizwits_push_sim, entry)
    return entry


async def test_one_socket_logs_in_subscribes_and_reads(
    hass: HomeAssistant, gizwits_push_sim: GizwitsSimulator, pushed: MockConfigEntry
) -> None:
    """The socket logs in as documented, subscribes every device, reads the online."""
    sim = gizwits_push_sim
    (sock,) = sim.push.sockets
    login = sock.login
    assert login is not None
    assert login.success
    assert (login.app_id, login.uid, login.token) == (
        DEMO_APP_ID,
        DEMO_UID,
        pushed.data["token"],
    )
    assert (login.p0_type, login.heartbeat_interval, login.auto_subscribe) == (
        "attrs_v4",
        180,
        False,
    )
    assert sock.cmds[:2] == ["login_req", "subscribe_req"]
    subscribed = [
        item["did"]
        for frame in sock.received
        if isinstance(frame, dict) and frame.get("cmd") == "subscribe_req"
        for item in frame["data"]
    ]
    assert sorted(subscribed) == bound(sim)
    # Online devices only: the offline one would answer 9042.
    assert BEDROOM_AC_DID not in reads(sock)
    assert [r.path for r in sim.requests].count(WS) == 1
    coordinator = coordinator_of(pushed)
    assert coordinator.update_interval == timedelta(minutes=5)


async def test_notification_shows_at_once(
    hass: HomeAssistant, gizwits_push_sim: GizwitsSimulator, pushed: MockConfigEntry
) -> None:
    """A change on the device shows without a poll: no REST request at all."""
    sim = gizwits_push_sim
    sim.clear_requests()
    sim.set_attr(LIVING_AC_DID, "set_temp", 22)
    await until(
        lambda: float(state(hass, "number", LIVING_AC_DID, "set_temp")) == 22,
        "pushed set_temp",
    )
    sim.set_attr(LIVING_AC_DID, "switch", False)
    await until(
        lambda: state(hass, "switch", LIVING_AC_DID, "switch") == STATE_OFF,
        "pushed switch",
    )
    assert sim.requests == []


async def test_partial_notification_is_merged(
    hass: HomeAssistant, gizwits_push_sim: GizwitsSimulator, pushed: MockConfigEntry
) -> None:
    """Only the changed datapoints pushed: the others keep what was known."""
    sim = gizwits_push_sim
    sim.push.full_attrs = False
    sim.set_attr(LIVING_AC_DID, "mode", "制热")
    (sock,) = sim.push.open_sockets
    assert sock.sent[-1]["data"]["attrs"] == {"mode": "制热"}
    await until(
        lambda: state(hass, "select", LIVING_AC_DID, "mode") == "制热", "pushed mode"
    )
    assert float(state(hass, "number", LIVING_AC_DID, "set_temp")) == 26
    assert state(hass, "switch", LIVING_AC_DID, "switch") == STATE_ON


async def test_pushed_values_read_as_device_data(
    hass: HomeAssistant, gizwits_push_sim: GizwitsSimulator, pushed: MockConfigEntry
) -> None:
    """Byte arrays, Booleans, labels and scaled numbers read as devdata values."""
    sim = gizwits_push_sim
    coordinator = coordinator_of(pushed)
    key = f"{DEMO_UID}:{LIVING_AC_DID}"
    sim.set_attr(LIVING_AC_DID, "status_code", bytes.fromhex("01020304"))
    (sock,) = sim.push.open_sockets
    assert sock.sent[-1]["data"]["attrs"]["status_code"] == [1, 2, 3, 4]
    assert sock.sent[-1]["data"]["attrs"]["fan_swing"] is False
    await until(
        lambda: coordinator.data.point(key, "status_code").value == "01020304",
        "pushed bytes",
    )
    sim.set_attr(LIVING_AC_DID, "room_temp", -10)
    await until(
        lambda: float(state(hass, "sensor", LIVING_AC_DID, "room_temp")) == -10,
        "pushed scaled number",
    )


@pytest.mark.parametrize("field", ["online", "is_online"])
async def test_online_status_at_once(
    hass: HomeAssistant,
    gizwits_push_sim: GizwitsSimulator,
    pushed: MockConfigEntry,
    field: str,
) -> None:
    """A device going offline or online changes its availability at once."""
    sim = gizwits_push_sim
    sim.push.online_field = field
    sim.clear_requests()
    sim.set_online(TV_PLUG_DID, False)
    await until(
        lambda: state(hass, "switch", TV_PLUG_DID, "switch") == STATE_UNAVAILABLE,
        "offline",
    )
    (sock,) = sim.push.open_sockets
    before = reads(sock).count(BEDROOM_AC_DID)
    sim.set_online(BEDROOM_AC_DID, True)
    await until(
        lambda: state(hass, "switch", BEDROOM_AC_DID, "switch") == STATE_OFF,
        "online",
    )
    # A device that came online is read at once.
    await until(lambda: reads(sock).count(BEDROOM_AC_DID) == before + 1, "read")
    assert sim.requests == []


async def test_binding_change_reads_the_devices_again(
    hass: HomeAssistant, gizwits_push_sim: GizwitsSimulator, pushed: MockConfigEntry
) -> None:
    """Unbound in the app: the device leaves at once; bound again, it comes back."""
    sim = gizwits_push_sim
    sim.unbind(TV_PLUG_DID)
    await until(lambda: device_entry(hass, TV_PLUG_DID) is None, "device gone")
    assert BINDINGS in paths(sim)
    sim.bind(TV_PLUG_DID)
    await until(lambda: device_entry(hass, TV_PLUG_DID) is not None, "device back")
    (sock,) = sim.push.open_sockets
    await until(lambda: TV_PLUG_DID in sock.subscriptions, "subscribed again")
    sim.set_attr(TV_PLUG_DID, "switch", False)
    await until(
        lambda: state(hass, "switch", TV_PLUG_DID, "switch") == STATE_OFF,
        "pushed again",
    )


@pytest.mark.parametrize("abrupt", [False, True], ids=["closed", "cut"])
async def test_drop_reconnects_and_reads_what_was_missed(
    hass: HomeAssistant,
    *,
    freezer: FrozenDateTimeFactory,
    gizwits_push_sim: GizwitsSimulator,
    pushed: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    abrupt: bool,
) -> None:
    """A drop: polling at 30 s at once; back within seconds, missed changes read."""
    sim = gizwits_push_sim
    coordinator = coordinator_of(pushed)
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    caplog.clear()
    sim.push.drop(abrupt=abrupt)
    await until(lambda: coordinator.pushing is False, "push down")
    assert coordinator.update_interval == timedelta(seconds=30)
    assert log_lines(caplog, logging.INFO) == [
        f"Gizwits {DEMO_USERNAME}: pushed updates stopped; polling every 30 s"
    ]
    # Changed while no socket listens.
    sim.set_attr(LIVING_AC_DID, "set_temp", 20)
    sim.clear_requests()

    await tick(hass, freezer, 3)  # the first back-off: at most 3 s
    sock = await up(sim, pushed)
    assert sock is not sim.push.sockets[0]
    await until(
        lambda: float(state(hass, "number", LIVING_AC_DID, "set_temp")) == 20,
        "missed change read",
    )
    # Read through the socket, not by a poll.
    assert paths(sim) == [WS]
    assert coordinator.update_interval == timedelta(minutes=5)
    assert log_lines(caplog, logging.INFO)[1:] == [
        f"Gizwits {DEMO_USERNAME}: pushed updates are back"
    ]
    push = pushed.runtime_data.coordinator.adapter.diagnostics()["push"]
    assert push["reconnects"] == 1


async def test_polls_every_five_minutes_while_pushed(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    gizwits_push_sim: GizwitsSimulator,
    pushed: MockConfigEntry,
) -> None:
    """While push works, REST polls every 5 minutes; without it, every 30 s."""
    sim = gizwits_push_sim
    sim.clear_requests()
    for _ in range(20):  # 10 minutes
        await tick(hass, freezer, 30)
        assert sim.push.check_heartbeats() == []
    assert polls(sim) == 2
    assert sorted(set(devdata_dids(sim))) == online_dids(sim)
    assert len(devdata_dids(sim)) == 2 * len(online_dids(sim))
    (sock,) = sim.push.open_sockets
    assert sock.cmds.count("ping") == 10

    sim.push.refuse = True
    sim.push.drop()
    await until(lambda: coordinator_of(pushed).pushing is False, "push down")
    sim.clear_requests()
    for _ in range(4):
        await tick(hass, freezer, 30)
    assert polls(sim) == 4


async def test_unload_closes_the_socket_and_ends_its_task(
    hass: HomeAssistant, gizwits_push_sim: GizwitsSimulator, pushed: MockConfigEntry
) -> None:
    """Unloading closes the socket (a clean close) and leaves no task behind."""
    (sock,) = gizwits_push_sim.push.open_sockets
    assert any(PUSH_TASK in task.get_name() for task in asyncio.all_tasks())
    assert await hass.config_entries.async_unload(pushed.entry_id)
    await hass.async_block_till_done()
    await until(lambda: sock.closed, "socket closed")
    assert sock.close_code == 1000
    assert gizwits_push_sim.push.open_sockets == []
    assert not any(PUSH_TASK in task.get_name() for task in asyncio.all_tasks())


async def test_notifications_with_req_sn_are_acknowledged(
    hass: HomeAssistant, gizwits_push_sim: GizwitsSimulator, pushed: MockConfigEntry
) -> None:
    """An s2c_noti carrying req_sn is acknowledged with c2s_ack {res_sn, did}."""
    sim = gizwits_push_sim
    sim.push.server_req_sn = True
    sim.set_attr(CEILING_LAMP_DID, "brightness", 50)
    sim.set_attr(LIVING_AC_DID, "set_temp", 25)
    (sock,) = sim.push.open_sockets
    await until(lambda: len(sock.acks) == 2, "acknowledged")
    assert sock.acks == [(1, CEILING_LAMP_DID), (2, LIVING_AC_DID)]
    assert sock.unacked == {}
