"""Fault injection shared by the vendor simulators (vendor-neutral).

A test adds faults with ``sim.faults.add(kind, ...)``; each fault answers the next
``count`` matching requests (``count=None``: every matching request until
``sim.faults.clear()``). Kinds:

- ``server_error``: answer ``status`` (default 500; any 5xx) with an HTML/text body,
  as a proxy or a crashed backend would; the request never reaches the handler.
- ``latency``: sleep ``seconds`` (default 1.0) before handling the request normally
  (each delay is recorded in ``delays``).
- ``malformed_json``: handle the request, then send its body truncated (status 200,
  ``application/json``), as a connection cut mid-body would look.
- ``rate_limit``: answer 429 with ``Retry-After: <retry_after>`` (default 30; ``None``
  leaves the header out) and a JSON ``body`` (a vendor simulator may pass its own).
- ``disconnect``: close the connection without any response.
- ``patch_response``: handle the request, then call ``patch(json)`` on the decoded JSON
  reply before it is sent; ``patch`` mutates it in place or returns a replacement.
- ``bad_bytes``: handle the request, then put a byte no UTF-8 text has into its reply
  (inside a string), as a broken proxy or a cut multi-byte character would.
- ``redirect``: answer ``status`` (default 307; any 3xx) with ``Location: <location>``
  (``None`` leaves the header out) and a short text body, as a moved server or a
  proxy sending HTTP to HTTPS would; the request never reaches the handler.

Faults are matched by ``path`` (exact request path) and/or ``match`` (a predicate on
the :class:`~simulator.recording.RecordedRequest`). Several faults may hit one request:
latencies add up, then the first of ``server_error``/``rate_limit``/``disconnect``/
``redirect`` answers, otherwise the handler runs and ``patch_response`` then
``malformed_json`` transform its reply.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import contextlib
from dataclasses import dataclass, field
from http import HTTPStatus
import json
from typing import Any, Literal, get_args

from aiohttp import web

from .recording import RECORDED_REQUEST, RecordedRequest

type FaultKind = Literal[
    "server_error",
    "latency",
    "malformed_json",
    "rate_limit",
    "disconnect",
    "patch_response",
    "bad_bytes",
    "redirect",
]
type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

FAULT_KINDS: frozenset[str] = frozenset(get_args(FaultKind.__value__))
_TERMINAL = ("server_error", "rate_limit", "disconnect", "redirect")
_PARAMS: dict[str, dict[str, Any]] = {
    "server_error": {"status": 500, "body": None, "content_type": "text/html"},
    "latency": {"seconds": 1.0},
    "malformed_json": {},
    "rate_limit": {
        "retry_after": 30,
        "body": {"error": "rate_limited", "message": "Too many requests"},
    },
    "disconnect": {},
    "patch_response": {"patch": None},
    "bad_bytes": {},
    "redirect": {"status": 307, "location": None},
}


@dataclass(eq=False, slots=True)
class Fault:
    """One injected fault and how many more requests it answers."""

    kind: str
    params: dict[str, Any]
    path: str | None = None
    remaining: int | None = 1
    match: Callable[[RecordedRequest], bool] | None = None
    hits: int = 0

    def applies_to(self, path: str, recorded: RecordedRequest | None) -> bool:
        """Return whether this fault answers a request to path."""
        if self.path is not None and self.path != path:
            return False
        if self.match is not None:
            return recorded is not None and bool(self.match(recorded))
        return True


@dataclass(slots=True)
class FaultInjector:
    """The faults armed on one simulator, and the latencies they held requests for."""

    faults: list[Fault] = field(default_factory=list)
    delays: list[float] = field(default_factory=list)

    def add(
        self,
        kind: FaultKind,
        *,
        path: str | None = None,
        count: int | None = 1,
        match: Callable[[RecordedRequest], bool] | None = None,
        **params: Any,
    ) -> Fault:
        """Arm a fault for the next count matching requests (None: until clear)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"Unknown fault kind {kind!r}")
        allowed = _PARAMS[kind]
        if unknown := set(params) - set(allowed):
            raise ValueError(f"Unknown parameters for {kind}: {sorted(unknown)}")
        if count is not None and count < 1:
            raise ValueError("count must be at least 1 (or None for no limit)")
        merged = {**allowed, **params}
        if kind == "server_error" and not 500 <= merged["status"] <= 599:
            raise ValueError("server_error status must be a 5xx code")
        if kind == "patch_response" and not callable(merged["patch"]):
            raise ValueError("patch_response needs a callable patch=")
        if kind == "redirect" and not 300 <= merged["status"] <= 399:
            raise ValueError("redirect status must be a 3xx code")
        fault = Fault(kind, merged, path=path, remaining=count, match=match)
        self.faults.append(fault)
        return fault

    def clear(self) -> None:
        """Disarm every fault."""
        self.faults.clear()

    def take(self, path: str, recorded: RecordedRequest | None) -> list[Fault]:
        """Return the faults that answer this request and use up one of each."""
        taken = [fault for fault in self.faults if fault.applies_to(path, recorded)]
        for fault in taken:
            fault.hits += 1
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining == 0:
                    self.faults.remove(fault)
        return taken

    def middleware(self, closing: asyncio.Event) -> Any:
        """Return the aiohttp middleware that applies the armed faults."""

        @web.middleware
        async def fault_middleware(
            request: web.Request, handler: Handler
        ) -> web.StreamResponse:
            """Apply the faults armed for this request around its handler."""
            faults = self.take(request.path, request.get(RECORDED_REQUEST))
            if not faults:
                return await handler(request)
            delay = sum(f.params["seconds"] for f in faults if f.kind == "latency")
            if delay > 0:
                self.delays.append(delay)
                # Wake up early when the simulator stops, so no handler lingers.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(closing.wait(), delay)
            for fault in faults:
                if fault.kind in _TERMINAL:
                    return _terminal_response(fault, request)
            response = await handler(request)
            for fault in faults:
                if fault.kind == "patch_response":
                    _patch_json(response, fault.params["patch"])
            for fault in faults:
                if fault.kind == "malformed_json":
                    response = _truncated(response)
                elif fault.kind == "bad_bytes":
                    response = _spoiled(response)
            return response

        return fault_middleware


