"""WiZ Pro's piloting batcher, with requests that record what was sent."""

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
import itertools
from typing import Any

import pytest

from custom_components.cloud_bridge.errors import CloudUnavailableError
from custom_components.cloud_bridge.vendors.wiz_pro.batch import (
    Cover,
    PilotingBatcher,
    Request,
    _groups,
    _Piloting,
)
from custom_components.cloud_bridge.vendors.wiz_pro.models import PilotingState

OFF = PilotingState(state=False)
DIM = PilotingState(state=True, dimming=30)


class Cloud:
    """Records the requests sent, in order; some of them fail or are cancelled."""

    def __init__(self) -> None:
        """Start with nothing sent and nothing failing."""
        self.sent: list[str] = []
        self.covers: list[tuple[PilotingState, frozenset[str]]] = []
        self.failing: dict[str, BaseException] = {}

    def request(self, name: str) -> Request:
        """Return a request that records its name when sent."""

        async def send() -> None:
            self.sent.append(name)
            await asyncio.sleep(0)
            if (error := self.failing.get(name)) is not None:
                raise error

        return send

    def cover(
        self, plan: dict[frozenset[str], list[frozenset[str]]]
    ) -> Callable[[PilotingState], Cover]:
        """Return a cover function: for a set of bulbs, one request per listed set."""

        def cover_for(change: PilotingState) -> Cover:
            def requests(bulbs: set[str]) -> list[tuple[frozenset[str], Request]]:
                self.covers.append((change, frozenset(bulbs)))
                return [
                    (covered, self.request("+".join(sorted(covered))))
                    for covered in plan[frozenset(bulbs)]
                ]

            return requests

        return cover_for


