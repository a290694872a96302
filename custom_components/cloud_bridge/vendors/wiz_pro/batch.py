"""Piloting requests of one service call go out as few mutations as possible.

"Turn off the lights in the kitchen" reaches the adapter as one command per
light entity. Home Assistant starts every entity's part of a service call
together, each in its own task; the batch of a call is sent by a task created
with its first command and not started eagerly, so it runs only after every
entity task the call started has handed over its command. Commands with the
same change are sent as the fewest room, group, floor or building mutations
that cover exactly their bulbs; a command alone goes out as it came. Commands
of different service calls never share a batch.
"""

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from .models import PilotingState

type Request = Callable[[], Awaitable[None]]
type Cover = Callable[[set[str]], list[tuple[frozenset[str], Request]]]
# Starts a task that Home Assistant tracks; it must not start eagerly.
type StartTask = Callable[[Coroutine[Any, Any, None], str], asyncio.Task[None]]


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
    """Collects a service call's piloting commands and sends them covered."""

    def __init__(
        self, cover: Callable[[PilotingState], Cover], start: StartTask
    ) -> None:
        """Use cover(change)(bulbs) to find the requests that pilot a set of bulbs.

        start(coroutine, name) runs a batch in a task, not eagerly started.
        """
        self._cover = cover
        self._start = start
        self._batches: dict[str | None, list[_Piloting]] = {}

    async def pilot(
        self,
        bulbs: frozenset[str],
        change: PilotingState,
        own: Request,
        call: str | None = None,
    ) -> frozenset[str]:
        """Pilot bulbs with a change; own is the request to use when alone.

        call names the service call the command belongs to (its context).
        Returns every bulb the batch piloted with this change, so the first
        command to resume can show the whole batch's outcome at once.
        """
        item = _Piloting(bulbs, change, own, asyncio.get_running_loop().create_future())
        if (batch := self._batches.get(call)) is None:
            batch = self._batches[call] = []
            self._start(self._send_batch(call), "wiz_pro piloting batch")
        batch.append(item)
        return await item.done

    async def _send_batch(self, call: str | None) -> None:
        """Send a service call's commands, group by group."""
        for group in _groups(self._batches.pop(call)):
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
