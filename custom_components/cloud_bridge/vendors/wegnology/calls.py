"""How the adapter's parts ask WEGnology about their application.

Free of Home Assistant, like the client.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Concatenate, Protocol

from ...errors import CloudRejectedError
from .client import WegnologyApiError, WegnologyClient


class Caller(Protocol):
    """Sends a client request with its errors made the core's (VendorAdapter._call)."""

    async def __call__[T](self, request: Callable[[], Awaitable[T]]) -> T:
        """Send the request."""


def refused(err: CloudRejectedError, *statuses: int) -> bool:
    """Tell whether the cloud refused a request with one of these statuses."""
    cause = err.__cause__
    return isinstance(cause, WegnologyApiError) and cause.status in statuses


@dataclass(frozen=True, slots=True)
class ApplicationApi:
    """The client's requests about one application, sent with the core's errors."""

    client: WegnologyClient
    application_id: str
    call: Caller

    async def send[**P, T](
        self,
        request: Callable[Concatenate[WegnologyClient, str, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Send a client request (WegnologyClient.devices, say) for the application."""
        return await self.call(
            partial(request, self.client, self.application_id, *args, **kwargs)
        )
