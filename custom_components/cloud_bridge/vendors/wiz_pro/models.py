"""Typed WiZ Pro data, parsed leniently from the cloud's JSON.

One odd light, group or scene is skipped and described in ``problems`` rather
than failing the whole building.
"""

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Self

from ..parse import (
    ParseError,
    boolean,
    items,
    optional_number,
    text,
)

# One parse error for every cloud's JSON; the name is kept for callers.
WizProParseError = ParseError

# A GraphQL Int is a signed 32-bit integer.
INT_RANGE = (-(2**31), 2**31 - 1)


def _int(
    data: dict[str, Any],
    key: str,
    problems: list[str] | None = None,
    low: int = INT_RANGE[0],
    high: int = INT_RANGE[1],
) -> int | None:
    """Return an optional integer field; None when absent or unreadable."""
    value = optional_number(
        data, key, low=low, high=high, whole=True, problems=problems
    )
    return None if value is None else int(value)


def parse_time(value: str) -> datetime:
    """Parse the cloud's ISO 8601 times, such as 2019-07-03T10:57:55.397Z."""
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError) as err:
        raise WizProParseError(f"not an ISO time: {value!r}") from err


@dataclass(frozen=True, slots=True)
class TokenSet:
    """The tokens the token endpoint hands out."""

    access_token: str
    refresh_token: str
    expires_at: datetime

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse a token reply."""
        return cls(
            access_token=text(data, "accessToken"),
            refresh_token=text(data, "refreshToken"),
            expires_at=parse_time(text(data, "expiresAt")),
        )


@dataclass(frozen=True, slots=True)
class BuildingMeta:
    """A building the account may see."""

    id: str
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class LightModel:
    """The product a light is."""

    id: str
    brand: str
    name: str
    has_ratio: bool
    temperature_min: int
    temperature_max: int

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse a LightModel."""
        if not isinstance(data, dict):
            raise WizProParseError("model is missing")
        temperature_min = _int(data, "temperatureMin", low=0)
        temperature_max = _int(data, "temperatureMax", low=0)
        if temperature_min is None or temperature_max is None:
            raise WizProParseError("model temperature range is missing or unreadable")
        if temperature_min > temperature_max:
            raise WizProParseError("model temperature range is reversed")
        return cls(
            id=text(data, "id"),
            brand=data["brand"] if isinstance(data.get("brand"), str) else "WiZ",
            name=data["name"] if isinstance(data.get("name"), str) else "",
            has_ratio=data.get("hasRatio") is True,
            temperature_min=temperature_min,
            temperature_max=temperature_max,
        )


