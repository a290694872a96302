"""What every vendor adapter offers the core, and what the adapters share."""

from abc import ABC, abstractmethod
import asyncio
from collections.abc import Awaitable, Callable, Iterable
import logging
from typing import Any

from ..errors import (
    CloudAuthError,
    CloudError,
    CloudRateLimitedError,
    CloudRedirectedError,
    CloudRejectedError,
    CloudUnavailableError,
)
from ..model import Command, PointUpdate, Snapshot
from .http import (
    VendorAuthError,
    VendorClientError,
    VendorConnectionError,
    VendorRefusedError,
    VendorThrottledError,
)

_LOGGER = logging.getLogger(__name__)

type VendorErrorHook = Callable[[VendorClientError], CloudError | None]


def neutral_error(
    err: VendorClientError, vendor_error: VendorErrorHook | None = None
) -> CloudError:
    """Return the core's error for a client's: the vendor's own case, else by kind."""
    if vendor_error is not None and (own := vendor_error(err)) is not None:
        return own
    match err:
        case VendorAuthError():
            return CloudAuthError(str(err))
        case VendorThrottledError():
            return CloudRateLimitedError(str(err), err.retry_after)
        case VendorConnectionError(redirected=True):
            return CloudRedirectedError(str(err))
        case VendorConnectionError():
            return CloudUnavailableError(str(err))
        case VendorRefusedError():
            return CloudRejectedError(str(err))
    return CloudUnavailableError(str(err))


async def call_neutral[T](
    request: Callable[[], Awaitable[T]],
    vendor_error: VendorErrorHook | None = None,
    *,
    renew: Callable[[], Awaitable[None]] | None = None,
) -> T:
    """Send a request with the client's errors made neutral.

    With ``renew``, a refused token is renewed once and the request sent again.
    """
    try:
        try:
            return await request()
        except VendorAuthError as refused:
            if renew is None:
                raise
            _LOGGER.debug("%s; renewing it", refused)
            await renew()
            return await request()
    except VendorClientError as err:
        raise neutral_error(err, vendor_error) from err


async def read_concurrently[T, R](
    items: Iterable[T], read: Callable[[T], Awaitable[R]], limit: int
) -> list[R]:
    """Read every item, at most limit at a time; return the results in order.

    Every read finishes before the first failure (in the items' order) is raised.
    """
    slots = asyncio.Semaphore(limit)

    async def bounded(item: T) -> R:
        async with slots:
            return await read(item)

    results = await asyncio.gather(
        *(bounded(item) for item in items), return_exceptions=True
    )
    for result in results:
        if isinstance(result, BaseException):
            raise result
    # Every result is a value by now; the filter only tells the type checker.
    return [result for result in results if not isinstance(result, BaseException)]


class VendorAdapter(ABC):
    """Turns one vendor's cloud into Snapshots, and Commands into requests.

    Adapters raise only the neutral errors of ``errors.py``.
    """

    @abstractmethod
    async def async_poll(self, *, topology_due: bool, state_due: bool) -> Snapshot:
        """Read the account's state when due, and its topology when it is due.

        The state is due at every poll unless the cloud pushes it; then it is
        only the safety net, every 5 minutes.
        """

    @abstractmethod
    async def async_execute(self, command: Command) -> list[PointUpdate]:
        """Carry out a command; return the values it should leave behind.

        An empty list means the outcome cannot be foreseen (a scene, say).
        """

    @abstractmethod
    def diagnostics(self) -> dict[str, Any]:
        """Return what the adapter knows beyond the Snapshot, for diagnostics."""

    # Renews a refused access token before the request is sent again (None:
    # the client renews its own token).
    _renew_token: Callable[[], Awaitable[None]] | None = None

    def _vendor_error(self, err: VendorClientError) -> CloudError | None:
        """Return the core's error for a case of the vendor's own; None for none."""
        del err
        return None

    async def _call[T](self, request: Callable[[], Awaitable[T]]) -> T:
        """Send a request with the client's errors made neutral."""
        return await call_neutral(request, self._vendor_error, renew=self._renew_token)


class ProblemLog:
    """Logs each problem with a cloud's data once, not on every poll.

    What was logged is kept for diagnostics.
    """

    def __init__(self, logger: logging.Logger, message: str) -> None:
        """Log through logger, the problem put into message at its %s."""
        self._logger = logger
        self._message = message
        self._reported: set[str] = set()

    def report(self, problem: str) -> None:
        """Log a problem at warning level, unless it was logged before."""
        if problem not in self._reported:
            self._reported.add(problem)
            self._logger.warning(self._message, problem)

    def unreadable(self, raw: Any, value: Any, *where: str) -> None:
        """Log once a reported value that reads as nothing: it shows as unknown.

        ``where`` names what reported it, joined only when logged.
        """
        if value is None and raw is not None:
            self.report(
                f"{' '.join(where)} reported what is no value of it (shown as unknown)"
            )

    @property
    def reported(self) -> list[str]:
        """Return every problem logged so far, sorted."""
        return sorted(self._reported)
