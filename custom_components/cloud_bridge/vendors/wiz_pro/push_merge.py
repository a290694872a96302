"""Merging what a STATUSCHANGE says into what the adapter knows of a light."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ...model import Device, PointUpdate
from .buildings import Buildings
from .status_change import StatusChange
from .telemetry import merge_status
from .topology import CONNECTIVITY, POWER, RSSI


@dataclass(frozen=True, slots=True)
class PushOutcome:
    """What a STATUSCHANGE changes: values, and a device with points new to it."""

    updates: list[PointUpdate]
    online: dict[str, bool]
    devices: list[Device]


def merge_push(
    buildings: Buildings,
    status: StatusChange,
    updates: Callable[[Iterable[str]], list[PointUpdate]],
) -> PushOutcome | None:
    """Take a STATUSCHANGE; return what it changes, None when the MAC is unknown.

    updates(keys) returns the points bulbs show now, with the lights holding
    them. A light's first value of a telemetry point brings the point.
    """
    book = buildings.book
    if (found := buildings.bulb_by_mac(status.mac)) is None:
        return None
    topology, bulb = found
    key, mac = bulb.key, status.mac
    if key not in book.states.states:
        return None
    state, telemetry = merge_status(
        book.states.states[key], book.record.telemetry(mac), status, bulb.model
    )
    book.watch.pushed(mac, status.connected)
    book.states.take(key, state, bulb.features)
    book.memory.remember(key, state, bulb.features)
    new_points = book.record.report(mac, telemetry)
    values = {
        RSSI: telemetry.rssi,
        POWER: telemetry.power,
        CONNECTIVITY: status.connected,
    }
    shown = [
        *updates([key]),
        *(
            PointUpdate(device_key=key, point_key=name, value=value)
            for name, value in values.items()
        ),
    ]
    devices = [book.bulb_device(topology, bulb, None)] if new_points else []
    return PushOutcome(shown, {key: status.connected}, devices)
