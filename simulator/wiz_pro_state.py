"""The WiZ Pro cloud's state: buildings, lookups, grants and the piloting operations."""

from __future__ import annotations

from dataclasses import dataclass, field
import time
from typing import TYPE_CHECKING, Any

from .wiz_pro_model import (
    Building,
    BulbClass,
    Floor,
    Group,
    Light,
    PilotingInputError,
    Room,
    RoomScene,
    check_piloting_input,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

PROVIDER = "WiZ"


class WizProError(Exception):
    """An error the API reports in the GraphQL errors list."""

    def __init__(self, message: str, code: str = "BAD_USER_INPUT") -> None:
        """Keep the message and the extensions code."""
        super().__init__(message)
        self.code = code


@dataclass(slots=True)
class PilotResult:
    """The Boolean a mutation returns and the lights whose state changed."""

    success: bool
    changed: list[Light] = field(default_factory=list)


class WizProState:
    """Buildings with lookups by id; every API operation checks the user's grant."""

    def __init__(self, buildings: Sequence[Building]) -> None:
        """Index the buildings and grant all of them to the simulated user."""
        self.buildings: list[Building] = list(buildings)
        self.granted_buildings: set[str] = {building.id for building in buildings}
        self.reindex()

    def reindex(self) -> None:
        """Rebuild the lookups; call after adding or moving things in the tree."""
        self.building_by_id: dict[str, Building] = {}
        self.floor_by_id: dict[str, Floor] = {}
        self.room_by_id: dict[str, Room] = {}
        self.group_by_id: dict[str, Group] = {}
        self.light_by_id: dict[str, Light] = {}
        self.light_by_mac: dict[str, Light] = {}
        self.scene_by_id: dict[str, RoomScene] = {}
        self.building_of: dict[str, Building] = {}  # floor id -> building
        self.floor_of: dict[str, Floor] = {}  # room, group, light or scene id -> floor
        self.room_of: dict[str, Room] = {}  # group, light or scene id -> room
        now = int(time.time())
        for building in self.buildings:
            self.building_by_id[building.id] = building
            for floor in building.floors:
                self.floor_by_id[floor.id] = floor
                self.building_of[floor.id] = building
                for room in floor.rooms:
                    self.room_by_id[room.id] = room
                    self.floor_of[room.id] = floor
                    for light in room.lights:
                        self.light_by_id[light.id] = light
                        self.light_by_mac[light.mac] = light
                        self.floor_of[light.id] = floor
                        self.room_of[light.id] = room
                        if not light.on_since and not light.off_since:
                            light.mark_switched(now)
                    for group in room.groups:
                        self.group_by_id[group.id] = group
                        self.floor_of[group.id] = floor
                        self.room_of[group.id] = room
                    for scene in room.scenes:
                        self.scene_by_id[scene.id] = scene
                        self.floor_of[scene.id] = floor
                        self.room_of[scene.id] = room

    def granted(self) -> list[Building]:
        """Return the buildings the user granted, in order."""
        return [b for b in self.buildings if b.id in self.granted_buildings]

    def building(self, building_id: str) -> Building:
        """Return a granted building or raise 'Building not found'."""
        building = self.building_by_id.get(building_id)
        if building is None or building_id not in self.granted_buildings:
            raise WizProError("Building not found", "NOT_FOUND")
        return building

    def floor(self, floor_id: str) -> Floor:
        """Return a floor of a granted building or raise 'Floor not found'."""
        floor = self.floor_by_id.get(floor_id)
        if floor is None or self.building_of[floor_id].id not in self.granted_buildings:
            raise WizProError("Floor not found", "NOT_FOUND")
        return floor

    def floor_id_of(self, light: Light) -> str:
        """Return the id of the floor a light is on."""
        return self.floor_of[light.id].id

    def change_light_state(
        self,
        floor_id: str,
        light_id: str,
        provider: str,
        mac: str | None,
        request: Mapping[str, Any],
    ) -> PilotResult:
        """Pilot one light; false when it is offline."""
        _check_provider(provider)
        floor = self.floor(floor_id)
        light = self.light_by_id.get(light_id)
        if light is None or self.floor_of[light_id] is not floor:
            raise WizProError("Light not found", "NOT_FOUND")
        if mac is not None and mac != light.mac:
            raise WizProError("MAC address does not match the light")
        return _pilot([light], request, single=True)

    def change_group_state(
        self, floor_id: str, group_id: str, request: Mapping[str, Any]
    ) -> PilotResult:
        """Pilot the lights of a group."""
        floor = self.floor(floor_id)
        group = self.group_by_id.get(group_id)
        if group is None or self.floor_of[group_id] is not floor:
            raise WizProError("Group not found", "NOT_FOUND")
        return _pilot(group.lights, request)

    def change_room_state(
        self, floor_id: str, room_id: str, provider: str, request: Mapping[str, Any]
    ) -> PilotResult:
        """Pilot the lights of a room."""
        _check_provider(provider)
        floor = self.floor(floor_id)
        room = self.room_by_id.get(room_id)
        if room is None or self.floor_of[room_id] is not floor:
            raise WizProError("Room not found", "NOT_FOUND")
        return _pilot(room.lights, request)

    def change_floor_state(
        self, floor_id: str, request: Mapping[str, Any]
    ) -> PilotResult:
        """Pilot the lights of a floor."""
        return _pilot(self.floor(floor_id).lights, request)

    def change_building_state(
        self, building_id: str, request: Mapping[str, Any]
    ) -> PilotResult:
        """Pilot the lights of a building."""
        return _pilot(self.building(building_id).lights, request)

    def apply_room_scene(self, room_scene_id: str) -> PilotResult:
        """Restore a room scene's snapshot on the room's connected lights."""
        scene = self.scene_by_id.get(room_scene_id)
        if scene is None:
            raise WizProError("Room scene not found", "NOT_FOUND")
        floor = self.floor_of[room_scene_id]
        if self.building_of[floor.id].id not in self.granted_buildings:
            raise WizProError("Room scene not found", "NOT_FOUND")
        result = PilotResult(success=False)
        now = int(time.time())
        for light in self.room_of[room_scene_id].lights:
            saved = scene.snapshot.get(light.id)
            if saved is None or not light.connected:
                continue
            result.success = True
            was_on = light.is_on
            if saved != light.state:
                light.state.clear()
                light.state.update(saved)
                result.changed.append(light)
            if was_on != light.is_on:
                light.mark_switched(now)
        return result


def _check_provider(provider: str) -> None:
    """Refuse any provider but the documented 'WiZ'."""
    if provider != PROVIDER:
        raise WizProError(f"Unsupported provider {provider!r}")


def _pilot(
    lights: Iterable[Light], request: Mapping[str, Any], *, single: bool = False
) -> PilotResult:
    """Check the input against every targeted light, then pilot the connected ones.

    The check covers offline lights too (the server validates before it pilots).
    Offline lights are skipped; the result is true when at least one light was piloted.
    """
    targets = list(lights)
    # A group, room, floor or building: a DW bulb cannot change colour
    # temperature and, per the document's NB, does what it can (dims, turns on),
    # so its fixed temperature does not bind the others. changeLightState checks
    # the one light's model as it is.
    models = [light.model for light in targets]
    if not single:
        models = [model for model in models if model.bulb_class is not BulbClass.DW]
    try:
        check_piloting_input(request, models)
    except PilotingInputError as err:
        raise WizProError(str(err)) from err
    result = PilotResult(success=False)
    now = int(time.time())
    for light in targets:
        if not light.connected:
            continue
        result.success = True
        if light.pilot(request, now):
            result.changed.append(light)
    return result
