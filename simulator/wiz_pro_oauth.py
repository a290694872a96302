"""WiZ Pro account linking: OAuth 2 authorization code with PKCE, and tokens.

Where the document is silent: authorization codes live 10 minutes and are used up only
by a successful exchange (a wrong verifier leaves the code usable until it expires); a
missing ``code_challenge_method`` means ``plain`` (RFC 7636 4.3); the challenge and the
verifier must be 43-128 characters of ``[A-Za-z0-9-._~]`` (RFC 7636); any absolute
http(s) ``redirect_uri`` is accepted. Refresh tokens do not expire; a refresh rotates
the refresh token and leaves earlier access tokens valid until they expire. The token
endpoint reads JSON only (``application/json``), as the document's examples send it.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import hashlib
import html
import json
from pathlib import Path
import re
import secrets
from typing import TYPE_CHECKING, Any
import uuid

from aiohttp import web
from yarl import URL

from .recording import RECORDED_REQUEST

if TYPE_CHECKING:
    from collections.abc import Iterable

DEFAULT_CLIENT_ID = "cloud-bridge-demo"
AUTHORIZE_PATH = "/dashboard/oauth/authorize"
TOKEN_PATH = "/api/oauth/token"  # noqa: S105 - a path, not a secret
_PKCE_VALUE = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
_DASHBOARD_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>WiZ Pro (simulator)</title></head>
<body>
<p id="status">WiZ Pro simulator: signing in&hellip;</p>
<script>
  // The real authorize URL is /dashboard/#/oauth/authorize?...: a single-page app
  // reads the fragment. Here the simulated user approves at once.
  const prefix = "#/oauth/authorize";
  const hash = window.location.hash;
  if (hash.startsWith(prefix)) {
    const target = new URL("oauth/authorize" + hash.slice(prefix.length),
                           window.location.href);
    window.location.replace(target.href);
  } else {
    document.getElementById("status").textContent =
      "WiZ Pro simulator: open #/oauth/authorize?client_id=...";
  }
</script>
</body></html>
"""


