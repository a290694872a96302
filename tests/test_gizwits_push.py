"""Gizwits state pushed through the app WebSocket, against the simulated cloud.

The simulator's socket is real (aiohttp, 127.0.0.1); time is the freezer's:
back-off, pings and polls run when a test lets time pass, and the simulator's
heartbeat check runs when a test calls it.
"""

import asyncio
from collections.abc import Iterator
from datetime import timedelta
import logging
import socket
from unittest.mock import patch

from aiohttp.abc import AbstractResolver, ResolveResult
from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from homeassistant.components.climate import (
    ATTR_CURRENT_TEMPERATURE,
    ATTR_TEMPERATURE,
    HVACMode,
)
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant, State

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
    LOGIN,
    PUSH_TASK,
    WS,
    devdata_dids,
    device_entry,
    entity,
    make_entry,
    online_dids,
    settle,
    socket_reads,
    tick,
    tick_until,
    until,
)
from .helpers import LOGGER_NAME, SetupEntry, entity_state, log_lines, paths, state_of


def coordinator_of(entry: MockConfigEntry) -> CloudBridgeCoordinator:
    """Return an entry's coordinator."""
    return entry.runtime_data.coordinator


def state(hass: HomeAssistant, platform: str, did: str, point: str) -> str:
    """Return the state of a device's point."""
    return state_of(hass, entity(hass, platform, did, point))


def ac(hass: HomeAssistant, did: str = LIVING_AC_DID) -> State:
    """Return an air conditioner's thermostat as Home Assistant shows it."""
    return entity_state(hass, entity(hass, "climate", did, "climate"))


def bound(sim: GizwitsSimulator) -> list[str]:
    """Return the demo user's bound devices, sorted."""
    return sorted(sim.user().bindings)


def polls(sim: GizwitsSimulator) -> int:
    """Return how many polls the cloud saw (each reads the bindings from skip 0)."""
    return sum(
        1 for r in sim.requests if r.path == BINDINGS and r.query.get("skip") == "0"
    )


async def assert_polled_every_30_seconds(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: GizwitsSimulator,
    *,
    state: bool = True,
) -> None:
    """Let two minutes pass: four polls, each reading the state by REST (or none)."""
    sim.clear_requests()
    for _ in range(4):
        await tick(hass, freezer, 30)
    assert polls(sim) == 4
    assert devdata_dids(sim) == (sorted(online_dids(sim) * 4) if state else [])


