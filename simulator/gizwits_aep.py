"""The newer Gizwits app login ("AEP", ``smart_home``), served beside the Open API.

It follows ``gizwits-app-channels.md`` §2. One simulator address serves both the Open
API and these AEP paths, so "the AEP host" of a custom server is the same address.
Where the note is silent, the choice made here:

- Replies are the envelope ``{code, message, data, error}``, always HTTP 200 (the
  envelope carries the outcome); ``code`` is a string ("200") unless
  ``numeric_codes`` sends every code as a number.
- Login: the ``X-Gizwits-Application-Id`` header must be a registered AppID and the
  body's ``appKey`` the same AppID, else ``1000001`` (invented: the note names no
  code). A body that is not the documented envelope (``version`` "1.0", ``data`` with
  ``account`` and ``password`` strings) is ``400``. Only accounts flagged ``moved``
  exist here: any other account is ``1000000``, as is an unknown one; a wrong
  password ``1000033``. ``data.refreshToken`` false: no refresh token (null).
- ``userToken`` and ``jwtAuthenticationDto.token`` are the same JWT-shaped string
  (the note does not know whether they always are); ``distinct_jwt`` makes them two
  tokens, both valid everywhere. AEP tokens live ``token_lifetime`` (default 180 days,
  the recorded reply) and work on the Open API exactly like classic tokens.
- Refresh (``POST /app/user/refresh_token``): the fields ``clientId`` (a registered
  AppID, else ``1000001``), ``refresh`` (true, else ``400``) and ``refresh_token``
  are read from the standard envelope's ``data`` or, failing that, from the top
  level (the note's wording allows both). It needs no ``Authorization``: the refresh
  token is the credential, so an expired access token can be renewed. A refresh
  token works once (it is replaced by the new one); an unknown or used one is
  ``526``. The reply's ``data`` is ``{token, refresh_token, created_at, expired_at}``
  in the same envelope. ``refresh_available`` False answers 404 as if the path did
  not exist, so a client must sign in again.
- AEP paths take the token bare in ``Authorization`` and need ``Version: 1.0``
  (else ``400``). A missing, unknown or classic token is ``526``, an expired one
  ``505`` (the note names both codes without telling them apart).
- ``GET /app/smartHome/v2/users/devices`` lists every bound device that is not
  disabled, in binding order, as a bare array in ``data`` (no paging, as recorded
  replies of the same platform show): ``did``, ``productKey``, ``mac``, ``name`` (the
  alias, else the product's name), ``remark``, ``userId``, ``onlineStatus`` (1
  online, 0 offline).
- ``bindings_refused``: ``GET /app/bindings`` with an AEP token answers 9026 "user
  invalid!" with HTTP 404 (a field client sees 404 there for migrated accounts), so
  a client falls back to the AEP device list. Off by default.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import timedelta
import functools
import json
import logging
import secrets
import time
from typing import TYPE_CHECKING, Any
import uuid
import zlib

from aiohttp import web

from .gizwits_demo import DEMO_APP_ID, DEMO_MOVED_USERNAME
from .recording import RECORDED_REQUEST

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from .gizwits import GizwitsSimulator
    from .gizwits_model import User
    from .gizwits_state import Token

AEP_LOGIN_PATH = "/app/smart_home/login/pwd"
AEP_REFRESH_PATH = "/app/user/refresh_token"
AEP_DEVICES_PATH = "/app/smartHome/v2/users/devices"

AEP_OK = 200
AEP_BAD_REQUEST = 400  # chosen: the note names no code for a malformed request
AEP_TOKEN_EXPIRED = 505
AEP_TOKEN_INVALID = 526
AEP_SERVER_ERROR = 500
AEP_NO_SUCH_USER = 1000000
AEP_APP_INVALID = 1000001  # invented: the note names no code for a bad AppID
AEP_WRONG_PASSWORD = 1000033
AEP_MESSAGES: dict[int, str] = {
    AEP_OK: "success",
    AEP_BAD_REQUEST: "bad request",
    AEP_SERVER_ERROR: "server error",
    AEP_TOKEN_EXPIRED: "token expired",
    AEP_TOKEN_INVALID: "token invalid",
    AEP_NO_SUCH_USER: "user not exist",
    AEP_APP_INVALID: "app invalid",
    AEP_WRONG_PASSWORD: "password error",
}

_LOGGER = logging.getLogger(__name__)
_DUMPS = functools.partial(json.dumps, ensure_ascii=False)
_APP_ID_HEADER = "X-Gizwits-Application-Id"


class AepError(Exception):
    """An AEP error reply: its envelope code and a detail for the message."""

    def __init__(self, code: int, detail: str | None = None) -> None:
        """Make the error of code."""
        super().__init__(f"{code} {AEP_MESSAGES.get(code, '')} {detail or ''}")
        self.code = code
        self.detail = detail


@dataclass(frozen=True, slots=True)
class AepSession:
    """What one AEP login (or refresh) issued; ``jwt`` equals ``token`` by default."""

    uid: str
    user_id: int
    token: str
    jwt: str
    refresh_token: str | None
    created_at: int
    expire_at: int


def user_id(uid: str) -> int:
    """Return the numeric ``userId`` of a user (derived from the uid, stable)."""
    return zlib.crc32(uid.encode()) % 10**8


def _segment(data: Any) -> str:
    """Return one base64url segment of a JWT-shaped token."""
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _jwt(uid: str, app_id: str, created_at: int, expire_at: int) -> str:
    """Return a fresh JWT-shaped token (nobody checks its signature)."""
    payload = {
        "uid": uid,
        "appId": app_id,
        "iat": created_at,
        "exp": expire_at,
        "jti": uuid.uuid4().hex,
    }
    return ".".join(
        (
            _segment({"alg": "HS256", "typ": "JWT"}),
            _segment(payload),
            _segment(secrets.token_bytes(32)),
        )
    )


class AepLogin:
    """The AEP login, refresh and device list of one Gizwits simulator.

    Switches: ``token_lifetime``, ``numeric_codes``, ``distinct_jwt``,
    ``refresh_available``, ``bindings_refused``. State: ``refresh_tokens`` (value →
    (uid, AppID)). Test helper: :meth:`issue`.
    """

    def __init__(
        self, sim: GizwitsSimulator, token_lifetime: timedelta = timedelta(days=180)
    ) -> None:
        """Serve the AEP paths for sim."""
        self._sim = sim
        self.token_lifetime = token_lifetime
        self.numeric_codes = False
        self.distinct_jwt = False
        self.refresh_available = True
        self.bindings_refused = False
        self.refresh_tokens: dict[str, tuple[str, str]] = {}

    def add_routes(self, app: web.Application) -> None:
        """Add the AEP paths."""
        app.router.add_post(AEP_LOGIN_PATH, self._endpoint(self._login))
        app.router.add_post(AEP_REFRESH_PATH, self._endpoint(self._refresh))
        app.router.add_get(AEP_DEVICES_PATH, self._endpoint(self._devices))

    # --- test helpers ---------------------------------------------------------------

    def issue(
        self,
        login: str = DEMO_MOVED_USERNAME,
        app_id: str = DEMO_APP_ID,
        *,
        refresh: bool = True,
    ) -> AepSession:
        """Issue tokens for a user (moved or not) as a successful AEP login would."""
        user = self._sim.user(login)
        return self._session(user, app_id, refresh=refresh)

    # --- envelope -------------------------------------------------------------------

    def _code(self, code: int) -> int | str:
        """Return code as the envelope carries it."""
        return code if self.numeric_codes else str(code)

    def _reply(self, data: Any) -> web.Response:
        """Return a success envelope."""
        body = {
            "code": self._code(AEP_OK),
            "message": AEP_MESSAGES[AEP_OK],
            "data": data,
            "error": False,
        }
        return web.json_response(body, dumps=_DUMPS)

    def _error(self, err: AepError) -> web.Response:
        """Return an error envelope (HTTP 200: the envelope carries the outcome)."""
        message = AEP_MESSAGES.get(err.code, "error")
        body = {
            "code": self._code(err.code),
            "message": f"{message}: {err.detail}" if err.detail else message,
            "data": None,
            "error": True,
        }
        return web.json_response(body, dumps=_DUMPS)

    def _endpoint(
        self, handler: Callable[[web.Request], Awaitable[Any]]
    ) -> Callable[[web.Request], Awaitable[web.Response]]:
        """Wrap handler in the envelope."""

        async def endpoint(request: web.Request) -> web.Response:
            """Answer one AEP request."""
            try:
                return self._reply(await handler(request))
            except AepError as err:
                return self._error(err)
            except web.HTTPException:
                raise
            except Exception:
                _LOGGER.exception("Gizwits AEP simulator failed on %s", request.path)
                return self._error(AepError(AEP_SERVER_ERROR))

        return endpoint

    # --- tokens ---------------------------------------------------------------------

    def _session(self, user: User, app_id: str, *, refresh: bool) -> AepSession:
        """Issue the token(s) and, if asked, a refresh token of one AEP login."""
        state = self._sim.state
        now = int(time.time())
        expire_at = int(now + self.token_lifetime.total_seconds())
        jwt = state.issue_token(
            user,
            app_id,
            kind="aep",
            lifetime=self.token_lifetime,
            value=_jwt(user.uid, app_id, now, expire_at),
        )
        token = jwt
        if self.distinct_jwt:
            token = state.issue_token(
                user, app_id, kind="aep", lifetime=self.token_lifetime
            )
        refresh_token = None
        if refresh:
            refresh_token = uuid.uuid4().hex
            self.refresh_tokens[refresh_token] = (user.uid, app_id)
        return AepSession(
            uid=user.uid,
            user_id=user_id(user.uid),
            token=token.token,
            jwt=jwt.token,
            refresh_token=refresh_token,
            created_at=jwt.created_at,
            expire_at=jwt.expire_at,
        )

    def _token_user(self, request: web.Request) -> tuple[Token, User]:
        """Return the bare token of Authorization and its user (400, 526, 505)."""
        if request.headers.get("Version") != "1.0":
            raise AepError(AEP_BAD_REQUEST, "the Version header must be 1.0")
        state = self._sim.state
        token = state.tokens.get(request.headers.get("Authorization", ""))
        user = None if token is None else state.find_user(token.uid)
        if token is None or token.kind != "aep" or user is None:
            raise AepError(AEP_TOKEN_INVALID)
        if token.expire_at <= time.time():
            raise AepError(AEP_TOKEN_EXPIRED)
        return token, user

    def _app_id(self, value: Any) -> str:
        """Return value if it is a registered AppID (1000001 otherwise)."""
        if not isinstance(value, str) or value not in self._sim.app_ids:
            raise AepError(AEP_APP_INVALID)
        return value

    # --- handlers -------------------------------------------------------------------

    async def _login(self, request: web.Request) -> dict[str, Any]:
        """POST /app/smart_home/login/pwd {appKey, version, data: {account, ...}}."""
        app_id = self._app_id(request.headers.get(_APP_ID_HEADER))
        body = request[RECORDED_REQUEST].json
        if not isinstance(body, dict) or body.get("version") != "1.0":
            raise AepError(
                AEP_BAD_REQUEST, 'the body is {appKey, version: "1.0", data}'
            )
        if self._app_id(body.get("appKey")) != app_id:
            raise AepError(AEP_APP_INVALID, "appKey is not the AppID of the header")
        data = body.get("data")
        if not isinstance(data, dict):
            raise AepError(AEP_BAD_REQUEST, "data must be an object")
        account, password = data.get("account"), data.get("password")
        if not (isinstance(account, str) and account and isinstance(password, str)):
            raise AepError(AEP_BAD_REQUEST, "account and password are required")
        if not isinstance(data.get("lang", ""), str):
            raise AepError(AEP_BAD_REQUEST, "lang must be a string")
        wants_refresh = data.get("refreshToken", False)
        if not isinstance(wants_refresh, bool):
            raise AepError(AEP_BAD_REQUEST, "refreshToken must be true or false")
        user = next((u for u in self._sim.users if account in u.logins()), None)
        if user is None or not user.moved:
            raise AepError(AEP_NO_SUCH_USER)
        if password != user.password:
            raise AepError(AEP_WRONG_PASSWORD)
        session = self._session(user, app_id, refresh=wants_refresh)
        return {
            "jwtAuthenticationDto": {"token": session.jwt},
            "userToken": session.token,
            "uid": session.uid,
            "userId": session.user_id,
            "refreshToken": session.refresh_token,
            "createdAt": session.created_at,
            "expiredAt": session.expire_at,
        }

    async def _refresh(self, request: web.Request) -> dict[str, Any]:
        """POST /app/user/refresh_token {clientId, refresh: true, refresh_token}."""
        if not self.refresh_available:
            raise web.HTTPNotFound
        body = request[RECORDED_REQUEST].json
        if not isinstance(body, dict):
            raise AepError(AEP_BAD_REQUEST, "the body must be a JSON object")
        fields = body["data"] if isinstance(body.get("data"), dict) else body
        app_id = self._app_id(fields.get("clientId"))
        if fields.get("refresh") is not True:
            raise AepError(AEP_BAD_REQUEST, "refresh must be true")
        value = fields.get("refresh_token")
        value = value if isinstance(value, str) else ""
        owner = self.refresh_tokens.get(value)
        user = None if owner is None else self._sim.state.find_user(owner[0])
        if owner is None or owner[1] != app_id or user is None:
            raise AepError(AEP_TOKEN_INVALID, "unknown or used refresh token")
        del self.refresh_tokens[value]
        session = self._session(user, app_id, refresh=True)
        return {
            "token": session.jwt,
            "refresh_token": session.refresh_token,
            "created_at": session.created_at,
            "expired_at": session.expire_at,
        }

    async def _devices(self, request: web.Request) -> list[dict[str, Any]]:
        """GET /app/smartHome/v2/users/devices (Authorization: bare token)."""
        _token, user = self._token_user(request)
        state = self._sim.state
        items = []
        for did in user.bindings:
            device = state.devices.get(did)
            if device is None or device.disabled:
                continue
            items.append(
                {
                    "did": device.did,
                    "productKey": device.product_key,
                    "mac": device.mac,
                    "name": device.alias or state.verbose_name(device.product_key),
                    "remark": device.remark,
                    "userId": user_id(user.uid),
                    "onlineStatus": 1 if device.online else 0,
                }
            )
        return items
