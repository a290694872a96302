"""WiZ Pro's STATUSCHANGE notification, read strictly from its JSON payload."""

from dataclasses import dataclass
from typing import Any, Self

from ..parse import decode_json, number_at, text
from .models import PilotingState, WizProParseError

# The STATUSCHANGE payload's integers, as the document's table gives them, and
# the ranges they must lie in (None: unbounded on that side, though never beyond
# a finite number).
_PAYLOAD_INTS: dict[str, tuple[int | None, int | None]] = {
    "timestamp": (0, None),
    "onSince": (0, None),
    "offSince": (0, None),
    # "in negative dBm"; the document gives no floor: a WiFi chip reports the
    # signal as a signed byte.
    "rssi": (-128, 0),
    "sceneId": (0, 33),  # 0: no light mode; the light-modes table's 1-33
    "speed": (0, 200),  # 0 while no mode plays; PilotingLightStateInput's 20-200
    "r": (0, 255),
    "g": (0, 255),
    "b": (0, 255),
    "c": (0, 255),
    "w": (0, 255),
    "colorTemperature": (0, None),  # 0: none; the model's range is checked later
    "dimming": (0, 100),  # "0-100"
}
# Payload key -> PilotingState field, for the light state a notification carries.
_PAYLOAD_STATE = {
    "state": "state",
    "sceneId": "sceneId",
    "speed": "speed",
    "r": "r",
    "g": "g",
    "b": "b",
    "c": "cw",
    "w": "ww",
    "colorTemperature": "temperature",
    "dimming": "dimming",
}


def _payload_int(payload: dict[str, Any], key: str) -> int | None:
    """Return a documented integer of a payload; refuse a wrong type or range."""
    low, high = _PAYLOAD_INTS[key]
    value = number_at(payload, key, low=low, high=high, whole=True)
    return None if value is None else int(value)


def _payload_bool(payload: dict[str, Any], key: str) -> bool | None:
    """Return a documented Boolean of a payload; refuse anything else."""
    if (value := payload.get(key)) is None:
        return None
    if not isinstance(value, bool):
        raise WizProParseError(f"{key} is not a Boolean")
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusChange:
    """A STATUSCHANGE notification's payload.

    ``state`` holds the light state fields the payload gave, and ``given``
    names them: a field left out (or null) says nothing, rather than "none".
    A colour temperature of 0 is given as None (no white); a dimming or speed
    of 0 is not given (no brightness to show; no mode to pace).
    """

    mac: str
    connected: bool
    rssi: int | None
    power: float | None
    state: PilotingState
    given: frozenset[str] = frozenset()

    @classmethod
    def from_notification(cls, body: Any) -> Self | None:
        """Parse a webhook body; None for other event types.

        Raises WizProParseError when the body is not a valid notification:
        a documented field of the wrong type or out of its documented range
        refuses the whole notification.
        """
        if not isinstance(body, dict) or not isinstance(body.get("type"), str):
            raise WizProParseError("notification has no type")
        if body["type"] != "STATUSCHANGE":
            return None
        raw_payload = body.get("payload")
        if not isinstance(raw_payload, str):
            raise WizProParseError("payload is not a JSON string")
        try:
            payload = decode_json(raw_payload.encode())
        except ValueError as err:
            raise WizProParseError("payload is not valid JSON") from err
        if not isinstance(payload, dict):
            raise WizProParseError("payload is not an object")
        connected = _payload_bool(payload, "connected")
        if connected is None:
            raise WizProParseError("connected is missing")
        numbers = {key: _payload_int(payload, key) for key in _PAYLOAD_INTS}
        power = number_at(payload, "consumptionRateInHour", low=0)
        values: dict[str, Any] = {
            field_name: (
                _payload_bool(payload, key) if key == "state" else numbers[key]
            )
            for key, field_name in _PAYLOAD_STATE.items()
        }
        given = {
            name
            for name, value in values.items()
            if value is not None and not (value == 0 and name in ("dimming", "speed"))
        }
        if values["temperature"] == 0:
            values["temperature"] = None
        return cls(
            mac=text(payload, "mac").lower().replace(":", ""),
            connected=connected,
            rssi=numbers["rssi"],
            power=None if power is None else float(power),
            state=PilotingState(
                **{name: values[name] for name in given if name != "state"},
                state=values["state"],
            ),
            given=frozenset(given),
        )
