"""Async client for the WiZ Pro cloud: its OAuth token endpoint and GraphQL API.

Free of Home Assistant: it takes the aiohttp session it is given and a callable
that returns a valid access token.
"""

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

import aiohttp

from ..http import (
    JsonHttp,
    VendorAuthError,
    VendorClientError,
    VendorConnectionError,
    VendorNotFoundError,
    VendorRefusedError,
    VendorThrottledError,
)
from . import queries
from .models import (
    Building,
    BuildingMeta,
    PilotingState,
    TokenSet,
    WizProParseError,
    parse_building,
)

API_URL = "https://api.pro.wizconnected.com"
DASHBOARD_URL = "https://pro.wizconnected.com"
REQUEST_TIMEOUT = 20.0
MAX_CONCURRENT_REQUESTS = 8


class WizProError(VendorClientError):
    """Base error of the WiZ Pro client."""


class WizProConnectionError(WizProError, VendorConnectionError):
    """The cloud could not be reached, timed out, failed or answered garbage."""


class WizProRateLimitError(WizProConnectionError, VendorThrottledError):
    """The cloud answered 429 Too Many Requests."""


class WizProAuthError(WizProError, VendorAuthError):
    """The cloud refused the access token, code or refresh token."""


class WizProApiError(WizProError, VendorRefusedError):
    """The cloud answered with GraphQL errors or refused the request."""


class WizProNotFoundError(WizProApiError, VendorNotFoundError):
    """The cloud does not know the building (or floor, room, light) asked for.

    WiZ answers so for a building the account no longer grants.
    """


class WizProCommandFailedError(WizProError, VendorRefusedError):
    """A mutation answered false: the lights did not take the change."""


def authorize_url(
    *,
    dashboard_url: str,
    client_id: str,
    code_challenge: str,
    redirect_uri: str,
    state: str,
) -> str:
    """Return the page where the user grants access; its query is in the fragment."""
    query = urlencode(
        {
            "client_id": client_id,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
            "redirect_uri": redirect_uri,
            "state": state,
        }
    )
    return f"{dashboard_url.rstrip('/')}/dashboard/#/oauth/authorize?{query}"


def _http(
    session: aiohttp.ClientSession, api_url: str, request_timeout: float
) -> JsonHttp:
    """Return JSON over HTTP to a WiZ Pro server, a few requests at a time."""
    return JsonHttp(
        session,
        api_url,
        vendor="WiZ Pro",
        connection_error=WizProConnectionError,
        throttled_error=WizProRateLimitError,
        request_timeout=request_timeout,
        max_concurrent=MAX_CONCURRENT_REQUESTS,
    )


def _error_messages(reply: Any) -> list[str]:
    """Return the messages of a GraphQL error list."""
    errors = reply.get("errors") if isinstance(reply, dict) else None
    if not isinstance(errors, list):
        return []
    return [
        str(error.get("message", error)) if isinstance(error, dict) else str(error)
        for error in errors
    ]


def _has_error_code(reply: Any, code: str) -> bool:
    """Tell whether a GraphQL error carries an extensions code."""
    errors = reply.get("errors") if isinstance(reply, dict) else None
    return isinstance(errors, list) and any(
        isinstance(error, dict)
        and isinstance(error.get("extensions"), dict)
        and error["extensions"].get("code") == code
        for error in errors
    )


