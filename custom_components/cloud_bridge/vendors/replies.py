"""What the three clouds' replies share: throttling, and lists with odd items.

Free of Home Assistant, like the clients that use it.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
import math


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


class ThrottledError(Exception):
    """A client's error for a throttled request, with how long to wait."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        """Remember how long the cloud asked us to wait (None: not said)."""
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Listing[T]:
    """The items a cloud listed, and why each one it could not read was skipped."""

    items: tuple[T, ...]
    skipped: tuple[str, ...] = ()
