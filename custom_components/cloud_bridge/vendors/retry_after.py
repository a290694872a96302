"""The ``Retry-After`` header every cloud may send with a throttled reply."""

from collections.abc import Mapping
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
