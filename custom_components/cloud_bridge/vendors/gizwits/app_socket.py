"""Gizwits' app WebSocket (``/ws/app/v1``): one socket, its login and pushes.

Free of Home Assistant: it takes the aiohttp session it is given, and tells a
listener what the cloud pushes. The frames are Gizwits' WebSocket API as
``gizwits-app-channels.md`` gathers it. Where that is silent, the choices:

- ``login_req`` announces ``heartbeat_interval`` 180 s and ``auto_subscribe``
  false; a ``ping`` goes every 60 s, well inside the announced interval.
- Every device is subscribed explicitly, 100 per ``subscribe_req`` (no limit
  is published). Each one subscribed and online is read once (``c2s_read``)
  after every login, so nothing changed while the socket was down is missed;
  so is a device that comes online. The safety poll reads them again with a
  ``req_sn`` each (``reading``) and waits for the answers (``socket_reads.py``).
- An ``s2c_noti`` with a ``req_sn`` (at the top level, or inside ``data``) is
  acknowledged with ``c2s_ack {res_sn, did}``. ``s2c_online_status`` names its
  flag ``online`` or ``is_online``: both are read.
- ``s2c_invalid_msg`` 1009 (not logged in, or the token no longer valid):
  the token is renewed and the socket logs in again. A refused login renews
  the token and reconnects. The token is renewed at most once until a login
  succeeds, so a cloud that refuses every login is not asked for tokens.
- A drop (or a login still unanswered 30 s on, seen at the next ping)
  reconnects after 3, 6, 12, 24, 48, then 60 s, each shortened by up to a
  quarter at random so many clients do not return at once; a login resets the
  back-off.
- aiohttp's ``ws_connect`` follows a redirect of the upgrade, which carries no
  secret; a socket that was redirected is closed before anything is sent on it.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
import contextlib
import itertools
import logging
import random
import time
from typing import Any, Protocol

import aiohttp
import orjson

from ..http import VendorClientError
from ..parse import (
    ParseError,
    boolean,
    decode_json,
    items,
    number_or_text_at,
    optional_text,
)
from .endpoints import Endpoint
from .errors import GizwitsSocketError
from .socket_reads import PendingReads

_LOGGER = logging.getLogger(__name__)

HEARTBEAT_INTERVAL = 180
PING_EVERY = 60.0
LOGIN_TIMEOUT = 30.0
CONNECT_TIMEOUT = 20.0
SUBSCRIBE_BATCH = 100
FIRST_BACKOFF = 3.0
MAX_BACKOFF = 60.0
JITTER = 0.25
MAX_MESSAGE = 1024 * 1024
LOGIN_REQUIRED = 1009
_WS_TIMEOUT = aiohttp.ClientWSTimeout(ws_receive=None, ws_close=10.0)

# The account's uid and a token with time left.
type Credentials = Callable[[], Awaitable[tuple[str, str]]]
# Renews the token after the cloud refused this one.
type Renew = Callable[[str], Awaitable[None]]


def backoff(attempt: int, chance: float) -> float:
    """Return the wait before a reconnect: 3, 6, ... 60 s, up to a quarter less."""
    delay: float = min(MAX_BACKOFF, FIRST_BACKOFF * 2.0 ** min(attempt, 10))
    return delay * (1 - JITTER * chance)


class SocketListener(Protocol):
    """What the owner of sockets hears from them."""

    def socket_up(self, socket: AppSocket) -> None:
        """Hear that a socket logged in: pushes flow."""

    def socket_down(self, socket: AppSocket, reason: str) -> None:
        """Hear that a socket dropped or was refused; it reconnects by itself."""

    def notified(self, did: str, attrs: dict[str, Any]) -> None:
        """Take a device's datapoints (all, or only those that changed)."""

    def online_changed(self, did: str, online: bool) -> None:
        """Take a device going online or offline."""

    def binding_changed(self, did: str, bound: bool) -> None:
        """Hear that a device was bound to or unbound from the account."""


