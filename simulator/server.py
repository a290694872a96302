"""The aiohttp server that every vendor simulator builds on (vendor-neutral)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import TYPE_CHECKING, Any, Self

from aiohttp import ClientSession, ClientTimeout, web

from .faults import FaultInjector, Handler
from .recording import RECORDED_REQUEST, RecordedRequest

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine
    from types import TracebackType

_LOGGER = logging.getLogger(__name__)

# Handlers are quick; stopping never waits long for one (latency faults wake up early).
_SHUTDOWN_TIMEOUT = 1.0
_OUTGOING_TIMEOUT = ClientTimeout(total=10)


class SimulatorServer:
    """A vendor cloud on a local port, with request recording and fault injection."""

    def __init__(self) -> None:
        """Initialise an unstarted server."""
        self.faults = FaultInjector()
        self.requests: list[RecordedRequest] = []
        # What throttling windows are measured with; a test may advance a fake.
        self.clock: Callable[[], float] = time.monotonic
        self._runner: web.AppRunner | None = None
        self._url: str | None = None
        self._session: ClientSession | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closing = asyncio.Event()

    @property
    def url(self) -> str:
        """Return the base URL, e.g. http://127.0.0.1:45123."""
        if self._url is None:
            raise RuntimeError("The simulator is not started")
        return self._url

    @property
    def started(self) -> bool:
        """Return whether the server is listening."""
        return self._runner is not None

    @property
    def http_session(self) -> ClientSession:
        """Return the session used for outgoing calls (webhooks)."""
        if self._session is None:
            raise RuntimeError("The simulator is not started")
        return self._session

    def add_routes(self, app: web.Application) -> None:
        """Add the vendor's routes to app."""
        raise NotImplementedError

    def annotate(self, recorded: RecordedRequest) -> None:
        """Add vendor-specific detail to a recorded request (e.g. GraphQL)."""

    def clear_requests(self) -> None:
        """Forget the recorded requests."""
        self.requests.clear()

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Start listening on host:port (port 0: any free port)."""
        if self._runner is not None:
            raise RuntimeError("The simulator is already started")
        self._closing = asyncio.Event()
        app = web.Application(
            middlewares=[self._record_middleware, self.faults.middleware(self._closing)]
        )
        self.add_routes(app)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=_SHUTDOWN_TIMEOUT)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        port = runner.addresses[0][1]
        self._url = (
            f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
        )
        self._session = ClientSession(timeout=_OUTGOING_TIMEOUT)

    async def stop(self) -> None:
        """Stop listening, cancel background work and close every socket."""
        self._closing.set()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._session is not None:
            await self._session.close()
            self._session = None
        self._url = None

    async def __aenter__(self) -> Self:
        """Start the server on a free port of 127.0.0.1."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the server."""
        await self.stop()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run coro in the background; stop() cancels it if still running."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def wait_background(self) -> None:
        """Wait until every background task (e.g. webhook delivery) is done."""
        # Skip finished tasks whose done-callback has not run yet: gathering only
        # finished tasks never yields, so waiting on them would spin forever.
        while pending := [task for task in self._tasks if not task.done()]:
            await asyncio.gather(*pending, return_exceptions=True)

    @web.middleware
    async def _record_middleware(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        """Record the request before faults and handlers see it."""
        body = await request.read()
        parsed: Any = None
        if body:
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
        recorded = RecordedRequest(
            method=request.method,
            path=request.path,
            query=dict(request.query),
            headers=dict(request.headers),
            body=body,
            json=parsed,
        )
        try:
            self.annotate(recorded)
        except Exception:
            _LOGGER.exception("Could not annotate a recorded request")
        self.requests.append(recorded)
        request[RECORDED_REQUEST] = recorded
        return await handler(request)
