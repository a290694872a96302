"""The Gizwits Open API simulator: AppID + user token, bindings, datapoints, control.

It follows the vendor document (``gizwits-open-api.md``), quirks included. Where the
document is silent, the choice made here is written next to the code; in short:

- Every request needs a registered ``X-Gizwits-Application-Id`` (else 9003); user
  endpoints need ``X-Gizwits-User-token`` (missing/unknown 9004, expired 9006). A
  token works only with the AppID that issued it. ``/app/devdata/{did}/latest`` and
  ``/app/datapoint`` list only the AppID header and need no token.
- Checks run in this order: AppID, throttling (per AppID), token, body, then the
  endpoint's own checks. Error statuses: see ``HTTP_STATUS`` in ``gizwits_model``.
- Bodies are JSON only (a form-encoded or broken body is 9015 "form invalid!");
  replies are UTF-8 JSON with Chinese text unescaped; "Response: No" is ``{}``.
- Login: an unknown user is 9005, a moved account 9026 (checked before the password:
  the classic user store no longer holds it), a wrong password 9020.
- Paging: ``limit`` defaults to 20 and is clamped to 100; ``limit`` < 1, ``skip`` < 0
  or a non-integer is 9015. ``show_disabled=1`` adds disabled devices.
- ``/app/datapoint`` from an AppID that is not a super AppID: 9003 (HTTP 403) with the
  detail "not a super AppID"; every product is associated with every AppID; an unknown
  product_key is 9002.
- devdata/latest serves only data reported within the last 24 hours (the document:
  "within 24 hours"); older or no data answers ``updated_at: 0, attr: {}``.
  ``updated_at`` is an integer as in the example (the table says string); bools are
  ``0``/``1`` as in the example; see ``gizwits_model`` for the value conversions.
- Group members of a mixed group carry ``product_key``/``verbose_name`` "" (the
  document: they "will have a value" for a single-product group); offline, disabled
  or unbound members answer ``result: false`` and are not changed. Unbinding a device
  also takes it out of the user's groups.
- Control checks: device exists (9014), bound (9017), not disabled (9023), attrs valid
  (9025), online (9042); success is ``{}``. ``raw`` is accepted (and recorded) but does
  not change the state: the simulator does not decode the product's P0 payload.
- Unknown or foreign group ids: 9015 with HTTP 404 (the table has no group codes);
  controlling a mixed group: 9015 (400). Scenes: 9220 not found, 9221 not yours (the
  document's /errors example).
- A scene runs in the background after the ``{}`` reply ("start to perform"); delay
  tasks wait ``min(time, scene_delay_cap)`` (default 0 s); status is 2 when any task
  (or group member) failed. Scene runs are recorded in ``scene_runs``, not ``controls``.
- The same server speaks the newer "AEP" app login (``sim.aep``, see
  ``gizwits_aep``) and the app WebSocket at ``/ws/app/v1`` (``sim.push``, see
  ``gizwits_push``); the bindings' ``host``/``ws_port`` point at this server.
- The default data is the demo home with the moved demo account (``DEMO_MOVED_*``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
import functools
import json
import logging
import re
import time
from typing import TYPE_CHECKING, Any

from aiohttp import web
from yarl import URL

from .faults import Fault, FaultInjector, FaultKind
from .gizwits_aep import AepLogin
from .gizwits_demo import DEMO_APP_ID, DEMO_USERNAME, demo_data
from .gizwits_model import (
    HTTP_STATUS,
    Device,
    GizwitsData,
    GizwitsError,
    Group,
    Product,
    Scenario,
    User,
    error_body,
)
from .gizwits_push import AppPush
from .gizwits_state import GizwitsState, SceneRun, Token
from .recording import RECORDED_REQUEST
from .server import SimulatorServer
from .throttle import SlidingWindow

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable

    from .recording import RecordedRequest

__all__ = ["DEMO_APP_ID", "GizwitsSimulator", "SceneRun", "Token"]

_LOGGER = logging.getLogger(__name__)
_DUMPS = functools.partial(json.dumps, ensure_ascii=False)
_INTEGER = re.compile(r"^-?\d+$")


class _GizwitsFaults(FaultInjector):
    """The shared faults; a rate_limit fault answers in Gizwits' shape by default."""

    __slots__ = ()

    def add(
        self,
        kind: FaultKind,
        *,
        path: str | None = None,
        count: int | None = 1,
        match: Callable[[RecordedRequest], bool] | None = None,
        **params: Any,
    ) -> Fault:
        """Arm a fault (see FaultInjector.add); rate_limit bodies default to 9041."""
        if kind == "rate_limit":
            params.setdefault("body", error_body(9041))
        return super().add(kind, path=path, count=count, match=match, **params)


