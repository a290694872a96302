"""The HA-free app WebSocket client: back-off, and what odd clouds send.

The simulator speaks the document faithfully; the odd frames here come from a
scripted WebSocket server on 127.0.0.1 that sends what a test tells it to.
"""

import asyncio
from collections.abc import AsyncGenerator, Callable
from typing import Any

import aiohttp
from aiohttp import WSMsgType, web
from freezegun.api import FrozenDateTimeFactory
import orjson
import pytest

from homeassistant.core import HomeAssistant

from custom_components.cloud_bridge.vendors.gizwits.app_socket import (
    MAX_BACKOFF,
    AppSocket,
    backoff,
)
from custom_components.cloud_bridge.vendors.gizwits.endpoints import Endpoint
from custom_components.cloud_bridge.vendors.gizwits.errors import (
    GizwitsConnectionError,
)
from simulator.server import SimulatorServer

from .gizwits_helpers import tick, until


def test_backoff_grows_to_a_minute_with_jitter() -> None:
    """3, 6, 12, 24, 48, then 60 s; up to a quarter less at random, never more."""
    assert [backoff(n, 0) for n in range(8)] == [3, 6, 12, 24, 48, 60, 60, 60]
    assert [backoff(n, 1) for n in range(3)] == [2.25, 4.5, 9]
    assert backoff(10**6, 0.5) == MAX_BACKOFF * 0.875


class Script(SimulatorServer):
    """A WebSocket server that answers each frame as a test's function says."""

    def __init__(self) -> None:
        """Answer a login with success and nothing else, until told otherwise."""
        super().__init__()
        self.answer: Callable[[dict[str, Any]], list[Any]] = self.accept
        self.frames: list[Any] = []
        self.sockets: list[web.WebSocketResponse] = []

    @staticmethod
    def accept(frame: dict[str, Any]) -> list[Any]:
        """Answer login_req with success."""
        if frame.get("cmd") == "login_req":
            return [{"cmd": "login_res", "data": {"success": True}}]
        return []

    def add_routes(self, app: web.Application) -> None:
        """Serve the socket path."""
        app.router.add_get("/ws/app/v1", self._socket)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        async for message in ws:
            if message.type is WSMsgType.TEXT:
                frame = orjson.loads(message.data)
                self.frames.append(frame)
                for reply in self.answer(frame):
                    if isinstance(reply, bytes):
                        await ws.send_bytes(reply)
                    elif isinstance(reply, str):
                        await ws.send_str(reply)
                    else:
                        await ws.send_str(orjson.dumps(reply).decode())
        return ws

    async def push(self, *frames: Any) -> None:
        """Send frames on the newest socket."""
        for frame in frames:
            text = frame if isinstance(frame, str) else orjson.dumps(frame).decode()
            await self.sockets[-1].send_str(text)


class Heard:
    """A listener that keeps what the socket tells it."""

    def __init__(self) -> None:
        """Start with nothing heard."""
        self.events: list[tuple[Any, ...]] = []

    def socket_up(self, socket: AppSocket) -> None:
        """Note a login."""
        self.events.append(("up",))

    def socket_down(self, socket: AppSocket, reason: str) -> None:
        """Note a drop."""
        self.events.append(("down", reason))

    def notified(self, did: str, attrs: dict[str, Any]) -> None:
        """Note datapoints."""
        self.events.append(("noti", did, attrs))

    def online_changed(self, did: str, online: bool) -> None:
        """Note an online status."""
        self.events.append(("online", did, online))

    def binding_changed(self, did: str, bound: bool) -> None:
        """Note a binding change."""
        self.events.append(("bind", did, bound))


@pytest.fixture
async def script(socket_enabled: None) -> AsyncGenerator[Script]:
    """Run the scripted server."""
    server = Script()
    await server.start()
    yield server
    await server.stop()


