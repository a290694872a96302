"""When two piloting changes do the same to a bulb, judged the way WiZ applies them.

One service call on an area reaches the adapter as one command per entity: the
room's light, its groups' lights and every bulb. Home Assistant adapts the call
to each entity (a colour becomes a white for a tunable-white bulb, a Kelvin is
dropped for a dimmable-white one), so the commands differ while the bulbs would
end up the same. WiZ applies a change to each bulb as the bulb can: the first
of a light mode, a colour and a white it can play; a DW bulb's white is its own;
a ratio only on dual-zone models. Two changes are the same for a bulb when what
the bulb takes of them is the same.
"""

from collections.abc import Iterable
from dataclasses import replace

from .light_modes import CLASS_MODES, BulbClass
from .models import PilotingState
from .topology import Bulb

_CHANNELS = ("r", "g", "b", "cw", "ww")


def _within(value: int, low: int, high: int) -> int:
    """Return a value kept to a range, as a bulb shows what lies beyond it."""
    return min(max(value, low), high)


def taken(change: PilotingState, bulb: Bulb) -> PilotingState:
    """Return what a bulb takes of a change: the state fields it ends up with.

    Any given field turns the bulb on; "off" turns it off and nothing else. A
    Kelvin beyond the bulb's range is shown as the nearest it has, so two
    Kelvin values the bulb clamps alike are the same to it.
    """
    if change.state is False:
        return PilotingState(state=False)
    if change == PilotingState():
        return change
    kind = bulb.bulb
    mode: dict[str, int] = {}
    channels = [getattr(change, name) for name in _CHANNELS]
    if change.sceneId is not None and change.sceneId in CLASS_MODES[kind]:
        mode = {"sceneId": change.sceneId}
    elif kind is BulbClass.RGBTW and any(value is not None for value in channels):
        mode = {
            name: value or 0 for name, value in zip(_CHANNELS, channels, strict=True)
        }
    elif change.temperature is not None and kind is not BulbClass.DW:
        model = bulb.model
        mode = {
            "temperature": _within(
                change.temperature, model.temperature_min, model.temperature_max
            )
        }
    return PilotingState(
        state=True,
        dimming=change.dimming,
        speed=change.speed,
        ratio=change.ratio if bulb.model.has_ratio else None,
        **mode,
    )


def accepted(change: PilotingState, bulbs: Iterable[Bulb]) -> bool:
    """Tell whether WiZ takes a change aimed at these bulbs together.

    A Kelvin must lie within every white-tunable bulb's range (DW bulbs do
    not bind it).
    """
    if (kelvin := change.temperature) is None:
        return True
    return all(
        accepts[0] <= kelvin <= accepts[1]
        for bulb in bulbs
        if (accepts := bulb.accepts) is not None
    )


def _union(first: PilotingState, second: PilotingState) -> PilotingState:
    """Return the first change with the fields only the second one gives."""
    return replace(
        first,
        **{
            name: getattr(second, name)
            for name in PilotingState.__dataclass_fields__
            if getattr(first, name) is None
        },
    )


_MODE = dict.fromkeys(("sceneId", "temperature", *_CHANNELS))


def _fits(
    candidate: PilotingState,
    own: PilotingState,
    bulbs: list[Bulb],
    *,
    loose: bool = False,
) -> bool:
    """Tell whether a candidate does to each bulb what its own change does.

    loose lets a bulb its own change gives no mode it can play (a colour to
    a tunable-white bulb: it just turns on) take the white or mode another
    command of the call gives it.
    """
    for bulb in bulbs:
        got, wanted = taken(candidate, bulb), taken(own, bulb)
        if got == wanted:
            continue
        if not loose or replace(wanted, **_MODE) != wanted:
            return False
        if replace(got, **_MODE) != wanted:
            return False
    return True


def merged(
    first: PilotingState,
    first_bulbs: Iterable[Bulb],
    second: PilotingState,
    second_bulbs: Iterable[Bulb],
) -> PilotingState | None:
    """Return one change that does to every bulb what its own change does.

    A bulb a command for several bulbs gives no mode it can play (a colour to
    a tunable-white bulb of a room) may take the one the other command gives;
    a command for one bulb is taken as it is. Tried in turn: either change as
    it is, then either one completed with what only the other gives (a room's
    colour with the white its tunable bulbs were given). None when no such
    change exists, or WiZ would refuse it.
    """
    if first == second:
        return first
    ones, others = list(first_bulbs), list(second_bulbs)
    for candidate in (first, second, _union(first, second), _union(second, first)):
        if (
            _fits(candidate, first, ones, loose=len(ones) > 1)
            and _fits(candidate, second, others, loose=len(others) > 1)
            and accepted(candidate, ones + others)
        ):
            return candidate
    return None