# The documented range of each number of a light state (PilotingLightStateInput's,
# widened to what a light reports: 0 where no mode plays or no white shows).
# A light mode or a Kelvin value has none of its own: a mode WiZ adds or a bulb
# beyond its model is the mapping's to handle.
_STATE_RANGES: dict[str, tuple[int, int]] = {
    "r": (0, 255),
    "g": (0, 255),
    "b": (0, 255),
    "cw": (0, 255),
    "ww": (0, 255),
    "dimming": (0, 100),
    "sceneId": (0, INT_RANGE[1]),
    "speed": (0, 200),
    "ratio": (0, 100),
    "temperature": (0, INT_RANGE[1]),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class PilotingState:
    """A light state as the API reads and writes it; None means not given."""

    r: int | None = None
    g: int | None = None
    b: int | None = None
    cw: int | None = None
    ww: int | None = None
    dimming: int | None = None
    sceneId: int | None = None  # noqa: N815 - the API's own field name
    speed: int | None = None
    ratio: int | None = None
    state: bool | None = None
    temperature: int | None = None

    @classmethod
    def from_json(cls, data: Any, problems: list[str] | None = None) -> Self:
        """Parse a BuildingLightState; an unreadable field counts as absent.

        Why a field was unreadable goes into problems.
        """
        if not isinstance(data, dict):
            raise WizProParseError("currentState is missing")
        values: dict[str, Any] = {}
        for name, (low, high) in _STATE_RANGES.items():
            value = data.get(name)
            # The usual case read at once (a building has thousands of lights).
            if value is None or (type(value) is int and low <= value <= high):
                values[name] = value
            else:
                values[name] = _int(data, name, problems, low, high)
        return cls(**values, state=boolean(data, "state"))

    def as_input(self) -> dict[str, Any]:
        """Return the PilotingLightStateInput with only the given fields."""
        return {
            f.name: value
            for f in fields(self)
            if (value := getattr(self, f.name)) is not None
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Light:
    """A BuildingLight."""

    id: str
    name: str
    mac: str
    model: LightModel
    state: PilotingState

    @classmethod
    def from_json(cls, data: Any, problems: list[str] | None = None) -> Self:
        """Parse a BuildingLight; why a state value was left out goes into problems."""
        if not isinstance(data, dict):
            raise WizProParseError("light is not an object")
        unread: list[str] = []
        light = cls(
            id=text(data, "id"),
            name=text(data, "name"),
            mac=text(data, "mac").lower().replace(":", ""),
            model=LightModel.from_json(data.get("model")),
            state=PilotingState.from_json(data.get("currentState"), unread),
        )
        if problems is not None:
            problems.extend(f"currentState {problem}" for problem in unread)
        return light


@dataclass(frozen=True, slots=True, kw_only=True)
class Group:
    """A BuildingGroup: a named set of lights."""

    id: str
    name: str
    light_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Favorite:
    """A room favorite that can be applied with changeRoomState."""

    slot: int
    state: PilotingState


@dataclass(frozen=True, slots=True, kw_only=True)
class Room:
    """A BuildingRoom."""

    id: str
    name: str
    lights: tuple[Light, ...]
    groups: tuple[Group, ...]
    scenes: tuple[BuildingMeta, ...]
    favorites: tuple[Favorite, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Floor:
    """A BuildingFloor."""

    id: str
    name: str
    rooms: tuple[Room, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Building:
    """A building's topology and every light's current state.

    ``problems`` name the items that could not be read (left out: the read is
    incomplete); ``value_problems`` the values left out of items that were read.
    """

    id: str
    name: str
    floors: tuple[Floor, ...]
    problems: tuple[str, ...] = field(default=())
    value_problems: tuple[str, ...] = field(default=())


def favorite_state(data: Any) -> PilotingState | None:
    """Return the state a room favorite sets, or None when it is not set.

    The schema makes every favorite non-null, so an unset slot must still have
    one of the union's types; it is read as ``FavoriteStateStatus`` with
    ``status: false``. A moment cannot be applied through the API.
    """
    if not isinstance(data, dict):
        return None
    match data.get("__typename"):
        case "FavoriteStateStatus":
            return PilotingState(state=True) if data.get("status") is True else None
        case "FavoriteStateScene":
            scene = PilotingState.from_json(data)
            if scene.sceneId is None:
                return None
            return PilotingState(
                state=True,
                sceneId=scene.sceneId,
                dimming=_int(data, "specificDimming", None, *_STATE_RANGES["dimming"]),
                speed=scene.speed,
            )
        case "FavoriteStateCustomWhite":
            white = PilotingState.from_json(data)
            if white.temperature is None:
                return None
            return PilotingState(
                state=True, temperature=white.temperature, dimming=white.dimming
            )
        case "FavoriteStateCustomColor":
            color = PilotingState.from_json(data)
            return PilotingState(
                state=True,
                r=color.r,
                g=color.g,
                b=color.b,
                cw=color.cw,
                ww=color.ww,
                dimming=color.dimming,
            )
    return None


def _parse_room(data: Any, problems: list[str], value_problems: list[str]) -> Room:
    """Parse a room, skipping the lights, groups and scenes that are malformed."""
    room_id = text(data, "id")
    lights: list[Light] = []
    for item in items(data, "lights"):
        unread: list[str] = []
        try:
            lights.append(Light.from_json(item, unread))
        except WizProParseError as err:
            problems.append(f"light {describe(item)} in room {room_id}: {err}")
        value_problems.extend(
            f"light {describe(item)} in room {room_id}: {problem}" for problem in unread
        )
    groups: list[Group] = []
    for item in items(data, "groups"):
        try:
            members = tuple(text(light, "id") for light in items(item, "lights"))
            groups.append(
                Group(id=text(item, "id"), name=text(item, "name"), light_ids=members)
            )
        except WizProParseError as err:
            problems.append(f"group {describe(item)} in room {room_id}: {err}")
    scenes: list[BuildingMeta] = []
    for item in items(data, "roomScenes"):
        try:
            scenes.append(BuildingMeta(id=text(item, "id"), name=text(item, "name")))
        except WizProParseError as err:
            problems.append(f"scene {describe(item)} in room {room_id}: {err}")
    favorites = tuple(
        Favorite(slot=slot, state=state)
        for slot in range(1, 5)
        if (state := favorite_state(data.get(f"favorite{slot}"))) is not None
    )
    return Room(
        id=room_id,
        name=text(data, "name"),
        lights=tuple(lights),
        groups=tuple(groups),
        scenes=tuple(scenes),
        favorites=favorites,
    )


def describe(item: Any) -> str:
    """Name an item in a problem report by its id when it has one."""
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return repr(item["id"])
    return "without id"


def parse_building(data: Any) -> Building:
    """Parse a buildingTopology reply, skipping the odd floor, room or light."""
    problems: list[str] = []
    value_problems: list[str] = []
    floors: list[Floor] = []
    for floor_data in items(data, "floors"):
        try:
            floor_id = text(floor_data, "id")
            rooms: list[Room] = []
            for room_data in items(floor_data, "rooms"):
                try:
                    rooms.append(_parse_room(room_data, problems, value_problems))
                except WizProParseError as err:
                    problems.append(
                        f"room {describe(room_data)} on floor {floor_id}: {err}"
                    )
            floors.append(
                Floor(id=floor_id, name=text(floor_data, "name"), rooms=tuple(rooms))
            )
        except WizProParseError as err:
            problems.append(f"floor {describe(floor_data)}: {err}")
    return Building(
        id=text(data, "id"),
        name=text(data, "name"),
        floors=tuple(floors),
        problems=tuple(problems),
        value_problems=tuple(value_problems),
    )
