"""Points of devices whose product has no definition, guessed from their values.

Each is read-only. Which points a device showed is kept over restarts, so a
device offline or silent for a day keeps its entities.
"""

from collections.abc import Container, Mapping
from dataclasses import replace
from typing import Any, Protocol

from ...model import BinarySensorSpec, Point, SensorSpec
from .mapping import datapoint_point
from .models import Datapoint


class InferredCache(Protocol):
    """Where each account's inferred points are kept between restarts."""

    def inferred(self, account: str) -> Mapping[str, Mapping[str, str]]:
        """Return an account's inferred points: kind of value by name, by did."""

    async def async_put_inferred(
        self, account: str, shapes: dict[str, dict[str, str]]
    ) -> None:
        """Keep an account's inferred points."""


# A stand-in value of each kind a point can be inferred from, to rebuild the
# point when the device has no value to show (data lapsed, offline, a restart).
INFERRED_SAMPLES: dict[str, Any] = {"bool": False, "number": 0, "text": ""}


def inferred_kind(raw: Any) -> str | None:
    """Return the kind of value a point is inferred from: bool, number or text."""
    if isinstance(raw, bool):
        return "bool"
    if isinstance(raw, int | float):
        return "number"
    if isinstance(raw, str):
        return "text"
    return None


def inferred_point(name: str, raw: Any) -> Point | None:
    """Return a read-only point guessed from a value (no definition known)."""
    if isinstance(raw, bool):
        return Point(key=name, spec=BinarySensorSpec(name=name), value=raw)
    if isinstance(raw, int | float):
        guess = Datapoint(
            name=name, display_name=name, type="status_readonly", data_type="uint32"
        )
        return datapoint_point(guess, raw)
    if isinstance(raw, str):
        return Point(key=name, spec=SensorSpec(name=name), value=raw)
    return None


class InferredPoints:
    """The inferred points of one account's devices, kept in a cache."""

    def __init__(self, cache: InferredCache, account: str) -> None:
        """Keep the account's shapes in cache."""
        self._cache = cache
        self._account = account

    def points(self, did: str, attr: dict[str, Any]) -> list[Point]:
        """Return the read-only points of a device without a definition."""
        points: dict[str, Point] = {}
        shape = self._cache.inferred(self._account).get(did, {})
        for name, kind in shape.items():
            sample = INFERRED_SAMPLES.get(kind)
            if sample is not None and (point := inferred_point(name, sample)):
                points[name] = replace(point, value=None)
        for name, raw in attr.items():
            if (point := inferred_point(name, raw)) is not None:
                points[name] = point
        return [points[name] for name in sorted(points)]

    async def async_remember(
        self,
        reported: Mapping[str, dict[str, Any]],
        bound: Container[str],
        *,
        complete: bool,
    ) -> None:
        """Keep which points each device without a definition showed, over restarts.

        ``reported`` is what each bound device without a definition reported;
        while the bindings are not ``complete``, a device not ``bound`` is kept.
        """
        known = self._cache.inferred(self._account)
        shapes: dict[str, dict[str, str]] = {}
        if not complete:
            # A device whose binding could not be read is not gone.
            shapes.update(
                (did, dict(shape)) for did, shape in known.items() if did not in bound
            )
        for did, attr in reported.items():
            shape = dict(known.get(did, {}))
            shape.update(
                (name, kind)
                for name, raw in attr.items()
                if (kind := inferred_kind(raw)) is not None
            )
            if shape:
                shapes[did] = shape
        if shapes != known:
            await self._cache.async_put_inferred(self._account, shapes)
