"""The mutations that pilot bulbs: one bulb, a room, a group, a floor, a building."""

from collections.abc import Awaitable, Callable, Iterable
from functools import partial

from .batch import Cover, Request
from .client import WizProClient
from .models import PilotingState
from .topology import Aggregate, Bulb

type Send = Callable[[Callable[[], Awaitable[None]]], Awaitable[None]]
type IsOnline = Callable[[str], bool]

# Largest first, so one building mutation replaces a hundred room ones.
_COVER_ORDER = ("building", "floor", "room", "group")


def _takes(aggregate: Aggregate, change: PilotingState) -> bool:
    """Tell whether WiZ takes a change for every bulb of an aggregate."""
    if change.temperature is None or aggregate.accepts is None:
        return True
    low, high = aggregate.accepts
    return low <= change.temperature <= high


class Mutations:
    """Builds the requests that pilot bulbs, sent through the adapter's send."""

    def __init__(self, client: WizProClient, send: Send) -> None:
        """Use the client; send(request) sends with the client's errors made neutral."""
        self._client = client
        self._send = send

    def bulb(self, bulb: Bulb, change: PilotingState) -> Request:
        """Return the changeLightState request for one bulb."""
        return partial(
            self._send,
            partial(
                self._client.change_light_state,
                floor_id=bulb.floor_id,
                light_id=bulb.light_id,
                mac=bulb.mac,
                state=change,
            ),
        )

    def aggregate(self, aggregate: Aggregate, change: PilotingState) -> Request:
        """Return the mutation that pilots a room, group, floor or building."""
        client = self._client
        target, floor_id = aggregate.target_id, aggregate.floor_id or ""
        request: Callable[[], Awaitable[None]]
        match aggregate.scope:
            case "room":
                request = partial(
                    client.change_room_state,
                    floor_id=floor_id,
                    room_id=target,
                    state=change,
                )
            case "group":
                request = partial(
                    client.change_group_state,
                    floor_id=floor_id,
                    group_id=target,
                    state=change,
                )
            case "floor":
                request = partial(
                    client.change_floor_state, floor_id=target, state=change
                )
            case _:
                request = partial(
                    client.change_building_state, building_id=target, state=change
                )
        return partial(self._send, request)

    def cover(
        self,
        change: PilotingState,
        aggregates: Iterable[Aggregate],
        bulbs: Callable[[str], Bulb | None],
        is_online: IsOnline,
    ) -> Cover:
        """Return how to pilot a set of bulbs with the fewest mutations.

        An aggregate stands for the bulbs asked for when its reachable bulbs
        are among them (a bulb pushed as offline cannot be piloted anyway)
        and WiZ takes the change for all of its bulbs.
        """
        candidates = [a for a in aggregates if _takes(a, change)]

        def requests(keys: set[str]) -> list[tuple[frozenset[str], Request]]:
            remaining = set(keys)
            found: list[tuple[frozenset[str], Request]] = []
            for scope in _COVER_ORDER:
                for aggregate in candidates:
                    if aggregate.scope != scope:
                        continue
                    members = frozenset(aggregate.members)
                    online = {key for key in members if is_online(key)}
                    if online and online <= remaining:
                        found.append((members, self.aggregate(aggregate, change)))
                        remaining -= members
            found.extend(
                (frozenset({key}), self.bulb(bulb, change))
                for key in sorted(remaining)
                if (bulb := bulbs(key)) is not None
            )
            return found

        return requests