class Run:
    """An AppSocket running against the scripted server, with its renewals."""

    def __init__(self, script: Script, session: aiohttp.ClientSession) -> None:
        """Make the socket; it starts with start()."""
        self.heard = Heard()
        self.renewed: list[str] = []
        self.cloud_down = False
        self.tokens = iter(f"token-{n}" for n in range(100))
        port = int(script.url.rsplit(":", 1)[1])
        self.socket = AppSocket(
            session,
            Endpoint("127.0.0.1", port, False),
            app_id="app",
            credentials=self.credentials,
            renew=self.renew,
            listener=self.heard,
            chance=lambda: 0.0,
        )
        self.task: asyncio.Task[None] | None = None
        self.token = next(self.tokens)

    async def credentials(self) -> tuple[str, str]:
        """Return the uid and the current token."""
        return "uid", self.token

    async def renew(self, refused: str) -> None:
        """Note a renewal and hand out a new token (or fail, the cloud down)."""
        self.renewed.append(refused)
        if self.cloud_down:
            raise GizwitsConnectionError("cannot reach Gizwits")
        self.token = next(self.tokens)

    def start(self) -> None:
        """Run the socket in a task."""
        self.task = asyncio.get_running_loop().create_task(self.socket.run())

    async def stop(self) -> None:
        """Cancel the socket's task."""
        assert self.task is not None
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


@pytest.fixture
async def run(script: Script, session: aiohttp.ClientSession) -> AsyncGenerator[Run]:
    """Return a socket to the scripted server, stopped after the test."""
    running = Run(script, session)
    yield running
    if running.task is not None:
        await running.stop()


async def test_odd_frames_are_ignored(script: Script, run: Run) -> None:
    """Frames that are no JSON object, unknown or incomplete change nothing."""
    run.socket.set_devices({"did1": True})
    run.start()
    await until(lambda: run.socket.up, "logged in")
    await script.push(
        "not json",
        ["a", "list"],
        {"cmd": "what_is_this"},
        {"cmd": "s2c_noti", "data": {"attrs": {"x": 1}}},
        {"cmd": "s2c_noti", "data": {"did": "did1", "attrs": {}}},
        {"cmd": "s2c_online_status", "data": {"did": "did1"}},
        {"cmd": "s2c_binding_changed", "data": {"did": "did1", "bind": "yes"}},
        {"cmd": "subscribe_res", "data": {"success": "none", "failed": [1]}},
        {"cmd": "s2c_invalid_msg", "data": {"error_code": "x"}},
        {"cmd": "s2c_invalid_msg", "data": {"error_code": 9015, "msg": "odd"}},
        {"cmd": "s2c_noti", "data": {"did": "did1", "attrs": {"on": True}}},
    )
    await script.sockets[-1].send_bytes(b"\x00binary")
    await until(lambda: len(run.heard.events) >= 2, "the last frame")
    assert run.heard.events == [("up",), ("noti", "did1", {"on": True})]
    assert run.socket.up


async def test_req_sn_inside_data_is_acknowledged(script: Script, run: Run) -> None:
    """A req_sn read from inside data (the other reading) is acknowledged too."""
    run.start()
    await until(lambda: run.socket.up, "logged in")
    await script.push(
        {"cmd": "s2c_noti", "data": {"did": "d", "attrs": {"a": 1}, "req_sn": 7}},
        {"cmd": "s2c_noti", "req_sn": True, "data": {"did": "d", "attrs": {"a": 2}}},
    )
    await until(lambda: len(run.heard.events) == 3, "both")
    await until(
        lambda: {"cmd": "c2s_ack", "res_sn": 7, "did": "d"} in script.frames, "ack"
    )
    assert [f for f in script.frames if f.get("cmd") == "c2s_ack"] == [
        {"cmd": "c2s_ack", "res_sn": 7, "did": "d"}
    ]


