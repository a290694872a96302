"""Async client for the Gizwits Open API, with its user token kept valid.

Free of Home Assistant: it takes the aiohttp session it is given. Accounts
Gizwits moved to its newer app login (the classic login answers 9026) sign in
there instead (``aep.py``) and use that token on the Open API like a classic
one; the client says which login the account uses (``login_kind``) so later
sign-ins go straight there. The user token is renewed ahead of its expiry or
when the cloud says it is invalid or expired (9004, 9006; 505, 526 on the newer
host) — once, under a lock: with the newer login's refresh token where that
works, else by signing in again with the stored credentials.
"""

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
import time
from typing import Any, Unpack

import aiohttp

from ..http import JsonHttp, Reply, RequestParts
from ..parse import ParseError, number_or_text_at
from ..replies import Listing, ListingReader, read_listing
from .aep import AepClient
from .const import LOGIN_AEP, LOGIN_CLASSIC
from .errors import (
    GizwitsAccountMovedError,
    GizwitsApiError,
    GizwitsAppIdError,
    GizwitsAuthError,
    GizwitsConnectionError,
    GizwitsDefinitionError,
    GizwitsDeviceOfflineError,
    GizwitsError,
    GizwitsInvalidAttrError,
    GizwitsNotBoundError,
    GizwitsRateLimitError,
    GizwitsRefreshUnavailableError,
    GizwitsTokenError,
)
from .models import (
    Binding,
    DeviceData,
    GizwitsParseError,
    Group,
    ProductDefinition,
    Scenario,
    UserSession,
)

REQUEST_TIMEOUT = 20.0
# Log in again a tenth of the token's lifetime before it expires, at most an
# hour and at least half a minute before: a token that lives an hour or less is
# not renewed on every request, and none is sent with seconds left.
RENEW_MARGIN = 3600.0
RENEW_FRACTION = 0.1
MIN_RENEW_MARGIN = 30.0
# 9041 does not say how long to wait, and the document never mentions a
# Retry-After header: without one, wait a minute (two state polls) before asking
# again, rather than hammering a cloud that throttles us.
DEFAULT_RETRY_AFTER = 60.0
PAGE_SIZE = 100
MAX_PAGES = 1000


_ERRORS: dict[int, type[GizwitsApiError]] = {
    9003: GizwitsAppIdError,
    9004: GizwitsTokenError,
    9005: GizwitsAuthError,
    9006: GizwitsTokenError,
    9017: GizwitsNotBoundError,
    9020: GizwitsAuthError,
    9025: GizwitsInvalidAttrError,
    9026: GizwitsAccountMovedError,
    9042: GizwitsDeviceOfflineError,
}
_SERVER_ERROR = 9008
_THROTTLED = 9041
_NOT_FOUND = 404

__all__ = [
    "DEFAULT_RETRY_AFTER",
    "GizwitsAccountMovedError",
    "GizwitsApiError",
    "GizwitsAppIdError",
    "GizwitsAuthError",
    "GizwitsClient",
    "GizwitsConnectionError",
    "GizwitsDefinitionError",
    "GizwitsDeviceOfflineError",
    "GizwitsError",
    "GizwitsInvalidAttrError",
    "GizwitsNotBoundError",
    "GizwitsRateLimitError",
    "GizwitsTokenError",
]


def _error(reply: Reply) -> GizwitsError:
    """Return the typed error for a reply that is not a success."""
    data = reply.data
    try:
        code = number_or_text_at(data, "error_code", whole=True)
    except ParseError:
        code = None
    message = data.get("error_message") if isinstance(data, dict) else None
    if code == _THROTTLED:
        return GizwitsRateLimitError(
            "Gizwits is throttling requests",
            DEFAULT_RETRY_AFTER if reply.retry_after is None else reply.retry_after,
        )
    if code is None or code == _SERVER_ERROR:
        return GizwitsConnectionError(f"Gizwits failed with HTTP {reply.status}")
    code = int(code)
    return _ERRORS.get(code, GizwitsApiError)(code, str(message or "error"))


