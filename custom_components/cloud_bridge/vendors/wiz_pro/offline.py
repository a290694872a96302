"""Which bulbs WiZ said are disconnected, and when a poll shows one is back.

Only a push says a bulb is connected, and WiZ may not push when it comes back.
The cloud's currentState is what the bulb last reported, and an offline bulb
cannot be piloted: a currentState other than the one the first poll after the
disconnection showed means the bulb has talked to the cloud since. (Polled
states are compared with polled states only: the adapter's own idea of a state
is not the cloud's word for word.) A bulb that comes back unchanged stays
offline until WiZ pushes again.
"""

import logging

from .models import PilotingState

_LOGGER = logging.getLogger(__name__)


class OfflineWatch:
    """Keeps the bulbs pushed as disconnected, and the state each was polled in."""

    def __init__(self, disconnected: set[str] | None = None) -> None:
        """Start with the bulbs known to be disconnected (by key)."""
        # Bulb key -> the state the first poll since the disconnection read.
        self._offline: dict[str, PilotingState | None] = dict.fromkeys(
            disconnected or ()
        )

    def is_online(self, key: str) -> bool:
        """Tell whether a bulb is reachable, as far as pushes have said."""
        return key not in self._offline

    @property
    def offline(self) -> set[str]:
        """Return the keys of the bulbs pushed as disconnected."""
        return set(self._offline)

    def pushed(self, key: str, connected: bool) -> None:
        """Take WiZ's word that a bulb is connected or not."""
        if connected:
            self._offline.pop(key, None)
        elif key not in self._offline:
            self._offline[key] = None

    def polled(self, key: str, state: PilotingState) -> bool:
        """Note a poll's state of a disconnected bulb; tell if it shows it is back."""
        if key not in self._offline:
            return False
        seen = self._offline[key]
        if seen is None:
            self._offline[key] = state
            return False
        if state == seen:
            return False
        _LOGGER.debug("WiZ Pro bulb %s changed while offline: connected", key)
        del self._offline[key]
        return True