async def test_subscriptions_follow_the_devices(script: Script, run: Run) -> None:
    """Devices added later are subscribed; refused ones are counted, then dropped."""

    def answer(frame: dict[str, Any]) -> list[Any]:
        if frame.get("cmd") == "subscribe_req":
            dids = [item["did"] for item in frame["data"]]
            return [
                {
                    "cmd": "subscribe_res",
                    "data": {
                        "success": [{"did": d} for d in dids if d != "bad"],
                        "failed": [
                            {"did": d, "error_code": 9017, "msg": "not bound"}
                            for d in dids
                            if d == "bad"
                        ],
                    },
                }
            ]
        return Script.accept(frame)

    script.answer = answer
    run.socket.set_devices({f"d{n}": n % 2 == 0 for n in range(150)})
    run.start()
    await until(lambda: run.socket.subscribed == 150, "subscribed")
    await until(
        lambda: [f["cmd"] for f in script.frames].count("c2s_read") == 75, "reads"
    )
    batches = [f for f in script.frames if f["cmd"] == "subscribe_req"]
    assert [len(b["data"]) for b in batches] == [100, 50]
    reads = [f["data"]["did"] for f in script.frames if f["cmd"] == "c2s_read"]
    assert sorted(reads) == sorted(f"d{n}" for n in range(0, 150, 2))

    run.socket.set_devices({"d0": True, "bad": True, "new": False})
    assert run.socket.subscribed == 1  # d0 stays; the others are on their way
    await until(
        lambda: run.socket.refused == {"bad"} and run.socket.subscribed == 2,
        "new subscribed, bad refused",
    )
    run.socket.set_devices({"d0": True})
    assert run.socket.refused == set()
    assert run.socket.subscribed == 1


async def test_refused_logins_renew_once_until_one_works(
    hass: HomeAssistant, script: Script, run: Run, freezer: FrozenDateTimeFactory
) -> None:
    """Every login refused: one renewal, then reconnects without more of them."""
    script.answer = lambda frame: (
        [{"cmd": "login_res", "data": {"success": False}}]
        if frame.get("cmd") == "login_req"
        else []
    )
    run.start()
    for attempt in range(4):
        await until(
            lambda attempt=attempt: (
                len(script.sockets) == attempt + 1
                and run.heard.events.count(
                    ("down", "the cloud refused the socket's login")
                )
                == attempt + 1
            ),
            f"attempt {attempt}",
        )
        await tick(hass, freezer, backoff(attempt, 0))
    assert run.renewed == ["token-0"]
    logins = [f["data"]["token"] for f in script.frames if f["cmd"] == "login_req"]
    assert logins[:2] == ["token-0", "token-1"]
    assert run.socket.reconnects >= 3

    script.answer = Script.accept
    await until(lambda: run.socket.up, "logged in at last")
    # A login that works lets the next refusal renew again.
    assert run.socket.up


async def test_unanswered_login_is_given_up(
    hass: HomeAssistant, script: Script, run: Run, freezer: FrozenDateTimeFactory
) -> None:
    """No login_res: at the first ping time the socket is dropped and retried."""
    script.answer = lambda frame: []
    run.start()
    await until(lambda: len(script.frames) == 1, "login sent")
    await tick(hass, freezer, 60)
    await until(
        lambda: ("down", "the cloud did not answer the login") in run.heard.events,
        "given up",
    )
    await tick(hass, freezer, 3)
    await until(lambda: len(script.sockets) == 2, "again")


async def test_login_required_renews_once_per_working_login(
    script: Script, run: Run
) -> None:
    """1009 (as text or number): renew the token and log in again on the socket."""
    run.start()
    await until(lambda: run.socket.up, "logged in")
    await script.push({"cmd": "s2c_invalid_msg", "data": {"error_code": "1009"}})
    await until(
        lambda: [f["cmd"] for f in script.frames].count("login_req") == 2,
        "login again",
    )
    assert run.renewed == ["token-0"]
    await until(lambda: run.socket.up, "logged in again")
    await script.push({"cmd": "s2c_invalid_msg", "data": {"error_code": 1009}})
    await until(
        lambda: [f["cmd"] for f in script.frames].count("login_req") == 3,
        "login a third time",
    )
    # Renewed once per login that worked.
    assert run.renewed == ["token-0", "token-1"]