class GizwitsClient:
    """The Open API for one user of one AppID."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        base_url: str,
        app_id: str,
        username: str,
        password: str,
        user: UserSession | None = None,
        on_login: Callable[[UserSession], None] | None = None,
        request_timeout: float = REQUEST_TIMEOUT,
        aep_url: str | None = None,
        login_kind: str = LOGIN_CLASSIC,
    ) -> None:
        """Use the given session; a stored user session saves a first login.

        ``aep_url`` is the newer app login's host (None: a moved account
        cannot sign in); ``login_kind`` is the login the account used last.
        """
        self._http = JsonHttp(
            session,
            base_url,
            vendor="Gizwits",
            connection_error=GizwitsConnectionError,
            throttled_error=GizwitsRateLimitError,
            request_timeout=request_timeout,
            default_retry_after=DEFAULT_RETRY_AFTER,
        )
        self._aep = (
            AepClient(self._http.at(aep_url), app_id=app_id) if aep_url else None
        )
        self._app_id = app_id
        self._username = username
        self._password = password
        self._login_kind = login_kind if self._aep is not None else LOGIN_CLASSIC
        # Whether the newer host refreshes tokens (False once it answered 404).
        self._refresh_works = True
        # Whether the classic bindings were refused: devices come from the
        # newer host's list.
        self._newer_device_list = False
        self._user = user
        self._renew_at = _renew_at(user)
        self._on_login = on_login
        self._login_lock = asyncio.Lock()

    @property
    def user(self) -> UserSession | None:
        """Return the current user session."""
        return self._user

    @property
    def login_kind(self) -> str:
        """Return the login the account uses: classic or the newer one ("aep")."""
        return self._login_kind

    async def login(self) -> UserSession:
        """Sign in with the stored credentials, on the login the account uses.

        A classic login answered 9026 moves the account to the newer login.
        """
        if self._aep is not None and self._login_kind == LOGIN_AEP:
            return self._use(await self._aep.login(self._username, self._password))
        try:
            reply = await self._request(
                "POST",
                "/app/login",
                body={"username": self._username, "password": self._password},
            )
        except GizwitsAccountMovedError:
            if self._aep is None:
                raise
            user = await self._aep.login(self._username, self._password)
            self._login_kind = LOGIN_AEP
            return self._use(user)
        try:
            user = UserSession.from_json(reply)
        except GizwitsParseError as err:
            raise GizwitsConnectionError(f"Gizwits sent a bad login: {err}") from err
        return self._use(user)

    def _use(self, user: UserSession) -> UserSession:
        """Take a new session into use and tell whoever keeps it."""
        self._user = user
        self._renew_at = _renew_at(user)
        if self._on_login is not None:
            self._on_login(user)
        return user

    async def _renew_session(self) -> UserSession:
        """Renew the session: a refresh on the newer login if it works, else sign in."""
        user = self._user
        if (
            self._aep is not None
            and self._login_kind == LOGIN_AEP
            and self._refresh_works
            and user is not None
            and user.refresh_token
        ):
            try:
                return self._use(await self._aep.refresh(user))
            except GizwitsRefreshUnavailableError as err:
                # No refresh on this host (404): sign in from now on. A refresh
                # token refused is replaced by the sign-in's.
                self._refresh_works = err.code != _NOT_FOUND
        return await self.login()

    async def session(self) -> UserSession:
        """Return a session with time left, renewing it first when needed."""
        async with self._login_lock:
            user = self._user
            if user is None:
                return await self.login()
            if self._renew_at <= time.time():
                return await self._renew_session()
            return user

    async def renew(self, refused: str) -> None:
        """Renew the session after a token was refused, unless already done."""
        async with self._login_lock:
            if self._user is None:
                await self.login()
            elif self._user.token == refused:
                await self._renew_session()

    async def bindings(self) -> Listing[Binding]:
        """Return every bound device and why any item was skipped.

        Where the classic bindings are refused (9026) for an account on the
        newer login, the newer host's device list is read, from then on.
        """
        aep = self._aep
        if aep is None or not self._newer_device_list:
            try:
                return await self._classic_bindings()
            except GizwitsAccountMovedError:
                if aep is None or self._login_kind != LOGIN_AEP:
                    raise
                self._newer_device_list = True
        return await self._as_user(aep.devices)

    async def _classic_bindings(self) -> Listing[Binding]:
        """Return every bound device, page by page, and why any item was skipped."""
        devices = ListingReader(Binding.from_json, key=lambda binding: binding.did)
        skip = 0
        # The document gives /app/bindings no maximum limit (another endpoint
        # says "<=1000", the simulator and real servers may clamp lower): a
        # short page does not mean the end. Ask on from what came back until a
        # page is empty.
        for _ in range(MAX_PAGES):
            reply = await self._user_request(
                "GET", "/app/bindings", params={"limit": PAGE_SIZE, "skip": skip}
            )
            items = reply.get("devices") if isinstance(reply, dict) else None
            if not isinstance(items, list):
                raise GizwitsConnectionError("Gizwits sent no device list")
            # An empty page ends the list; so does a page with nothing new (a
            # server that ignores skip), rather than 1,000 requests every poll.
            # (A page of only unreadable items stops it too; the skipped items
            # make the Snapshot incomplete, so nothing is removed.)
            if not devices.read(items):
                break
            skip += len(items)
        return devices.listing()

    async def device(self, did: str) -> Binding:
        """Return one bound device's details (with its WebSocket host and ports)."""
        reply = await self._user_request("GET", f"/app/devices/{did}")
        try:
            return Binding.from_json(reply)
        except GizwitsParseError as err:
            raise GizwitsConnectionError(f"Gizwits sent a bad device: {err}") from err

    async def definition(self, product_key: str) -> ProductDefinition:
        """Return a product's datapoint definition."""
        reply = await self._user_request(
            "GET", "/app/datapoint", params={"product_key": product_key}
        )
        try:
            return ProductDefinition.from_json(reply, product_key)
        except GizwitsParseError as err:
            raise GizwitsDefinitionError(str(err)) from err

    async def latest(self, did: str) -> DeviceData:
        """Return what a device last reported."""
        reply = await self._user_request("GET", f"/app/devdata/{did}/latest")
        try:
            return DeviceData.from_json(reply, did)
        except GizwitsParseError as err:
            raise GizwitsConnectionError(
                f"Gizwits sent bad device data: {err}"
            ) from err

    async def control(self, did: str, attrs: dict[str, Any]) -> None:
        """Set datapoints of a device."""
        await self._user_request("POST", f"/app/control/{did}", body={"attrs": attrs})

    async def groups(self) -> list[Group]:
        """Return the user's device groups."""
        reply = await self._user_request("GET", "/app/group")
        return _parse_all(reply, Group.from_json)

    async def group_devices(self, group_id: str) -> list[str]:
        """Return the devices of a group."""
        reply = await self._user_request("GET", f"/app/group/{group_id}/devices")
        return [
            item["did"] for item in _objects(reply) if isinstance(item.get("did"), str)
        ]

    async def group_control(
        self, group_id: str, attrs: dict[str, Any]
    ) -> dict[str, bool]:
        """Set datapoints of every device of a one-product group; return who took it."""
        reply = await self._user_request(
            "POST", f"/app/group/{group_id}/control", body={"attrs": attrs}
        )
        return {
            item["did"]: item.get("result") is True
            for item in _objects(reply)
            if isinstance(item.get("did"), str)
        }

    async def scenarios(self) -> list[Scenario]:
        """Return the user's scenarios."""
        reply = await self._user_request("GET", "/app/scene")
        return _parse_all(reply, Scenario.from_json)

    async def run_scenario(self, scenario_id: str) -> None:
        """Run a scenario's tasks."""
        await self._user_request("POST", f"/app/scene/{scenario_id}/task")

    async def _as_user[T](self, call: Callable[[str], Awaitable[T]]) -> T:
        """Call with the user's token; a refused token is renewed once."""
        token = (await self.session()).token
        try:
            return await call(token)
        except GizwitsTokenError:
            await self.renew(token)
            return await call((await self.session()).token)

    async def _user_request(
        self, method: str, path: str, **parts: Unpack[RequestParts]
    ) -> Any:
        """Call an endpoint as the user; a refused token is renewed once."""
        return await self._as_user(partial(self._request, method, path, **parts))

    async def _request(
        self,
        method: str,
        path: str,
        token: str | None = None,
        **parts: Unpack[RequestParts],
    ) -> Any:
        """Send one request and return its decoded JSON reply."""
        headers = {"X-Gizwits-Application-Id": self._app_id}
        if token is not None:
            headers["X-Gizwits-User-token"] = token
        reply = await self._http.request(method, path, headers=headers, **parts)
        data = {} if reply.data is None else reply.data
        if reply.status >= 400 or (isinstance(data, dict) and "error_code" in data):
            raise _error(reply)
        return data


def _renew_at(user: UserSession | None) -> float:
    """Return when to log in again: a tenth of the time left, at most an hour early.

    A session just issued has its whole lifetime left; for a stored one the
    time left stands in for the lifetime, so its margin is smaller but still
    ahead of the expiry.
    """
    if user is None:
        return 0.0
    left = max(0.0, user.expire_at - time.time())
    margin = min(RENEW_MARGIN, left * RENEW_FRACTION)
    return user.expire_at - max(MIN_RENEW_MARGIN, margin)


def _objects(reply: Any) -> list[dict[str, Any]]:
    """Return the objects of a list reply."""
    if not isinstance(reply, list):
        raise GizwitsConnectionError("Gizwits sent no list")
    return [item for item in reply if isinstance(item, dict)]


def _parse_all[T](reply: Any, parse: Callable[[Any], T]) -> list[T]:
    """Parse every object of a list reply, skipping the ones that do not parse."""
    return list(read_listing(_objects(reply), parse).items)
