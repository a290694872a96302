"""The index of a building a poll keeps: its bulbs, rooms, groups and floors.

Built from a parsed building when its topology changed (or is due), and kept
between polls: it holds everything that does not move with the lights' state,
down to the specs the entities are made from, so an unchanged building shares
them all.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ...model import (
    BinarySensorSpec,
    Category,
    Device,
    LightFeatures,
    LightSpec,
    NumberSpec,
    Point,
    SceneSpec,
    SensorSpec,
)
from .light_modes import BulbClass, bulb_class
from .mapping import RATIO_RANGE, SPEED_RANGE, combined_features, light_features
from .models import Building, Light, LightModel, PilotingState, Room

MANUFACTURER = "WiZ"
LIGHT = "light"
EFFECT_SPEED = "effect_speed"
RATIO = "ratio"
RSSI = "rssi"
POWER = "power"
CONNECTIVITY = "connectivity"
# What only Data export tells, in the order a bulb lists them.
TELEMETRY = (RSSI, POWER, CONNECTIVITY)

SPEED_SPEC = NumberSpec(
    translation_key=EFFECT_SPEED,
    native_range=SPEED_RANGE,
    category=Category.CONFIG,
    optional=True,
)
RATIO_SPEC = NumberSpec(
    translation_key=RATIO,
    native_range=RATIO_RANGE,
    unit="%",
    category=Category.CONFIG,
    optional=True,
)
TELEMETRY_SPECS = {
    RSSI: SensorSpec(
        device_class="signal_strength",
        unit="dBm",
        state_class="measurement",
        category=Category.DIAGNOSTIC,
        enabled_by_default=False,
    ),
    POWER: SensorSpec(
        device_class="power",
        unit="W",
        state_class="measurement",
        optional=True,
    ),
    CONNECTIVITY: BinarySensorSpec(
        device_class="connectivity",
        category=Category.DIAGNOSTIC,
        survives_offline=True,
        optional=True,
    ),
}

type PointRef = tuple[str, str]


def device_key(building_id: str, kind: str, item_id: str) -> str:
    """Return a device key, unique within the vendor."""
    return f"{building_id}:{kind}-{item_id}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Bulb:
    """What does not change with a light's state."""

    key: str
    light_id: str
    name: str
    mac: str
    model: LightModel
    floor_id: str
    bulb: BulbClass
    features: LightFeatures
    spec: LightSpec

    @property
    def accepts(self) -> tuple[int, int] | None:
        """Return the Kelvin a mutation naming this bulb may carry (None: any)."""
        if self.bulb is BulbClass.DW:
            return None
        return (self.model.temperature_min, self.model.temperature_max)


@dataclass(frozen=True, slots=True, kw_only=True)
class Aggregate:
    """A light that stands for several bulbs: a room, group, floor or building."""

    scope: str
    target_id: str
    floor_id: str | None
    members: tuple[str, ...]
    features: LightFeatures
    spec: LightSpec
    # The Kelvin WiZ takes for all its bulbs: every white-tunable one's range
    # (DW bulbs just turn on); None when none binds it, low > high when none fits.
    accepts: tuple[int, int] | None


@dataclass(frozen=True, slots=True, kw_only=True)
class RoomAction:
    """A room scene to apply, or a room favorite to set with changeRoomState."""

    floor_id: str
    room_id: str
    scene_id: str | None = None
    state: PilotingState | None = None


@dataclass(slots=True, kw_only=True)
class Topology:
    """One building's index."""

    building_id: str
    name: str
    bulbs: dict[str, Bulb] = field(default_factory=dict)
    by_mac: dict[str, str] = field(default_factory=dict)
    aggregates: dict[PointRef, Aggregate] = field(default_factory=dict)
    room_actions: dict[PointRef, RoomAction] = field(default_factory=dict)
    # Every device without its light points, in the order they are listed.
    shells: dict[str, Device] = field(default_factory=dict)
    # The points that never change with state: scenes and favorites.
    fixed_points: dict[str, dict[str, Point]] = field(default_factory=dict)
    # The aggregate light points of each device, in order.
    lights_of: dict[str, list[str]] = field(default_factory=dict)
    # By bulb key, the lights that stand for it too: its room, groups, floor
    # and building.
    holders: dict[str, list[PointRef]] = field(default_factory=dict)

    def same_as(self, other: Topology) -> bool:
        """Tell whether two indexes describe the same building."""
        return (
            self.name == other.name
            and self.shells == other.shells
            and self.bulbs == other.bulbs
            and self.aggregates == other.aggregates
            and self.room_actions == other.room_actions
            and self.holders == other.holders
            and self.fixed_points == other.fixed_points
        )


def accepted_kelvin(bulbs: Iterable[Bulb]) -> tuple[int, int] | None:
    """Return the Kelvin every white-tunable bulb takes (None: no bulb binds it)."""
    ranges = [accepts for bulb in bulbs if (accepts := bulb.accepts) is not None]
    if not ranges:
        return None
    return (max(low for low, _ in ranges), min(high for _, high in ranges))


def _part(key: str, name: str, model: str, area: str, building: str) -> Device:
    """Return the device of a room or group, under its building's."""
    return Device(
        key=key,
        name=name,
        manufacturer=MANUFACTURER,
        model=model,
        suggested_area=area,
        via_device=building,
    )


