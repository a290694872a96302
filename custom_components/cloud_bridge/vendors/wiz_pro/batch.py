"""Piloting requests that arrive together go out as few mutations as possible.

"Turn off the lights in the kitchen" reaches the adapter as one command per
light entity, all within one turn of the event loop. Gathered for that turn,
commands with the same change are sent as the fewest room, group, floor or
building mutations that cover exactly their bulbs. A command alone goes out as
it came.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from .models import PilotingState

type Request = Callable[[], Awaitable[None]]
type Cover = Callable[[set[str]], list[tuple[frozenset[str], Request]]]

# Turns of the event loop to wait for the rest of a service call's entities.
_GATHER_TURNS = 2


@dataclass(eq=False, slots=True)
class _Piloting:
    """One command waiting to be sent."""

    bulbs: frozenset[str]
    change: PilotingState
    own: Request
    done: asyncio.Future[frozenset[str]]


@dataclass(slots=True)
class _Group:
    """Commands with the same change, to be sent together."""

    change: PilotingState
    items: list[_Piloting]
    bulbs: set[str]


def _groups(batch: list[_Piloting]) -> list[_Group]:
    """Merge same-change commands without reordering any bulb's commands."""
    groups: list[_Group] = []
    for item in batch:
        for group in reversed(groups):
            if group.change == item.change:
                group.items.append(item)
                group.bulbs.update(item.bulbs)
                break
            if group.bulbs & item.bulbs:
                groups.append(_Group(item.change, [item], set(item.bulbs)))
                break
        else:
            groups.append(_Group(item.change, [item], set(item.bulbs)))
    return groups


class PilotingBatcher:
    """Collects piloting commands for a moment and sends them covered."""

    def __init__(self, cover: Callable[[PilotingState], Cover]) -> None:
        """Use cover(change)(bulbs) to find the requests that pilot a set of bulbs."""
        self._cover = cover
        self._batch: list[_Piloting] = []
        self._flush: asyncio.Task[None] | None = None

    async def pilot(
        self, bulbs: frozenset[str], change: PilotingState, own: Request
    ) -> frozenset[str]:
        """Pilot bulbs with a change; own is the request to use when alone.

        Returns every bulb the batch piloted with this change, so the first
        command to resume can show the whole batch's outcome at once.
        """
        loop = asyncio.get_running_loop()
        item = _Piloting(bulbs, change, own, loop.create_future())
        self._batch.append(item)
        if self._flush is None:
            self._flush = loop.create_task(self._send_soon(), name="wiz_pro_batch")
        return await item.done

    async def _send_soon(self) -> None:
        """Wait for the rest of the batch, then send it group by group."""
        for _ in range(_GATHER_TURNS):
            await asyncio.sleep(0)
        batch, self._batch, self._flush = self._batch, [], None
        for group in _groups(batch):
            await self._send(group)

    async def _send(self, group: _Group) -> None:
        """Send one group's requests at once; settle each command."""
        if len(group.items) == 1:
            only = group.items[0]
            requests = [(only.bulbs, only.own)]
        else:
            requests = self._cover(group.change)(group.bulbs)
        results = await asyncio.gather(
            *(request() for _, request in requests), return_exceptions=True
        )
        piloted = frozenset().union(
            *(
                covered & group.bulbs
                for (covered, _), result in zip(requests, results, strict=True)
                if not isinstance(result, BaseException)
            )
        )
        for item in group.items:
            failures = [
                result
                for (covered, _), result in zip(requests, results, strict=True)
                if isinstance(result, BaseException) and covered & item.bulbs
            ]
            if item.done.done():
                continue
            if not failures:
                item.done.set_result(piloted)
            elif isinstance(failures[0], asyncio.CancelledError):
                item.done.cancel()
            else:
                item.done.set_exception(failures[0])