class AppSocket:
    """One app WebSocket to one endpoint, kept open until its task is cancelled."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        endpoint: Endpoint,
        *,
        app_id: str,
        credentials: Credentials,
        renew: Renew,
        listener: SocketListener,
        clock: Callable[[], float] | None = None,
        chance: Callable[[], float] | None = None,
    ) -> None:
        """Log in as the account the credentials give, and tell listener."""
        self.endpoint = endpoint
        self._session = session
        self._app_id = app_id
        self._credentials = credentials
        self._renew = renew
        self._listener = listener
        # Looked up at each call: the loop's clock (monotonic) unless given.
        self._clock = clock or _monotonic
        self._chance = chance or random.random
        # The devices to subscribe, and whether each is online.
        self._devices: dict[str, bool] = {}
        self._subscribed: set[str] = set()
        self._requested: set[str] = set()
        self.refused: set[str] = set()
        self._outbox: asyncio.Queue[dict[str, Any]] | None = None
        self._token: str | None = None
        self._login_sent_at: float | None = None
        self._logged_in = False
        # Whether the current connection ever logged in.
        self._had_login = False
        self._may_renew = True
        self._req_sn = itertools.count(1)
        self._reads: set[PendingReads] = set()
        self.reconnects = 0
        self.last_message_at: float | None = None

    @property
    def up(self) -> bool:
        """Tell whether the socket is logged in."""
        return self._logged_in

    @property
    def subscribed(self) -> int:
        """Return how many devices the socket is subscribed to now."""
        return len(self._subscribed)

    def set_devices(self, devices: Mapping[str, bool]) -> None:
        """Keep these devices subscribed (by did: online or not)."""
        self._devices = dict(devices)
        self._subscribed &= set(self._devices)
        self.refused &= set(self._devices)
        if self._logged_in:
            self._subscribe(
                did
                for did in self._devices
                if did not in self._subscribed and did not in self._requested
            )

    async def run(self) -> None:
        """Connect, and reconnect after every drop, until cancelled."""
        attempt = 0
        while True:
            try:
                await self._connect()
            except (GizwitsSocketError, VendorClientError) as err:
                reason = str(err)
            finally:
                self._reset()
            if self._had_login:
                attempt = 0
            self._listener.socket_down(self, reason)
            delay = backoff(attempt, self._chance())
            _LOGGER.debug(
                "Gizwits socket %s: %s; again in %.0f s",
                self.endpoint.host,
                reason,
                delay,
            )
            attempt += 1
            await asyncio.sleep(delay)
            self.reconnects += 1

    @contextlib.contextmanager
    def reading(self, dids: Iterable[str]) -> Iterator[PendingReads]:
        """Read the subscribed, online devices among dids; see who answers."""
        reads = PendingReads()
        self._reads.add(reads)
        try:
            for did in dids:
                if did in self._subscribed and self._devices.get(did):
                    req_sn = next(self._req_sn)
                    reads.ask(req_sn, did)
                    self._send(
                        {"cmd": "c2s_read", "req_sn": req_sn, "data": {"did": did}}
                    )
            yield reads
        finally:
            self._reads.discard(reads)

    def _reset(self) -> None:
        """Forget what belonged to the connection that ended."""
        for reads in self._reads:
            reads.end()
        self._outbox = None
        self._logged_in = False
        self._login_sent_at = None
        self._subscribed.clear()
        self._requested.clear()

    async def _connect(self) -> None:
        """Open the socket and serve it until it ends (always with an error)."""
        self._had_login = False
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT):
                ws = await self._session.ws_connect(
                    self.endpoint.url,
                    timeout=_WS_TIMEOUT,
                    max_msg_size=MAX_MESSAGE,
                )
        except aiohttp.WSServerHandshakeError as err:
            raise GizwitsSocketError(
                f"the cloud refused the socket (HTTP {err.status})"
            ) from err
        except (aiohttp.ClientError, TimeoutError) as err:
            raise GizwitsSocketError(f"cannot reach the socket: {err!r}") from err
        try:
            if _redirected(ws):
                raise GizwitsSocketError(
                    "the socket was redirected elsewhere; nothing was sent there"
                )
            self._outbox = asyncio.Queue()
            await self._login()
            try:
                async with asyncio.TaskGroup() as group:
                    group.create_task(self._write(ws, self._outbox))
                    group.create_task(self._ping())
                    group.create_task(self._read(ws))
            except ExceptionGroup as failed:
                # The socket's own failures, and a token that could not be
                # renewed (the cloud down, the password changed): a drop.
                errors = failed.subgroup(VendorClientError)
                if errors is None or errors.exceptions != failed.exceptions:
                    raise
                raise errors.exceptions[0] from None
        finally:
            await ws.close()

    async def _login(self) -> None:
        """Send login_req with the account's uid and a valid token."""
        uid, token = await self._credentials()
        self._token = token
        self._login_sent_at = self._clock()
        self._send(
            {
                "cmd": "login_req",
                "data": {
                    "appid": self._app_id,
                    "uid": uid,
                    "token": token,
                    "p0_type": "attrs_v4",
                    "heartbeat_interval": HEARTBEAT_INTERVAL,
                    "auto_subscribe": False,
                },
            }
        )

    async def _renewed(self) -> None:
        """Renew the refused token, at most once until a login succeeds."""
        if self._may_renew and self._token is not None:
            self._may_renew = False
            await self._renew(self._token)

    def _send(self, frame: dict[str, Any]) -> None:
        """Queue a frame for the connection (dropped when there is none)."""
        if self._outbox is not None:
            self._outbox.put_nowait(frame)

    def _subscribe(self, dids: Iterable[str]) -> None:
        """Subscribe devices, a batch per subscribe_req."""
        wanted = list(dids)
        self._requested.update(wanted)
        for start in range(0, len(wanted), SUBSCRIBE_BATCH):
            batch = wanted[start : start + SUBSCRIBE_BATCH]
            self._send({"cmd": "subscribe_req", "data": [{"did": d} for d in batch]})

    def _read_device(self, did: str) -> None:
        """Ask a subscribed, online device for its state (c2s_read)."""
        if did in self._subscribed and self._devices.get(did):
            self._send({"cmd": "c2s_read", "data": {"did": did}})

    @staticmethod
    async def _write(
        ws: aiohttp.ClientWebSocketResponse, outbox: asyncio.Queue[dict[str, Any]]
    ) -> None:
        """Send queued frames in order."""
        while True:
            frame = await outbox.get()
            try:
                await ws.send_str(orjson.dumps(frame).decode())
            except (aiohttp.ClientError, ConnectionError, RuntimeError) as err:
                raise GizwitsSocketError(f"sending failed: {err!r}") from err

    async def _ping(self) -> None:
        """Ping inside the heartbeat; give up on a login that is not answered."""
        while True:
            await asyncio.sleep(PING_EVERY)
            sent_at = self._login_sent_at
            if sent_at is not None and self._clock() - sent_at >= LOGIN_TIMEOUT:
                raise GizwitsSocketError("the cloud did not answer the login")
            self._send({"cmd": "ping"})

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Handle frames until the socket closes."""
        async for message in ws:
            if message.type is aiohttp.WSMsgType.TEXT:
                self.last_message_at = self._clock()
                await self._frame(message.data)
            elif message.type is aiohttp.WSMsgType.ERROR:
                raise GizwitsSocketError(f"the socket failed: {ws.exception()!r}")
        raise GizwitsSocketError(f"the cloud closed the socket (code {ws.close_code})")

    async def _frame(self, text: str) -> None:
        """Handle one frame from the cloud; odd frames are ignored."""
        try:
            frame = decode_json(text.encode())
        except ValueError:
            _LOGGER.debug("Gizwits socket sent a frame that is no JSON")
            return
        if not isinstance(frame, dict):
            return
        data = frame.get("data")
        match frame.get("cmd"):
            case "login_res":
                await self._logged_in_or_not(data)
            case "subscribe_res":
                self._subscription_answer(data)
            case "s2c_noti":
                self._notification(frame, data)
            case "s2c_online_status":
                self._online_status(data)
            case "s2c_binding_changed":
                did, bound = optional_text(data, "did"), boolean(data, "bind")
                if did and bound is not None:
                    self._listener.binding_changed(did, bound)
            case "s2c_invalid_msg":
                await self._invalid(data)

    async def _logged_in_or_not(self, data: Any) -> None:
        """Subscribe after a login; renew the token after a refusal and reconnect."""
        self._login_sent_at = None
        if boolean(data, "success") is not True:
            await self._renewed()
            raise GizwitsSocketError("the cloud refused the socket's login")
        self._logged_in = True
        self._had_login = True
        self._may_renew = True
        self._subscribed.clear()
        self._requested.clear()
        self._listener.socket_up(self)
        self._subscribe(self._devices)

    def _subscription_answer(self, data: Any) -> None:
        """Keep the devices subscribed and read them; note the refused ones."""
        for item in _objects(data, "success"):
            if did := optional_text(item, "did"):
                self._requested.discard(did)
                if did in self._devices:
                    self._subscribed.add(did)
                    self.refused.discard(did)
                    self._read_device(did)
        for item in _objects(data, "failed"):
            if did := optional_text(item, "did"):
                self._requested.discard(did)
                if did in self._devices:
                    self.refused.add(did)
                _LOGGER.debug(
                    "Gizwits socket: %s not subscribed: %s",
                    did,
                    optional_text(item, "msg"),
                )

    def _notification(self, frame: dict[str, Any], data: Any) -> None:
        """Pass a device's datapoints on; acknowledge a req_sn; note a read answered."""
        did = optional_text(data, "did")
        attrs = data.get("attrs") if isinstance(data, dict) else None
        if not did:
            return
        req_sn = frame.get("req_sn", data.get("req_sn"))
        if isinstance(req_sn, int) and not isinstance(req_sn, bool):
            self._send({"cmd": "c2s_ack", "res_sn": req_sn, "did": did})
        if isinstance(attrs, dict) and attrs:
            self._listener.notified(did, attrs)
        res_sn = frame.get("res_sn", data.get("res_sn"))
        for reads in self._reads:
            reads.answer(res_sn, did)

    def _online_status(self, data: Any) -> None:
        """Pass a device's online status on; read a device that came online."""
        did = optional_text(data, "did")
        online = boolean(data, "online")
        if online is None:
            online = boolean(data, "is_online")
        if not did or online is None:
            return
        if did in self._devices:
            self._devices[did] = online
        self._listener.online_changed(did, online)
        if online:
            self._read_device(did)

    async def _invalid(self, data: Any) -> None:
        """Log in again on 1009; other refusals are only logged."""
        try:
            code = number_or_text_at(data, "error_code", whole=True)
        except ParseError:
            code = None
        if code != LOGIN_REQUIRED:
            _LOGGER.debug(
                "Gizwits socket refused a frame: %s %s",
                code,
                optional_text(data, "msg"),
            )
            return
        # Pushes stop until the login is back; it usually is at once, so the
        # owner hears of a drop only when the socket closes.
        self._logged_in = False
        await self._renewed()
        await self._login()


def _monotonic() -> float:
    """Return the monotonic clock, as patched at the time of the call."""
    return time.monotonic()


def _objects(data: Any, key: str) -> list[dict[str, Any]]:
    """Return the objects of a list field; none when it is missing."""
    return [item for item in items(data, key) if isinstance(item, dict)]


def _redirected(ws: aiohttp.ClientWebSocketResponse) -> bool:
    """Tell whether the upgrade reached the socket through a redirect."""
    # ws_connect takes no allow_redirects; the handshake's response says
    # whether it followed one.
    return bool(ws._response.history)  # noqa: SLF001
