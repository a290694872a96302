"""The Gizwits app WebSocket (``/ws/app/v1``): login, subscriptions, push, read/write.

It follows Gizwits' WebSocket API as ``gizwits-app-channels.md`` §1 gathers it
(frames ``{"cmd", "data"}``; ``req_sn``/``res_sn`` at the top level). Where the
document is silent, the choice made here:

- ``login_req`` needs ``appid`` (registered), ``uid``, ``token`` (a valid token of
  that uid and AppID, classic or AEP), ``p0_type`` ("attrs_v4" or "custom") and
  ``heartbeat_interval`` (an integer 1-180: "must be less than or equal to 180"; more
  is refused, not clamped); ``auto_subscribe`` defaults to true. Anything else
  answers ``success: false`` and leaves the socket open and logged out. A login
  replaces the socket's earlier login and subscriptions; ``auto_subscribe`` subscribes
  the devices bound at that moment (not disabled), with no ``subscribe_res``.
- Heartbeat: a socket must send ``ping`` within its interval (180 s before login,
  then ``heartbeat_interval``) counted from the upgrade, the login and each ``ping``;
  only ``ping`` counts. At or after the deadline the cloud closes it with code 1000
  "heartbeat timeout" (a ping exactly at the interval is too late, as the note
  warns). Time comes from ``clock`` (injectable); :meth:`AppPush.check_heartbeats`
  runs the check, and a background loop runs it every second unless ``auto_check``
  is False (then only the test's calls close sockets: fully deterministic).
- Every frame other than ``login_req`` from a socket without a valid login (never
  logged in, or its token expired or is gone) is answered ``s2c_invalid_msg``
  ``{error_code: 1009}``; a ``ping`` still gets its ``pong`` first. A socket found
  with an invalid token is logged out; pushes skip such sockets.
- Other refusals reuse the Open API's codes in ``s2c_invalid_msg``: 9015 (not JSON,
  no ``cmd``, unknown ``cmd``, bad fields, read/write with ``p0_type`` "custom"),
  9014 unknown device, 9017 not bound, 9023 disabled, 9025 bad attrs, 9042 offline.
- ``subscribe_res`` items: success ``{did, error_code: 0, msg: "ok"}``; failed with
  9014 or 9017 and the table's message.
- A device's report goes as ``s2c_noti`` to every socket subscribed to it (logged in
  with ``attrs_v4``, still bound). ``full_attrs`` True (default): every datapoint, as
  fixed-length devices always report (a read's ``names`` are then ignored, as the
  document says for fixed-length data points); False: only the datapoints the
  report wrote (a read with ``names`` reports those names). Values as the WebSocket
  document shows them (see ``gizwits_model``).
- ``c2s_read`` makes the device report its state (all subscribers hear it);
  ``c2s_write`` changes the device as REST control does (recorded in ``controls``).
  The requester's copy carries ``res_sn`` when it sent ``req_sn``; like every device
  message it reaches the requester only if subscribed ("users can receive
  device-related messages only if they have subscribed"). No ``s2c_ack`` is sent.
- ``server_req_sn``: every other ``s2c_noti`` carries the socket's next ``req_sn``
  (1, 2, ...); ``c2s_ack {res_sn, did}`` frames are recorded (``acks``) and clear
  ``unacked``; nothing is resent.
- ``s2c_online_status`` goes to the device's subscribers when ``set_online`` changes
  it; ``online_field`` names its flag ("online", or "is_online" as one client reads).
  ``s2c_binding_changed`` goes to every logged-in socket of the user on bind/unbind;
  unbinding also ends those sockets' subscriptions to the device.
- ``c2s_raw`` (bound, online device) is recorded in ``raw_controls``; no ``s2c_raw``.
- ``silent``: devices that take a ``c2s_read`` but never answer it (gone from their
  network while the cloud still counts them online, until their heartbeat ends);
  REST ``devdata/latest`` still serves what they last reported.
- ``refuse``: upgrades answer HTTP 503 (the socket never opens). :meth:`drop`
  closes every open socket with 1001 "going away" (or ``abrupt``: the TCP connection
  is cut without a close frame).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field, replace
import functools
import json
import logging
import time
from typing import TYPE_CHECKING, Any

from aiohttp import WSCloseCode, WSMsgType, web

from .gizwits_model import ERROR_MESSAGES, Device, GizwitsError, User
from .gizwits_state import check_raw

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    from .gizwits import GizwitsSimulator

WS_PATH = "/ws/app/v1"
MAX_HEARTBEAT = 180
LOGIN_REQUIRED = 1009
HEARTBEAT_CHECK_EVERY = 1.0
P0_TYPES = ("attrs_v4", "custom")

_LOGGER = logging.getLogger(__name__)
_DUMPS = functools.partial(json.dumps, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class AppLogin:
    """One ``login_req`` a socket sent, and whether it succeeded."""

    socket_id: int
    app_id: Any
    uid: Any
    token: Any
    p0_type: Any
    heartbeat_interval: Any
    auto_subscribe: Any
    success: bool


@dataclass(frozen=True, slots=True)
class _Answer:
    """The read/write being answered: who asked and its req_sn."""

    socket: AppSocket
    req_sn: int


@dataclass(eq=False)
class AppSocket:
    """One app WebSocket: what it sent and got, its login and subscriptions."""

    id: int
    host: str
    ws: web.WebSocketResponse = field(repr=False)
    request: web.Request = field(repr=False)
    last_heartbeat: float
    login: AppLogin | None = None
    subscriptions: list[str] = field(default_factory=list)
    received: list[Any] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)
    acks: list[tuple[Any, Any]] = field(default_factory=list)
    unacked: dict[int, str] = field(default_factory=dict)
    closed: bool = False
    close_code: int | None = None
    next_sn: int = 1
    outbox: asyncio.Queue[dict[str, Any]] = field(
        default_factory=asyncio.Queue, repr=False
    )

    @property
    def cmds(self) -> list[str | None]:
        """Return the cmd of every frame received, in order (None: not a command)."""
        return [
            frame.get("cmd") if isinstance(frame, dict) else None
            for frame in self.received
        ]

    @property
    def heartbeat_interval(self) -> int:
        """Return how long the cloud waits for a ping on this socket."""
        if self.login is None:
            return MAX_HEARTBEAT
        interval: int = self.login.heartbeat_interval
        return interval

    def send(self, frame: dict[str, Any]) -> None:
        """Queue a frame for the socket (sent in order) and record it."""
        if self.closed:
            return
        self.sent.append(frame)
        self.outbox.put_nowait(frame)


class _InvalidFrameError(Exception):
    """A frame the cloud answers with s2c_invalid_msg."""

    def __init__(self, code: int, detail: str = "") -> None:
        """Make the refusal of code."""
        super().__init__(code, detail)
        self.code = code
        self.detail = detail

    @classmethod
    def of(cls, err: GizwitsError) -> _InvalidFrameError:
        """Return the refusal of an Open API error."""
        return cls(err.code, err.detail or "")

    @property
    def msg(self) -> str:
        """Return the frame's msg."""
        if self.code == LOGIN_REQUIRED:
            base = "login required: not logged in, or the token is no longer valid"
        else:
            base = ERROR_MESSAGES.get(self.code, "invalid message")
        return f"{base} {self.detail}".strip()


