"""Deterministic WiZ Pro data: the demo office, a warehouse, benchmark buildings."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import hashlib
import itertools
import logging
from typing import TYPE_CHECKING, Any

from .wiz_pro_model import (
    Building,
    BulbClass,
    Favorite,
    FavoriteCustomColor,
    FavoriteCustomWhite,
    FavoriteMoment,
    FavoriteScene,
    FavoriteStatus,
    Floor,
    Group,
    Light,
    LightModel,
    Room,
    RoomScene,
    colour_state,
    mode_state,
    white_state,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from .wiz_pro import WizProSimulator

_LOGGER = logging.getLogger(__name__)

A60_RGBTW = LightModel(
    id="12",
    name="A60 E27 RGBTW",
    bulb_class=BulbClass.RGBTW,
    temperature_min=2200,
    temperature_max=6500,
    module_name_id=1,
    idle_power_consumption_per_hour=0.3,
    power_watts=8.5,
)
STRIP_RGBTW = LightModel(
    id="31",
    name="LED Strip 2m RGBTW",
    bulb_class=BulbClass.RGBTW,
    temperature_min=2700,
    temperature_max=6500,
    module_name_id=7,
    lifetime=15000,
    idle_power_consumption_per_hour=0.4,
    power_watts=11.0,
)
GU10_TW = LightModel(
    id="18",
    name="GU10 TW",
    bulb_class=BulbClass.TW,
    temperature_min=2700,
    temperature_max=6500,
    module_name_id=3,
    idle_power_consumption_per_hour=0.25,
    power_watts=4.7,
)
PANEL_TW = LightModel(
    id="44",
    name="Panel 60x60 TW",
    bulb_class=BulbClass.TW,
    temperature_min=3000,
    temperature_max=5000,
    module_name_id=9,
    lifetime=50000,
    idle_power_consumption_per_hour=None,
    custom_power_consumption_allowed=True,
    power_watts=30.0,
)
LINEAR_DUAL_ZONE_TW = LightModel(
    id="52",
    name="Linear Dual Zone TW",
    bulb_class=BulbClass.TW,
    temperature_min=2700,
    temperature_max=6500,
    module_name_id=11,
    lifetime=50000,
    has_ratio=True,
    idle_power_consumption_per_hour=0.5,
    power_watts=36.0,
)
FILAMENT_DW = LightModel(
    id="25",
    name="Filament ST64 DW",
    bulb_class=BulbClass.DW,
    temperature_min=2700,
    temperature_max=2700,
    module_name_id=5,
    lifetime=15000,
    idle_power_consumption_per_hour=0.2,
    power_watts=6.7,
)
DEMO_MODELS = (
    A60_RGBTW,
    STRIP_RGBTW,
    GU10_TW,
    PANEL_TW,
    LINEAR_DUAL_ZONE_TW,
    FILAMENT_DW,
)

DEMO_BUILDING_ID = "cjos10ed7002o05p81e1lsi35"
SECOND_BUILDING_ID = "ck3w2q1vd00ab07l94xk2m8rz"


def _mac(seed: str) -> str:
    """Return a stable, realistic WiZ MAC (prefix a8bb50) for seed."""
    return "a8bb50" + hashlib.sha256(seed.encode()).hexdigest()[:6]


def _cuid(seed: str) -> str:
    """Return a stable 25-character id shaped like the document's floor ids."""
    digest = int(hashlib.sha256(seed.encode()).hexdigest(), 16)
    chars = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = []
    for _ in range(24):
        digest, rest = divmod(digest, 36)
        out.append(chars[rest])
    return "c" + "".join(out)


