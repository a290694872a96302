"""Piloting requests of one service call go out as few mutations as possible.

"Turn off the lights in the kitchen" reaches the adapter as one command per
light entity. Home Assistant starts every entity's part of a service call
together, each in its own task; the batch of a call is sent by a task created
with its first command and not started eagerly, so it runs only after every
entity task the call started has handed over its command. Commands of different
service calls never share a batch.

Within a call, wider commands go first (a room before its groups, a group
before its bulbs), so a narrower command of the same call has the last word.
A command joins an earlier one when both ask the same, or when the ``merge``
hook finds one change that does to every bulb what its own command asks (a
room's command and its bulbs' adapted ones); one that cannot is sent after it.
Each group of commands goes out as the fewest room, group, floor or building
mutations that cover exactly its bulbs; a command alone goes out as it came.
"""

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from ...errors import CloudUnavailableError
from .models import PilotingState

type Request = Callable[[], Awaitable[None]]
type Cover = Callable[[set[str]], list[tuple[frozenset[str], Request]]]
# Starts a task that Home Assistant tracks; it must not start eagerly.
type StartTask = Callable[[Coroutine[Any, Any, None], str], asyncio.Task[None]]
# merge(change, its bulbs, other change, its bulbs): one change for both, or None.
type Merge = Callable[
    [PilotingState, frozenset[str], PilotingState, frozenset[str]],
    PilotingState | None,
]
# Told, in order, which bulbs took which change.
type Applied = Callable[[frozenset[str], PilotingState], None]


@dataclass(eq=False, slots=True)
class _Piloting:
    """One command waiting to be sent.

    A command with ``refused`` is never sent itself: it is carried out only by
    an earlier command of its call that does the same to its bulbs, and fails
    with that error otherwise (a light mode a bulb does not have, say).
    """

    bulbs: frozenset[str]
    change: PilotingState
    own: Request
    done: asyncio.Future[frozenset[str]]
    refused: Exception | None = None


@dataclass(slots=True)
class _Group:
    """Commands with the same change, to be sent together."""

    change: PilotingState
    items: list[_Piloting]
    bulbs: set[str]


def _joins(group: _Group, item: _Piloting, merge: Merge | None) -> bool:
    """Add a command to a group when one change serves both; tell whether it did."""
    if group.change == item.change:
        change: PilotingState | None = group.change
    elif merge is None or not group.bulbs & item.bulbs:
        # Different asks for different bulbs: each keeps its own group.
        return False
    else:
        change = merge(group.change, frozenset(group.bulbs), item.change, item.bulbs)
    if change is None:
        return False
    group.change = change
    group.items.append(item)
    group.bulbs.update(item.bulbs)
    return True


def _groups(
    batch: list[_Piloting],
    merge: Merge | None = None,
    unsent: list[_Piloting] | None = None,
) -> list[_Group]:
    """Merge commands without reordering any bulb's commands.

    Refused commands that no group carries out go to unsent.
    """
    groups: list[_Group] = []
    for item in batch:
        joined = False
        for group in reversed(groups):
            if _joins(group, item, merge):
                joined = True
                break
            if group.bulbs & item.bulbs:
                # A command for these bulbs lies between: it cannot jump it.
                break
        if joined:
            continue
        if item.refused is None:
            groups.append(_Group(item.change, [item], set(item.bulbs)))
        elif unsent is not None:
            unsent.append(item)
    return groups


def _ignore(bulbs: frozenset[str], change: PilotingState) -> None:
    """Hear nothing of what was applied."""


class PilotingBatcher:
    """Collects a service call's piloting commands and sends them covered."""

    def __init__(
        self,
        cover: Callable[[PilotingState], Cover],
        start: StartTask,
        *,
        merge: Merge | None = None,
        applied: Applied = _ignore,
    ) -> None:
        """Use cover(change)(bulbs) to find the requests that pilot a set of bulbs.

        start(coroutine, name) runs a batch in a task, not eagerly started;
        applied(bulbs, change) hears each change the bulbs took, in order.
        """
        self._cover = cover
        self._start = start
        self._merge = merge
        self._applied = applied
        self._batches: dict[str | None, list[_Piloting]] = {}

    async def pilot(
        self,
        bulbs: frozenset[str],
        change: PilotingState,
        own: Request,
        call: str | None = None,
        *,
        refused: Exception | None = None,
    ) -> frozenset[str]:
        """Pilot bulbs with a change; own is the request to use when alone.

        call names the service call the command belongs to (its context).
        Returns every bulb piloted with the change the command went out with,
        so the first command to resume can show the whole group's outcome.
        """
        item = _Piloting(
            bulbs, change, own, asyncio.get_running_loop().create_future(), refused
        )
        if (batch := self._batches.get(call)) is None:
            batch = self._batches[call] = []
            self._start(self._send_batch(call), "wiz_pro piloting batch")
        batch.append(item)
        return await item.done

    async def _send_batch(self, call: str | None) -> None:
        """Send a service call's commands, widest first, group by group."""
        batch = sorted(self._batches.pop(call), key=lambda item: -len(item.bulbs))
        unsent: list[_Piloting] = []
        groups = _groups(batch, self._merge, unsent)
        for item in unsent:
            if not item.done.done() and item.refused is not None:
                item.done.set_exception(item.refused)
        try:
            for group in groups:
                await self._send(group)
        except BaseException as err:
            # No command may wait forever for a batch that broke. One cancelled
            # (the entry unloading) leaves its callers an error they can read.
            told = err
            if isinstance(err, asyncio.CancelledError):
                told = CloudUnavailableError(
                    "Cloud Bridge stopped before WiZ Pro answered; "
                    "the lights may or may not have taken the command"
                )
            for item in batch:
                if not item.done.done():
                    item.done.set_exception(told)
            if not isinstance(err, Exception):
                raise

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
        if piloted:
            self._applied(piloted, group.change)
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
