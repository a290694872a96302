"""The WiZ Pro building model and how a light applies a piloting request."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
import time
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

STATE_FIELDS = (
    "r",
    "g",
    "b",
    "cw",
    "ww",
    "dimming",
    "sceneId",
    "speed",
    "ratio",
    "state",
    "temperature",
)
COLOUR_FIELDS = ("r", "g", "b", "cw", "ww")

# PilotingLightStateInput ranges, as the document's "Light state input" states them.
# sceneId stops at 32 although the light-modes table lists 33 (Diwali): the input
# description is the rule the server enforces.
INPUT_RANGES: dict[str, tuple[int, int]] = {
    "r": (0, 255),
    "g": (0, 255),
    "b": (0, 255),
    "cw": (0, 255),
    "ww": (0, 255),
    "dimming": (10, 100),
    "sceneId": (1, 32),
    "speed": (20, 200),
    "ratio": (0, 100),
}


class BulbClass(StrEnum):
    """A bulb's hardware class; the API does not expose it (see LightModel.name)."""

    RGBTW = "RGBTW"
    TW = "TW"
    DW = "DW"


# The document's light-modes table lost its empty cells; its prose says TW bulbs play
# "most static light modes" and DW bulbs "only dimming, Wake up, Bedtime and Night
# light". These sets follow that prose (and pywizlight's lists for TW).
TW_LIGHT_MODES = frozenset({6, 9, 10, 11, 12, 13, 14, 15, 16, 18, 29, 30, 31, 32})
DW_LIGHT_MODES = frozenset({9, 10, 14})


class PilotingInputError(ValueError):
    """A PilotingLightStateInput value outside its documented range."""


@dataclass(frozen=True, eq=False)
class LightModel:
    """A product model; its name carries the bulb class, as clients infer it there."""

    id: str
    name: str
    bulb_class: BulbClass
    temperature_min: int
    temperature_max: int
    brand: str = "WiZ"
    module_name_id: int = 1
    lifetime: int = 25000
    has_ratio: bool = False
    fan_speed_steps: int = 0
    idle_power_consumption_per_hour: float | None = 0.3
    custom_power_consumption_allowed: bool = False
    # Simulator-only: power drawn at full brightness, for the webhook's consumption.
    power_watts: float = 8.5

    @cached_property
    def graphql(self) -> dict[str, Any]:
        """Return the LightModel object as the API serves it."""
        return {
            "id": self.id,
            "brand": self.brand,
            "name": self.name,
            "moduleNameId": self.module_name_id,
            "lifetime": self.lifetime,
            "hasRatio": self.has_ratio,
            "fanSpeedSteps": self.fan_speed_steps,
            "idlePowerConsumptionPerHour": self.idle_power_consumption_per_hour,
            "customPowerConsumptionAllowed": self.custom_power_consumption_allowed,
            "temperatureMin": self.temperature_min,
            "temperatureMax": self.temperature_max,
        }

    def supports_light_mode(self, scene_id: int) -> bool:
        """Return whether this bulb class can play light mode scene_id."""
        if self.bulb_class is BulbClass.RGBTW:
            return True
        if self.bulb_class is BulbClass.TW:
            return scene_id in TW_LIGHT_MODES
        return scene_id in DW_LIGHT_MODES


def white_state(
    temperature: int, dimming: int = 100, *, on: bool = True, ratio: int | None = None
) -> dict[str, Any]:
    """Return a full currentState in white (CCT) mode."""
    return {
        "r": 0,
        "g": 0,
        "b": 0,
        "cw": 0,
        "ww": 0,
        "dimming": dimming,
        "sceneId": 0,
        "speed": 100,
        "ratio": ratio,
        "state": on,
        "temperature": temperature,
    }


def colour_state(
    rgb: tuple[int, int, int],
    dimming: int = 100,
    *,
    cw: int = 0,
    ww: int = 0,
    on: bool = True,
) -> dict[str, Any]:
    """Return a full currentState in colour mode."""
    r, g, b = rgb
    return {
        "r": r,
        "g": g,
        "b": b,
        "cw": cw,
        "ww": ww,
        "dimming": dimming,
        "sceneId": 0,
        "speed": 100,
        "ratio": None,
        "state": on,
        "temperature": None,
    }


def mode_state(
    scene_id: int, dimming: int = 100, *, speed: int = 100, on: bool = True
) -> dict[str, Any]:
    """Return a full currentState playing a light mode."""
    return {
        "r": 0,
        "g": 0,
        "b": 0,
        "cw": 0,
        "ww": 0,
        "dimming": dimming,
        "sceneId": scene_id,
        "speed": speed,
        "ratio": None,
        "state": on,
        "temperature": None,
    }


