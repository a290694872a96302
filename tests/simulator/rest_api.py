"""A test client of a simulated REST cloud: requests with a token, replies as data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import aiohttp

# "Use the client's own token", as opposed to None: "send none".
OWN_TOKEN: Any = object()


class Simulator(Protocol):
    """What the client needs of a simulator: where it listens."""

    @property
    def url(self) -> str:
        """Return the simulator's base URL."""


@dataclass
class Reply:
    """An HTTP reply: status, decoded JSON body and headers."""

    status: int
    body: Any
    headers: dict[str, str]


@dataclass
class RestApi:
    """Sends requests to one simulator with a token; a vendor names its headers."""

    reply_type: ClassVar[type[Reply]] = Reply

    session: aiohttp.ClientSession
    sim: Simulator
    token: str

    def headers(self, token: str | None, **options: Any) -> dict[str, str]:
        """Return the headers a request carries: the vendor's token header."""
        raise NotImplementedError

    async def call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        data: str | None = None,
        token: Any = OWN_TOKEN,
        params: dict[str, Any] | None = None,
        **options: Any,
    ) -> Any:
        """Send a request; return the reply (the vendor's Reply type)."""
        headers = self.headers(self.token if token is OWN_TOKEN else token, **options)
        async with self.session.request(
            method,
            f"{self.sim.url}{path}",
            json=body,
            data=data,
            headers=headers,
            params=params,
        ) as response:
            return self.reply_type(
                response.status, await response.json(), dict(response.headers)
            )

    async def get(self, path: str, **kwargs: Any) -> Any:
        """GET path."""
        return await self.call("GET", path, **kwargs)

    async def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        """POST a JSON body to path."""
        return await self.call("POST", path, body=body, **kwargs)
