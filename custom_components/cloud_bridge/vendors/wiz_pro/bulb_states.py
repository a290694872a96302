"""What each bulb shows: as polled, with commands and pushes on top.

A command or a push sets a bulb's state at once (optimistically); the next poll
reads it from the cloud again, except one set while that poll was out: it is
newer than the poll's answer, and is read again at the poll after.
"""

from ...model import LightFeatures, LightState
from .mapping import light_state
from .models import PilotingState


class BulbStates:
    """Each bulb's state and the light value it shows, by bulb key."""

    def __init__(self) -> None:
        """Know no bulb yet."""
        self.states: dict[str, PilotingState] = {}
        self.values: dict[str, LightState] = {}
        # As the cloud's last answer had them.
        self.polled: dict[str, PilotingState] = {}
        # Set by commands and pushes since a poll last read them: to read again.
        self._set: set[str] = set()
        # Set while the poll now out was: newer than its answer.
        self._newer: set[str] | None = None

    def take(
        self, key: str, state: PilotingState, features: LightFeatures
    ) -> LightState:
        """Take a state from a command or a push; return the value it shows."""
        self.states[key] = state
        value = self.values[key] = light_state(state, features)
        self._set.add(key)
        if self._newer is not None:
            self._newer.add(key)
        return value

    def begin_poll(self) -> None:
        """Start a poll: what is set from now on is newer than its answer."""
        self._newer = set()

    @property
    def unread(self) -> set[str]:
        """Return the bulbs set since a poll last read them: to read again."""
        return set(self._set)

    def read(
        self,
        key: str,
        polled: PilotingState,
        features: LightFeatures,
        *,
        anew: bool = False,
    ) -> bool:
        """Take a bulb's state from the poll's answer; tell whether it changed.

        anew takes it all the same (the bulb's features changed).
        """
        self.polled[key] = polled
        if self._newer is not None and key in self._newer:
            if not anew:
                return False
            state = self.states[key]
        elif key in self._set:
            self._set.discard(key)
            state = polled
        elif self.states.get(key) != polled:
            state = polled
        elif not anew:
            return False
        else:
            state = polled
        self.states[key] = state
        self.values[key] = light_state(state, features)
        return True

    def end_poll(self) -> None:
        """Finish a poll (read or not): what comes now is not newer than one."""
        self._newer = None

    def forget(self, keys: set[str]) -> None:
        """Drop bulbs the account no longer has."""
        for key in keys:
            self.states.pop(key, None)
            self.values.pop(key, None)
            self.polled.pop(key, None)
        self._set -= keys