class AppPush:
    """The app WebSocket of one Gizwits simulator (``sim.push``).

    Switches: ``full_attrs``, ``online_field``, ``server_req_sn``, ``refuse``,
    ``silent``, ``clock``, ``auto_check``. Methods: :meth:`check_heartbeats`,
    :meth:`drop`. Records: ``sockets`` (every socket, open or closed),
    ``open_sockets``, ``logins``, ``acks``; each :class:`AppSocket` keeps its
    frames, login and subscriptions.
    """

    def __init__(self, sim: GizwitsSimulator) -> None:
        """Serve the app WebSocket for sim."""
        self._sim = sim
        self.sockets: list[AppSocket] = []
        self.full_attrs = True
        self.online_field = "online"
        self.server_req_sn = False
        self.refuse = False
        self.silent: set[str] = set()
        self.clock: Callable[[], float] = time.monotonic
        self.auto_check = True
        self.logins: list[AppLogin] = []
        self._answer: _Answer | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._handlers: dict[str, Callable[[AppSocket, User, dict[str, Any]], None]] = {
            "subscribe_req": self._subscribe,
            "c2s_read": self._read,
            "c2s_write": self._write,
            "c2s_ack": self._ack,
            "c2s_raw": self._raw,
        }
        sim.state.report_listeners.append(self._reported)

    # --- records --------------------------------------------------------------------

    @property
    def open_sockets(self) -> list[AppSocket]:
        """Return the sockets still open, in the order they opened."""
        return [sock for sock in self.sockets if not sock.closed]

    @property
    def acks(self) -> list[tuple[int, Any, Any]]:
        """Return (socket id, res_sn, did) of every c2s_ack, socket by socket."""
        return [(sock.id, *ack) for sock in self.sockets for ack in sock.acks]

    # --- lifecycle ------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        """Add the WebSocket path."""
        app.router.add_get(WS_PATH, self._handle)

    def start(self) -> None:
        """Start the background heartbeat check (the server just started)."""
        self._spawn(self._heartbeats())

    async def stop(self) -> None:
        """Cut every socket and stop the background work (the server stops)."""
        for sock in self.open_sockets:
            self._cut(sock)
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _spawn(self, coro: Any) -> None:
        """Run coro in the background until done or stopped."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _heartbeats(self) -> None:
        """Run the heartbeat check every second."""
        while True:
            await asyncio.sleep(HEARTBEAT_CHECK_EVERY)
            if self.auto_check:
                self.check_heartbeats()

    # --- switches -------------------------------------------------------------------

    def check_heartbeats(self) -> list[AppSocket]:
        """Close every socket whose ping is overdue by ``clock``; return them."""
        now = self.clock()
        overdue = [
            sock
            for sock in self.open_sockets
            if now - sock.last_heartbeat >= sock.heartbeat_interval
        ]
        for sock in overdue:
            self._close(sock, WSCloseCode.OK, "heartbeat timeout")
        return overdue

    def drop(self, *, abrupt: bool = False) -> int:
        """Close every open socket (1001, or cut the connection); return how many."""
        dropped = self.open_sockets
        for sock in dropped:
            if abrupt:
                self._cut(sock)
            else:
                self._close(sock, WSCloseCode.GOING_AWAY, "going away")
        return len(dropped)

    def _close(self, sock: AppSocket, code: int, message: str) -> None:
        """Send a close frame in the background (the client may not be reading)."""
        sock.closed = True
        sock.close_code = code
        self._spawn(sock.ws.close(code=code, message=message.encode()))

    @staticmethod
    def _cut(sock: AppSocket) -> None:
        """Cut a socket's connection without a close frame."""
        sock.closed = True
        sock.close_code = WSCloseCode.ABNORMAL_CLOSURE
        if sock.request.transport is not None:
            sock.request.transport.abort()

    # --- events from the cloud ------------------------------------------------------

    def _reported(self, device: Device, names: Collection[str] | None) -> None:
        """Push a device's report to its subscribers (and answer a read/write)."""
        attrs = self._attrs(device, None if self.full_attrs else names)
        answer = self._answer
        for sock in self.open_sockets:
            if not self._hears(sock, device.did, attrs_v4=True):
                continue
            frame: dict[str, Any] = {"cmd": "s2c_noti"}
            if answer is not None and answer.socket is sock:
                frame["res_sn"] = answer.req_sn
            elif self.server_req_sn:
                frame["req_sn"] = sock.next_sn
                sock.unacked[sock.next_sn] = device.did
                sock.next_sn += 1
            frame["data"] = {"did": device.did, "attrs": attrs}
            sock.send(frame)

    def online_changed(self, device: Device) -> None:
        """Push s2c_online_status to the device's subscribers."""
        for sock in self.open_sockets:
            if self._hears(sock, device.did, attrs_v4=False):
                sock.send(
                    {
                        "cmd": "s2c_online_status",
                        "data": {
                            "did": device.did,
                            "mac": device.mac,
                            "passcode": device.passcode,
                            self.online_field: device.online,
                        },
                    }
                )

    def binding_changed(self, user: User, did: str, bound: bool) -> None:
        """Push s2c_binding_changed to the user's sockets; unbinding unsubscribes."""
        for sock in self.open_sockets:
            if self._user(sock) is not user:
                continue
            if not bound and did in sock.subscriptions:
                sock.subscriptions.remove(did)
            sock.send(
                {"cmd": "s2c_binding_changed", "data": {"did": did, "bind": bound}}
            )

    def _attrs(self, device: Device, names: Collection[str] | None) -> dict[str, Any]:
        """Return a device's datapoints (all, or those named) as s2c_noti has them."""
        product = self._sim.state.products[device.product_key]
        return {
            dp.name: dp.pushed(device.attr[dp.name])
            for dp in product.datapoints
            if dp.name in device.attr and (names is None or dp.name in names)
        }

    def _user(self, sock: AppSocket) -> User | None:
        """Return the user of a socket's login if its token is still valid."""
        login = sock.login
        if login is None:
            return None
        token = self._sim.state.valid_token(login.token)
        if token is None or token.uid != login.uid or token.app_id != login.app_id:
            return None
        return self._sim.state.find_user(login.uid)

    def _hears(self, sock: AppSocket, did: str, *, attrs_v4: bool) -> bool:
        """Return whether a socket receives a device's messages."""
        user = self._user(sock)
        return (
            user is not None
            and did in sock.subscriptions
            and did in user.bindings
            and (
                not attrs_v4
                or (sock.login is not None and sock.login.p0_type == "attrs_v4")
            )
        )

    # --- the socket -----------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        """Upgrade to a WebSocket (503 while refused) and serve it until it closes."""
        if self.refuse:
            raise web.HTTPServiceUnavailable(text="WebSocket connections are refused")
        ws = web.WebSocketResponse()
        if not ws.can_prepare(request).ok:
            raise web.HTTPBadRequest(text="a WebSocket upgrade is required")
        await ws.prepare(request)
        sock = AppSocket(
            id=len(self.sockets) + 1,
            host=request.host,
            ws=ws,
            request=request,
            last_heartbeat=self.clock(),
        )
        self.sockets.append(sock)
        writer = asyncio.get_running_loop().create_task(self._send_loop(sock))
        try:
            async for message in ws:
                if message.type is WSMsgType.TEXT:
                    self._frame(sock, message.data)
                else:
                    sock.received.append(message.data)
                    self._invalid(
                        sock, _InvalidFrameError(9015, "frames are JSON text")
                    )
        finally:
            if not sock.closed:
                sock.closed = True
                sock.close_code = ws.close_code
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
        return ws

    @staticmethod
    async def _send_loop(sock: AppSocket) -> None:
        """Send the socket's queued frames, in order."""
        while True:
            frame = await sock.outbox.get()
            try:
                await sock.ws.send_str(_DUMPS(frame))
            except ConnectionError, RuntimeError:
                return

    def _invalid(self, sock: AppSocket, err: _InvalidFrameError) -> None:
        """Answer s2c_invalid_msg."""
        sock.send(
            {"cmd": "s2c_invalid_msg", "data": {"error_code": err.code, "msg": err.msg}}
        )

    def _frame(self, sock: AppSocket, text: str) -> None:
        """Handle one text frame; answer a refusal with s2c_invalid_msg."""
        try:
            frame: Any = json.loads(text)
        except ValueError:
            frame = text
        sock.received.append(frame)
        try:
            self._dispatch(sock, frame)
        except _InvalidFrameError as err:
            self._invalid(sock, err)
        except GizwitsError as err:
            self._invalid(sock, _InvalidFrameError.of(err))
        except Exception:
            _LOGGER.exception("Gizwits app WebSocket failed on a frame")
            self._invalid(sock, _InvalidFrameError(9008))

    def _dispatch(self, sock: AppSocket, frame: Any) -> None:
        """Check the frame and the socket's login, then run the frame's command."""
        if not isinstance(frame, dict) or not isinstance(frame.get("cmd"), str):
            raise _InvalidFrameError(9015, "a frame is a JSON object with a cmd")
        cmd = frame["cmd"]
        if cmd == "login_req":
            self._login(sock, frame.get("data"))
            return
        if cmd == "ping":
            sock.last_heartbeat = self.clock()
            sock.send({"cmd": "pong"})
        user = self._user(sock)
        if user is None:
            sock.login = None
            sock.subscriptions.clear()
            raise _InvalidFrameError(LOGIN_REQUIRED)
        if cmd == "ping":
            return
        handler = self._handlers.get(cmd)
        if handler is None:
            raise _InvalidFrameError(9015, f"unknown cmd {cmd!r}")
        handler(sock, user, frame)

    def _login(self, sock: AppSocket, data: Any) -> None:
        """login_req: check the AppID, uid, token and options; answer login_res."""
        data = data if isinstance(data, dict) else {}
        auto = data.get("auto_subscribe", True)
        interval = data.get("heartbeat_interval")
        login = AppLogin(
            socket_id=sock.id,
            app_id=data.get("appid"),
            uid=data.get("uid"),
            token=data.get("token"),
            p0_type=data.get("p0_type"),
            heartbeat_interval=interval,
            auto_subscribe=auto,
            success=False,
        )
        token = (
            self._sim.state.valid_token(login.token)
            if isinstance(login.token, str)
            else None
        )
        user = None if token is None else self._sim.state.find_user(token.uid)
        success = (
            user is not None
            and token is not None
            and login.app_id in self._sim.app_ids
            and token.app_id == login.app_id
            and token.uid == login.uid
            and login.p0_type in P0_TYPES
            and type(interval) is int
            and 0 < interval <= MAX_HEARTBEAT
            and isinstance(auto, bool)
        )
        sock.subscriptions.clear()
        sock.login = None
        if success and user is not None:
            login = replace(login, success=True)
            sock.login = login
            sock.last_heartbeat = self.clock()
            if auto:
                sock.subscriptions.extend(
                    did
                    for did in user.bindings
                    if did in self._sim.devices and not self._sim.devices[did].disabled
                )
        self.logins.append(login)
        sock.send({"cmd": "login_res", "data": {"success": success}})

    def _subscribe(self, sock: AppSocket, user: User, frame: dict[str, Any]) -> None:
        """subscribe_req [{did}, ...]: subscribe the bound devices; answer each."""
        items = frame.get("data")
        if not isinstance(items, list) or not all(
            isinstance(item, dict) and isinstance(item.get("did"), str)
            for item in items
        ):
            raise _InvalidFrameError(9015, "data must be an array of {did}")
        success, failed = [], []
        for item in items:
            did = item["did"]
            try:
                self._sim.state.bound_device(user, did)
            except GizwitsError as err:
                failed.append(
                    {
                        "did": did,
                        "error_code": err.code,
                        "msg": ERROR_MESSAGES[err.code],
                    }
                )
                continue
            if did not in sock.subscriptions:
                sock.subscriptions.append(did)
            success.append({"did": did, "error_code": 0, "msg": "ok"})
        sock.send(
            {"cmd": "subscribe_res", "data": {"success": success, "failed": failed}}
        )

    def _target(
        self, sock: AppSocket, user: User, frame: dict[str, Any]
    ) -> tuple[Device, dict[str, Any], int | None]:
        """Return the device a read/write/raw frame names, its data and req_sn."""
        data = frame.get("data")
        req_sn = frame.get("req_sn")
        if not isinstance(data, dict) or not isinstance(data.get("did"), str):
            raise _InvalidFrameError(9015, "data must be an object with a did")
        if req_sn is not None and type(req_sn) is not int:
            raise _InvalidFrameError(9015, "req_sn must be an integer")
        device = self._sim.state.bound_device(user, data["did"])
        if device.disabled:
            raise _InvalidFrameError(9023)
        return device, data, req_sn

    @staticmethod
    def _attrs_v4(sock: AppSocket) -> None:
        """Refuse a datapoint frame on a socket logged in with p0_type custom."""
        if sock.login is not None and sock.login.p0_type != "attrs_v4":
            raise _InvalidFrameError(9015, "not allowed with p0_type custom")

    def _answering(
        self, sock: AppSocket, req_sn: int | None, report: Callable[[], None]
    ) -> None:
        """Run report; the requester's copy carries res_sn if it sent req_sn."""
        self._answer = None if req_sn is None else _Answer(sock, req_sn)
        try:
            report()
        finally:
            self._answer = None

    def _read(self, sock: AppSocket, user: User, frame: dict[str, Any]) -> None:
        """c2s_read {did, names?}: the device reports its state."""
        self._attrs_v4(sock)
        device, data, req_sn = self._target(sock, user, frame)
        names = data.get("names")
        if names is not None and not (
            isinstance(names, list) and all(isinstance(n, str) for n in names)
        ):
            raise _InvalidFrameError(9015, "names must be an array of datapoint names")
        if not device.online:
            raise _InvalidFrameError(9042)
        if device.did in self.silent:
            return
        self._answering(
            sock, req_sn, lambda: self._sim.state.report(device, names or None)
        )

    def _write(self, sock: AppSocket, user: User, frame: dict[str, Any]) -> None:
        """c2s_write {did, attrs}: change the device as REST control does."""
        self._attrs_v4(sock)
        device, data, req_sn = self._target(sock, user, frame)
        attrs = data.get("attrs")
        if not isinstance(attrs, dict) or not attrs:
            raise _InvalidFrameError(9015, "attrs must be a non-empty object")
        product = self._sim.state.products[device.product_key]
        values = {}
        for name, value in attrs.items():
            datapoint = product.by_name.get(name)
            if datapoint is None or not datapoint.writable:
                raise _InvalidFrameError(9025, f"{name}: no such writable datapoint")
            try:
                values[name] = datapoint.from_push(value)
            except ValueError as err:
                raise _InvalidFrameError(9025, f"{name}: {err}") from err
        if not device.online:
            raise _InvalidFrameError(9042)
        self._sim.state.controls.append((device.did, dict(attrs)))
        self._answering(sock, req_sn, lambda: self._sim.state.apply(device, values))

    def _ack(self, sock: AppSocket, _user: User, frame: dict[str, Any]) -> None:
        """c2s_ack {res_sn, did} (top level): record it."""
        res_sn, did = frame.get("res_sn"), frame.get("did")
        if type(res_sn) is not int or not isinstance(did, str):
            raise _InvalidFrameError(
                9015, "c2s_ack needs res_sn and did at the top level"
            )
        sock.acks.append((res_sn, did))
        if sock.unacked.get(res_sn) == did:
            del sock.unacked[res_sn]

    def _raw(self, sock: AppSocket, user: User, frame: dict[str, Any]) -> None:
        """c2s_raw {did, raw}: record the bytes (not decoded)."""
        device, data, _req_sn = self._target(sock, user, frame)
        raw = check_raw(data.get("raw"), None)
        if not device.online:
            raise _InvalidFrameError(9042)
        self._sim.state.raw_controls.append((device.did, raw))
