"""Stopping light modes: each bulb goes back to its own last white or colour.

WiZ has no "no mode" to send (sceneId takes 1-32), so a white or a colour
stops the mode. Bulbs going back to the same one share their mutations; the
others get their own. When some of them fail, the rest still show what they
took and the error names the bulbs that did not.
"""

import asyncio
from collections.abc import Callable, Iterable, Mapping

from ...errors import CloudAuthError, CloudPartialError, CloudRateLimitedError
from ...model import PointUpdate
from .batch import Cover, PilotingBatcher, Request
from .models import PilotingState


async def stop_light_modes(
    changes: Mapping[str, PilotingState],
    batcher: PilotingBatcher,
    *,
    own: Callable[[str, PilotingState], Request],
    cover: Callable[[PilotingState], Cover],
    name: Callable[[str], str],
    updates: Callable[[Iterable[str]], list[PointUpdate]],
    call: str | None,
) -> list[PointUpdate]:
    """Send each bulb its change (by key); return what the bulbs show now.

    own(key, change) is a bulb's own request, name(key) its name for errors.
    """
    by_change: dict[PilotingState, set[str]] = {}
    for key, change in changes.items():
        by_change.setdefault(change, set()).add(key)
    # One batched piloting per mutation, so a failure names only its bulbs.
    pilots: list[tuple[PilotingState, frozenset[str], Request]] = []
    for change, keys in by_change.items():
        if len(keys) == 1:
            (key,) = keys
            requests = [(frozenset(keys), own(key, change))]
        else:
            requests = cover(change)(set(keys))
        pilots.extend(
            (change, covered & keys, request) for covered, request in requests
        )
    results = await asyncio.gather(
        *(
            batcher.pilot(bulbs, change, request, call)
            for change, bulbs, request in pilots
        ),
        return_exceptions=True,
    )
    piloted: set[str] = set()
    failed: list[str] = []
    errors: list[BaseException] = []
    for (_, bulbs, _), result in zip(pilots, results, strict=True):
        if isinstance(result, BaseException):
            errors.append(result)
            failed.extend(name(key) for key in bulbs)
        else:
            piloted.update(result)
    shown = updates(piloted)
    if not errors:
        return shown
    # A refused sign-in or throttling concerns the account, not some bulbs:
    # it must reach the user as itself (reauth, back off).
    account = [
        e for e in errors if isinstance(e, CloudAuthError | CloudRateLimitedError)
    ]
    if account:
        raise account[0]
    if not shown or not isinstance(errors[0], Exception):
        raise errors[0]
    raise CloudPartialError(
        f"{len(failed)} bulbs did not leave their light mode", sorted(failed), shown
    )