@dataclass
class _Builder:
    """Hands out stable ids in the document's styles while the demo is put together."""

    light_ids: itertools.count[int] = field(
        default_factory=lambda: itertools.count(23201)
    )
    room_ids: itertools.count[int] = field(
        default_factory=lambda: itertools.count(45301)
    )
    group_ids: itertools.count[int] = field(
        default_factory=lambda: itertools.count(1101)
    )
    scene_ids: itertools.count[int] = field(
        default_factory=lambda: itertools.count(601)
    )

    def lights(
        self,
        name: str,
        model: LightModel,
        states: list[dict[str, Any]],
        *,
        offline: tuple[int, ...] = (),
    ) -> list[Light]:
        """Return one light per state, named 'name 1', 'name 2'..."""
        made = []
        for number, given in enumerate(states, start=1):
            light_id = str(next(self.light_ids))
            state = dict(given)
            if model.has_ratio and state.get("ratio") is None:
                state["ratio"] = 50
            made.append(
                Light(
                    id=light_id,
                    name=f"{name} {number}" if len(states) > 1 else name,
                    mac=_mac(light_id),
                    model=model,
                    state=state,
                    connected=number not in offline,
                    rssi=-45 - (int(light_id) * 7) % 36,
                )
            )
        return made

    def room(self, name: str, *parts: list[Light]) -> Room:
        """Return a room holding the given lights."""
        return Room(
            id=str(next(self.room_ids)),
            name=name,
            lights=[light for part in parts for light in part],
        )

    def group(self, room: Room, name: str, lights: list[Light]) -> Group:
        """Add a group of some of the room's lights."""
        group = Group(id=str(next(self.group_ids)), name=name, lights=list(lights))
        room.groups.append(group)
        return group

    def scene(
        self,
        room: Room,
        name: str,
        state_of: Callable[[Light], dict[str, Any]],
    ) -> RoomScene:
        """Add a room scene whose snapshot is state_of(light) for each light."""
        snapshot = {light.id: state_of(light) for light in room.lights}
        for light in room.lights:
            if light.model.has_ratio:
                snapshot[light.id]["ratio"] = light.state.get("ratio")
        scene = RoomScene(id=str(next(self.scene_ids)), name=name, snapshot=snapshot)
        room.scenes.append(scene)
        return scene


def _favorites(*set_ones: Favorite) -> list[Favorite]:
    """Return four favorites: the given ones first, the rest unset."""
    unset = FavoriteStatus(status=False)
    return [*set_ones, *[unset] * (4 - len(set_ones))]


def _ground_floor(build: _Builder) -> Floor:
    """Return the demo office's ground floor."""
    reception = build.room(
        "Reception",
        build.lights(
            "Reception Spot", GU10_TW, [white_state(4000, 90) for _ in range(4)]
        ),
        build.lights(
            "Reception Accent",
            A60_RGBTW,
            [colour_state((255, 140, 0), 70), colour_state((0, 120, 255), 70)],
        ),
    )
    build.group(reception, "Reception Spots", reception.lights[:4])
    build.scene(
        reception,
        "Welcome",
        lambda light: (
            white_state(4000, 100)
            if light.model is GU10_TW
            else colour_state((255, 140, 0), 80)
        ),
    )
    build.scene(
        reception,
        "Evening",
        lambda light: (
            white_state(2700, 40)
            if light.model is GU10_TW
            else colour_state((255, 80, 0), 30, on=False)
        ),
    )
    reception.favorites = _favorites(
        FavoriteScene(scene_id=12, specific_dimming=80),
        FavoriteCustomWhite(temperature=4000, dimming=90),
        FavoriteStatus(status=True),
    )

    kitchen = build.room(
        "Kitchen",
        build.lights(
            "Kitchen Ceiling",
            A60_RGBTW,
            [
                white_state(3000, 80),
                white_state(3000, 80),
                white_state(3000, 80, on=False),
                white_state(3000, 80, on=False),
            ],
        ),
        build.lights(
            "Kitchen Pendant",
            FILAMENT_DW,
            [white_state(2700, 60), white_state(2700, 60)],
        ),
    )
    build.group(kitchen, "Kitchen Island", kitchen.lights[:2])
    kitchen.favorites = _favorites(
        FavoriteCustomColor(r=255, g=200, b=120, cw=0, ww=40, dimming=75),
        FavoriteStatus(status=True),
    )

    lounge = build.room(
        "Lounge",
        build.lights(
            "Lounge Lamp", A60_RGBTW, [mode_state(6, 60), mode_state(4, 80, speed=120)]
        ),
        build.lights(
            "Lounge Filament", FILAMENT_DW, [mode_state(14, 30), white_state(2700, 50)]
        ),
        build.lights(
            "Lounge Strip",
            STRIP_RGBTW,
            [colour_state((128, 0, 255), 50), mode_state(4, 70, speed=150)],
        ),
    )
    build.scene(
        lounge,
        "Movie",
        lambda light: (
            white_state(2700, 20) if light.model is FILAMENT_DW else mode_state(18, 30)
        ),
    )
    build.scene(
        lounge,
        "Chill",
        lambda light: (
            white_state(2700, 50)
            if light.model is FILAMENT_DW
            else colour_state((255, 100, 40), 50)
        ),
    )
    lounge.favorites = _favorites(
        FavoriteScene(scene_id=6, specific_dimming=60, speed=100),
        FavoriteMoment(moment_id="cjx9lounge0moment00000001"),
        FavoriteCustomColor(r=128, g=0, b=255, cw=0, ww=0, dimming=50),
    )

    corridor = build.room(
        "Corridor",
        build.lights(
            "Corridor",
            FILAMENT_DW,
            [
                white_state(2700, 100),
                white_state(2700, 100),
                white_state(2700, 100),
                white_state(2700, 100, on=False),
                white_state(2700, 100, on=False),
            ],
            offline=(5,),
        ),
    )
    return Floor(
        id="cjra8mkw7hy8y06381cg4dmw1",
        name="Ground Floor",
        rooms=[reception, kitchen, lounge, corridor],
    )


