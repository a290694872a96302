"""The WEGnology REST API simulator: tokens, applications, devices, events, workflows.

It follows the vendor documents (``wegnology-rest-api.txt``,
``wegnology-devices-api.txt``, ``wegnology-events-and-workflows.md``) and, where they
name a type without its shape, Losant's published API (WEGnology is a white-label of
Losant; see the reading notes). Events are described in ``wegnology_events``,
workflows and virtual buttons in ``wegnology_flows``, the advanced queries in
``wegnology_query``. Where all are silent, the choice made here is written next to
the code; in short:

- Errors are ``{"type", "message"}``: 400 Validation, 401 Unauthorized (missing,
  malformed, unknown, expired or revoked token), 403 Forbidden (the token has none of
  the endpoint's documented scopes, or is an application token used on another
  application), 404 NotFound (application, device, unknown route), 429
  TooManyRequests (with Retry-After). Checks run in this order: throttle, token,
  scope, application binding, request validation, then lookups (404).
- Throttling (``throttle = (requests, seconds)``, off by default) is a sliding window
  per client address, counted before authentication.
- A user token (``POST /auth/user``) sees the applications its user owns; another
  user's application is 404, as if it did not exist. An application API token
  reaches only its application: Application Get (``GET /applications/{id}``) and the
  resources below it. It cannot list ``/applications`` (403): Losant documents that
  collection as "the set of Applications that the currently authenticated user has
  access to", and an application token "will only ever be able to access and manage
  resources within the application they were created in" — its real API refuses it.
  Deployments differ in how (the documents name no status): the switch
  ``app_token_applications_status = 401`` answers 401 Unauthorized instead.
- Every paged list (applications, devices, composite state, events, workflows)
  refuses a ``perPage`` above ``max_per_page`` (default 1000) with 400
  "perPage must be <= N"; a server with a lower limit is ``max_per_page = N`` (a
  request without perPage then gets ``min(default_per_page, N)`` items a page).
- JSON bodies: a body that is not JSON is a 400; unknown fields in the documented
  bodies are a 400 (Losant validates bodies against JSON schemas).
- ``GET …/devices/compositeState`` with ``bulk_composite_state = False`` answers as a
  deployment without that route would: the path falls to Device Get, where
  "compositeState" is an unknown device: 404 "Device was not found".
- Commands answer ``{"success": true}`` whether the device is connected or not (the
  cloud publishes them; an offline device never gets them). A device with firmware
  (the demo relays) acts on a command in the background after ``firmware_delay``
  seconds, if connected then, and reports the new state (which also moves
  ``lastUpdated``). The Multi Device Command always answers 200 (never a 202 job);
  ids it does not know are skipped.
- ``connectionInfo`` is ``{connected: 0|1, time}``; taking a gateway offline or
  online does the same to its peripherals (and sets their ``connectedAt`` /
  ``disconnectedAt``, which the device list's ``query`` filters on). A device keeps
  its composite state while offline. A device that never reported has ``{}``.
- Most Recent by Severity picks among the events whose state is in
  ``most_recent_states``: ``("new",)`` by default, as Losant documents it ("the
  first new event ordered by severity and then creation");
  ``("new", "acknowledged")`` gives the reading of the events document ("the newest
  unresolved event of the highest level"). ``newCount`` counts new events either way.
- Composite state ``time`` is an ISO string by default; ``time_format`` ("iso",
  "ms", "date" for ``{"$date": iso}``) changes it for every device, a device's own
  ``time_format`` for that device. Values are served as they were reported.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
import logging
import secrets
import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .faults import Fault, FaultInjector, FaultKind
from .recording import RECORDED_REQUEST
from .server import SimulatorServer
from .throttle import SlidingWindow
from .wegnology_demo import DEMO_EMAIL, demo_data
from .wegnology_events import (
    ABSENT,
    EVENT_QUERY_FIELDS,
    EVENT_SORT_FIELDS,
    WORKFLOW,
    Event,
    Source,
    check_event_patch,
    check_event_post,
    event_filter,
    most_recent_by_severity,
    most_recent_filter,
    patch_event,
    post_time,
    raise_event,
)
from .wegnology_flows import (
    FLOW_SORT_FIELDS,
    ButtonPress,
    Workflow,
    check_press,
    find_flow,
    flow_filter,
    press_button,
)
from .wegnology_model import (
    APPLICATION_GET,
    APPLICATIONS_GET,
    DEVICE_COMMAND,
    DEVICE_GET,
    DEVICE_STATE,
    DEVICES_COMMAND,
    DEVICES_GET,
    DEVICES_STATE,
    EVENT_GET,
    EVENT_PATCH,
    EVENTS_GET,
    EVENTS_MOST_RECENT,
    EVENTS_POST,
    FLOW_PRESS,
    FLOWS_GET,
    FORBIDDEN,
    NOT_FOUND,
    SERVER_ERROR,
    TIME_FORMATS,
    TOO_MANY_REQUESTS,
    UNAUTHORIZED,
    ApiToken,
    Application,
    Device,
    User,
    UserToken,
    WegnologyData,
    WegnologyError,
    error_body,
    ms_from_iso,
)
from .wegnology_query import (
    APPLICATION_SORT_FIELDS,
    COMMAND_KEYS,
    DEVICE_SORT_FIELDS,
    MULTI_COMMAND_KEYS,
    Paging,
    check_command,
    device_filter,
    glob,
    invalid,
    matches_query,
    paging,
    parse_query,
    parse_time_bound,
    query_flag,
    select_devices,
)
from .wegnology_state import Principal, WegnologyState

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable, Mapping

    from .recording import RecordedRequest

__all__ = ["WegnologySimulator"]

_LOGGER = logging.getLogger(__name__)


_STATE_SORT_FIELDS = {k: v for k, v in DEVICE_SORT_FIELDS.items() if k != "deletedAt"}


class _WegnologyFaults(FaultInjector):
    """The shared faults; a rate_limit fault answers in WEGnology's shape by default."""

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
        """Arm a fault (see FaultInjector.add); rate_limit answers TooManyRequests."""
        if kind == "rate_limit":
            params.setdefault(
                "body", error_body(TOO_MANY_REQUESTS, "Too many requests")
            )
        return super().add(kind, path=path, count=count, match=match, **params)


