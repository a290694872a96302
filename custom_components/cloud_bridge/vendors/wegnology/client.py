"""Async client for the WEGnology REST API (Losant's, white-labelled).

Free of Home Assistant: it takes the aiohttp session it is given. It holds a
bearer token: an API token pasted by the user (it does not expire), or a user
token from ``/auth/user``, which it gets again with the stored e-mail and
password when the cloud answers 401 — once, under a lock.
"""

import asyncio
from collections.abc import Callable, Mapping
from datetime import datetime
import json
import re
from typing import Any
from urllib.parse import quote

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
from ..parse import optional_number
from ..replies import Listing
from .models import (
    Application,
    AttributeState,
    Device,
    Event,
    MostRecent,
    WegnologyParseError,
    Workflow,
    parse_composite_state,
    parse_time,
)

REQUEST_TIMEOUT = 20.0
PER_PAGE = 100
MAX_PAGES = 1000
# The newest events read to start from (several may share the newest time).
NEWEST_EVENTS = 10
# A server with a lower page limit refuses a larger perPage with a 400 whose
# message says so (Losant's validator: "perPage must be <= 50").
_PER_PAGE_REFUSED = re.compile(r"perPage\b(?:\D*?(\d+))?", re.IGNORECASE)


class WegnologyError(VendorClientError):
    """Base error of the WEGnology client."""


class WegnologyConnectionError(WegnologyError, VendorConnectionError):
    """The cloud could not be reached, timed out, failed or answered garbage."""


class WegnologyRateLimitError(WegnologyConnectionError, VendorThrottledError):
    """The cloud answered 429 Too Many Requests."""


class WegnologyAuthError(WegnologyError, VendorAuthError):
    """The token, or the e-mail and password, are refused (401)."""


class WegnologyApiError(WegnologyError, VendorRefusedError):
    """The cloud refused the request; ``type`` is its error type."""

    def __init__(self, status: int, error_type: str, message: str) -> None:
        """Keep the status and type with the message."""
        super().__init__(f"{message} ({error_type or status})")
        self.status = status
        self.type = error_type
        self.message = message


class WegnologyNotFoundError(WegnologyApiError, VendorNotFoundError):
    """The application, device or endpoint does not exist (404)."""