def _terminal_response(fault: Fault, request: web.Request) -> web.Response:
    """Answer a request in place of its handler."""
    params = fault.params
    if fault.kind == "server_error":
        status = HTTPStatus(params["status"])
        body = params["body"]
        if body is None:
            body = (
                f"<html><head><title>{status.value} {status.phrase}</title></head>"
                f"<body><h1>{status.value} {status.phrase}</h1></body></html>"
            )
        return web.Response(
            status=status.value, text=body, content_type=params["content_type"]
        )
    if fault.kind == "rate_limit":
        headers = {}
        if params["retry_after"] is not None:
            headers["Retry-After"] = str(params["retry_after"])
        return web.json_response(params["body"], status=429, headers=headers)
    if fault.kind == "redirect":
        location = params["location"]
        return web.Response(
            status=params["status"],
            text=f"Moved to {location}",
            headers={} if location is None else {"Location": location},
        )
    # disconnect: drop the connection; the response below is never written.
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=204)


def _patch_json(response: web.StreamResponse, patch: Callable[[Any], Any]) -> None:
    """Let patch change the JSON body of response (non-JSON bodies stay as they are)."""
    if not isinstance(response, web.Response) or not isinstance(response.body, bytes):
        return
    try:
        document = json.loads(response.body)
    except ValueError:
        return
    replaced = patch(document)
    if replaced is not None:
        document = replaced
    response.body = json.dumps(document).encode()


def _truncated(response: web.StreamResponse) -> web.Response:
    """Return a 200 reply whose JSON body is cut in half (never valid JSON)."""
    body = b""
    if isinstance(response, web.Response) and isinstance(response.body, bytes):
        body = response.body
    cut = body[: len(body) // 2] if len(body) > 1 else b""
    return web.Response(
        status=200,
        body=cut if cut else b'{"data": ',
        content_type="application/json",
    )


def _spoiled(response: web.StreamResponse) -> web.StreamResponse:
    """Return the reply with a byte no UTF-8 text has, inside its first string."""
    if not isinstance(response, web.Response):
        return response
    body = response.body if isinstance(response.body, bytes) else b"{}"
    spoiled = body.replace(b'"', b'"\xff', 1) if b'"' in body else b"\xff" + body
    return web.Response(
        status=response.status,
        body=spoiled,
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