async def test_unreachable_socket_is_retried(
    hass: HomeAssistant,
    session: aiohttp.ClientSession,
    freezer: FrozenDateTimeFactory,
    socket_enabled: None,
) -> None:
    """Nothing listening: the socket says why and tries again after the back-off."""
    heard = Heard()

    async def credentials() -> tuple[str, str]:
        return "uid", "token"

    async def renew(_token: str) -> None:
        return None

    socket = AppSocket(
        session,
        Endpoint("127.0.0.1", 9, False),
        app_id="app",
        credentials=credentials,
        renew=renew,
        listener=heard,
    )
    task = asyncio.get_running_loop().create_task(socket.run())
    try:
        await until(lambda: len(heard.events) == 1, "down")
        assert heard.events[0][1].startswith("cannot reach the socket")
        await tick(hass, freezer, 3)
        await until(lambda: len(heard.events) == 2, "down again")
        assert socket.reconnects == 1
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_token_that_cannot_be_renewed_drops_the_socket(
    hass: HomeAssistant, script: Script, run: Run, freezer: FrozenDateTimeFactory
) -> None:
    """1009 and the renewal failing (the cloud down): a drop, then a reconnect."""

    run.cloud_down = True
    run.start()
    await until(lambda: run.socket.up, "logged in")
    await script.push({"cmd": "s2c_invalid_msg", "data": {"error_code": 1009}})
    await until(lambda: ("down", "cannot reach Gizwits") in run.heard.events, "dropped")
    assert run.renewed == ["token-0"]
    run.cloud_down = False
    await tick(hass, freezer, 3)
    await until(lambda: len(script.sockets) == 2 and run.socket.up, "back")


def subscribe_all(frame: dict[str, Any]) -> list[Any]:
    """Subscribe every device asked for; accept the login."""
    if frame.get("cmd") == "subscribe_req":
        return [{"cmd": "subscribe_res", "data": {"success": frame["data"]}}]
    return Script.accept(frame)


def sent_reads(script: Script) -> dict[str, int]:
    """Return the req_sn of each c2s_read that carried one, by device."""
    return {
        f["data"]["did"]: f["req_sn"]
        for f in script.frames
        if f["cmd"] == "c2s_read" and "req_sn" in f
    }


async def test_a_read_is_answered_only_by_its_res_sn(script: Script, run: Run) -> None:
    """Subscribed, online devices are read with a req_sn each; answers count by it.

    The document puts res_sn at the top level; one inside data counts too. A
    res_sn of another device's read, or a boolean, answers nothing.
    """
    script.answer = subscribe_all
    run.socket.set_devices({"a": True, "b": True, "c": True, "off": False})
    run.start()
    await until(lambda: run.socket.subscribed == 4, "subscribed")
    with run.socket.reading(["a", "b", "c", "off", "unknown"]) as reads:
        await until(lambda: len(sent_reads(script)) == 3, "reads sent")
        sns = sent_reads(script)
        assert sorted(sns) == ["a", "b", "c"]
        assert len(set(sns.values())) == 3
        done = asyncio.ensure_future(reads.wait())
        await script.push(
            {"cmd": "s2c_noti", "res_sn": True, "data": {"did": "a", "attrs": {}}},
            {"cmd": "s2c_noti", "res_sn": sns["a"], "data": {"did": "c", "attrs": {}}},
            {"cmd": "s2c_noti", "data": {"did": "b", "attrs": {}, "res_sn": sns["b"]}},
        )
        await until(lambda: "b" in reads.answered, "b answered")
        assert reads.answered == {"b"}
        await script.push(
            {"cmd": "s2c_noti", "res_sn": sns["a"], "data": {"did": "a", "attrs": {}}}
        )
        await until(lambda: "a" in reads.answered, "a answered")
        assert not done.done()
        await script.push(
            {"cmd": "s2c_noti", "res_sn": sns["c"], "data": {"did": "c", "attrs": {}}}
        )
        await done
    assert reads.answered == {"a", "b", "c"}


async def test_a_drop_ends_the_wait_for_answers(script: Script, run: Run) -> None:
    """The connection ends with reads unanswered: the wait ends, none answered."""
    script.answer = subscribe_all
    run.socket.set_devices({"a": True})
    run.start()
    await until(lambda: run.socket.subscribed == 1, "subscribed")
    with run.socket.reading(["a"]) as reads:
        await until(lambda: len(sent_reads(script)) == 1, "read sent")
        await script.sockets[-1].close()
        await reads.wait()
    assert reads.answered == set()


async def test_nothing_is_read_before_the_login(script: Script, run: Run) -> None:
    """Before the socket is logged in and subscribed, a read asks nothing."""
    run.socket.set_devices({"a": True})
    with run.socket.reading(["a"]) as reads:
        await reads.wait()
    assert reads.answered == set()
    assert script.frames == []