class _Builder:
    """Puts a Topology together from a parsed building."""

    def __init__(self, building: Building) -> None:
        """Start an empty index for the building."""
        self.building = building
        self.bid = building.id
        self.topology = Topology(building_id=building.id, name=building.name)
        self._specs: dict[LightFeatures, LightSpec] = {}

    def light_spec(self, features: LightFeatures) -> LightSpec:
        """Return the spec of a bulb light, one object per feature set."""
        if (spec := self._specs.get(features)) is None:
            spec = self._specs[features] = LightSpec(features=features)
        return spec

    def build(self) -> Topology:
        """Index every floor, room, group and bulb of the building."""
        bid = self.bid
        building_key = device_key(bid, "building", bid)
        shells = self.topology.shells
        shells[building_key] = Device(
            key=building_key,
            name=self.building.name,
            manufacturer=MANUFACTURER,
            model="Building",
        )
        floor_bulbs: dict[str, list[str]] = {}
        for floor in self.building.floors:
            floor_bulbs[floor.id] = [
                key
                for room in floor.rooms
                for key in self._room(floor.id, room, building_key)
            ]
        all_bulbs = [key for keys in floor_bulbs.values() for key in keys]
        self._aggregate(
            ("building", bid, None), building_key, LIGHT, all_bulbs, enabled=False
        )
        for floor in self.building.floors:
            self._aggregate(
                ("floor", floor.id, floor.id),
                building_key,
                f"floor-{floor.id}",
                floor_bulbs[floor.id],
                name=floor.name,
                enabled=False,
            )
        return self.topology

    def _room(self, floor_id: str, room: Room, building_key: str) -> list[str]:
        """Index a room, its bulbs and its groups; return its bulbs' keys."""
        bid, topology = self.bid, self.topology
        room_key = device_key(bid, "room", room.id)
        keys = [
            self._bulb(floor_id, light, room.name, building_key)
            for light in room.lights
        ]
        topology.shells[room_key] = _part(
            room_key, room.name, "Room", room.name, building_key
        )
        self._aggregate(("room", room.id, floor_id), room_key, LIGHT, keys)
        topology.fixed_points[room_key] = self._room_points(floor_id, room, room_key)
        for group in room.groups:
            group_key = device_key(bid, "group", group.id)
            members = [
                key
                for light_id in group.light_ids
                if (key := device_key(bid, "light", light_id)) in topology.bulbs
            ]
            topology.shells[group_key] = _part(
                group_key, group.name, "Group", room.name, building_key
            )
            self._aggregate(("group", group.id, floor_id), group_key, LIGHT, members)
        return keys

    def _bulb(
        self, floor_id: str, light: Light, room_name: str, building_key: str
    ) -> str:
        """Index one bulb; return its key."""
        key = device_key(self.bid, "light", light.id)
        kind = bulb_class(light.model)
        features = light_features(light.model, kind)
        self.topology.bulbs[key] = Bulb(
            key=key,
            light_id=light.id,
            name=light.name,
            mac=light.mac,
            model=light.model,
            floor_id=floor_id,
            bulb=kind,
            features=features,
            spec=self.light_spec(features),
        )
        self.topology.by_mac[light.mac] = key
        self.topology.shells[key] = Device(
            key=key,
            name=light.name,
            manufacturer=light.model.brand or MANUFACTURER,
            model=light.model.name or None,
            mac=light.mac,
            suggested_area=room_name,
            via_device=building_key,
        )
        return key

    def _aggregate(
        self,
        target: tuple[str, str, str | None],
        device: str,
        point: str,
        members: Sequence[str],
        *,
        name: str | None = None,
        enabled: bool = True,
    ) -> None:
        """Index the light standing for several bulbs (none for no bulbs)."""
        bulbs = [self.topology.bulbs[key] for key in members]
        features = combined_features(bulb.features for bulb in bulbs)
        if features is None:
            return
        scope, target_id, floor_id = target
        self.topology.aggregates[(device, point)] = Aggregate(
            scope=scope,
            target_id=target_id,
            floor_id=floor_id,
            members=tuple(members),
            features=features,
            spec=LightSpec(name=name, features=features, enabled_by_default=enabled),
            accepts=accepted_kelvin(bulbs),
        )
        self.topology.lights_of.setdefault(device, []).append(point)
        holders = self.topology.holders
        for key in members:
            holders.setdefault(key, []).append((device, point))

    def _room_points(
        self, floor_id: str, room: Room, room_key: str
    ) -> dict[str, Point]:
        """Return a room's scenes and set favorites as scene points, and index them."""
        actions = self.topology.room_actions
        points: dict[str, Point] = {}
        for scene in room.scenes:
            key = f"scene-{scene.id}"
            actions[(room_key, key)] = RoomAction(
                floor_id=floor_id, room_id=room.id, scene_id=scene.id
            )
            points[key] = Point(key=key, spec=SceneSpec(name=scene.name))
        for favorite in room.favorites:
            key = f"favorite-{favorite.slot}"
            actions[(room_key, key)] = RoomAction(
                floor_id=floor_id, room_id=room.id, state=favorite.state
            )
            points[key] = Point(
                key=key,
                spec=SceneSpec(
                    translation_key="favorite",
                    translation_placeholders=(("number", str(favorite.slot)),),
                ),
            )
        return points


def index_building(building: Building) -> Topology:
    """Return the index of a parsed building."""
    return _Builder(building).build()