def _first_floor(build: _Builder) -> Floor:
    """Return the demo office's first floor."""
    meeting = build.room(
        "Meeting Room",
        build.lights(
            "Meeting Panel", PANEL_TW, [white_state(4000, 80) for _ in range(4)]
        ),
        build.lights(
            "Meeting Linear",
            LINEAR_DUAL_ZONE_TW,
            [white_state(4000, 80, ratio=60), white_state(4000, 80, ratio=60)],
        ),
    )
    build.group(meeting, "Meeting Panels", meeting.lights[:4])
    build.scene(meeting, "Presentation", lambda _light: white_state(3000, 30))
    build.scene(meeting, "Meeting", lambda _light: white_state(4000, 100))
    build.scene(meeting, "Break", lambda _light: white_state(3000, 60, on=False))
    meeting.favorites = _favorites(
        FavoriteCustomWhite(temperature=3000, dimming=30),
        FavoriteCustomWhite(temperature=5000, dimming=100),
    )

    linear_states = [
        white_state(5000, 100, ratio=50),
        white_state(5000, 100, ratio=50),
        white_state(5000, 100, ratio=70),
        white_state(5000, 100, ratio=70),
        white_state(4000, 100, ratio=50, on=False),
        white_state(4000, 100, ratio=50, on=False),
        mode_state(12, 100),
        mode_state(12, 100),
    ]
    open_space = build.room(
        "Open Space",
        build.lights("Open Space Linear", LINEAR_DUAL_ZONE_TW, linear_states),
        build.lights(
            "Open Space Spot",
            GU10_TW,
            [
                white_state(4500, 70),
                white_state(4500, 70),
                white_state(4500, 70, on=False),
                white_state(4500, 70, on=False),
            ],
        ),
    )
    build.group(open_space, "Window Row", open_space.lights[:4])
    build.group(open_space, "Desk Spots", open_space.lights[8:12])
    open_space.favorites = _favorites(FavoriteStatus(status=True))

    phone_booth = build.room(
        "Phone Booth",
        build.lights(
            "Phone Booth Spot", GU10_TW, [white_state(3500, 60), white_state(3500, 60)]
        ),
        build.lights(
            "Phone Booth Lamp",
            A60_RGBTW,
            [colour_state((0, 255, 120), 40)],
            offline=(1,),
        ),
    )
    return Floor(
        id="cjra8mmk7hyew06385yib4d6b",
        name="First Floor",
        rooms=[meeting, open_space, phone_booth],
    )


def _second_building(build: _Builder) -> Building:
    """Return a small warehouse for multi-building tests."""
    dock = build.room(
        "Loading Dock",
        build.lights(
            "Dock Panel", PANEL_TW, [white_state(5000, 100) for _ in range(3)]
        ),
    )
    office = build.room(
        "Warehouse Office",
        build.lights(
            "Office Lamp", A60_RGBTW, [white_state(3500, 80), mode_state(11, 60)]
        ),
    )
    build.group(dock, "Dock Panels", dock.lights)
    return Building(
        id=SECOND_BUILDING_ID,
        name="Demo Warehouse",
        floors=[
            Floor(
                id="ck0n5dftu0beu08182hrqvj6v", name="Warehouse", rooms=[dock, office]
            )
        ],
    )


