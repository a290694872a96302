"""A sliding-window request budget, shared by the simulators that throttle."""

from __future__ import annotations

from collections import deque
import math


class SlidingWindow:
    """At most ``budget`` requests per client in any ``window`` seconds."""

    def __init__(self) -> None:
        """Start with no request counted."""
        self._recent: dict[str, deque[float]] = {}

    def take(self, client: str, budget: int, window: float, now: float) -> int | None:
        """Count one request at now; return the seconds to wait when over budget.

        now comes from the simulator's clock, which a test may replace with a
        fake one it advances by hand.
        """
        recent = self._recent.setdefault(client, deque())
        while recent and recent[0] <= now - window:
            recent.popleft()
        if len(recent) >= budget:
            return max(1, math.ceil(recent[0] + window - now))
        recent.append(now)
        return None
