"""What a simulator received, kept for tests to assert on (vendor-neutral)."""

from __future__ import annotations

from dataclasses import dataclass, field
import time
from typing import Any

from aiohttp import web


@dataclass(slots=True)
class FieldCall:
    """One top-level field of a GraphQL operation, with its resolved arguments."""

    name: str
    arguments: dict[str, Any]
    alias: str | None = None


@dataclass(slots=True)
class GraphQLOperation:
    """The parsed operation of a GraphQL request."""

    kind: str
    name: str | None
    calls: list[FieldCall]
    executed: bool = False

    @property
    def fields(self) -> list[str]:
        """Return the top-level field names, in request order."""
        return [call.name for call in self.calls]


@dataclass(slots=True)
class RecordedRequest:
    """One HTTP request as the simulator received it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    json: Any = None
    graphql: GraphQLOperation | None = None
    received_at: float = field(default_factory=time.time)


# A typed key from aiohttp 3.14; the oldest Home Assistant tested (.venv-min) has
# aiohttp 3.13, where a request takes a plain string key.
RECORDED_REQUEST: Any = (
    web.RequestKey("recorded_request", RecordedRequest)
    if hasattr(web, "RequestKey")
    else "recorded_request"
)
