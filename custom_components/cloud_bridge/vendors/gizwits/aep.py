"""Gizwits' newer app login ("AEP", ``smart_home``): sign-in, refresh, device list.

Free of Home Assistant, like the Open API client that uses it for accounts
Gizwits moved (their classic login answers 9026). Replies are an envelope
``{code, message, data, error}``; ``code`` comes as the text "200" or the
number 200 on success, and both are read through the shared number reader.
Where the notes on this login are silent, the choices made here:

- An error envelope (HTTP 200 or a refusal) is read by its ``code``: 1000000
  (no such user) and 1000033 (wrong password) refuse the credentials; 505 and
  526 (both seen for expired tokens) refuse the token; any other code is a
  refusal with the cloud's own message.
- A refusal that is no envelope (a 404 page) is a refusal naming the HTTP
  status; on the refresh path it means "no refresh here", and the account
  signs in again instead.
"""

from collections.abc import Mapping
from typing import Any

from ..http import JsonHttp
from ..parse import ParseError, number_or_text_at, optional_text
from ..replies import Listing, read_listing
from .const import AEP_HOSTS, CONF_AEP_URL, CONF_BASE_URL, CONF_REGION
from .errors import (
    GizwitsApiError,
    GizwitsAuthError,
    GizwitsConnectionError,
    GizwitsRefreshUnavailableError,
    GizwitsTokenError,
)
from .models import Binding, GizwitsParseError, UserSession

LOGIN_PATH = "/app/smart_home/login/pwd"
REFRESH_PATH = "/app/user/refresh_token"
DEVICES_PATH = "/app/smartHome/v2/users/devices"

OK = 200
NO_SUCH_USER = 1000000
WRONG_PASSWORD = 1000033
TOKEN_EXPIRED = 505
TOKEN_INVALID = 526
_NOT_FOUND = 404


def aep_url_for(data: Mapping[str, Any]) -> str:
    """Return the newer app login's host of an entry's (or a form's) server.

    A region has its own; another address serves it too unless a second one
    is given.
    """
    return str(
        AEP_HOSTS.get(data.get(CONF_REGION, ""))
        or data.get(CONF_AEP_URL)
        or data[CONF_BASE_URL]
    )


class AepClient:
    """The newer app login of one AppID on one host."""

    def __init__(self, http: JsonHttp, *, app_id: str) -> None:
        """Talk to the region's newer login host through http (JsonHttp.at it)."""
        self._http = http
        self._app_id = app_id

    async def login(self, account: str, password: str) -> UserSession:
        """Sign in with an e-mail or phone and the password (sent as it is)."""
        data = await self._envelope(
            LOGIN_PATH,
            {
                "appKey": self._app_id,
                "version": "1.0",
                "data": {
                    "account": account,
                    "password": password,
                    "lang": "en",
                    "refreshToken": True,
                },
            },
        )
        try:
            return UserSession.from_aep_login(data)
        except GizwitsParseError as err:
            raise GizwitsConnectionError(f"Gizwits sent a bad login: {err}") from err

    async def refresh(self, user: UserSession) -> UserSession:
        """Renew a session with its refresh token.

        GizwitsRefreshUnavailableError when there is none, the host has no
        refresh, or it refuses the refresh token: then sign in again.
        """
        if not user.refresh_token:
            raise GizwitsRefreshUnavailableError(_NOT_FOUND, "no refresh token")
        body = {
            "clientId": self._app_id,
            "refresh": True,
            "refresh_token": user.refresh_token,
        }
        try:
            data = await self._envelope(REFRESH_PATH, body)
        except GizwitsTokenError as err:
            raise GizwitsRefreshUnavailableError(err.code, str(err)) from err
        except GizwitsApiError as err:
            if err.code != _NOT_FOUND:
                raise
            raise GizwitsRefreshUnavailableError(err.code, str(err)) from err
        try:
            return user.refreshed(data)
        except GizwitsParseError as err:
            raise GizwitsConnectionError(
                f"Gizwits sent a bad token refresh: {err}"
            ) from err

    async def devices(self, token: str) -> Listing[Binding]:
        """Return the account's devices as the newer host lists them (no paging)."""
        data = await self._envelope(
            DEVICES_PATH,
            None,
            method="GET",
            headers={"Authorization": token, "Version": "1.0"},
        )
        if not isinstance(data, list):
            raise GizwitsConnectionError("Gizwits sent no device list")
        return read_listing(
            data, Binding.from_aep_json, key=lambda binding: binding.did
        )

    async def _envelope(
        self,
        path: str,
        body: Any,
        *,
        method: str = "POST",
        headers: dict[str, str] | None = None,
    ) -> Any:
        """Send one request; return the envelope's data, or raise for its code."""
        reply = await self._http.request(
            method,
            path,
            body=body,
            headers={"X-Gizwits-Application-Id": self._app_id, **(headers or {})},
        )
        envelope = reply.data
        if not isinstance(envelope, dict) or "code" not in envelope:
            if reply.status >= 400:
                raise GizwitsApiError(reply.status, f"HTTP {reply.status} on {path}")
            raise GizwitsConnectionError("Gizwits sent a malformed reply")
        try:
            code = number_or_text_at(envelope, "code", whole=True)
        except ParseError as err:
            raise GizwitsConnectionError(f"Gizwits sent a bad code: {err}") from err
        if code == OK and envelope.get("error") is not True:
            return envelope.get("data")
        if code is None:
            raise GizwitsConnectionError("Gizwits sent a reply without a code")
        code = int(code)
        message = optional_text(envelope, "message") or "error"
        if code in (NO_SUCH_USER, WRONG_PASSWORD):
            raise GizwitsAuthError(code, message)
        if code in (TOKEN_EXPIRED, TOKEN_INVALID):
            raise GizwitsTokenError(code, message)
        raise GizwitsApiError(code, message)