def demo_data(buildings: int = 1) -> list[Building]:
    """Return the demo office (44 lights), plus the demo warehouse when buildings=2."""
    if buildings not in (1, 2):
        raise ValueError("demo_data has one or two buildings")
    build = _Builder()
    office = Building(
        id=DEMO_BUILDING_ID,
        name="Demo Office",
        floors=[_ground_floor(build), _first_floor(build)],
    )
    if buildings == 1:
        return [office]
    return [office, _second_building(build)]


def generated_data(
    lights: int = 5000, lights_per_room: int = 25, rooms_per_floor: int = 10
) -> list[Building]:
    """Return one deterministic building of the given size, for benchmarks."""
    models = (A60_RGBTW, GU10_TW, LINEAR_DUAL_ZONE_TW, PANEL_TW, FILAMENT_DW)
    floors: list[Floor] = []
    room: Room | None = None
    for index in range(lights):
        if index % lights_per_room == 0:
            room_number = index // lights_per_room
            if room_number % rooms_per_floor == 0:
                floor_number = room_number // rooms_per_floor
                floors.append(
                    Floor(
                        id=_cuid(f"floor{floor_number}"),
                        name=f"Floor {floor_number + 1}",
                    )
                )
            room = Room(id=str(100000 + room_number), name=f"Room {room_number + 1}")
            floors[-1].rooms.append(room)
            if room_number % 2 == 0:
                room.groups.append(
                    Group(
                        id=str(200000 + room_number),
                        name=f"Group {room_number + 1}",
                        lights=[],
                    )
                )
        if room is None:  # pragma: no cover - the first index always makes a room
            raise RuntimeError("no room")
        model = models[index % len(models)]
        if index % 5 == 4:
            state = white_state(2700, 50 + index % 50, on=False)
        elif index % 7 == 3 and model is A60_RGBTW:
            state = mode_state(1 + index % 32, 80)
        else:
            state = white_state(model.temperature_min, 10 + index % 91)
        if model.has_ratio:
            state["ratio"] = index % 101
        light_id = str(300000 + index)
        light = Light(
            id=light_id,
            name=f"Light {index + 1}",
            mac=f"a8bb50{index:06x}",
            model=model,
            state=state,
            rssi=-40 - index % 45,
        )
        room.lights.append(light)
        if room.groups and len(room.groups[0].lights) < 5:
            room.groups[0].lights.append(light)
    return [
        Building(id=_cuid(f"benchmark{lights}"), name="Benchmark Tower", floors=floors)
    ]


# (light name, description, what to do): one event per tick, in order, forever. After
# a full round every light is back where it started: the demo is calm and repeatable.
_ACTIVITY: tuple[tuple[str, str, dict[str, Any] | bool], ...] = (
    ("Corridor 1", "switched off at the wall", {"state": False}),
    ("Kitchen Ceiling 3", "switched on at the wall", {"state": True}),
    ("Phone Booth Lamp", "came back online", True),
    ("Lounge Strip 2", "changed to Ocean in the WiZ app", {"sceneId": 1}),
    ("Corridor 1", "switched on at the wall", {"state": True}),
    ("Kitchen Ceiling 3", "switched off at the wall", {"state": False}),
    ("Phone Booth Lamp", "went offline", False),
    ("Lounge Strip 2", "changed back to Party in the WiZ app", {"sceneId": 4}),
)


async def run_demo_activity(
    sim: WizProSimulator, interval: float, rounds: int | None = None
) -> None:
    """Play the demo office's scripted events, one every interval seconds.

    rounds=None plays forever; each round leaves every light as it found it.
    """
    by_name = {
        light.name: light.id for building in sim.buildings for light in building.lights
    }
    script = (
        itertools.cycle(_ACTIVITY)
        if rounds is None
        else itertools.chain.from_iterable(itertools.repeat(_ACTIVITY, rounds))
    )
    for light_name, what, action in script:
        await asyncio.sleep(interval)
        light_id = by_name.get(light_name)
        if light_id is None:
            continue
        _LOGGER.info("Demo activity: %s %s", light_name, what)
        if isinstance(action, bool):
            sim.set_connected(light_id, action)
        else:
            sim.change_light_locally(light_id, **action)
