"""The WiZ Pro cloud simulator: OAuth 2 with PKCE, the GraphQL API and webhooks.

It follows the vendor document (``wiz-pro-api.txt``), quirks included. Where the
document is silent, the choice made here is written next to the code; in short:

- GraphQL auth failures (missing, unknown, revoked or expired token) answer HTTP 401
  ``{"errors": [{"message": "Unauthorized",
  "extensions": {"code": "UNAUTHENTICATED"}}]}``, checked before the body is looked at.
- Requests refused before execution answer 400 in Apollo's shape (codes
  ``GRAPHQL_PARSE_FAILED``, ``GRAPHQL_VALIDATION_FAILED``, ``BAD_USER_INPUT`` for
  variables, ``OPERATION_RESOLUTION_FAILURE``, ``BAD_REQUEST``); the body must be a JSON
  object sent as ``application/json`` (no batching, no GET). Introspection is off, as on
  a production server. Execution errors answer 200 with ``data`` and ``errors`` whose
  ``extensions.code`` is ``NOT_FOUND`` or ``BAD_USER_INPUT``.
- Group/room/floor/building mutations skip offline lights and return true when at
  least one light was piloted (false when none was); an empty ``state`` changes nothing
  and returns true; a ``temperature`` must suit every targeted light, offline included.
- OAuth choices are listed in ``wiz_pro_oauth.py``; how a bulb applies a state in
  ``wiz_pro_model.py``; unset favorites are ``FavoriteStateStatus {status: false}``.
- Webhook notifications: one POST per light whose state changed, sent (in order) after
  the mutation's reply; a receiver's failure is logged and recorded, never retried.
  The URL must be https unless ``require_https_webhooks`` is off.
- ``sim.send_bad_bytes()`` arms the shared ``bad_bytes`` fault: the next replies
  carry bytes that are not UTF-8.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from yarl import URL

from .recording import RECORDED_REQUEST, GraphQLOperation, RecordedRequest
from .server import SimulatorServer
from .wiz_pro_demo import demo_data
from .wiz_pro_graphql import GraphQLContext, GraphQLRequestError, WizProGraphQL
from .wiz_pro_model import (
    Building,
    Floor,
    Group,
    Light,
    PilotingInputError,
    Room,
    RoomScene,
    check_piloting_input,
)
from .wiz_pro_oauth import DEFAULT_CLIENT_ID, WizProOAuth
from .wiz_pro_state import WizProState

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = ["DEFAULT_CLIENT_ID", "WebhookDelivery", "WizProSimulator"]

_LOGGER = logging.getLogger(__name__)

GRAPHQL_PATH = "/api/graphql"
WEBHOOK_ADMIN_PATH = "/_simulator/webhook"
_UNAUTHORIZED = {
    "errors": [{"message": "Unauthorized", "extensions": {"code": "UNAUTHENTICATED"}}]
}


@dataclass(slots=True)
class WebhookDelivery:
    """One STATUSCHANGE POST: its JSON body and how the receiver answered."""

    url: str
    body: dict[str, Any]
    status: int | None = None
    error: str | None = None

    @property
    def payload(self) -> dict[str, Any]:
        """Return the decoded payload (the body carries it as a JSON string)."""
        decoded: dict[str, Any] = json.loads(self.body["payload"])
        return decoded


class WizProSimulator(SimulatorServer):
    """A WiZ Pro cloud on a local port, with state, auth and webhooks to drive."""

    def __init__(
        self,
        data: Sequence[Building] | None = None,
        *,
        client_ids: Iterable[str] = (DEFAULT_CLIENT_ID,),
        echo_state: bool = False,
        require_https_webhooks: bool = True,
        access_token_lifetime: timedelta = timedelta(hours=3),
        introspection: bool = False,
        token_file: Path | None = None,
    ) -> None:
        """Set up the cloud with data (default: the demo office)."""
        super().__init__()
        self.state = WizProState(demo_data() if data is None else data)
        self.oauth = WizProOAuth(
            client_ids,
            echo_state=echo_state,
            access_token_lifetime=access_token_lifetime,
            token_file=token_file,
        )
        self.require_https_webhooks = require_https_webhooks
        self.graphql = WizProGraphQL(introspection=introspection)
        self.webhook_deliveries: list[WebhookDelivery] = []
        self._webhook_url: str | None = None

    # --- OAuth settings and tokens --------------------------------------------------

    @property
    def client_ids(self) -> set[str]:
        """Return the registered OAuth client ids (mutable)."""
        return self.oauth.client_ids

    @property
    def echo_state(self) -> bool:
        """Return whether the OAuth callback carries the state parameter back."""
        return self.oauth.echo_state

    @echo_state.setter
    def echo_state(self, echo: bool) -> None:
        """Switch echoing of the state parameter on or off."""
        self.oauth.echo_state = echo

    @property
    def access_token_lifetime(self) -> timedelta:
        """Return the lifetime of newly issued access tokens."""
        return self.oauth.access_token_lifetime

    @access_token_lifetime.setter
    def access_token_lifetime(self, lifetime: timedelta) -> None:
        """Set the lifetime of access tokens issued from now on."""
        self.oauth.access_token_lifetime = lifetime

    def issue_tokens(self) -> dict[str, str]:
        """Issue a token pair as a completed OAuth flow would; return the reply."""
        return self.oauth.issue_tokens()

    def revoke_tokens(self) -> None:
        """Make every access and refresh token stop working."""
        self.oauth.revoke_tokens()

    def expire_access_tokens(self) -> None:
        """Make every access token expired (refresh tokens keep working)."""
        self.oauth.expire_access_tokens()

    # --- state access -------------------------------------------------------------

    @property
    def buildings(self) -> list[Building]:
        """Return every building of the cloud, granted or not."""
        return self.state.buildings

    @property
    def granted_buildings(self) -> set[str]:
        """Return the ids of the buildings the user's tokens can see (mutable)."""
        return self.state.granted_buildings

    @granted_buildings.setter
    def granted_buildings(self, building_ids: Iterable[str]) -> None:
        """Replace the granted buildings."""
        self.state.granted_buildings = set(building_ids)

    def reindex(self) -> None:
        """Rebuild the lookups after adding or moving things in the tree."""
        self.state.reindex()

    def building(self, building_id: str) -> Building:
        """Return a building by id."""
        return self.state.building_by_id[building_id]

    def floor(self, floor_id: str) -> Floor:
        """Return a floor by id."""
        return self.state.floor_by_id[floor_id]

    def room(self, room_id: str) -> Room:
        """Return a room by id."""
        return self.state.room_by_id[room_id]

    def group(self, group_id: str) -> Group:
        """Return a group by id."""
        return self.state.group_by_id[group_id]

    def room_scene(self, room_scene_id: str) -> RoomScene:
        """Return a room scene by id."""
        return self.state.scene_by_id[room_scene_id]

    def light(self, light_id: str) -> Light:
        """Return a light by id; its .state dict is the currentState."""
        return self.state.light_by_id[light_id]

    def light_by_mac(self, mac: str) -> Light:
        """Return a light by MAC address."""
        return self.state.light_by_mac[mac]

    def floor_of(self, light_id: str) -> Floor:
        """Return the floor a light (or room, group, scene) is on."""
        return self.state.floor_of[light_id]

    def room_of(self, light_id: str) -> Room:
        """Return the room a light (or group, scene) is in."""
        return self.state.room_of[light_id]

    # --- recording ------------------------------------------------------------------

    @property
    def graphql_requests(self) -> list[RecordedRequest]:
        """Return the recorded requests that carried a valid GraphQL operation."""
        return [r for r in self.requests if r.graphql is not None]

    @property
    def mutations(self) -> list[tuple[str, dict[str, Any]]]:
        """Return (field, arguments) of every mutation field executed, in order."""
        return self._executed_calls("mutation")

    @property
    def queries(self) -> list[tuple[str, dict[str, Any]]]:
        """Return (field, arguments) of every query field executed, in order."""
        return self._executed_calls("query")

    def _executed_calls(self, kind: str) -> list[tuple[str, dict[str, Any]]]:
        """Return the executed top-level calls of one operation kind."""
        operations: list[GraphQLOperation] = [
            r.graphql for r in self.requests if r.graphql is not None
        ]
        return [
            (call.name, call.arguments)
            for operation in operations
            if operation.kind == kind and operation.executed
            for call in operation.calls
        ]

    def annotate(self, recorded: RecordedRequest) -> None:
        """Attach the parsed GraphQL operation to a recorded GraphQL request."""
        body = recorded.json
        if recorded.path != GRAPHQL_PATH or not isinstance(body, dict):
            return
        query, variables, operation_name = _graphql_fields(body)
        if query is None:
            return
        try:
            prepared = self.graphql.prepare(query, variables, operation_name)
        except GraphQLRequestError:
            return
        recorded.graphql = self.graphql.describe(prepared)

    # --- tokens ---------------------------------------------------------------------

    # --- webhooks -------------------------------------------------------------------

    @property
    def webhook_url(self) -> str | None:
        """Return the Data export webhook URL (None: notifications off)."""
        return self._webhook_url

    @webhook_url.setter
    def webhook_url(self, url: str | None) -> None:
        """Set the webhook URL; ValueError for an http URL while https is required."""
        if url is not None:
            self._check_webhook_url(url)
        self._webhook_url = url

    def _check_webhook_url(self, url: str) -> None:
        """Refuse what the Data export settings page would refuse."""
        try:
            parsed = URL(url)
        except (TypeError, ValueError) as err:
            raise ValueError(f"Invalid webhook URL: {url!r}") from err
        if not parsed.absolute or not parsed.host:
            raise ValueError(f"The webhook URL must be absolute: {url!r}")
        if parsed.scheme == "https":
            return
        if parsed.scheme == "http" and not self.require_https_webhooks:
            return
        raise ValueError("Only https webhook endpoints are supported")

    def _webhook_body(self, light: Light, **overrides: Any) -> dict[str, Any]:
        """Return the STATUSCHANGE body for a light (payload is a JSON string)."""
        payload = {**light.status_payload(), **overrides}
        return {
            "floorId": self.state.floor_id_of(light),
            "type": "STATUSCHANGE",
            "payload": json.dumps(payload, separators=(",", ":")),
        }

    async def send_status_change(
        self, light_id: str, **overrides: Any
    ) -> WebhookDelivery:
        """POST a STATUSCHANGE for a light now; overrides replace payload keys."""
        if self._webhook_url is None:
            raise RuntimeError("No webhook URL is set")
        body = self._webhook_body(self.light(light_id), **overrides)
        return await self._deliver(self._webhook_url, body)

    def set_connected(self, light_id: str, connected: bool) -> None:
        """Take a light offline or online; notifies the webhook when one is set."""
        light = self.light(light_id)
        if light.connected == connected:
            return
        light.connected = connected
        self._notify([light])

    def change_light_locally(self, light_id: str, **request: Any) -> bool:
        """Change a light outside the API (wall switch, WiZ app); notifies the webhook.

        The request is a PilotingLightStateInput as a dict; returns whether it changed.
        """
        light = self.light(light_id)
        try:
            check_piloting_input(request, [light.model])
        except PilotingInputError as err:
            raise ValueError(str(err)) from err
        changed = light.pilot(request)
        if changed:
            self._notify([light])
        return changed

    async def flush_webhooks(self) -> None:
        """Wait until every scheduled webhook delivery is done."""
        await self.wait_background()

    def _notify(self, lights: Iterable[Light]) -> None:
        """Schedule one STATUSCHANGE per light (state captured now) if a URL is set."""
        url = self._webhook_url
        if url is None or not self.started:
            return
        unique = list(dict.fromkeys(lights))
        if not unique:
            return
        bodies = [self._webhook_body(light) for light in unique]
        self.spawn(self._deliver_all(url, bodies))

    async def _deliver_all(self, url: str, bodies: list[dict[str, Any]]) -> None:
        """POST bodies one after the other, in order."""
        for body in bodies:
            await self._deliver(url, body)

    async def _deliver(self, url: str, body: dict[str, Any]) -> WebhookDelivery:
        """POST one body; failures are logged and recorded, never raised."""
        delivery = WebhookDelivery(url=url, body=body)
        self.webhook_deliveries.append(delivery)
        try:
            async with self.http_session.post(url, json=body) as response:
                delivery.status = response.status
                await response.read()
        except (aiohttp.ClientError, TimeoutError, OSError) as err:
            delivery.error = f"{type(err).__name__}: {err}"
            _LOGGER.warning("Webhook delivery to %s failed: %s", url, delivery.error)
        else:
            if delivery.status >= 400:
                _LOGGER.warning("Webhook receiver %s answered %s", url, delivery.status)
        return delivery

    # --- replies that are not UTF-8 ---------------------------------------------------

    def send_bad_bytes(self, path: str = GRAPHQL_PATH, count: int = 1) -> None:
        """Answer the next count requests to path with a body that is not UTF-8.

        The request is handled as usual (a mutation still changes the state); its
        JSON reply then gets a byte no UTF-8 text has, inside a string.
        """
        if count < 1:
            raise ValueError("count must be at least 1")
        self.faults.add("bad_bytes", path=path, count=count)

    # --- HTTP -----------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        """Add the WiZ Pro endpoints and the simulator's admin endpoints."""
        # Innermost, so the shared faults and the recording see the spoiled reply.
        self.oauth.add_routes(app)
        app.router.add_post(GRAPHQL_PATH, self._graphql)
        app.router.add_get(WEBHOOK_ADMIN_PATH, self._get_webhook)
        app.router.add_post(WEBHOOK_ADMIN_PATH, self._set_webhook)

    async def _graphql(self, request: web.Request) -> web.Response:
        """Run one GraphQL request."""
        if not self.oauth.authorized(request):
            return web.json_response(_UNAUTHORIZED, status=401)
        recorded = request[RECORDED_REQUEST]
        body = recorded.json
        query, variables, operation_name = _graphql_fields(body)
        if request.content_type != "application/json" or query is None:
            return web.json_response(
                {
                    "errors": [
                        {
                            "message": "POST body must be a JSON object with a string"
                            " 'query', optional object 'variables' and optional"
                            " string 'operationName'",
                            "extensions": {"code": "BAD_REQUEST"},
                        }
                    ]
                },
                status=400,
            )
        try:
            prepared = self.graphql.prepare(query, variables, operation_name)
        except GraphQLRequestError as err:
            return web.json_response(err.body(), status=400)
        context = GraphQLContext(self.state)
        result = self.graphql.execute(prepared, context)
        if recorded.graphql is not None:
            recorded.graphql.executed = True
        self._notify(context.changed)
        return web.json_response(result.formatted)

    async def _get_webhook(self, _request: web.Request) -> web.Response:
        """Return the webhook settings."""
        return web.json_response(
            {"url": self._webhook_url, "requireHttps": self.require_https_webhooks}
        )

    async def _set_webhook(self, request: web.Request) -> web.Response:
        """Set the webhook URL from {"url": ...} (null turns notifications off)."""
        body = request[RECORDED_REQUEST].json
        if not isinstance(body, dict) or not isinstance(body.get("url"), str | None):
            return web.json_response(
                {"error": 'Send {"url": "https://..."}'}, status=400
            )
        try:
            self.webhook_url = body["url"]
        except ValueError as err:
            return web.json_response({"error": str(err)}, status=400)
        return web.json_response({"url": self._webhook_url})


def _graphql_fields(body: Any) -> tuple[str | None, dict[str, Any] | None, str | None]:
    """Return query, variables and operationName (query None: invalid body)."""
    if not isinstance(body, dict):
        return None, None, None
    query = body.get("query")
    variables = body.get("variables")
    operation_name = body.get("operationName")
    if (
        not isinstance(query, str)
        or not isinstance(variables, dict | None)
        or not isinstance(operation_name, str | None)
    ):
        return None, None, None
    return query, variables, operation_name