@dataclass(eq=False)
class Light:
    """A light; state holds the currentState fields and may be read or set by tests."""

    id: str
    name: str
    mac: str
    model: LightModel
    state: dict[str, Any]
    connected: bool = True
    rssi: int = -60
    on_since: int = 0
    off_since: int = 0

    @property
    def is_on(self) -> bool:
        """Return whether the light is on."""
        return bool(self.state.get("state"))

    def pilot(self, request: Mapping[str, Any], now: int | None = None) -> bool:
        """Apply a PilotingLightStateInput as the bulb would; return whether it changed.

        Only non-null fields count. ``state: false`` turns the light off and nothing
        else changes. Any other field turns it on. Of sceneId, colour (r/g/b/cw/ww)
        and temperature, the first one the bulb class can play wins, in that order
        (the document's NB: an unsupported request applies the closest possible mode,
        or at least turns the light on; a DW bulb given a temperature shows its own
        white); dimming and speed always apply; ratio only on models with hasRatio.
        """
        wanted = {key: value for key, value in request.items() if value is not None}
        if not wanted:
            return False
        before = dict(self.state)
        state = self.state
        if wanted.get("state") is False:
            state["state"] = False
        else:
            state["state"] = True
            self._apply_mode(wanted)
            for key in ("dimming", "speed"):
                if key in wanted:
                    state[key] = wanted[key]
            if "ratio" in wanted and self.model.has_ratio:
                state["ratio"] = wanted["ratio"]
        if bool(before.get("state")) != self.is_on:
            self.mark_switched(now)
        return state != before

    def _apply_mode(self, wanted: Mapping[str, Any]) -> None:
        """Switch to the first requested mode the bulb class supports."""
        state = self.state
        scene_id = wanted.get("sceneId")
        if scene_id is not None and self.model.supports_light_mode(scene_id):
            state.update(dict.fromkeys(COLOUR_FIELDS, 0))
            state.update(sceneId=scene_id, temperature=None)
            return
        if (
            any(key in wanted for key in COLOUR_FIELDS)
            and self.model.bulb_class is BulbClass.RGBTW
        ):
            for key in COLOUR_FIELDS:
                state[key] = wanted.get(key, state.get(key) or 0)
            state.update(sceneId=0, temperature=None)
            return
        if "temperature" in wanted:
            # A DW bulb cannot change its white: the closest it can do is show
            # that one white, leaving any light mode it played.
            temperature = (
                self.model.temperature_min
                if self.model.bulb_class is BulbClass.DW
                else wanted["temperature"]
            )
            state.update(dict.fromkeys(COLOUR_FIELDS, 0))
            state.update(sceneId=0, temperature=temperature)

    def mark_switched(self, now: int | None = None) -> None:
        """Record the moment the light was switched on or off."""
        moment = int(time.time()) if now is None else now
        if self.is_on:
            self.on_since = moment
        else:
            self.off_since = moment

    def consumption_rate(self) -> float:
        """Return the W/h drawn now: full power times dimming, idle power when off."""
        if not self.is_on:
            return float(self.model.idle_power_consumption_per_hour or 0.0)
        dimming = self.state.get("dimming") or 100
        return round(self.model.power_watts * dimming / 100, 1)

    def status_payload(self, now: int | None = None) -> dict[str, Any]:
        """Return the STATUSCHANGE payload for this light, keys as the document's."""
        state = self.state
        on = self.is_on
        scene_id = state.get("sceneId") or 0
        return {
            "timestamp": int(time.time()) if now is None else now,
            "mac": self.mac,
            "connected": self.connected,
            "rssi": self.rssi,
            "state": on,
            "sceneId": scene_id,
            "speed": (state.get("speed") or 0) if scene_id else 0,
            "r": state.get("r") or 0,
            "g": state.get("g") or 0,
            "b": state.get("b") or 0,
            "c": state.get("cw") or 0,
            "w": state.get("ww") or 0,
            "colorTemperature": state.get("temperature") or 0,
            "dimming": state.get("dimming") or 0,
            "consumptionRateInHour": self.consumption_rate(),
            "onSince": self.on_since if on else 0,
            "offSince": 0 if on else self.off_since,
        }


@dataclass(eq=False)
class Group:
    """A group of lights of one room."""

    id: str
    name: str
    lights: list[Light]