def iso_time(moment: datetime) -> str:
    """Return moment as the API writes times: ISO 8601, milliseconds, Z."""
    return (
        moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def s256_challenge(verifier: str) -> str:
    """Return the S256 code challenge of verifier (base64url, no padding)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(slots=True)
class _AuthorizationCode:
    """An issued authorization code and what it is bound to."""

    client_id: str
    challenge: str
    method: str
    expires_at: datetime
    used: bool = False


class WizProOAuth:
    """Authorization codes and tokens of one simulated WiZ Pro user."""

    def __init__(
        self,
        client_ids: Iterable[str],
        *,
        echo_state: bool,
        access_token_lifetime: timedelta,
        token_file: Path | None = None,
    ) -> None:
        """Register the client ids and set the lifetimes.

        With a token file, issued tokens survive a restart, as a real cloud's do.
        """
        self.client_ids: set[str] = set(client_ids)
        self.echo_state = echo_state
        self.access_token_lifetime = access_token_lifetime
        self.code_lifetime = timedelta(minutes=10)
        self._codes: dict[str, _AuthorizationCode] = {}
        self._access_tokens: dict[str, datetime] = {}
        self._refresh_tokens: set[str] = set()
        self._token_file = token_file
        if token_file is not None and token_file.exists():
            saved = json.loads(token_file.read_text())
            self._access_tokens = {
                token: datetime.fromisoformat(expires)
                for token, expires in saved["access"].items()
            }
            self._refresh_tokens = set(saved["refresh"])

    def _save(self) -> None:
        """Write the tokens to the token file, if there is one."""
        if self._token_file is None:
            return
        self._token_file.parent.mkdir(parents=True, exist_ok=True)
        self._token_file.write_text(
            json.dumps(
                {
                    "access": {
                        token: expires.isoformat()
                        for token, expires in self._access_tokens.items()
                    },
                    "refresh": sorted(self._refresh_tokens),
                }
            )
        )

    def add_routes(self, app: web.Application) -> None:
        """Add the dashboard page, the authorize step and the token endpoint."""
        app.router.add_get("/dashboard", self._dashboard_redirect)
        app.router.add_get("/dashboard/", self._dashboard)
        app.router.add_get(AUTHORIZE_PATH, self._authorize)
        app.router.add_post(TOKEN_PATH, self._token)

    def authorized(self, request: web.Request) -> bool:
        """Return whether the request carries a valid Bearer access token."""
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and self.access_token_valid(token.strip())

    def issue_tokens(self) -> dict[str, str]:
        """Issue a token pair as a completed OAuth flow would; return the reply."""
        access_token = secrets.token_hex(32)
        refresh_token = secrets.token_hex(32)
        expires_at = datetime.now(UTC) + self.access_token_lifetime
        self._access_tokens[access_token] = expires_at
        self._refresh_tokens.add(refresh_token)
        self._save()
        return {
            "accessToken": access_token,
            "tokenType": "Bearer",
            "expiresAt": iso_time(expires_at),
            "refreshToken": refresh_token,
        }

    def revoke_tokens(self) -> None:
        """Make every access and refresh token stop working."""
        self._access_tokens.clear()
        self._refresh_tokens.clear()
        self._save()

    def expire_access_tokens(self) -> None:
        """Make every access token expired (refresh tokens keep working)."""
        past = datetime.now(UTC) - timedelta(seconds=1)
        for token in self._access_tokens:
            self._access_tokens[token] = past
        self._save()

    def access_token_valid(self, access_token: str) -> bool:
        """Return whether access_token is known and unexpired."""
        expires_at = self._access_tokens.get(access_token)
        return expires_at is not None and expires_at > datetime.now(UTC)

    async def _dashboard_redirect(self, _request: web.Request) -> web.Response:
        """Send /dashboard to /dashboard/ (the fragment stays with the browser)."""
        return web.Response(status=301, headers={"Location": "/dashboard/"})

    async def _dashboard(self, _request: web.Request) -> web.Response:
        """Serve the page that turns the #/oauth/authorize fragment into a request."""
        return web.Response(text=_DASHBOARD_HTML, content_type="text/html")

    async def _authorize(self, request: web.Request) -> web.Response:
        """Approve at once: the simulated user signs in and grants the building(s)."""
        query = request.query
        client_id = query.get("client_id")
        if client_id is None or client_id not in self.client_ids:
            return _html_error("Unknown client_id")
        challenge = query.get("code_challenge")
        if not challenge:
            return _html_error("code_challenge is required")
        method = query.get("code_challenge_method", "plain")
        if method not in ("S256", "plain"):
            return _html_error("code_challenge_method must be S256 or plain")
        if not _PKCE_VALUE.fullmatch(challenge):
            return _html_error("code_challenge must be 43-128 of [A-Za-z0-9-._~]")
        redirect_uri = query.get("redirect_uri")
        if not redirect_uri:
            return _html_error("redirect_uri is required")
        try:
            target = URL(redirect_uri)
        except TypeError, ValueError:
            return _html_error("redirect_uri is not a URL")
        if not target.absolute or target.scheme not in ("http", "https"):
            return _html_error("redirect_uri must be an absolute http(s) URL")
        now = datetime.now(UTC)
        # Forget codes that expired a day ago; younger ones still answer "expired".
        forget = now - timedelta(days=1)
        self._codes = {c: v for c, v in self._codes.items() if v.expires_at > forget}
        code = str(uuid.uuid4())
        expires_at = now + self.code_lifetime
        self._codes[code] = _AuthorizationCode(client_id, challenge, method, expires_at)
        params = {"code": code, "expires_at": iso_time(expires_at)}
        if self.echo_state and "state" in query:
            params["state"] = query["state"]
        location = target.update_query(params)
        return web.Response(status=302, headers={"Location": str(location)})

    async def _token(self, request: web.Request) -> web.Response:
        """Exchange an authorization code or a refresh token for a token pair."""
        body = request[RECORDED_REQUEST].json
        if request.content_type != "application/json" or not isinstance(body, dict):
            return _oauth_error("invalid_request", "Request body must be a JSON object")
        grant_type = body.get("grantType")
        if grant_type is None:
            return _oauth_error("invalid_request", "grantType is required")
        if grant_type == "authorizationCode":
            return self._exchange_code(body)
        if grant_type == "refreshToken":
            return self._refresh(body)
        return _oauth_error(
            "unsupported_grant_type", f"Unsupported grantType {grant_type!r}"
        )

    def _exchange_code(self, body: dict[str, Any]) -> web.Response:
        """Check the code and the PKCE verifier; issue tokens."""
        code_value = body.get("authorizationCode")
        client_id = body.get("clientId")
        verifier = body.get("codeVerifier")
        if not (
            isinstance(code_value, str)
            and isinstance(client_id, str)
            and isinstance(verifier, str)
            and code_value
            and client_id
            and verifier
        ):
            return _oauth_error(
                "invalid_request",
                "authorizationCode, clientId and codeVerifier are required",
            )
        code = self._codes.get(code_value)
        if code is None:
            return _oauth_error("invalid_grant", "Invalid authorization code")
        if code.used:
            return _oauth_error("invalid_grant", "Authorization code already used")
        if code.expires_at <= datetime.now(UTC):
            return _oauth_error("invalid_grant", "Authorization code expired")
        if code.client_id != client_id:
            return _oauth_error(
                "invalid_grant", "Authorization code issued to another client"
            )
        if not _PKCE_VALUE.fullmatch(verifier):
            return _oauth_error("invalid_grant", "Invalid code verifier")
        expected = s256_challenge(verifier) if code.method == "S256" else verifier
        if not secrets.compare_digest(expected, code.challenge):
            return _oauth_error(
                "invalid_grant", "Code verifier does not match the code challenge"
            )
        code.used = True
        return web.json_response(self.issue_tokens())

    def _refresh(self, body: dict[str, Any]) -> web.Response:
        """Rotate a refresh token into a new pair."""
        refresh_token = body.get("refreshToken")
        if not isinstance(refresh_token, str) or not refresh_token:
            return _oauth_error("invalid_request", "refreshToken is required")
        if refresh_token not in self._refresh_tokens:
            return _oauth_error("invalid_grant", "Invalid refresh token")
        self._refresh_tokens.discard(refresh_token)
        return web.json_response(self.issue_tokens())


def _html_error(message: str) -> web.Response:
    """Return the 400 page the authorize step shows for a bad request."""
    page = (
        "<!doctype html><html><head><title>Authorization error</title></head>"
        f"<body><h1>Authorization error</h1><p>{html.escape(message)}</p></body></html>"
    )
    return web.Response(status=400, text=page, content_type="text/html")


def _oauth_error(error: str, message: str) -> web.Response:
    """Return a 400 token-endpoint error."""
    return web.json_response({"error": error, "message": message}, status=400)
