"""What a WEGnology cloud keeps and does: users, tokens, applications, devices.

Choices where the documents are silent (Losant-like; see ``wegnology.py`` for the
full list):

- ``POST /auth/user`` validates its body like Losant's JSON schema: ``email`` and
  ``password`` non-empty strings, ``tokenTTL`` an integer ≥ 0 (seconds; 0 gives a
  token that is expired at once), ``requestedScopes`` a list of strings,
  ``twoFactorCode`` a string (ignored); any other key is a 400. Emails compare
  case-insensitively. A wrong email or password: 401 "Invalid email or password".
- Tokens are JWT-shaped (header.payload.signature); the server still looks them up,
  so expiring or revoking one takes effect at once.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
import hashlib
import hmac
import json
import secrets
import time
from typing import TYPE_CHECKING, Any

from .wegnology_events import PUBLIC, Source
from .wegnology_model import (
    FORBIDDEN,
    NOT_FOUND,
    UNAUTHORIZED,
    ApiToken,
    Application,
    Device,
    User,
    UserToken,
    WegnologyData,
    WegnologyError,
    etag,
    iso,
    now_ms,
    served_time,
)
from .wegnology_query import invalid

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import timedelta

    from .wegnology_flows import ButtonPress

_CREDENTIAL_KEYS = {"email", "password", "tokenTTL", "requestedScopes", "twoFactorCode"}


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a token speaks for: the user, its scopes and (app tokens) the application.

    ``source`` is how an event names who raised or changed it: the user for a user
    token, the API token (its id and name) for an API token.
    """

    user_id: str
    scope: frozenset[str]
    application_id: str | None = None
    source: Source = PUBLIC