type _Handler = Callable[[web.Request, Principal], Awaitable[Any]]


class WegnologySimulator(SimulatorServer):
    """A WEGnology cloud on a local port, with state and switches for tests.

    Switches: ``throttle`` ((requests, seconds), None: off), ``bulk_composite_state``,
    ``time_format``, ``firmware_delay``, ``token_lifetime``,
    ``default_per_page``/``max_per_page``, ``app_token_applications_status`` (403 or
    401), ``most_recent_states``. Recording: ``requests`` (shared), ``commands``
    ((device id, name, payload) per device and command), ``presses`` (every accepted
    virtual button press).
    """

    def __init__(
        self,
        data: WegnologyData | None = None,
        *,
        token_lifetime: timedelta = timedelta(days=30),
        default_per_page: int = 100,
        max_per_page: int = 1000,
    ) -> None:
        """Set up the cloud with data (default: the demo plant)."""
        super().__init__()
        self.faults = _WegnologyFaults()
        self.state = WegnologyState(
            demo_data() if data is None else data, token_lifetime
        )
        self.default_per_page = default_per_page
        self.max_per_page = max_per_page
        self.throttle: tuple[int, float] | None = None
        self.bulk_composite_state = True
        self.firmware_delay = 0.0
        self.most_recent_states: tuple[str, ...] = ("new",)
        self._app_token_applications_status = 403
        self._budget = SlidingWindow()

    # --- state access ---------------------------------------------------------------

    @property
    def applications(self) -> dict[str, Application]:
        """Return the applications by id."""
        return self.state.applications

    @property
    def users(self) -> list[User]:
        """Return the users."""
        return self.state.users

    @property
    def api_tokens(self) -> dict[str, ApiToken]:
        """Return the pre-made API tokens by value (delete one to revoke it)."""
        return self.state.api_tokens

    @property
    def user_tokens(self) -> dict[str, UserToken]:
        """Return the tokens POST /auth/user issued, by value."""
        return self.state.user_tokens

    @property
    def commands(self) -> list[tuple[str, str, Any]]:
        """Return (device id, command name, payload) of every accepted command."""
        return self.state.commands

    @property
    def presses(self) -> list[ButtonPress]:
        """Return every accepted virtual button press, oldest first."""
        return self.state.presses

    @property
    def app_token_applications_status(self) -> int:
        """Return how GET /applications refuses an application token (403 or 401)."""
        return self._app_token_applications_status

    @app_token_applications_status.setter
    def app_token_applications_status(self, status: int) -> None:
        """Set how GET /applications refuses an application token (403 or 401)."""
        if status not in (401, 403):
            raise ValueError("app_token_applications_status must be 401 or 403")
        self._app_token_applications_status = status

    @property
    def token_lifetime(self) -> timedelta:
        """Return the lifetime of user tokens issued without tokenTTL."""
        return self.state.token_lifetime

    @token_lifetime.setter
    def token_lifetime(self, lifetime: timedelta) -> None:
        """Set the lifetime of user tokens issued without tokenTTL."""
        self.state.token_lifetime = lifetime

    @property
    def time_format(self) -> str:
        """Return how composite state times are written ("iso", "ms" or "date")."""
        return self.state.time_format

    @time_format.setter
    def time_format(self, time_format: str) -> None:
        """Set how composite state times are written (devices may override it)."""
        if time_format not in TIME_FORMATS:
            raise ValueError(f"time_format must be one of {TIME_FORMATS}")
        self.state.time_format = time_format

    def application(self, app_id: str) -> Application:
        """Return an application by id."""
        return self.state.applications[app_id]

    def device(self, device_id: str) -> Device:
        """Return any application's device by id."""
        return self.state.find_device(device_id)

    def user(self, email: str = DEMO_EMAIL) -> User:
        """Return a user by email."""
        user = self.state.find_user(email)
        if user is None:
            raise KeyError(email)
        return user

    def composite_state(self, device_id: str) -> dict[str, Any]:
        """Return a device's composite state as the API serves it now."""
        return self.state.composite_state(self.device(device_id))

    # --- switches -------------------------------------------------------------------

    def set_attribute(
        self, device_id: str, name: str, value: Any, *, at: Any = None
    ) -> None:
        """Report one attribute value as the device would (at: ms or ISO; now)."""
        when = ms_from_iso(at) if isinstance(at, str) else at
        self.device(device_id).report({name: value}, when)

    def set_connected(
        self, device_id: str, connected: bool, *, at: int | str | None = None
    ) -> None:
        """Connect or disconnect a device at (ms or ISO; default now).

        A gateway takes its peripherals along. It moves ``connectionInfo`` and the
        ``connectedAt``/``disconnectedAt`` the advanced device query filters on.
        """
        device = self.device(device_id)
        when = ms_from_iso(at) if isinstance(at, str) else at
        when = int(time.time() * 1000) if when is None else when
        app = self.application(device.application_id)
        for member in app.devices.values():
            if member is device or (
                device.device_class == "gateway"
                and member.parent_id == device.id
                and member.device_class == "peripheral"
            ):
                member.set_connection(connected, when)

    def add_device(self, device: Device, application_id: str | None = None) -> Device:
        """Add a device to an application (default: its application_id)."""
        app = self.application(application_id or device.application_id)
        device.application_id = app.id
        app.devices[device.id] = device
        return device

    def remove_device(self, device_id: str) -> None:
        """Delete a device (its peripherals stay, as orphans)."""
        device = self.device(device_id)
        del self.application(device.application_id).devices[device_id]

    def raise_event(
        self,
        level: str,
        subject: str,
        *,
        application_id: str | None = None,
        device_id: str | None = None,
        message: str | None = None,
        data: Any = ABSENT,
        state: str = "new",
        event_tags: dict[str, str] | None = None,
        source: Source | None = None,
        at: int | str | None = None,
    ) -> Event:
        """Raise an event as a workflow would (at: ms or ISO; default now).

        The application defaults to the device's, or else to the first one (the demo
        plant); the source defaults to a workflow without id.
        """
        if application_id is None:
            application_id = (
                self.device(device_id).application_id
                if device_id is not None
                else next(iter(self.applications))
            )
        return raise_event(
            self.application(application_id),
            level,
            subject,
            source=source or WORKFLOW,
            state=state,
            message=message,
            data=data,
            device_id=device_id,
            event_tags=event_tags,
            at=ms_from_iso(at) if isinstance(at, str) else at,
        )

    def events(self, application_id: str | None = None) -> list[Event]:
        """Return an application's events (default: the first one), newest first."""
        app = self.application(application_id or next(iter(self.applications)))
        return sorted(
            app.events.values(), key=lambda e: (e.creation_date, e.id), reverse=True
        )

    def event(self, event_id: str) -> Event:
        """Return any application's event by id (KeyError otherwise)."""
        for app in self.applications.values():
            if event_id in app.events:
                return app.events[event_id]
        raise KeyError(event_id)

    def workflow(self, flow_id: str) -> Workflow:
        """Return any application's workflow by id (KeyError otherwise)."""
        for app in self.applications.values():
            if flow_id in app.flows:
                return app.flows[flow_id]
        raise KeyError(flow_id)

    def add_workflow(self, flow: Workflow, application_id: str) -> Workflow:
        """Add a workflow to an application."""
        flow.application_id = application_id
        self.application(application_id).flows[flow.id] = flow
        return flow

    def add_api_token(
        self,
        token: str | None = None,
        *,
        application_id: str | None = None,
        scope: tuple[str, ...] = (),
        user_id: str | None = None,
        name: str = "API token",
    ) -> ApiToken:
        """Add a pre-made API token (default scope: all.Application / all.User)."""
        if user_id is None:
            user_id = (
                self.application(application_id).owner_id
                if application_id
                else self.users[0].id
            )
        made = ApiToken(
            token or secrets.token_urlsafe(32),
            user_id,
            application_id,
            tuple(scope),
            name,
        )
        self.api_tokens[made.token] = made
        return made

    def revoke_api_token(self, token: str) -> None:
        """Revoke (delete) an API token: 401 from now on."""
        del self.api_tokens[token]

    def issue_user_token(
        self, email: str = DEMO_EMAIL, ttl: float | None = None
    ) -> str:
        """Issue a user token as a successful POST /auth/user would."""
        return self.state.issue_user_token(self.user(email), ttl).token

    def expire_user_tokens(self) -> None:
        """Make every issued user token expired (401 from now on)."""
        past = time.time() - 1
        for token in self.user_tokens.values():
            token.expires_at = past

    # --- HTTP -----------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        """Add the REST endpoints (plain paths before the {deviceId} ones)."""
        apps = "/applications/{applicationId}"
        devices = f"{apps}/devices"
        events = f"{apps}/events"
        routes: list[tuple[str, str, _Handler, frozenset[str] | None]] = [
            ("POST", "/auth/user", self._auth_user, None),
            ("GET", "/applications", self._applications, APPLICATIONS_GET),
            ("GET", apps, self._application, APPLICATION_GET),
            ("GET", devices, self._devices, DEVICES_GET),
            ("GET", f"{devices}/compositeState", self._bulk_state, DEVICES_STATE),
            ("POST", f"{devices}/command", self._multi_command, DEVICES_COMMAND),
            ("GET", f"{devices}/{{deviceId}}", self._device, DEVICE_GET),
            (
                "GET",
                f"{devices}/{{deviceId}}/compositeState",
                self._device_state,
                DEVICE_STATE,
            ),
            (
                "POST",
                f"{devices}/{{deviceId}}/command",
                self._device_command,
                DEVICE_COMMAND,
            ),
            ("GET", events, self._events, EVENTS_GET),
            ("POST", events, self._post_event, EVENTS_POST),
            (
                "GET",
                f"{events}/mostRecentBySeverity",
                self._most_recent,
                EVENTS_MOST_RECENT,
            ),
            ("GET", f"{events}/{{eventId}}", self._event, EVENT_GET),
            ("PATCH", f"{events}/{{eventId}}", self._patch_event, EVENT_PATCH),
            ("GET", f"{apps}/flows", self._flows, FLOWS_GET),
            (
                "POST",
                f"{apps}/flows/{{flowId}}/virtualButton",
                self._press,
                FLOW_PRESS,
            ),
        ]
        for method, path, handler, scopes in routes:
            app.router.add_route(method, path, self._endpoint(handler, scopes))
        app.router.add_route("*", "/{tail:.*}", self._no_route)

    def _endpoint(
        self, handler: _Handler, scopes: frozenset[str] | None
    ) -> Callable[[web.Request], Awaitable[web.Response]]:
        """Wrap handler in the throttle, token and scope checks and error replies."""

        async def endpoint(request: web.Request) -> web.Response:
            """Answer one request."""
            try:
                self._check_throttle(request)
                principal = Principal("", frozenset())
                if scopes is not None:
                    principal = self._authorize(request, scopes)
                result = await handler(request, principal)
                if isinstance(result, web.Response):  # e.g. 201 Created
                    return result
            except WegnologyError as err:
                return web.json_response(
                    error_body(err.kind, err.message),
                    status=err.status,
                    headers=err.headers,
                )
            except Exception:
                _LOGGER.exception("WEGnology simulator failed on %s", request.path)
                return web.json_response(
                    error_body(SERVER_ERROR, "An unexpected error occurred"),
                    status=500,
                )
            return web.json_response(result)

        return endpoint

    def _authorize(self, request: web.Request, scopes: frozenset[str]) -> Principal:
        """Return the token's principal if it may call this endpoint (401/403)."""
        principal = self.state.authenticate(request.headers.get("Authorization"))
        if not principal.scope & scopes:
            raise WegnologyError(
                FORBIDDEN, "The token does not have a scope this endpoint requires"
            )
        app_id = request.match_info.get("applicationId")
        if principal.application_id is not None and app_id not in (
            None,
            principal.application_id,
        ):
            raise WegnologyError(
                FORBIDDEN, "The token is not valid for this application"
            )
        return principal

    def _check_throttle(self, request: web.Request) -> None:
        """Count the request against its client's budget (sliding window), or 429."""
        if self.throttle is None:
            return
        budget, window = self.throttle
        client = request.remote or ""
        if (
            retry_after := self._budget.take(client, budget, window, self.clock())
        ) is not None:
            raise WegnologyError(
                TOO_MANY_REQUESTS,
                f"Rate limit exceeded: at most {budget} requests in {window:g} s",
                headers={"Retry-After": str(retry_after)},
            )

    @staticmethod
    def _body(request: web.Request) -> Any:
        """Return the request's JSON body (400 if it has one that is not JSON)."""
        recorded = request[RECORDED_REQUEST]
        if recorded.body and recorded.json is None:
            raise invalid("The body is not valid JSON")
        return recorded.json

    def _app(self, request: web.Request, principal: Principal) -> Application:
        """Return the path's application (404 unknown or not the user's)."""
        return self.state.application(principal, request.match_info["applicationId"])

    def _paging(
        self,
        request: web.Request,
        fields: dict[str, Any],
        default_sort: tuple[str, str] = ("name", "asc"),
    ) -> Paging:
        """Return the validated paging of a list request."""
        # A server never refuses its own default: it is capped at max_per_page.
        return paging(
            request.query,
            list(fields),
            min(self.default_per_page, self.max_per_page),
            self.max_per_page,
            default_sort,
        )

    @staticmethod
    def _listed(
        app: Application,
        page: Paging,
        records: Iterable[Event | Workflow],
        keep: Callable[[Any], bool],
        fields: dict[str, Any],
    ) -> dict[str, Any]:
        """Return one page of an application's events or workflows."""
        matching = [record for record in records if keep(record)]
        items = page.apply(matching, fields[page.sort_field])
        body = page.envelope([item.to_json() for item in items], len(matching))
        body["applicationId"] = app.id
        return body

    @staticmethod
    def _echo(
        body: dict[str, Any], query: Mapping[str, str], names: Iterable[str]
    ) -> None:
        """Repeat the list filters the request gave, as Losant's replies do."""
        body.update({name: query[name] for name in names if query.get(name)})

    async def _no_route(self, _request: web.Request) -> web.Response:
        """Answer a path the API does not have (JSON, as every reply is)."""
        return web.json_response(error_body(NOT_FOUND, "Route not found"), status=404)

    async def _auth_user(self, request: web.Request, _p: Principal) -> dict[str, Any]:
        """POST /auth/user {email, password, tokenTTL?} → {userId, token}."""
        token = self.state.login(self._body(request))
        return {"userId": token.user_id, "token": token.token}

    async def _applications(
        self, request: web.Request, principal: Principal
    ) -> dict[str, Any]:
        """GET /applications?page=&perPage=&sortField=&sortDirection=&filter…."""
        if principal.application_id is not None:
            kind = (
                UNAUTHORIZED if self.app_token_applications_status == 401 else FORBIDDEN
            )
            raise WegnologyError(
                kind, "An application API token cannot list applications"
            )
        page = self._paging(request, APPLICATION_SORT_FIELDS)
        field_name, pattern = (
            request.query.get("filterField"),
            request.query.get("filter"),
        )
        if field_name not in (None, "", "name"):
            raise invalid("filterField must be name")
        apps = [
            app
            for app in self.state.visible_applications(principal)
            if not (field_name and pattern) or glob(pattern, app.name)
        ]
        items = page.apply(apps, APPLICATION_SORT_FIELDS[page.sort_field])
        body = page.envelope(
            [self.state.application_json(app) for app in items], len(apps)
        )
        body["_type"] = "applications"
        body["_links"] = {"self": {"href": "/applications"}}
        return body

    async def _application(
        self, request: web.Request, principal: Principal
    ) -> dict[str, Any]:
        """GET /applications/{applicationId}."""
        return self.state.application_json(self._app(request, principal))

    async def _devices(
        self, request: web.Request, principal: Principal
    ) -> dict[str, Any]:
        """GET /applications/{applicationId}/devices (paging, sorting, filters)."""
        query = request.query
        page = self._paging(request, DEVICE_SORT_FIELDS)
        keep = device_filter(query)
        tags_as_object = query_flag(query, "tagsAsObject")
        attributes_as_object = query_flag(query, "attributesAsObject")
        connection = not query_flag(query, "excludeConnectionInfo")
        deleted = query_flag(query, "queryDeleted")  # nothing is kept once deleted
        app = self._app(request, principal)
        matching = [] if deleted else [d for d in app.devices.values() if keep(d)]
        items = [
            self.state.device_json(
                device,
                tags_as_object=tags_as_object,
                attributes_as_object=attributes_as_object,
                connection=connection,
            )
            for device in page.apply(matching, DEVICE_SORT_FIELDS[page.sort_field])
        ]
        body = page.envelope(items, len(matching))
        body["applicationId"] = app.id
        body["_type"] = "devices"
        body["_links"] = {
            "application": {"href": f"/applications/{app.id}"},
            "self": {"href": f"/applications/{app.id}/devices"},
        }
        return body

    @staticmethod
    def _window(request: web.Request) -> tuple[int, int, set[str] | None]:
        """Return the composite state's start, end and attribute names."""
        start = parse_time_bound(request.query, "start", 1)
        end = parse_time_bound(request.query, "end", 0)
        if start > end:
            raise invalid("start must not be after end")
        names = request.query.get("attributes")
        attributes = (
            {n.strip() for n in names.split(",") if n.strip()} if names else None
        )
        return start, end, attributes or None

    async def _bulk_state(
        self, request: web.Request, principal: Principal
    ) -> dict[str, Any]:
        """GET …/devices/compositeState: one page of devices with their state."""
        if not self.bulk_composite_state:
            # A deployment without the route: Device Get with deviceId=compositeState.
            self._app(request, principal)
            raise WegnologyError(NOT_FOUND, "Device was not found")
        page = self._paging(request, _STATE_SORT_FIELDS)
        advanced = parse_query(request.query.get("query"))
        start, end, attributes = self._window(request)
        app = self._app(request, principal)
        matching = [
            device
            for device in app.devices.values()
            if advanced is None or matches_query(device, advanced)
        ]
        items = [
            {
                "id": device.id,
                "name": device.name,
                "compositeState": self.state.composite_state(
                    device, start, end, attributes
                ),
            }
            for device in page.apply(matching, _STATE_SORT_FIELDS[page.sort_field])
        ]
        return page.envelope(items, len(matching))

    async def _device(
        self, request: web.Request, principal: Principal
    ) -> dict[str, Any]:
        """GET …/devices/{deviceId}."""
        query = request.query
        flags = (
            query_flag(query, "tagsAsObject"),
            query_flag(query, "attributesAsObject"),
            not query_flag(query, "excludeConnectionInfo"),
        )
        device = self.state.device(
            self._app(request, principal), request.match_info["deviceId"]
        )
        return self.state.device_json(
            device,
            tags_as_object=flags[0],
            attributes_as_object=flags[1],
            connection=flags[2],
        )

    async def _device_state(
        self, request: web.Request, principal: Principal
    ) -> dict[str, Any]:
        """GET …/devices/{deviceId}/compositeState → {attribute: {value, time}}."""
        start, end, attributes = self._window(request)
        device = self.state.device(
            self._app(request, principal), request.match_info["deviceId"]
        )
        return self.state.composite_state(device, start, end, attributes)

    async def _device_command(
        self, request: web.Request, principal: Principal
    ) -> dict[str, Any]:
        """POST …/devices/{deviceId}/command {name, payload?, time?}."""
        name, payload = check_command(self._body(request), COMMAND_KEYS)
        device = self.state.device(
            self._app(request, principal), request.match_info["deviceId"]
        )
        self._send(device, name, payload)
        return {"success": True}

    async def _multi_command(
        self, request: web.Request, principal: Principal
    ) -> dict[str, Any]:
        """POST …/devices/command {name, payload?, time?, deviceIds|deviceTags|…}."""
        body = self._body(request)
        name, payload = check_command(body, MULTI_COMMAND_KEYS)
        app = self._app(request, principal)
        for device in select_devices(app.devices.values(), body):
            self._send(device, name, payload)
        return {"success": True}

    def _send(self, device: Device, name: str, payload: Any) -> None:
        """Record a command and hand it to the device's firmware, if it has any."""
        self.commands.append((device.id, name, payload))
        if device.firmware is not None:
            self.spawn(self._deliver(device, name, payload))

    async def _deliver(self, device: Device, name: str, payload: Any) -> None:
        """Deliver a command after firmware_delay (a disconnected device misses it)."""
        if self.firmware_delay > 0:
            await asyncio.sleep(self.firmware_delay)
        self.state.deliver(device, name, payload)

    # --- events ---------------------------------------------------------------------

    async def _events(
        self, request: web.Request, principal: Principal
    ) -> dict[str, Any]:
        """GET …/events (paging, sorting, state, filterField=subject, query)."""
        query = request.query
        page = self._paging(request, EVENT_SORT_FIELDS, ("creationDate", "desc"))
        app = self._app(request, principal)
        body = self._listed(
            app, page, app.events.values(), event_filter(query), EVENT_SORT_FIELDS
        )
        self._echo(body, query, ("state", "filterField", "filter"))
        if query.get("query"):
            body["query"] = parse_query(query["query"], EVENT_QUERY_FIELDS)
        return body

    async def _most_recent(
        self, request: web.Request, principal: Principal
    ) -> dict[str, Any]:
        """GET …/events/mostRecentBySeverity?filter=&query= → {event?, newCount}."""
        keep = most_recent_filter(request.query)
        app = self._app(request, principal)
        matching = [event for event in app.events.values() if keep(event)]
        return most_recent_by_severity(matching, self.most_recent_states)

    async def _post_event(
        self, request: web.Request, principal: Principal
    ) -> web.Response:
        """POST …/events {level, subject, …} → 201 and the event."""
        body = check_event_post(self._body(request))
        event = raise_event(
            self._app(request, principal),
            body["level"],
            body["subject"],
            source=principal.source,
            state=body.get("state", "new"),
            message=body.get("message"),
            data=body.get("data", ABSENT),
            device_id=body.get("deviceId"),
            event_tags=body.get("eventTags"),
            at=post_time(body.get("creationDate")),
        )
        return web.json_response(event.to_json(), status=201)

    def _find_event(
        self, request: web.Request, principal: Principal
    ) -> tuple[Application, Event]:
        """Return the path's application and event (404 unknown either)."""
        app = self._app(request, principal)
        event = app.events.get(request.match_info["eventId"])
        if event is None:
            raise WegnologyError(NOT_FOUND, "Event was not found")
        return app, event

    async def _event(
        self, request: web.Request, principal: Principal
    ) -> dict[str, Any]:
        """GET …/events/{eventId}."""
        return self._find_event(request, principal)[1].to_json()

    async def _patch_event(
        self, request: web.Request, principal: Principal
    ) -> dict[str, Any]:
        """PATCH …/events/{eventId} {state?, level?, subject?, comment?, data?, …}."""
        body = check_event_patch(self._body(request))
        app, event = self._find_event(request, principal)
        patch_event(app, event, body, principal.source)
        return event.to_json()

    # --- workflows ------------------------------------------------------------------

    async def _flows(
        self, request: web.Request, principal: Principal
    ) -> dict[str, Any]:
        """GET …/flows (paging, sorting, flowClass, filter, triggerFilter, query)."""
        query = request.query
        page = self._paging(request, FLOW_SORT_FIELDS)
        app = self._app(request, principal)
        body = self._listed(
            app, page, app.flows.values(), flow_filter(query), FLOW_SORT_FIELDS
        )
        self._echo(body, query, ("filterField", "filter", "flowClass"))
        return body

    async def _press(
        self, request: web.Request, principal: Principal
    ) -> dict[str, Any]:
        """POST …/flows/{flowId}/virtualButton {key, payload?, deviceId?, …}."""
        body = check_press(self._body(request))
        app = self._app(request, principal)
        flow = find_flow(app, request.match_info["flowId"])
        self.presses.append(press_button(app, flow, body, principal.source))
        return {"success": True}