class WizProAuthClient:
    """The OAuth 2 token endpoint: code exchange and refresh."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        api_url: str = API_URL,
        request_timeout: float = REQUEST_TIMEOUT,
    ) -> None:
        """Use the given session."""
        self._http = _http(session, api_url, request_timeout)

    async def exchange_code(
        self, *, client_id: str, code: str, code_verifier: str
    ) -> TokenSet:
        """Trade an authorization code for tokens."""
        return await self._token(
            {
                "grantType": "authorizationCode",
                "authorizationCode": code,
                "clientId": client_id,
                "codeVerifier": code_verifier,
            }
        )

    async def refresh(self, refresh_token: str) -> TokenSet:
        """Trade a refresh token for new tokens; the old refresh token dies."""
        return await self._token(
            {"grantType": "refreshToken", "refreshToken": refresh_token}
        )

    async def _token(self, body: dict[str, str]) -> TokenSet:
        """Call the token endpoint."""
        answer = await self._http.request("POST", "/api/oauth/token", body=body)
        status, reply = answer.status, answer.data
        if status in (400, 401, 403):
            detail = reply.get("message") if isinstance(reply, dict) else None
            raise WizProAuthError(f"WiZ Pro refused the grant: {detail or status}")
        if status != 200:
            raise WizProApiError(f"WiZ Pro token endpoint answered HTTP {status}")
        try:
            return TokenSet.from_json(reply)
        except WizProParseError as err:
            raise WizProConnectionError(f"WiZ Pro sent a bad token: {err}") from err


class WizProClient:
    """The GraphQL API: buildings, their topology and state, and control."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        access_token: Callable[[], Awaitable[str]],
        *,
        api_url: str = API_URL,
        request_timeout: float = REQUEST_TIMEOUT,
    ) -> None:
        """Use the given session and source of valid access tokens."""
        self._http = _http(session, api_url, request_timeout)
        self._access_token = access_token

    async def buildings(self) -> list[BuildingMeta]:
        """Return the buildings the account was granted."""
        data = await self._execute(queries.BUILDINGS, {})
        buildings = data.get("buildings")
        if not isinstance(buildings, list):
            raise WizProConnectionError("WiZ Pro sent no building list")
        result: list[BuildingMeta] = []
        for item in buildings:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                name = item.get("name")
                result.append(
                    BuildingMeta(item["id"], name if isinstance(name, str) else "")
                )
        return result

    async def building(self, building_id: str) -> Building:
        """Return one building's topology with every light's current state."""
        data = await self.building_data(building_id)
        try:
            return parse_building(data)
        except WizProParseError as err:
            raise WizProConnectionError(f"WiZ Pro sent a bad building: {err}") from err

    async def building_data(self, building_id: str) -> dict[str, Any]:
        """Return one building's buildingTopology object as the cloud sent it.

        For a reader that compares it with the last one before parsing it.
        """
        data = await self._execute(
            queries.BUILDING_TOPOLOGY, {"buildingId": building_id}
        )
        topology = data.get("buildingTopology")
        if not isinstance(topology, dict):
            raise WizProConnectionError("WiZ Pro sent a bad building: not an object")
        return topology

    async def change_light_state(
        self, *, floor_id: str, light_id: str, mac: str, state: PilotingState
    ) -> None:
        """Change one light."""
        await self._mutate(
            queries.CHANGE_LIGHT_STATE,
            {
                "floorId": floor_id,
                "lightId": light_id,
                "mac": mac,
                "state": state.as_input(),
            },
        )

    async def change_group_state(
        self, *, floor_id: str, group_id: str, state: PilotingState
    ) -> None:
        """Change every light of a group."""
        await self._mutate(
            queries.CHANGE_GROUP_STATE,
            {"floorId": floor_id, "groupId": group_id, "state": state.as_input()},
        )

    async def change_room_state(
        self, *, floor_id: str, room_id: str, state: PilotingState
    ) -> None:
        """Change every light of a room."""
        await self._mutate(
            queries.CHANGE_ROOM_STATE,
            {"floorId": floor_id, "roomId": room_id, "state": state.as_input()},
        )

    async def change_floor_state(self, *, floor_id: str, state: PilotingState) -> None:
        """Change every light of a floor."""
        await self._mutate(
            queries.CHANGE_FLOOR_STATE,
            {"floorId": floor_id, "state": state.as_input()},
        )

    async def change_building_state(
        self, *, building_id: str, state: PilotingState
    ) -> None:
        """Change every light of a building."""
        await self._mutate(
            queries.CHANGE_BUILDING_STATE,
            {"buildingId": building_id, "state": state.as_input()},
        )

    async def apply_room_scene(self, room_scene_id: str) -> None:
        """Restore a scene saved for a room."""
        await self._mutate(queries.APPLY_ROOM_SCENE, {"roomSceneId": room_scene_id})

    async def _mutate(self, document: str, variables: dict[str, Any]) -> None:
        """Run a mutation; false means the lights did not take it."""
        data = await self._execute(document, variables)
        if data.get("result") is not True:
            raise WizProCommandFailedError("WiZ Pro could not pilot the lights")

    async def _execute(self, document: str, variables: dict[str, Any]) -> Any:
        """Run a GraphQL document and return its data."""
        token = await self._access_token()
        answer = await self._http.request(
            "POST",
            "/api/graphql",
            body={"query": document, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
        status, reply = answer.status, answer.data
        if status in (401, 403) or _has_error_code(reply, "UNAUTHENTICATED"):
            raise WizProAuthError("WiZ Pro refused the access token")
        messages = _error_messages(reply)
        if status != 200:
            raise WizProApiError(
                "; ".join(messages) or f"WiZ Pro answered HTTP {status}"
            )
        data = reply.get("data") if isinstance(reply, dict) else None
        if messages:
            if _has_error_code(reply, "NOT_FOUND"):
                raise WizProNotFoundError("; ".join(messages))
            raise WizProApiError("; ".join(messages))
        if not isinstance(data, dict):
            raise WizProConnectionError("WiZ Pro sent a reply without data")
        return data
