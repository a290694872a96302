"""A building's devices and points, made from its index and its lights' state.

Everything unchanged is shared with the devices of the previous Snapshot: a
point equal to the one before is that one, and so is a device.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace

from ...light_states import combine_light_states
from ...model import Device, LightState, Point
from .models import PilotingState
from .telemetry import Telemetry
from .topology import (
    CONNECTIVITY,
    EFFECT_SPEED,
    LIGHT,
    POWER,
    RATIO,
    RATIO_SPEC,
    RSSI,
    SPEED_SPEC,
    TELEMETRY,
    TELEMETRY_SPECS,
    Aggregate,
    Bulb,
    Topology,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class BulbFacts:
    """What a bulb's device shows beyond its index."""

    state: PilotingState
    value: LightState
    online: bool
    telemetry: Telemetry
    reported: frozenset[str]


def _shared(
    points: dict[str, Point], previous: Device | None
) -> dict[str, Point] | None:
    """Swap in the previous device's equal points; None when all are the same."""
    if previous is None:
        return points
    old = previous.points
    same = len(old) == len(points)
    for key, point in points.items():
        if (before := old.get(key)) is not None and before == point:
            points[key] = before
        else:
            same = False
    return None if same else points


def device_with(
    shell: Device,
    points: dict[str, Point],
    online: bool,
    previous: Device | None,
    *,
    same_shell: bool = False,
) -> Device:
    """Return a device with its points; the previous one when nothing differs.

    same_shell says the previous device was made from this shell (the index
    did not change), so only its points and state are compared.
    """
    if previous is None:
        return replace(shell, online=online, points=points)
    shared = _shared(points, previous)
    if (
        shared is None
        and previous.online == online
        and (
            same_shell
            or replace(shell, online=online, points=previous.points) == previous
        )
    ):
        return previous
    return replace(
        shell, online=online, points=previous.points if shared is None else shared
    )


def bulb_points(bulb: Bulb, facts: BulbFacts) -> dict[str, Point]:
    """Return the points of one bulb."""
    points: dict[str, Point] = {
        LIGHT: Point(key=LIGHT, spec=bulb.spec, value=facts.value)
    }
    if bulb.features.effects:
        points[EFFECT_SPEED] = Point(
            key=EFFECT_SPEED, spec=SPEED_SPEC, value=facts.state.speed
        )
    if bulb.model.has_ratio:
        points[RATIO] = Point(key=RATIO, spec=RATIO_SPEC, value=facts.state.ratio)
    values = {
        RSSI: facts.telemetry.rssi,
        POWER: facts.telemetry.power,
        CONNECTIVITY: facts.online,
    }
    for name in TELEMETRY:
        if name in facts.reported:
            points[name] = Point(
                key=name, spec=TELEMETRY_SPECS[name], value=values[name]
            )
    return points


def aggregate_value(
    aggregate: Aggregate, values: Mapping[str, LightState]
) -> LightState:
    """Return what the bulbs of a room, group, floor or building show together."""
    return combine_light_states(
        [values[key] for key in aggregate.members], aggregate.features
    )


def aggregate_point(
    point_key: str, aggregate: Aggregate, values: Mapping[str, LightState]
) -> Point:
    """Return the light point of a room, group, floor or building."""
    return Point(
        key=point_key, spec=aggregate.spec, value=aggregate_value(aggregate, values)
    )


def aggregate_device(
    topology: Topology,
    key: str,
    values: Mapping[str, LightState],
    previous: Device | None,
    touched: set[str] | None = None,
) -> Device:
    """Return a room, group or building device with its lights (and scenes).

    With touched, only those light points are made anew (the others are the
    previous device's), and the previous device was made from this index.
    """
    lights = topology.lights_of.get(key, ())
    points: dict[str, Point] = {}
    for point_key in lights:
        old = previous.points.get(point_key) if previous is not None else None
        if old is not None and touched is not None and point_key not in touched:
            points[point_key] = old
        else:
            aggregate = topology.aggregates[(key, point_key)]
            points[point_key] = aggregate_point(point_key, aggregate, values)
    points.update(topology.fixed_points.get(key, {}))
    return device_with(
        topology.shells[key], points, True, previous, same_shell=touched is not None
    )
