"""What a group of one product shows: its online members' reports, combined."""

from dataclasses import replace
from statistics import fmean
from typing import Any

from ...light_states import combine_light_states
from ...model import Point
from .lamp import LIGHT_KEY
from .mapping import is_number, read_value, snap
from .product import Product


def group_points(product: Product, reports: list[dict[str, Any]]) -> list[Point]:
    """Return a group's writable points; a lamp group's light combines its lamps."""
    points = product.points(group_values(product, reports), writable_only=True)
    if product.lamp is None:
        return points
    features = product.lamp.features()
    light = combine_light_states(
        [product.lamp.state(report, features) for report in reports], features
    )
    return [replace(p, value=light) if p.key == LIGHT_KEY else p for p in points]


def group_values(product: Product, reports: list[dict[str, Any]]) -> dict[str, Any]:
    """Return what a group shows.

    A switch is on when any member is; a number is the members' mean (on
    the datapoint's grid); anything else shows when every member agrees.
    """
    values: dict[str, Any] = {}
    for name, datapoint in product.datapoints.items():
        seen = [read_value(datapoint, report.get(name)) for report in reports]
        known = [value for value in seen if value is not None]
        if not known:
            continue
        if datapoint.data_type == "bool":
            values[name] = any(known)
        elif is_number(datapoint):
            values[name] = snap(datapoint, fmean(known))
        elif all(value == known[0] for value in known):
            values[name] = known[0]
    return values