async def up(sim: GizwitsSimulator, entry: MockConfigEntry) -> AppSocket:
    """Wait until the one socket is logged in, subscribed and has read every device."""
    coordinator = coordinator_of(entry)
    await until(lambda: coordinator.pushing is True, "push up")
    (sock,) = sim.push.open_sockets
    await until(
        lambda: (
            sorted(sock.subscriptions) == bound(sim)
            and sorted(socket_reads(sock)) == online_dids(sim)
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
    assert BEDROOM_AC_DID not in socket_reads(sock)
    assert [r.path for r in sim.requests].count(WS) == 1


async def test_notification_shows_at_once(
    hass: HomeAssistant, gizwits_push_sim: GizwitsSimulator, pushed: MockConfigEntry
) -> None:
    """A change on the device shows without a poll: no REST request at all."""
    sim = gizwits_push_sim
    sim.clear_requests()
    sim.set_attr(LIVING_AC_DID, "set_temp", 22)
    await until(
        lambda: ac(hass).attributes[ATTR_TEMPERATURE] == 22,
        "pushed set_temp",
    )
    sim.set_attr(LIVING_AC_DID, "switch", False)
    await until(
        lambda: ac(hass).state == HVACMode.OFF,
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
    await until(lambda: ac(hass).state == HVACMode.HEAT, "pushed mode")
    # Still on (the switch), at the temperature it had.
    assert ac(hass).attributes[ATTR_TEMPERATURE] == 26


async def test_a_pushed_value_that_is_no_value_is_logged_once(
    hass: HomeAssistant,
    gizwits_push_sim: GizwitsSimulator,
    pushed: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A label the mode enum does not have: unknown, and said once, not per push."""
    (sock,) = gizwits_push_sim.push.open_sockets
    for temperature in (20, 21):
        sock.send(
            {
                "cmd": "s2c_noti",
                "data": {
                    "did": LIVING_AC_DID,
                    "attrs": {"mode": "no such mode", "set_temp": temperature},
                },
            }
        )
        await until(
            lambda t=temperature: ac(hass).attributes[ATTR_TEMPERATURE] == t,
            "pushed target",
        )
    adapter = "custom_components.cloud_bridge.vendors.gizwits.adapter"
    assert log_lines(caplog, logging.WARNING, adapter) == [
        (
            f"Gizwits: device {LIVING_AC_DID} mode reported what is no value of it"
            " (shown as unknown)"
        )
    ]


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
        lambda: ac(hass).attributes[ATTR_CURRENT_TEMPERATURE] == -10,
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
    before = socket_reads(sock).count(BEDROOM_AC_DID)
    sim.set_online(BEDROOM_AC_DID, True)
    await until(
        lambda: ac(hass, BEDROOM_AC_DID).state == HVACMode.OFF,
        "online",
    )
    # A device that came online is read at once.
    await until(lambda: socket_reads(sock).count(BEDROOM_AC_DID) == before + 1, "read")
    assert sim.requests == []


async def test_binding_change_reads_the_devices_again(
    hass: HomeAssistant, gizwits_push_sim: GizwitsSimulator, pushed: MockConfigEntry
) -> None:
    """Unbound in the app: the device leaves at once; bound again, it comes back."""
    sim = gizwits_push_sim
    sim.unbind(TV_PLUG_DID)
    await until(lambda: device_entry(hass, TV_PLUG_DID) is None, "device gone")
    assert BINDINGS in paths(sim)
    sim.clear_requests()
    sim.bind(TV_PLUG_DID)
    await until(lambda: device_entry(hass, TV_PLUG_DID) is not None, "device back")
    (sock,) = sim.push.open_sockets
    await until(lambda: TV_PLUG_DID in sock.subscriptions, "subscribed again")
    # Its state is read on the socket, not by REST.
    assert sim.device(TV_PLUG_DID).attr["switch"] is True
    await until(
        lambda: state(hass, "switch", TV_PLUG_DID, "switch") == STATE_ON,
        "read on the socket",
    )
    assert devdata_dids(sim) == []
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
        lambda: ac(hass).attributes[ATTR_TEMPERATURE] == 20,
        "missed change read",
    )
    # Read through the socket, not by a poll.
    assert paths(sim) == [WS]
    assert log_lines(caplog, logging.INFO)[1:] == [
        f"Gizwits {DEMO_USERNAME}: pushed updates are back"
    ]
    push = pushed.runtime_data.coordinator.adapter.diagnostics()["push"]
    assert push["reconnects"] == 1


def lose_a_report(sim: GizwitsSimulator, did: str, name: str, value: object) -> None:
    """Change a datapoint in the cloud as a report whose notification was lost."""
    device = sim.device(did)
    device.attr[name] = (
        sim.product(device.product_key).by_name[name].from_reading(value)
    )


async def start_safety_poll(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: GizwitsSimulator,
    sock: AppSocket,
) -> None:
    """Let 5 minutes pass: the safety poll asks every online device on the socket."""
    asked = len(socket_reads(sock, numbered=True)) + len(online_dids(sim))
    freezer.tick(timedelta(minutes=5))
    async_fire_time_changed(hass)
    await until(
        lambda: len(socket_reads(sock, numbered=True)) == asked, "safety reads sent"
    )


async def test_polls_every_five_minutes_while_pushed(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    gizwits_push_sim: GizwitsSimulator,
    pushed: MockConfigEntry,
) -> None:
    """While pushed: bindings every 30 s, the state every 5 minutes, on the socket.

    A change whose notification was lost shows at the next state read; without
    push, REST reads every device every 30 s.
    """
    sim = gizwits_push_sim
    (sock,) = sim.push.open_sockets
    sim.clear_requests()
    lose_a_report(sim, LIVING_AC_DID, "set_temp", 19)
    for half_minute in range(1, 21):  # 10 minutes
        await tick(hass, freezer, 30)
        assert sim.push.check_heartbeats() == []
        safety_reads = socket_reads(sock, numbered=True)
        assert len(safety_reads) == len(online_dids(sim)) * (half_minute // 10)
        if half_minute == 9:
            assert ac(hass).attributes[ATTR_TEMPERATURE] == 26
    assert ac(hass).attributes[ATTR_TEMPERATURE] == 19
    assert polls(sim) == 20
    assert devdata_dids(sim) == []
    assert sorted(socket_reads(sock, numbered=True)) == sorted(online_dids(sim) * 2)
    assert sock.cmds.count("ping") == 10
    push = coordinator_of(pushed).adapter.diagnostics()["push"]
    assert push["last_socket_read"] == {
        "asked": len(online_dids(sim)),
        "answered": len(online_dids(sim)),
    }

    sim.push.refuse = True
    sim.push.drop()
    await until(lambda: coordinator_of(pushed).pushing is False, "push down")
    await assert_polled_every_30_seconds(hass, freezer, sim)
    assert sorted(set(devdata_dids(sim))) == online_dids(sim)


async def test_a_device_silent_on_the_socket_is_read_by_rest(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    gizwits_push_sim: GizwitsSimulator,
    pushed: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A device that does not answer within 10 s: the safety poll reads it by REST."""
    sim = gizwits_push_sim
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    (sock,) = sim.push.open_sockets
    sim.push.silent.add(TV_PLUG_DID)
    lose_a_report(sim, TV_PLUG_DID, "switch", False)
    sim.clear_requests()
    await start_safety_poll(hass, freezer, sim, sock)
    await until(lambda: polls(sim) == 1, "bindings read")
    assert devdata_dids(sim) == []  # waiting for the socket's answers

    freezer.tick(timedelta(seconds=10))
    async_fire_time_changed(hass)
    await settle(hass)
    assert devdata_dids(sim) == [TV_PLUG_DID]
    assert state(hass, "switch", TV_PLUG_DID, "switch") == STATE_OFF
    push = coordinator_of(pushed).adapter.diagnostics()["push"]
    assert push["last_socket_read"] == {
        "asked": len(online_dids(sim)),
        "answered": len(online_dids(sim)) - 1,
    }
    assert coordinator_of(pushed).pushing is True
    assert (
        f"Gizwits {DEMO_USERNAME}: 1 of {len(online_dids(sim))} devices did not "
        "answer on their socket; read by REST"
    ) in log_lines(caplog, logging.DEBUG)


async def test_a_drop_during_the_safety_poll_reads_the_rest_by_rest_at_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    gizwits_push_sim: GizwitsSimulator,
    pushed: MockConfigEntry,
) -> None:
    """The socket drops while devices are still to answer: REST reads them now."""
    sim = gizwits_push_sim
    (sock,) = sim.push.open_sockets
    sim.push.silent.update(online_dids(sim))
    sim.clear_requests()
    await start_safety_poll(hass, freezer, sim, sock)
    sim.push.refuse = True
    sim.push.drop()
    await settle(hass)  # no time passes: the drop ends the wait
    assert devdata_dids(sim) == online_dids(sim)
    assert coordinator_of(pushed).pushing is False


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


async def test_login_required_renews_and_logs_in_again(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    gizwits_push_sim: GizwitsSimulator,
    pushed: MockConfigEntry,
) -> None:
    """1009 (the token expired): renew it, log in again on the same socket, resync."""
    sim = gizwits_push_sim
    old_token = pushed.data["token"]
    sim.expire_tokens()
    sim.set_attr(LIVING_AC_DID, "set_temp", 18)  # the cloud skips a stale socket
    sim.clear_requests()
    await tick(hass, freezer, 60)  # the next ping hears 1009
    (sock,) = sim.push.open_sockets
    await until(lambda: len(sim.push.logins) == 2 and sock.login is not None, "again")
    assert [login.success for login in sim.push.logins] == [True, True]
    assert sock.login.token == pushed.data["token"] != old_token
    # The poll's refused token and the socket's 1009: one renewal for both.
    assert paths(sim).count(LOGIN) == 1
    await until(
        lambda: ac(hass).attributes[ATTR_TEMPERATURE] == 18,
        "read after the new login",
    )
    assert len(sim.push.sockets) == 1
    assert coordinator_of(pushed).pushing is True


async def test_refused_login_renews_the_token_and_reconnects(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    gizwits_push_sim: GizwitsSimulator,
    pushed: MockConfigEntry,
) -> None:
    """A login refused: the token is renewed, and the next socket logs in."""
    sim = gizwits_push_sim
    sim.tokens.clear()  # the cloud forgot every token
    sim.push.drop()
    await until(lambda: coordinator_of(pushed).pushing is False, "push down")
    await tick(hass, freezer, 3)
    await until(lambda: len(sim.push.logins) == 2, "refused login")
    assert not sim.push.logins[1].success
    await until(lambda: pushed.data["token"] in sim.tokens, "token renewed")
    coordinator = coordinator_of(pushed)
    await tick_until(hass, freezer, lambda: coordinator.pushing is True, "back")
    await up(sim, pushed)
    assert [login.success for login in sim.push.logins] == [True, False, True]
    assert sim.push.logins[2].token == pushed.data["token"]


async def test_push_refused_polls_every_30_seconds(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    gizwits_push_sim: GizwitsSimulator,
    setup_entry: SetupEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Sockets refused (HTTP 503): polls every 30 s, said once; retried meanwhile."""
    sim = gizwits_push_sim
    sim.push.refuse = True
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    entry = await setup_entry(make_entry(hass, sim))
    coordinator = coordinator_of(entry)
    await until(lambda: coordinator.pushing is False, "push refused")
    assert log_lines(caplog, logging.INFO) == [
        (
            f"Gizwits {DEMO_USERNAME}: pushed updates are not available (the cloud "
            "refused the socket (HTTP 503)); polling every 30 s"
        )
    ]
    await assert_polled_every_30_seconds(hass, freezer, sim)
    assert paths(sim).count(WS) >= 2
    assert len(log_lines(caplog, logging.INFO)) == 1

    sim.push.refuse = False
    await tick(hass, freezer, 60)
    await up(sim, entry)
    # Pushed: the bindings keep their 30 s, the state is not read.
    await assert_polled_every_30_seconds(hass, freezer, sim, state=False)


class LocalDNS(AbstractResolver):
    """A resolver that finds every host on this machine (no network in tests)."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve any host to 127.0.0.1."""
        return [
            ResolveResult(
                hostname=host,
                host="127.0.0.1",
                port=port,
                family=socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
        ]

    async def close(self) -> None:
        """Nothing to close."""

    async def real_close(self) -> None:
        """Nothing to close (Home Assistant closes its resolver with this)."""


@pytest.fixture
def local_dns() -> Iterator[None]:
    """Give Home Assistant's HTTP session a DNS that finds every host here."""
    with patch(
        "homeassistant.helpers.aiohttp_client._async_make_resolver",
        return_value=LocalDNS(),
    ):
        yield


async def test_one_socket_per_distinct_host(
    hass: HomeAssistant,
    local_dns: None,
    gizwits_push_sim: GizwitsSimulator,
    setup_entry: SetupEntry,
) -> None:
    """Devices on two hosts: two sockets, each subscribed to its own devices."""
    sim = gizwits_push_sim
    elsewhere = [TV_PLUG_DID, CEILING_LAMP_DID]
    for did in elsewhere:
        sim.device(did).host = "m2m-2.gizwits.test"
    entry = await setup_entry(make_entry(hass, sim))
    await until(lambda: coordinator_of(entry).pushing is True, "both up")
    await until(
        lambda: (
            sum(len(s.subscriptions) for s in sim.push.open_sockets) == len(bound(sim))
        ),
        "subscribed",
    )
    by_host = {
        sock.host.rsplit(":", 1)[0]: sorted(sock.subscriptions)
        for sock in sim.push.open_sockets
    }
    assert by_host == {
        "m2m-2.gizwits.test": sorted(elsewhere),
        "127.0.0.1": sorted(set(bound(sim)) - set(elsewhere)),
    }
    sim.set_attr(TV_PLUG_DID, "switch", False)
    await until(
        lambda: state(hass, "switch", TV_PLUG_DID, "switch") == STATE_OFF, "pushed"
    )
    push = coordinator_of(entry).adapter.diagnostics()["push"]
    port = sim.state.ws_port
    assert push["connected_hosts"] == [
        f"127.0.0.1:{port}",
        f"m2m-2.gizwits.test:{port}",
    ]
    # No device left on a host: its socket is closed.
    (second,) = [s for s in sim.push.open_sockets if "m2m-2" in s.host]
    for did in elsewhere:
        sim.unbind(did)
    await until(lambda: second.closed, "second socket closed")
    assert second.close_code == 1000
    assert len(sim.push.open_sockets) == 1
    assert coordinator_of(entry).pushing is True


async def test_a_loopback_server_is_spoken_to_without_tls(
    hass: HomeAssistant, gizwits_push_sim: GizwitsSimulator, setup_entry: SetupEntry
) -> None:
    """A TLS port on a loopback test server: its plain port is used."""
    sim = gizwits_push_sim
    sim.state.wss_port = 8880  # nothing listens there
    entry = await setup_entry(make_entry(hass, sim))
    await up(sim, entry)


async def test_pings_keep_the_socket_open(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    gizwits_push_sim: GizwitsSimulator,
    pushed: MockConfigEntry,
) -> None:
    """A ping every 60 s keeps the socket inside the announced 180 s."""
    sim = gizwits_push_sim
    (sock,) = sim.push.open_sockets
    for seconds in range(20, 260, 20):
        await tick(hass, freezer, 20)
        pings = seconds // 60
        await until(
            lambda pings=pings: sock.cmds.count("ping") == pings, f"{pings} pings"
        )
        assert sim.push.check_heartbeats() == []
    assert sock.sent[-1] == {"cmd": "pong"}
    assert not sock.closed


async def test_command_confirmed_by_push(
    hass: HomeAssistant, gizwits_push_sim: GizwitsSimulator, pushed: MockConfigEntry
) -> None:
    """A command goes through REST control; the device's report comes pushed."""
    sim = gizwits_push_sim
    sim.clear_requests()
    await hass.services.async_call(
        "switch",
        "turn_off",
        {"entity_id": entity(hass, "switch", TV_PLUG_DID, "switch")},
        blocking=True,
    )
    assert paths(sim) == [f"/app/control/{TV_PLUG_DID}"]
    (sock,) = sim.push.open_sockets
    await until(
        lambda: (
            sock.sent[-1]["data"]
            == {"did": TV_PLUG_DID, "attrs": sock.sent[-1]["data"]["attrs"]}
            and sock.sent[-1]["data"]["attrs"]["switch"] is False
        ),
        "report pushed",
    )
    assert state(hass, "switch", TV_PLUG_DID, "switch") == STATE_OFF


async def test_redirected_socket_sends_nothing(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    local_dns: None,
    gizwits_push_sim: GizwitsSimulator,
    setup_entry: SetupEntry,
) -> None:
    """A redirected upgrade is closed before the login: no token goes there."""
    sim = gizwits_push_sim
    port = sim.state.ws_port
    sim.faults.add(
        "redirect", path=WS, location=f"http://elsewhere.gizwits.test:{port}{WS}"
    )
    entry = await setup_entry(make_entry(hass, sim))
    await until(lambda: coordinator_of(entry).pushing is False, "refused")
    (redirected,) = sim.push.sockets
    await until(lambda: redirected.closed, "closed")
    assert redirected.received == []
    assert redirected.host == f"elsewhere.gizwits.test:{port}"
    assert sim.push.logins == []
    await tick(hass, freezer, 3)
    await up(sim, entry)


async def test_diagnostics_show_the_push_state(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    gizwits_push_sim: GizwitsSimulator,
    pushed: MockConfigEntry,
) -> None:
    """Hosts, subscriptions, the last message's age, reconnects; no token."""
    sim = gizwits_push_sim
    await tick(hass, freezer, 12)
    push = coordinator_of(pushed).adapter.diagnostics()["push"]
    assert push == {
        "sockets": 1,
        "connected_hosts": [f"127.0.0.1:{sim.state.ws_port}"],
        "subscribed": len(bound(sim)),
        "not_subscribed": 0,
        "without_socket": 0,
        "last_message_age": 12.0,
        "reconnects": 0,
        "pushing": True,
        "last_socket_read": None,
    }