@dataclass(frozen=True, slots=True)
class _Context:
    """Who is calling: the AppID and, on user endpoints, the token and its user."""

    app_id: str
    token_user: User | None = None
    token: Token | None = None

    @property
    def user(self) -> User:
        """Return the token's user (user endpoints only)."""
        if self.token_user is None:
            raise RuntimeError("This endpoint does not check a user token")
        return self.token_user


type _Handler = Callable[[web.Request, _Context], Awaitable[Any]]


class GizwitsSimulator(SimulatorServer):
    """A Gizwits Open API cloud on a local port, with state and switches for tests.

    Switches: ``app_ids``, ``super_app_ids``, ``throttle`` ((requests, seconds) per
    AppID, None: off), ``scene_delay_cap``, ``http_status`` (error code → status),
    ``token_lifetime``, ``default_limit``/``max_limit``, a user's ``moved`` flag;
    the AEP login's switches on ``aep`` (:class:`~simulator.gizwits_aep.AepLogin`),
    the app WebSocket's on ``push`` (:class:`~simulator.gizwits_push.AppPush`).
    Recording: ``requests`` (shared), ``controls``, ``raw_controls``, ``scene_runs``,
    and the sockets on ``push``.
    """

    def __init__(
        self,
        data: GizwitsData | None = None,
        *,
        app_ids: Iterable[str] = (DEMO_APP_ID,),
        super_app_ids: Iterable[str] | None = None,
        token_lifetime: timedelta = timedelta(days=7),
        aep_token_lifetime: timedelta = timedelta(days=180),
        default_limit: int = 20,
        max_limit: int = 100,
    ) -> None:
        """Set up the cloud with data (default: the demo home and its moved account)."""
        super().__init__()
        self.faults = _GizwitsFaults()
        self.state = GizwitsState(
            demo_data(moved_user=True) if data is None else data, token_lifetime
        )
        self.app_ids: set[str] = set(app_ids)
        self.super_app_ids: set[str] = set(
            self.app_ids if super_app_ids is None else super_app_ids
        )
        self.default_limit = default_limit
        self.max_limit = max_limit
        self.throttle: tuple[int, float] | None = None
        self.scene_delay_cap = 0.0
        self.http_status: dict[int, int] = dict(HTTP_STATUS)
        self._budget = SlidingWindow()
        self.aep = AepLogin(self, aep_token_lifetime)
        self.push = AppPush(self)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Start listening; the bindings then name this host and port for the socket.

        A wildcard listen address (0.0.0.0, ::) is advertised as 127.0.0.1.
        """
        await super().start(host, port)
        self.state.ws_host = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host  # noqa: S104
        self.state.ws_port = URL(self.url).port or 0
        self.push.start()

    async def stop(self) -> None:
        """Cut every app socket, then stop the server."""
        await self.push.stop()
        await super().stop()

    # --- state access ---------------------------------------------------------------

    @property
    def products(self) -> dict[str, Product]:
        """Return the products by product_key."""
        return self.state.products

    @property
    def devices(self) -> dict[str, Device]:
        """Return every device of the cloud by did, bound or not."""
        return self.state.devices

    @property
    def users(self) -> list[User]:
        """Return the users."""
        return self.state.users

    @property
    def tokens(self) -> dict[str, Token]:
        """Return the issued tokens by value."""
        return self.state.tokens

    @property
    def token_lifetime(self) -> timedelta:
        """Return the lifetime of tokens issued from now on."""
        return self.state.token_lifetime

    @token_lifetime.setter
    def token_lifetime(self, lifetime: timedelta) -> None:
        """Set the lifetime of tokens issued from now on."""
        self.state.token_lifetime = lifetime

    @property
    def controls(self) -> list[tuple[str, dict[str, Any]]]:
        """Return (did or group id, attrs as sent) of every accepted attrs control."""
        return self.state.controls

    @property
    def raw_controls(self) -> list[tuple[str, bytes]]:
        """Return (did or group id, bytes) of every accepted raw instruction."""
        return self.state.raw_controls

    @property
    def scene_runs(self) -> list[SceneRun]:
        """Return every scene run, in order."""
        return self.state.scene_runs

    def device(self, did: str) -> Device:
        """Return a device by did (its .attr holds raw values)."""
        return self.state.devices[did]

    def product(self, product_key: str) -> Product:
        """Return a product by product_key."""
        return self.state.products[product_key]

    def user(self, login: str = DEMO_USERNAME) -> User:
        """Return a user by username, email, phone or uid."""
        user = self.state.find_user(login)
        if user is None:
            raise KeyError(login)
        return user

    def group(self, group_id: str) -> Group:
        """Return any user's group by id."""
        return next(g for u in self.users for g in u.groups if g.id == group_id)

    def scene(self, scene_id: str) -> Scenario:
        """Return any user's scenario by id."""
        return next(s for u in self.users for s in u.scenes if s.id == scene_id)

    def attrs(self, did: str) -> dict[str, Any]:
        """Return the attr object devdata/latest serves for did now."""
        attr: dict[str, Any] = self.state.latest(self.device(did))["attr"]
        return attr

    def scene_status(self, scene_id: str) -> int:
        """Return a scene's task status (3: never run)."""
        return self.state.scene_statuses.get(scene_id, 3)

    # --- switches -------------------------------------------------------------------

    def set_online(self, did: str, online: bool) -> None:
        """Take a device online or offline (its last data stays); push the change."""
        device = self.device(did)
        if device.online != online:
            device.online = online
            self.push.online_changed(device)

    def set_attr(self, did: str, name: str, value: Any) -> None:
        """Report one datapoint as the device would (value as devdata shows it).

        The report is pushed to the device's app WebSocket subscribers.
        """
        device = self.device(did)
        datapoint = self.product(device.product_key).by_name[name]
        self.state.apply(device, {name: datapoint.from_reading(value)})

    def bind(self, did: str, login: str = DEMO_USERNAME, role: str = "special") -> None:
        """Bind an existing device to a user (a new binding is pushed)."""
        self.device(did)
        user = self.user(login)
        new = did not in user.bindings
        user.bindings[did] = role
        if new:
            self.push.binding_changed(user, did, True)

    def unbind(self, did: str, login: str = DEMO_USERNAME) -> None:
        """Unbind a device from a user; it also leaves the user's groups (pushed)."""
        user = self.user(login)
        if user.bindings.pop(did, None) is not None:
            self.push.binding_changed(user, did, False)
        for group in user.groups:
            if did in group.dids:
                group.dids.remove(did)

    def add_device(self, device: Device, bind_to: str | None = DEMO_USERNAME) -> None:
        """Add a device to the cloud (its product must exist), bound to a user."""
        self.product(device.product_key)
        self.devices[device.did] = device
        if bind_to is not None:
            self.bind(device.did, bind_to)

    def issue_token(
        self, login: str = DEMO_USERNAME, app_id: str = DEMO_APP_ID
    ) -> Token:
        """Issue a token as a successful login would."""
        return self.state.issue_token(self.user(login), app_id)

    def expire_tokens(self) -> None:
        """Make every issued token expired (9006, AEP 505, socket 1009 from now on)."""
        past = int(time.time()) - 1
        for token in self.tokens.values():
            token.expire_at = past

    # --- HTTP -----------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        """Add the Open API endpoints, the AEP paths and the app WebSocket."""
        routes: list[tuple[str, str, _Handler, bool]] = [
            ("POST", "/app/login", self._login, False),
            ("GET", "/app/bindings", self._bindings, True),
            ("GET", "/app/devices/{did}", self._device_details, True),
            ("GET", "/app/datapoint", self._datapoint, False),
            ("GET", "/app/devdata/{did}/latest", self._devdata, False),
            ("POST", "/app/control/{did}", self._control, True),
            ("GET", "/app/group", self._groups, True),
            ("GET", "/app/group/{id}/devices", self._group_devices, True),
            ("POST", "/app/group/{id}/control", self._group_control, True),
            ("GET", "/app/scene", self._scenes, True),
            ("GET", "/app/scene/{id}/task", self._scene_task_status, True),
            ("POST", "/app/scene/{id}/task", self._run_scene_task, True),
        ]
        for method, path, handler, needs_token in routes:
            app.router.add_route(method, path, self._endpoint(handler, needs_token))
        self.aep.add_routes(app)
        self.push.add_routes(app)

    def _endpoint(
        self, handler: _Handler, needs_token: bool
    ) -> Callable[[web.Request], Awaitable[web.Response]]:
        """Wrap handler in the AppID, throttling and token checks and error replies."""

        async def endpoint(request: web.Request) -> web.Response:
            """Answer one request."""
            try:
                app_id = self._check_app_id(request)
                self._check_throttle(app_id)
                ctx = _Context(app_id)
                if needs_token:
                    token, user = self.state.check_token(
                        request.headers.get("X-Gizwits-User-token"), app_id
                    )
                    ctx = _Context(app_id, user, token)
                result = await handler(request, ctx)
            except GizwitsError as err:
                status = err.status or self.http_status.get(err.code, 400)
                return web.json_response(
                    error_body(err.code, err.detail),
                    status=status,
                    headers=err.headers,
                    dumps=_DUMPS,
                )
            except Exception:
                _LOGGER.exception("Gizwits simulator failed on %s", request.path)
                return web.json_response(
                    error_body(9008), status=self.http_status[9008], dumps=_DUMPS
                )
            return web.json_response(result, dumps=_DUMPS)

        return endpoint

    def _check_app_id(self, request: web.Request) -> str:
        """Return the request's registered AppID (9003 otherwise)."""
        app_id = request.headers.get("X-Gizwits-Application-Id", "")
        if app_id not in self.app_ids:
            raise GizwitsError(9003)
        return app_id

    def _check_throttle(self, app_id: str) -> None:
        """Count the request against the AppID's budget (sliding window), or 9041."""
        if self.throttle is None:
            return
        budget, window = self.throttle
        if (
            retry_after := self._budget.take(app_id, budget, window, self.clock())
        ) is not None:
            raise GizwitsError(
                9041,
                f"at most {budget} requests in {window:g} s",
                headers={"Retry-After": str(retry_after)},
            )

    @staticmethod
    def _query_int(request: web.Request, name: str, default: int, low: int) -> int:
        """Return an integer query parameter of at least low (9015 otherwise)."""
        text = request.query.get(name)
        if text is None:
            return default
        if not _INTEGER.match(text) or int(text) < low:
            raise GizwitsError(9015, f"{name} must be an integer >= {low}")
        return int(text)

    async def _login(self, request: web.Request, ctx: _Context) -> dict[str, Any]:
        """POST /app/login {username, password, lang?}."""
        token = self.state.login(request[RECORDED_REQUEST].json, ctx.app_id)
        return {"token": token.token, "uid": token.uid, "expire_at": token.expire_at}

    async def _bindings(self, request: web.Request, ctx: _Context) -> dict[str, Any]:
        """GET /app/bindings?limit=&skip=&show_disabled=&show_proto_ver=."""
        if self.aep.bindings_refused and ctx.token and ctx.token.kind == "aep":
            raise GizwitsError(
                9026, "the account uses the new app platform", status=404
            )
        limit = self._query_int(request, "limit", self.default_limit, 1)
        skip = self._query_int(request, "skip", 0, 0)
        disabled = self._query_int(request, "show_disabled", 0, 0) == 1
        proto = self._query_int(request, "show_proto_ver", 0, 0) == 1
        devices = self.state.bindings(
            ctx.user, min(limit, self.max_limit), skip, disabled=disabled, proto=proto
        )
        return {"devices": devices}

    async def _device_details(
        self, request: web.Request, ctx: _Context
    ) -> dict[str, Any]:
        """GET /app/devices/{did}."""
        return self.state.device_details(ctx.user, request.match_info["did"])

    async def _datapoint(self, request: web.Request, ctx: _Context) -> dict[str, Any]:
        """GET /app/datapoint?product_key= (super AppIDs only)."""
        if ctx.app_id not in self.super_app_ids:
            raise GizwitsError(9003, "not a super AppID")
        product_key = request.query.get("product_key")
        if not product_key:
            raise GizwitsError(9015, "product_key is required")
        product = self.products.get(product_key)
        if product is None:
            raise GizwitsError(9002)
        return product.definition()

    async def _devdata(self, request: web.Request, _ctx: _Context) -> dict[str, Any]:
        """GET /app/devdata/{did}/latest (AppID only, as the document lists)."""
        device = self.devices.get(request.match_info["did"])
        if device is None:
            raise GizwitsError(9014)
        return self.state.latest(device)

    async def _control(self, request: web.Request, ctx: _Context) -> dict[str, Any]:
        """POST /app/control/{did} {attrs | raw}."""
        body = request[RECORDED_REQUEST].json
        self.state.control(ctx.user, request.match_info["did"], body)
        return {}

    async def _groups(
        self, _request: web.Request, ctx: _Context
    ) -> list[dict[str, Any]]:
        """GET /app/group."""
        return self.state.groups(ctx.user)

    async def _group_devices(
        self, request: web.Request, ctx: _Context
    ) -> list[dict[str, Any]]:
        """GET /app/group/{id}/devices."""
        return self.state.group_devices(ctx.user, request.match_info["id"])

    async def _group_control(
        self, request: web.Request, ctx: _Context
    ) -> list[dict[str, Any]]:
        """POST /app/group/{id}/control {attrs | raw}."""
        body = request[RECORDED_REQUEST].json
        return self.state.group_control(ctx.user, request.match_info["id"], body)

    async def _scenes(
        self, _request: web.Request, ctx: _Context
    ) -> list[dict[str, Any]]:
        """GET /app/scene."""
        return self.state.scenes(ctx.user)

    async def _scene_task_status(
        self, request: web.Request, ctx: _Context
    ) -> dict[str, Any]:
        """GET /app/scene/{id}/task → {status}."""
        scene = self.state.user_scene(ctx.user, request.match_info["id"])
        return {"status": self.scene_status(scene.id)}

    async def _run_scene_task(
        self, request: web.Request, ctx: _Context
    ) -> dict[str, Any]:
        """POST /app/scene/{id}/task: answer at once, run the tasks in background."""
        scene, run = self.state.start_scene(ctx.user, request.match_info["id"])
        self.spawn(self.state.play(ctx.user, scene, run, self.scene_delay_cap))
        return {}
