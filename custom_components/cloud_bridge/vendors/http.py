"""JSON over HTTP as the three clients speak it, and the errors they raise.

Free of Home Assistant. A request has a timeout, never follows a redirect (a
redirect could carry the credentials to another host), and reads the reply as
bytes: a reply that is not UTF-8 JSON is malformed, not a crash. Unreachable,
slow, failing (5xx), redirecting and throttling (429) clouds are handled here;
what a 2xx or 4xx reply means is each client's own business.
"""

import asyncio
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager, nullcontext
from copy import copy
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
import math
from typing import Any, Self, TypedDict

import aiohttp
from yarl import URL

from .parse import decode_json


class VendorClientError(Exception):
    """Base of every vendor client's errors."""


class VendorConnectionError(VendorClientError):
    """The cloud could not be reached, timed out, failed, redirected or sent garbage."""

    # Set on the error of a redirect: the user must check the address.
    redirected = False


class VendorThrottledError(VendorConnectionError):
    """The cloud throttled the request; ``retry_after`` says how long to wait."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        """Remember how long the cloud asked us to wait (None: not said)."""
        super().__init__(message)
        self.retry_after = retry_after


class VendorAuthError(VendorClientError):
    """The cloud refused the credentials or the token."""


class VendorRefusedError(VendorClientError):
    """The cloud refused the request (an API error)."""


class VendorNotFoundError(VendorRefusedError):
    """The cloud does not have what the request names."""


def seconds_to_wait(headers: Mapping[str, str]) -> float | None:
    """Return how many seconds Retry-After asks for, given as seconds or a date."""
    if (value := headers.get("Retry-After")) is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except TypeError, ValueError:
            return None
        if moment.tzinfo is None:
            # A "-0000" zone reads as naive; HTTP dates are GMT.
            moment = moment.replace(tzinfo=UTC)
        seconds = (moment - datetime.now(UTC)).total_seconds()
    # "inf" or "nan" are no delay: waiting forever would stop polling.
    return max(0.0, seconds) if math.isfinite(seconds) else None


class RequestParts(TypedDict, total=False):
    """What a request carries besides its method, path and headers."""

    params: Mapping[str, Any] | None
    body: Any


@dataclass(frozen=True, slots=True)
class Reply:
    """A reply for the client to read: a success, or a refusal (4xx).

    ``data`` is the decoded JSON; None when the body was empty, or when a
    refusal's body was not JSON (a proxy's error page).
    """

    status: int
    data: Any
    retry_after: float | None


class JsonHttp:
    """Sends JSON requests to one cloud and reads its JSON replies."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        *,
        vendor: str,
        connection_error: type[VendorConnectionError],
        throttled_error: type[VendorThrottledError],
        request_timeout: float,
        default_retry_after: float | None = None,
        cloud_message: Callable[[Any], str | None] | None = None,
        max_concurrent: int | None = None,
    ) -> None:
        """Talk to base_url, raising the client's own error types.

        ``vendor`` names the cloud in messages; ``default_retry_after`` is the
        wait when a 429 does not say; ``cloud_message`` reads the cloud's own
        words out of a 429's body; ``max_concurrent`` bounds requests in flight.
        """
        self._session = session
        self.base_url = base_url.rstrip("/")
        self._vendor = vendor
        self._connection_error = connection_error
        self._throttled_error = throttled_error
        self._timeout = request_timeout
        self._default_retry_after = default_retry_after
        self._cloud_message = cloud_message
        self._slots = (
            asyncio.Semaphore(max_concurrent) if max_concurrent is not None else None
        )

    def at(self, base_url: str) -> Self:
        """Return the same cloud at another address: a second host, the same limits."""
        other = copy(self)
        other.base_url = base_url.rstrip("/")
        return other

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """Send one request; return a 2xx or 4xx reply, raise for the rest."""
        vendor = self._vendor
        slot: AbstractAsyncContextManager[Any] = self._slots or nullcontext()
        try:
            async with slot, asyncio.timeout(self._timeout):
                response = await self._session.request(
                    method,
                    f"{self.base_url}{path}",
                    params=params,
                    json=body,
                    headers=headers,
                    allow_redirects=False,
                )
                async with response:
                    # Bytes, not text(): a reply that is not UTF-8 must not
                    # raise past the decoding below.
                    raw = await response.read()
                    status = response.status
                    retry_after = seconds_to_wait(response.headers)
                    location = response.headers.get("Location")
                    url = response.url
        except TimeoutError as err:
            raise self._connection_error(f"{vendor} did not answer in time") from err
        except aiohttp.ClientError as err:
            raise self._connection_error(f"cannot reach {vendor}: {err}") from err
        if 300 <= status < 400:
            moved = self._connection_error(_redirected(vendor, status, url, location))
            moved.redirected = True
            raise moved
        if status >= 500:
            raise self._connection_error(f"{vendor} failed with HTTP {status}")
        try:
            data = decode_json(raw) if raw.strip() else None
        except ValueError as err:
            if status < 400:
                raise self._connection_error(
                    f"{vendor} sent a malformed reply (HTTP {status})"
                ) from err
            data = None
        if status == 429:
            said = self._cloud_message(data) if self._cloud_message else None
            raise self._throttled_error(
                f"{vendor} is throttling requests" + (f": {said}" if said else ""),
                self._default_retry_after if retry_after is None else retry_after,
            )
        return Reply(status, data, retry_after)


def _redirected(vendor: str, status: int, url: URL, location: str | None) -> str:
    """Return what a user reads about a redirect: where it pointed, to check.

    Its user, query and fragment are left out: they may carry a secret.
    """
    if not location:
        return f"{vendor} answered with a redirect (HTTP {status}); check the address"
    try:
        target = url.join(URL(location))
        target = target.with_user(None).with_query(None).with_fragment(None)
    except ValueError:
        return f"{vendor} answered with a redirect (HTTP {status}); check the address"
    return f"{vendor} answered with a redirect to {target}; check the address"