def _b64url(data: bytes) -> str:
    """Return unpadded base64url text."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class WegnologyState:
    """Users, tokens and applications; the operations behind the endpoints."""

    def __init__(self, data: WegnologyData, token_lifetime: timedelta) -> None:
        """Index data."""
        self.users: list[User] = list(data.users)
        self.applications: dict[str, Application] = {
            app.id: app for app in data.applications
        }
        self.api_tokens: dict[str, ApiToken] = {t.token: t for t in data.api_tokens}
        self.user_tokens: dict[str, UserToken] = {}
        self.token_lifetime = token_lifetime
        self.time_format = "iso"
        self.commands: list[tuple[str, str, Any]] = []
        self.presses: list[ButtonPress] = []
        self._secret = secrets.token_bytes(32)

    # --- users and tokens -----------------------------------------------------------

    def find_user(self, email: str) -> User | None:
        """Return the user with this email (case-insensitive)."""
        wanted = email.casefold()
        return next((u for u in self.users if u.email.casefold() == wanted), None)

    def issue_user_token(
        self, user: User, ttl: float | None = None, scope: Iterable[str] = ("all.User",)
    ) -> UserToken:
        """Issue a JWT-shaped user token valid for ttl seconds (None: the default)."""
        lifetime = self.token_lifetime.total_seconds() if ttl is None else ttl
        issued = time.time()
        scopes = tuple(scope)
        header = _b64url(b'{"alg":"HS256","typ":"JWT"}')
        claims = {
            "sub": user.id,
            "scope": list(scopes),
            "iat": int(issued),
            "exp": int(issued + lifetime),
            "iss": "api.app.wnology.io",
            "jti": secrets.token_hex(8),
        }
        payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
        signature = hmac.new(
            self._secret, f"{header}.{payload}".encode(), hashlib.sha256
        ).digest()
        token = UserToken(
            f"{header}.{payload}.{_b64url(signature)}",
            user.id,
            issued + lifetime,
            scopes,
        )
        self.user_tokens[token.token] = token
        return token

    def login(self, body: Any) -> UserToken:
        """POST /auth/user: check the credentials and issue a user token."""
        if not isinstance(body, dict):
            raise invalid("The body must be a JSON object")
        if unknown := sorted(set(body) - _CREDENTIAL_KEYS):
            raise invalid(f"Unknown field {unknown[0]}")
        for name in ("email", "password"):
            if not isinstance(body.get(name), str) or not body[name]:
                raise invalid(f"{name} is required")
        ttl = body.get("tokenTTL")
        if ttl is not None and (
            not isinstance(ttl, int) or isinstance(ttl, bool) or ttl < 0
        ):
            raise invalid("tokenTTL must be an integer >= 0 (seconds)")
        scopes = body.get("requestedScopes", ["all.User"])
        if (
            not isinstance(scopes, list)
            or not scopes
            or not all(isinstance(s, str) for s in scopes)
        ):
            raise invalid("requestedScopes must be an array of scopes")
        if not isinstance(body.get("twoFactorCode", ""), str):
            raise invalid("twoFactorCode must be a string")
        user = self.find_user(body["email"])
        if user is None or not hmac.compare_digest(
            user.password.encode(), body["password"].encode()
        ):
            raise WegnologyError(UNAUTHORIZED, "Invalid email or password")
        return self.issue_user_token(user, ttl, scopes)

    def authenticate(self, header: str | None) -> Principal:
        """Return who the Authorization header speaks for (401 otherwise)."""
        if not header:
            raise WegnologyError(UNAUTHORIZED, "No authorization token was found")
        scheme, _, value = header.partition(" ")
        value = value.strip()
        if scheme.lower() != "bearer" or not value:
            raise WegnologyError(
                UNAUTHORIZED, "Format is Authorization: Bearer [token]"
            )
        if (user_token := self.user_tokens.get(value)) is not None:
            if user_token.expires_at <= time.time():
                raise WegnologyError(UNAUTHORIZED, "Token has expired")
            return Principal(
                user_token.user_id,
                frozenset(user_token.scope),
                source=self._user_source(user_token.user_id),
            )
        api_token = self.api_tokens.get(value)
        if api_token is None:
            raise WegnologyError(UNAUTHORIZED, "Invalid token")
        if api_token.status != "active":
            raise WegnologyError(UNAUTHORIZED, "Token is no longer valid")
        return Principal(
            api_token.user_id,
            frozenset(api_token.scope),
            api_token.application_id,
            Source("apiToken", api_token.id, api_token.name),
        )

    def _user_source(self, user_id: str) -> Source:
        """Return how an event names a user: id and full name (or email)."""
        user = next((u for u in self.users if u.id == user_id), None)
        if user is None:
            return Source("user", user_id)
        name = f"{user.first_name} {user.last_name}".strip() or user.email
        return Source("user", user.id, name)

    # --- applications ---------------------------------------------------------------

    def visible_applications(self, principal: Principal) -> list[Application]:
        """Return the applications a user's token can see (its user owns them)."""
        return [
            app
            for app in self.applications.values()
            if app.owner_id == principal.user_id
        ]

    def application(self, principal: Principal, app_id: str) -> Application:
        """Return an application the token may use (403 other app, 404 unknown)."""
        if principal.application_id is not None and principal.application_id != app_id:
            raise WegnologyError(
                FORBIDDEN, "The token is not valid for this application"
            )
        app = self.applications.get(app_id)
        if app is None or (
            principal.application_id is None and app.owner_id != principal.user_id
        ):
            raise WegnologyError(NOT_FOUND, "Application was not found")
        return app

    @staticmethod
    def application_json(app: Application) -> dict[str, Any]:
        """Return an application as the API shows it."""
        document: dict[str, Any] = {
            "id": app.id,
            "applicationId": app.id,
            "name": app.name,
            "description": app.description,
            "ownerId": app.owner_id,
            "ownerType": "user",
            "creationDate": iso(app.creation_date),
            "lastUpdated": iso(app.last_updated),
            "summary": {"deviceCount": len(app.devices)},
            "_type": "application",
            "_links": {
                "self": {"href": f"/applications/{app.id}"},
                "devices": {"href": f"/applications/{app.id}/devices"},
            },
        }
        document["_etag"] = etag(document)
        return document

    # --- devices --------------------------------------------------------------------

    @staticmethod
    def device(app: Application, device_id: str) -> Device:
        """Return a device of app (404 otherwise)."""
        device = app.devices.get(device_id)
        if device is None:
            raise WegnologyError(NOT_FOUND, "Device was not found")
        return device

    def find_device(self, device_id: str) -> Device:
        """Return any application's device by id (KeyError otherwise)."""
        for app in self.applications.values():
            if device_id in app.devices:
                return app.devices[device_id]
        raise KeyError(device_id)

    def connection_info(self, device: Device) -> dict[str, Any]:
        """Return ``{connected: 0|1, time}``."""
        return {"connected": int(device.connected), "time": iso(device.connection_time)}

    def device_json(
        self,
        device: Device,
        *,
        tags_as_object: bool = False,
        attributes_as_object: bool = False,
        connection: bool = True,
    ) -> dict[str, Any]:
        """Return a device as the API lists it."""
        app_id = device.application_id
        document: dict[str, Any] = {
            "id": device.id,
            "deviceId": device.id,
            "applicationId": app_id,
            "creationDate": iso(device.creation_date),
            "lastUpdated": iso(device.last_updated),
            "name": device.name,
            "description": device.description,
            "tags": (
                {tag.key: tag.value for tag in device.tags}
                if tags_as_object
                else [{"key": tag.key, "value": tag.value} for tag in device.tags]
            ),
            "attributes": (
                {a.name: {"dataType": a.data_type} for a in device.attributes}
                if attributes_as_object
                else [attribute.to_json() for attribute in device.attributes]
            ),
            "deviceClass": device.device_class,
        }
        if device.parent_id is not None:
            document["parentId"] = device.parent_id
        if connection:
            document["connectionInfo"] = self.connection_info(device)
        document["_type"] = "device"
        document["_links"] = {
            "application": {"href": f"/applications/{app_id}"},
            "devices": {"href": f"/applications/{app_id}/devices"},
            "self": {"href": f"/applications/{app_id}/devices/{device.id}"},
        }
        document["_etag"] = etag(document)
        return document

    def composite_state(
        self,
        device: Device,
        start: int = 1,
        end: int | None = None,
        attributes: set[str] | None = None,
    ) -> dict[str, Any]:
        """Return ``{attribute: {value, time}}`` reported within [start, end]."""
        end = now_ms() if end is None else end
        time_format = device.time_format or self.time_format
        return {
            name: {
                "value": reported.value,
                "time": served_time(reported.time, time_format),
            }
            for name, reported in device.state.items()
            if start <= reported.time <= end
            and (attributes is None or name in attributes)
        }

    # --- commands -------------------------------------------------------------------

    def deliver(self, device: Device, name: str, payload: Any) -> bool:
        """Let the device's firmware act on a command; return whether it reported."""
        if device.firmware is None or not device.connected:
            return False
        values = device.firmware.react(name, payload)
        if not values:
            return False
        device.report(values)
        return True