@dataclass(eq=False)
class RoomScene:
    """A saved snapshot of the state of the room's lights (light id -> currentState)."""

    id: str
    name: str
    snapshot: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class FavoriteStatus:
    """FavoriteStateStatus; status false is how the simulator shows an unset one."""

    status: bool
    typename: ClassVar[str] = "FavoriteStateStatus"

    def graphql(self) -> dict[str, Any]:
        """Return the union member as the API serves it."""
        return {"__typename": self.typename, "status": self.status}


@dataclass(frozen=True)
class FavoriteScene:
    """FavoriteStateScene: a light mode with optional dimming and speed."""

    scene_id: int
    specific_dimming: int | None = None
    speed: int | None = None
    typename: ClassVar[str] = "FavoriteStateScene"

    def graphql(self) -> dict[str, Any]:
        """Return the union member as the API serves it."""
        return {
            "__typename": self.typename,
            "sceneId": self.scene_id,
            "specificDimming": self.specific_dimming,
            "speed": self.speed,
        }


@dataclass(frozen=True)
class FavoriteCustomWhite:
    """FavoriteStateCustomWhite: a colour temperature and dimming."""

    temperature: int
    dimming: int
    typename: ClassVar[str] = "FavoriteStateCustomWhite"

    def graphql(self) -> dict[str, Any]:
        """Return the union member as the API serves it."""
        return {
            "__typename": self.typename,
            "temperature": self.temperature,
            "dimming": self.dimming,
        }


@dataclass(frozen=True)
class FavoriteCustomColor:
    """FavoriteStateCustomColor: colour channels and dimming."""

    r: int
    g: int
    b: int
    cw: int
    ww: int
    dimming: int
    typename: ClassVar[str] = "FavoriteStateCustomColor"

    def graphql(self) -> dict[str, Any]:
        """Return the union member as the API serves it."""
        return {
            "__typename": self.typename,
            "r": self.r,
            "g": self.g,
            "b": self.b,
            "cw": self.cw,
            "ww": self.ww,
            "dimming": self.dimming,
        }


@dataclass(frozen=True)
class FavoriteMoment:
    """FavoriteStateMoment: a reference to a moment."""

    moment_id: str
    typename: ClassVar[str] = "FavoriteStateMoment"

    def graphql(self) -> dict[str, Any]:
        """Return the union member as the API serves it."""
        return {"__typename": self.typename, "momentId": self.moment_id}


type Favorite = (
    FavoriteStatus
    | FavoriteScene
    | FavoriteCustomWhite
    | FavoriteCustomColor
    | FavoriteMoment
)
UNSET_FAVORITE = FavoriteStatus(status=False)


def _unset_favorites() -> list[Favorite]:
    """Return four unset favorites."""
    return [UNSET_FAVORITE] * 4


@dataclass(eq=False)
class Room:
    """A room: lights, groups of them, saved scenes and four favorites."""

    id: str
    name: str
    lights: list[Light] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    scenes: list[RoomScene] = field(default_factory=list)
    favorites: list[Favorite] = field(default_factory=_unset_favorites)


@dataclass(eq=False)
class Floor:
    """A floor of a building."""

    id: str
    name: str
    rooms: list[Room] = field(default_factory=list)

    @property
    def lights(self) -> list[Light]:
        """Return every light of the floor."""
        return [light for room in self.rooms for light in room.lights]


@dataclass(eq=False)
class Building:
    """A building: the unit a user grants to a client."""

    id: str
    name: str
    floors: list[Floor] = field(default_factory=list)

    @property
    def lights(self) -> list[Light]:
        """Return every light of the building."""
        return [light for floor in self.floors for light in floor.lights]


def check_piloting_input(
    request: Mapping[str, Any], models: Iterable[LightModel]
) -> None:
    """Raise PilotingInputError when a field is outside its range for any target."""
    for key, (low, high) in INPUT_RANGES.items():
        value = request.get(key)
        if value is not None and not low <= value <= high:
            raise PilotingInputError(
                f"Invalid value {value} for state.{key}: valid range is {low}-{high}"
            )
    temperature = request.get("temperature")
    if temperature is None:
        return
    ranges = {(model.temperature_min, model.temperature_max) for model in models}
    if not ranges:
        return
    low = max(low for low, _ in ranges)
    high = min(high for _, high in ranges)
    if not low <= temperature <= high:
        valid = f"{low}-{high}" if low <= high else "none (the lights share no range)"
        raise PilotingInputError(
            f"Invalid value {temperature} for state.temperature: valid range for"
            f" the targeted lights is {valid}"
        )
