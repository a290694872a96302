"""Gizwits datapoints as points, and values between the cloud and the model.

The cloud reports values already scaled (raw * ratio + addition: its own example
has ``room_temp: -10``, which no raw unsigned value can be) and enums by label
(``"mode": "制冷"``); it takes numbers scaled and enums by their order number,
as its scenario section says ("fill in order number for enumeration data
point"). Booleans may come as true/false or 1/0.
"""

from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from typing import Any

from ...model import (
    BinarySensorSpec,
    Category,
    NumberSpec,
    Point,
    SelectSpec,
    SensorSpec,
    Spec,
    SwitchSpec,
)
from ...quantities import quantity
from ..parse import ParseError, number
from .models import Datapoint

_READ_ONLY = ("status_readonly", "alert", "fault")
_PROBLEM_CLASS = {"alert": "safety", "fault": "problem"}


def is_number(datapoint: Datapoint) -> bool:
    """Return whether a datapoint holds a number."""
    return datapoint.data_type.startswith("uint")


def datapoint_point(datapoint: Datapoint, raw: Any) -> Point:
    """Return the point a datapoint becomes, with a reported value."""
    return Point(
        key=datapoint.name,
        spec=datapoint_spec(datapoint),
        value=read_value(datapoint, raw),
    )


@cache
def datapoint_spec(datapoint: Datapoint) -> Spec:
    """Return what a datapoint's entity is: its platform from type and data_type.

    One spec per datapoint, shared by every device and poll of its product.
    """
    name = datapoint.display_name
    measured = (
        quantity(datapoint.name, datapoint.display_name)
        if is_number(datapoint)
        else None
    )
    match (datapoint.type, datapoint.data_type):
        case (_, "binary"):
            return SensorSpec(
                name=name, category=Category.DIAGNOSTIC, enabled_by_default=False
            )
        case ("status_writable", "bool"):
            return SwitchSpec(name=name)
        case (kind, "bool"):
            return BinarySensorSpec(name=name, device_class=_PROBLEM_CLASS.get(kind))
        case ("status_writable", "enum"):
            return SelectSpec(name=name, options=datapoint.labels)
        case (_, "enum"):
            return SensorSpec(name=name, device_class="enum", options=datapoint.labels)
        case ("status_writable", _):
            return NumberSpec(
                name=name,
                native_range=datapoint.scaled_range,
                step=datapoint.ratio,
                device_class=measured.device_class if measured else None,
                unit=measured.unit if measured else None,
            )
    return SensorSpec(
        name=name,
        device_class=measured.device_class if measured else None,
        unit=measured.unit if measured else None,
        state_class=measured.state_class if measured else "measurement",
    )


def reported(values: Mapping[str, Any], datapoint: Datapoint | None) -> Any:
    """Return a datapoint's value in a report, as the model holds it; None without."""
    if datapoint is None:
        return None
    return read_value(datapoint, values.get(datapoint.name))


def read_value(datapoint: Datapoint, raw: Any) -> Any:
    """Return a reported value as the model holds it; None when it is not one."""
    match datapoint.data_type:
        case "bool":
            if isinstance(raw, bool):
                return raw
            return bool(raw) if raw in (0, 1) else None
        case "enum":
            if isinstance(raw, str) and raw in datapoint.labels:
                return raw
            if (
                isinstance(raw, int)
                and not isinstance(raw, bool)
                and 0 <= raw < len(datapoint.labels)
            ):
                return datapoint.labels[raw]
            return None
        case "binary":
            if isinstance(raw, str):
                return raw
            if isinstance(raw, list) and all(isinstance(byte, int) for byte in raw):
                return bytes(byte & 0xFF for byte in raw).hex()
            return None
    try:
        return number(raw)
    except ParseError:
        return None


def write_value(datapoint: Datapoint, value: Any) -> Any:
    """Return a value as the cloud takes it; ValueError when it cannot be one."""
    match datapoint.data_type:
        case "bool":
            return bool(value)
        case "enum":
            try:
                return datapoint.labels.index(value)
            except ValueError:
                raise ValueError(
                    f"{value!r} is not one of {datapoint.labels}"
                ) from None
    return snap(datapoint, float(value))


def snap(datapoint: Datapoint, value: float) -> float | int:
    """Return the closest value on the datapoint's grid, within its range."""
    steps = round((value - datapoint.addition) / datapoint.ratio)
    steps = min(max(steps, int(datapoint.minimum)), int(datapoint.maximum))
    scaled = steps * datapoint.ratio + datapoint.addition
    if float(datapoint.ratio).is_integer() and float(datapoint.addition).is_integer():
        return round(scaled)
    # As many decimals as the ratio and addition have: 0.25 needs two, not one.
    decimals = max(_decimals(datapoint.ratio), _decimals(datapoint.addition))
    return round(scaled, decimals)


def _decimals(number: float) -> int:
    """Return how many decimal places a number has as written (0.25: 2)."""
    exponent = Decimal(str(number)).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0