def start(coroutine: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
    """Start a batch as the entry does: in a task that is not started eagerly."""
    return asyncio.get_running_loop().create_task(coroutine, name=name)


def bulbs(*names: str) -> frozenset[str]:
    """Return a set of bulb keys."""
    return frozenset(names)


async def together[T](*commands: Awaitable[T]) -> list[T | BaseException]:
    """Send commands in the same turn of the event loop, as one service call does."""
    return await asyncio.gather(*commands, return_exceptions=True)


# --- grouping ----------------------------------------------------------------------


def piloting(bulb_keys: frozenset[str], change: PilotingState) -> _Piloting:
    """Return a waiting command; grouping never looks at its request or future."""
    return _Piloting(bulb_keys, change, Cloud().request("unused"), None)


@pytest.mark.parametrize(
    ("batch", "expected"),
    [
        # One bulb told X, Y, X: the last X cannot jump before the Y.
        (
            [(bulbs("1"), OFF), (bulbs("1"), DIM), (bulbs("1"), OFF)],
            [(OFF, {"1"}, [0]), (DIM, {"1"}, [1]), (OFF, {"1"}, [2])],
        ),
        # Three bulbs: the two X commands merge, the Y stays its own.
        (
            [(bulbs("1"), OFF), (bulbs("2"), DIM), (bulbs("3"), OFF)],
            [(OFF, {"1", "3"}, [0, 2]), (DIM, {"2"}, [1])],
        ),
        # A room and one of its bulbs told different things: two groups, in order.
        (
            [(bulbs("1", "2"), OFF), (bulbs("2"), DIM), (bulbs("3"), OFF)],
            [(OFF, {"1", "2", "3"}, [0, 2]), (DIM, {"2"}, [1])],
        ),
    ],
    ids=["same_bulb_x_y_x", "three_bulbs_x_y_x", "overlap_then_other_bulb"],
)
def test_groups_keep_each_bulbs_order(
    batch: list[tuple[frozenset[str], PilotingState]],
    expected: list[tuple[PilotingState, set[str], list[int]]],
) -> None:
    """Same-change commands merge unless a bulb's other command lies between."""
    items = [piloting(keys, change) for keys, change in batch]
    groups = _groups(items)
    assert [
        (group.change, group.bulbs, [items.index(item) for item in group.items])
        for group in groups
    ] == expected


# --- sending -----------------------------------------------------------------------


async def test_a_lone_command_uses_its_own_request() -> None:
    """A command alone goes out as it came; the cover function is not asked."""
    cloud = Cloud()
    batcher = PilotingBatcher(start=start, cover=cloud.cover({}))
    piloted = await batcher.pilot(bulbs("1"), OFF, cloud.request("own"))
    assert cloud.sent == ["own"]
    assert cloud.covers == []
    assert piloted == bulbs("1")


async def test_commands_of_one_turn_go_out_covered() -> None:
    """Same-change commands of one turn are sent as the cover's requests, once."""
    cloud = Cloud()
    plan = {bulbs("1", "2", "3"): [bulbs("1", "2"), bulbs("3")]}
    batcher = PilotingBatcher(start=start, cover=cloud.cover(plan))
    results = await together(
        *(
            batcher.pilot(bulbs(key), OFF, cloud.request(f"own {key}"))
            for key in ("1", "2", "3")
        )
    )
    assert cloud.covers == [(OFF, bulbs("1", "2", "3"))]
    assert sorted(cloud.sent) == ["1+2", "3"]
    # Each command learns every bulb the batch piloted.
    assert results == [bulbs("1", "2", "3")] * 3


async def test_order_of_one_bulbs_commands_is_kept() -> None:
    """Off, dim, off for one bulb in one turn: three requests in that order."""
    cloud = Cloud()
    batcher = PilotingBatcher(start=start, cover=cloud.cover({}))
    await together(
        batcher.pilot(bulbs("1"), OFF, cloud.request("off")),
        batcher.pilot(bulbs("1"), DIM, cloud.request("dim")),
        batcher.pilot(bulbs("1"), OFF, cloud.request("off again")),
    )
    assert cloud.sent == ["off", "dim", "off again"]
    assert cloud.covers == []


async def test_other_bulbs_same_change_merge_before_a_different_change() -> None:
    """Bulb 1 off, bulb 2 dim, bulb 3 off: one covered off for 1 and 3, then 2."""
    cloud = Cloud()
    plan = {bulbs("1", "3"): [bulbs("1", "3")]}
    batcher = PilotingBatcher(start=start, cover=cloud.cover(plan))
    results = await together(
        batcher.pilot(bulbs("1"), OFF, cloud.request("own 1")),
        batcher.pilot(bulbs("2"), DIM, cloud.request("own 2")),
        batcher.pilot(bulbs("3"), OFF, cloud.request("own 3")),
    )
    assert cloud.covers == [(OFF, bulbs("1", "3"))]
    assert cloud.sent == ["1+3", "own 2"]
    assert results == [bulbs("1", "3"), bulbs("2"), bulbs("1", "3")]


async def test_a_failing_request_fails_only_the_commands_it_covered() -> None:
    """The request for bulbs 1 and 2 fails: their commands fail, bulb 3's succeeds."""
    cloud = Cloud()
    failure = RuntimeError("room mutation failed")
    cloud.failing["1+2"] = failure
    plan = {bulbs("1", "2", "3"): [bulbs("1", "2"), bulbs("3")]}
    batcher = PilotingBatcher(start=start, cover=cloud.cover(plan))
    results = await together(
        *(
            batcher.pilot(bulbs(key), OFF, cloud.request(f"own {key}"))
            for key in ("1", "2", "3")
        )
    )
    assert sorted(cloud.sent) == ["1+2", "3"]
    assert results[0] is failure
    assert results[1] is failure
    # What succeeded names only the bulbs actually piloted.
    assert results[2] == bulbs("3")


async def test_a_cancelled_request_cancels_its_commands() -> None:
    """A request cancelled under way cancels the commands it covered, no others."""
    cloud = Cloud()
    cloud.failing["1"] = asyncio.CancelledError()
    plan = {bulbs("1", "2"): [bulbs("1"), bulbs("2")]}
    batcher = PilotingBatcher(start=start, cover=cloud.cover(plan))
    first = asyncio.ensure_future(batcher.pilot(bulbs("1"), OFF, cloud.request("a")))
    second = asyncio.ensure_future(batcher.pilot(bulbs("2"), OFF, cloud.request("b")))
    await asyncio.wait([first, second])
    assert first.cancelled()
    assert second.result() == bulbs("2")


async def test_a_caller_that_gave_up_does_not_stop_the_others() -> None:
    """A command whose caller is cancelled is skipped; the rest are settled."""
    cloud = Cloud()
    plan = {bulbs("1", "2"): [bulbs("1", "2")]}
    batcher = PilotingBatcher(start=start, cover=cloud.cover(plan))
    gave_up = asyncio.ensure_future(batcher.pilot(bulbs("1"), OFF, cloud.request("a")))
    waiting = asyncio.ensure_future(batcher.pilot(bulbs("2"), OFF, cloud.request("b")))
    await asyncio.sleep(0)
    gave_up.cancel()
    assert await waiting == bulbs("1", "2")
    assert gave_up.cancelled()
    # The request went out all the same: the lights were already asked.
    assert cloud.sent == ["1+2"]


async def test_commands_of_two_service_calls_never_share_a_batch() -> None:
    """Two calls at once, same change: each call's command goes out on its own."""
    cloud = Cloud()
    plan = {bulbs("1", "2"): [bulbs("1", "2")]}
    batcher = PilotingBatcher(start=start, cover=cloud.cover(plan))
    results = await together(
        batcher.pilot(bulbs("1"), OFF, cloud.request("own 1"), "call a"),
        batcher.pilot(bulbs("2"), OFF, cloud.request("own 2"), "call b"),
    )
    assert cloud.covers == []
    assert sorted(cloud.sent) == ["own 1", "own 2"]
    assert results == [bulbs("1"), bulbs("2")]


# --- one call's commands of different widths ------------------------------------

WARM_DIM = PilotingState(state=True, dimming=30, temperature=2700)


def warm_joins_dim(
    first: PilotingState,
    first_bulbs: frozenset[str],
    second: PilotingState,
    second_bulbs: frozenset[str],
) -> PilotingState | None:
    """Merge "dim" and "dim, warm" into "dim, warm" (a room and its tunable bulb)."""
    del first_bulbs, second_bulbs
    return WARM_DIM if {first, second} == {DIM, WARM_DIM} else None


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
async def test_commands_that_merge_are_one_request_in_any_order(
    order: tuple[int, ...],
) -> None:
    """A room dimmed, one bulb dimmed and warm, the other dimmed: one request.

    However Home Assistant orders the entities of the call.
    """
    cloud = Cloud()
    plan = {bulbs("1", "2"): [bulbs("1", "2")]}
    batcher = PilotingBatcher(
        start=start, cover=cloud.cover(plan), merge=warm_joins_dim
    )
    commands = [
        (bulbs("1", "2"), DIM, "room"),
        (bulbs("1"), WARM_DIM, "own 1"),
        (bulbs("2"), DIM, "own 2"),
    ]
    results = await together(
        *(
            batcher.pilot(keys, change, cloud.request(name), "call")
            for keys, change, name in (commands[index] for index in order)
        )
    )
    assert cloud.covers == [(WARM_DIM, bulbs("1", "2"))]
    assert cloud.sent == ["1+2"]
    assert results == [bulbs("1", "2")] * 3


async def test_a_narrower_command_that_differs_goes_after_the_wider_one() -> None:
    """A room dimmed and one of its bulbs off: the room first, so the bulb is off."""
    cloud = Cloud()
    taken: list[tuple[frozenset[str], PilotingState]] = []
    batcher = PilotingBatcher(
        start=start,
        cover=cloud.cover({}),
        merge=warm_joins_dim,
        applied=lambda keys, change: taken.append((keys, change)),
    )
    await together(
        batcher.pilot(bulbs("1"), OFF, cloud.request("own 1"), "call"),
        batcher.pilot(bulbs("1", "2"), DIM, cloud.request("room"), "call"),
    )
    assert cloud.sent == ["room", "own 1"]
    assert taken == [(bulbs("1", "2"), DIM), (bulbs("1"), OFF)]


async def test_a_refused_command_is_carried_by_a_wider_one_of_its_call() -> None:
    """A bulb asked for a mode it lacks, with its room: the room's request does it."""
    cloud = Cloud()
    refused = ValueError("no such light mode on this bulb")
    plan = {bulbs("1", "2"): [bulbs("1", "2")]}
    batcher = PilotingBatcher(
        start=start, cover=cloud.cover(plan), merge=warm_joins_dim
    )
    results = await together(
        batcher.pilot(bulbs("2"), DIM, cloud.request("own 2"), "call", refused=refused),
        batcher.pilot(bulbs("1", "2"), DIM, cloud.request("room"), "call"),
    )
    assert cloud.sent == ["1+2"]
    assert results == [bulbs("1", "2")] * 2


async def test_a_refused_command_alone_fails_and_sends_nothing() -> None:
    """Asked alone (or with nothing doing the same), it fails with its error."""
    cloud = Cloud()
    refused = ValueError("no such light mode on this bulb")
    batcher = PilotingBatcher(start=start, cover=cloud.cover({}), merge=warm_joins_dim)
    results = await together(
        batcher.pilot(bulbs("1"), DIM, cloud.request("own 1"), "call", refused=refused),
        batcher.pilot(bulbs("1", "2"), OFF, cloud.request("room"), "call"),
    )
    assert results == [refused, bulbs("1", "2")]
    assert cloud.sent == ["room"]


async def test_a_batch_that_breaks_settles_every_command() -> None:
    """Should working out the requests fail, every command of the call hears so."""
    cloud = Cloud()
    batcher = PilotingBatcher(start=start, cover=cloud.cover({}))
    results = await together(
        batcher.pilot(bulbs("1"), OFF, cloud.request("own 1"), "call"),
        batcher.pilot(bulbs("2"), OFF, cloud.request("own 2"), "call"),
    )
    assert [type(result) for result in results] == [KeyError, KeyError]
    assert cloud.sent == []


async def test_a_batch_cancelled_tells_its_commands_why() -> None:
    """The batch's task cancelled (its entry unloading): each command hears an error."""
    tasks: list[asyncio.Task[None]] = []

    def keep(coroutine: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        tasks.append(start(coroutine, name))
        return tasks[-1]

    sent = asyncio.Event()

    async def unanswered() -> None:
        sent.set()
        await asyncio.Event().wait()

    batcher = PilotingBatcher(
        start=keep, cover=lambda change: lambda covered: [(bulbs("1", "2"), unanswered)]
    )
    commands = [
        asyncio.ensure_future(batcher.pilot(bulbs(n), OFF, unanswered, "call"))
        for n in ("1", "2")
    ]
    await sent.wait()
    (task,) = tasks
    task.cancel()
    results = await together(*commands)
    assert [type(result) for result in results] == [CloudUnavailableError] * 2
    assert "may or may not have taken the command" in str(results[0])
    assert task.cancelled()