class WegnologyClient:
    """The REST API as one user or one API token."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        base_url: str,
        token: str | None = None,
        email: str | None = None,
        password: str | None = None,
        on_login: Callable[[str], None] | None = None,
        request_timeout: float = REQUEST_TIMEOUT,
    ) -> None:
        """Use a pasted API token, or log in with an e-mail and password."""
        self._http = JsonHttp(
            session,
            base_url,
            vendor="WEGnology",
            connection_error=WegnologyConnectionError,
            throttled_error=WegnologyRateLimitError,
            request_timeout=request_timeout,
            cloud_message=_message,
        )
        self._token = token
        self._email = email
        self._password = password
        self._on_login = on_login
        self._login_lock = asyncio.Lock()
        # Items a page holds: fewer once a server refuses PER_PAGE.
        self.per_page = PER_PAGE

    async def login(self) -> str:
        """Log in with the e-mail and password; return the user token."""
        if self._email is None or self._password is None:
            raise WegnologyAuthError("no e-mail and password to log in with")
        reply = await self._send(
            "POST",
            "/auth/user",
            body={"email": self._email, "password": self._password},
        )
        token = reply.get("token") if isinstance(reply, dict) else None
        if not isinstance(token, str) or not token:
            raise WegnologyConnectionError("WEGnology sent no token")
        self._token = token
        if self._on_login is not None:
            self._on_login(token)
        return token

    async def applications(self) -> list[Application]:
        """Return the applications a user's token may read.

        An application API token may not list applications (403): use
        ``application`` with its application's id instead.
        """
        return list((await self._paged("/applications", Application.from_json)).items)

    async def application(self, application_id: str) -> Application:
        """Return one application (Application Get); 404 when it is not there."""
        reply = await self._request(
            "GET", f"/applications/{quote(application_id, safe='')}"
        )
        try:
            return Application.from_json(reply)
        except WegnologyParseError as err:
            raise WegnologyConnectionError(
                "WEGnology sent an application without an id"
            ) from err

    async def devices(
        self, application_id: str, *, query: Mapping[str, Any] | None = None
    ) -> Listing[Device]:
        """Return the devices of an application (those a query asks for)."""
        return await self._paged(
            f"/applications/{application_id}/devices",
            Device.from_json,
            None if query is None else {"query": _json(query)},
        )

    async def composite_states(
        self, application_id: str
    ) -> dict[str, dict[str, AttributeState]]:
        """Return every device's last state, a page of devices per request."""
        return {
            item["id"]: parse_composite_state(item.get("compositeState"))
            for item in await self._items(
                f"/applications/{application_id}/devices/compositeState"
            )
            if isinstance(item, dict) and isinstance(item.get("id"), str)
        }

    async def composite_state(
        self, application_id: str, device_id: str
    ) -> dict[str, AttributeState]:
        """Return one device's last state."""
        reply = await self._request(
            "GET", f"/applications/{application_id}/devices/{device_id}/compositeState"
        )
        return parse_composite_state(reply)

    async def send_command(
        self, application_id: str, device_id: str, name: str, payload: Any = None
    ) -> None:
        """Send a named command to a device."""
        body: dict[str, Any] = {"name": name}
        if payload is not None:
            body["payload"] = payload
        await self._request(
            "POST",
            f"/applications/{application_id}/devices/{device_id}/command",
            body=body,
        )

    async def events(
        self,
        application_id: str,
        *,
        query: Mapping[str, Any] | None = None,
        sort_field: str = "lastUpdated",
    ) -> Listing[Event]:
        """Return the events a query asks for (all without one), oldest first."""
        params = {"sortField": sort_field, "sortDirection": "asc"}
        if query is not None:
            params["query"] = _json(query)
        return await self._paged(
            f"/applications/{application_id}/events", Event.from_json, params
        )

    async def newest_events(
        self, application_id: str
    ) -> tuple[datetime, frozenset[str]] | None:
        """Return when the newest event was raised, and the ids raised then.

        None when the application has no event (none with a readable time).
        """
        items = await self._first_page(
            f"/applications/{application_id}/events",
            {"sortField": "creationDate", "sortDirection": "desc"},
            NEWEST_EVENTS,
        )
        raised = [
            (when, item["id"])
            for item in items
            if isinstance(item, dict)
            and isinstance(item.get("id"), str)
            and (when := parse_time(item.get("creationDate"))) is not None
        ]
        if not raised:
            return None
        newest = max(when for when, _ in raised)
        return newest, frozenset(i for when, i in raised if when == newest)

    async def most_recent_event(self, application_id: str) -> MostRecent:
        """Return how many events are new, and the worst (Most Recent by Severity)."""
        reply = await self._request(
            "GET", f"/applications/{application_id}/events/mostRecentBySeverity"
        )
        return MostRecent.from_json(reply)

    async def set_event_state(
        self,
        application_id: str,
        event_id: str,
        state: str,
        comment: str | None = None,
    ) -> None:
        """Move an event to a state (acknowledged, resolved, new), with a comment."""
        body: dict[str, Any] = {"state": state}
        if comment:
            body["comment"] = comment
        await self._request(
            "PATCH",
            f"/applications/{application_id}/events/{quote(event_id, safe='')}",
            body=body,
        )

    async def workflows(self, application_id: str) -> Listing[Workflow]:
        """Return the application's (cloud) workflows with their virtual buttons."""
        return await self._paged(
            f"/applications/{application_id}/flows", Workflow.from_json
        )

    async def press_button(
        self, application_id: str, flow_id: str, key: str, payload: Any = None
    ) -> None:
        """Press a workflow's virtual button, sending its payload."""
        body: dict[str, Any] = {"key": key}
        if payload is not None:
            body["payload"] = payload
        await self._request(
            "POST",
            f"/applications/{application_id}/flows/{quote(flow_id, safe='')}"
            "/virtualButton",
            body=body,
        )

    async def _paged[T](
        self,
        path: str,
        parse: Callable[[Any], T],
        params: Mapping[str, Any] | None = None,
    ) -> Listing[T]:
        """Read a list page by page; items that cannot be read are skipped."""
        found: list[T] = []
        skipped: list[str] = []
        for item in await self._items(path, params):
            try:
                found.append(parse(item))
            except WegnologyParseError as err:
                skipped.append(str(err))
        return Listing(tuple(found), tuple(skipped))

    async def _items(
        self, path: str, params: Mapping[str, Any] | None = None
    ) -> list[Any]:
        """Return every item of a list, read page by page until totalCount.

        A server that refuses the page size makes the list read again in
        pages it takes (and every list after it).
        """
        while True:
            per_page = self.per_page
            found: list[Any] = []
            try:
                for page in range(MAX_PAGES):
                    reply = await self._request(
                        "GET",
                        path,
                        params={**(params or {}), "page": page, "perPage": per_page},
                    )
                    items = _items(reply)
                    found.extend(items)
                    if _last_page(reply, page, len(items), per_page):
                        break
            except WegnologyApiError as err:
                if not self._smaller_pages(err, per_page):
                    raise
                continue
            return found

    async def _first_page(
        self, path: str, params: Mapping[str, Any], wanted: int
    ) -> list[Any]:
        """Return the items of a list's first page of (at most) wanted items."""
        while True:
            per_page = min(wanted, self.per_page)
            try:
                reply = await self._request(
                    "GET", path, params={**params, "page": 0, "perPage": per_page}
                )
            except WegnologyApiError as err:
                if not self._smaller_pages(err, per_page):
                    raise
                continue
            return _items(reply)

    def _smaller_pages(self, err: WegnologyApiError, per_page: int) -> bool:
        """Take a smaller page size if the cloud refused this one; tell if it did."""
        if err.status != 400 or not (found := _PER_PAGE_REFUSED.search(err.message)):
            return False
        limit = int(found.group(1)) if found.group(1) else per_page // 2
        if not 1 <= limit < per_page:
            return False
        self.per_page = limit
        return True

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
    ) -> Any:
        """Send a request with the token; a refused user token is renewed once."""
        token = self._token or await self._relogin(None)
        try:
            return await self._send(method, path, params=params, body=body, token=token)
        except WegnologyAuthError:
            if self._email is None:
                raise
            token = await self._relogin(token)
            return await self._send(method, path, params=params, body=body, token=token)

    async def _relogin(self, refused: str | None) -> str:
        """Log in again unless another request already did."""
        async with self._login_lock:
            if self._token is not None and self._token != refused:
                return self._token
            return await self.login()

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        token: str | None = None,
    ) -> Any:
        """Send one request and return its decoded JSON reply."""
        headers = {"Accept": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        reply = await self._http.request(
            method, path, params=params, body=body, headers=headers
        )
        if reply.status < 400:
            return reply.data
        data = reply.data
        error_type = data.get("type", "") if isinstance(data, dict) else ""
        message = _message(data)
        if reply.status == 401:
            raise WegnologyAuthError(message or "WEGnology refused the token")
        error = WegnologyNotFoundError if reply.status == 404 else WegnologyApiError
        raise error(reply.status, str(error_type), message or f"HTTP {reply.status}")


def _message(data: Any) -> str | None:
    """Return the message of an error reply, if it has one."""
    message = data.get("message") if isinstance(data, dict) else None
    return str(message) if message else None


def _items(reply: Any) -> list[Any]:
    """Return the items of a list reply."""
    items = reply.get("items") if isinstance(reply, dict) else None
    if not isinstance(items, list):
        raise WegnologyConnectionError("WEGnology sent no item list")
    return items


def _last_page(reply: dict[str, Any], page: int, count: int, asked: int) -> bool:
    """Tell whether a page is the last: totalCount reached, or a short page."""
    total = optional_number(reply, "totalCount", low=0, whole=True)
    per_page = optional_number(reply, "perPage", low=1, whole=True)
    if total is not None and per_page is not None:
        return (page + 1) * per_page >= total or count == 0
    return count < asked


def _json(query: Mapping[str, Any]) -> str:
    """Return a query as the API takes it: compact JSON text."""
    return json.dumps(query, separators=(",", ":"))
