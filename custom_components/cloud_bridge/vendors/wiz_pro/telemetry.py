"""What Data export tells beyond a light's state: signal, power, connectivity.

Polls carry none of it. A light's telemetry points exist once WiZ has sent
their values; the last values and when Data export last delivered anything are
kept across restarts, so the points come back with them.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
import logging
from typing import Any

from ..parse import ParseError, number
from .mapping import merge_reported
from .models import LightModel, PilotingState
from .status_change import StatusChange
from .topology import CONNECTIVITY, POWER, RSSI

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Telemetry:
    """What the last STATUSCHANGE said of a light beyond its state."""

    connected: bool | None = None
    rssi: int | None = None
    power: float | None = None


def merge_status(
    state: PilotingState, telemetry: Telemetry, status: StatusChange, model: LightModel
) -> tuple[PilotingState, Telemetry]:
    """Return a light's state and telemetry after a STATUSCHANGE.

    Fields the payload leaves out keep their known values. A colour
    temperature outside the bulb's model range is left out alone: the
    connection, signal and power it came with still count.
    """
    given = status.given
    kelvin = status.state.temperature
    if kelvin is not None and not (
        model.temperature_min <= kelvin <= model.temperature_max
    ):
        _LOGGER.debug(
            "Ignoring colorTemperature %s outside %s's range", kelvin, model.name
        )
        given = given - {"temperature"}
    merged = Telemetry(
        connected=status.connected,
        rssi=telemetry.rssi if status.rssi is None else status.rssi,
        power=telemetry.power if status.power is None else status.power,
    )
    return merge_reported(state, status.state, given), merged


def _stored_telemetry(data: Any) -> Telemetry | None:
    """Return telemetry as stored; None for anything else."""
    if not isinstance(data, dict):
        return None
    connected, rssi, power = (data.get(name) for name in ("connected", "rssi", "power"))
    if not isinstance(connected, bool | None):
        return None
    try:
        rssi = None if rssi is None else int(number(rssi, low=-128, high=0, whole=True))
        power = None if power is None else float(number(power, low=0))
    except ParseError:
        return None
    return Telemetry(connected=connected, rssi=rssi, power=power)


class PushRecord:
    """What Data export delivered for one entry, kept across restarts.

    Each light's last telemetry (a light has the points it has values for)
    and when Data export last delivered. save() is called after each change,
    for the caller to store it.
    """

    def __init__(
        self,
        saved: Mapping[str, Any] | None = None,
        save: Callable[[], None] | None = None,
    ) -> None:
        """Start from what was saved (as_dict's form)."""
        saved = saved or {}
        lights = saved.get("lights")
        self._lights: dict[str, Telemetry] = {
            mac: telemetry
            for mac, data in (lights.items() if isinstance(lights, dict) else ())
            if isinstance(mac, str) and (telemetry := _stored_telemetry(data))
        }
        self.last_delivery = _time(saved.get("last_delivery"))
        self._save = save or (lambda: None)

    def telemetry(self, mac: str) -> Telemetry:
        """Return a light's last telemetry."""
        return self._lights.get(mac, _NONE)

    @property
    def items(self) -> list[tuple[str, Telemetry]]:
        """Return every light's telemetry, by MAC."""
        return sorted(self._lights.items())

    def points(self, mac: str) -> frozenset[str]:
        """Return the telemetry points a light has reported a value for."""
        telemetry = self._lights.get(mac)
        if telemetry is None:
            return frozenset()
        given = {
            CONNECTIVITY: telemetry.connected,
            RSSI: telemetry.rssi,
            POWER: telemetry.power,
        }
        return frozenset(name for name, value in given.items() if value is not None)

    @property
    def disconnected(self) -> set[str]:
        """Return the MACs of the lights last reported disconnected."""
        return {mac for mac, t in self._lights.items() if t.connected is False}

    def report(self, mac: str, telemetry: Telemetry) -> bool:
        """Keep a light's telemetry; tell whether it has a point new to it."""
        before = self.points(mac)
        if self._lights.get(mac) != telemetry:
            self._lights[mac] = telemetry
            self._save()
        return self.points(mac) != before

    def connected_again(self, mac: str) -> None:
        """Note that a light a poll showed is back is connected."""
        if (telemetry := self._lights.get(mac)) is not None:
            self.report(mac, replace(telemetry, connected=True))

    def delivered(self, when: datetime) -> None:
        """Note that Data export delivered a notification."""
        self.last_delivery = when
        self._save()

    def keep_only(self, macs: Iterable[str]) -> None:
        """Forget the lights the account no longer has."""
        kept = set(macs)
        if self._lights.keys() <= kept:
            return
        self._lights = {mac: t for mac, t in self._lights.items() if mac in kept}
        self._save()

    def as_dict(self) -> dict[str, Any]:
        """Return what to store."""
        return {
            "lights": {
                mac: {"connected": t.connected, "rssi": t.rssi, "power": t.power}
                for mac, t in sorted(self._lights.items())
            },
            "last_delivery": (
                self.last_delivery.isoformat() if self.last_delivery else None
            ),
        }


_NONE = Telemetry()


def _time(value: Any) -> datetime | None:
    """Return a stored time, or None for anything that is not one."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
