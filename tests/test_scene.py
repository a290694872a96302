"""Scenes: WiZ room scenes and the room favorites that are set."""

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_EFFECT,
    ATTR_RGBWW_COLOR,
    DOMAIN as LIGHT_DOMAIN,
)
from homeassistant.components.scene import DOMAIN as SCENE_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_FRIENDLY_NAME,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er

from custom_components.cloud_bridge.const import DOMAIN
from simulator.wiz_pro import WizProSimulator
from simulator.wiz_pro_demo import DEMO_BUILDING_ID
from simulator.wiz_pro_model import (
    BulbClass,
    FavoriteCustomColor,
    FavoriteCustomWhite,
    FavoriteMoment,
    FavoriteScene,
    FavoriteStatus,
    Light as SimLight,
    Room as SimRoom,
)

from .helpers import entity_state, state_of
from .wiz_helpers import bulb_entity, entity_id, sim_room, unique_id

pytestmark = pytest.mark.usefixtures("wiz_loaded")


async def activate(hass: HomeAssistant, entity: str) -> None:
    """Activate a scene and wait for it."""
    await hass.services.async_call(
        SCENE_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: entity}, blocking=True
    )


def favorite_entity(hass: HomeAssistant, room: SimRoom, slot: int) -> str:
    """Return the scene entity of a room favorite."""
    return entity_id(hass, SCENE_DOMAIN, unique_id("room", room.id, f"favorite-{slot}"))


def percent(brightness: int) -> int:
    """Return Home Assistant's brightness as the percentage the UI shows."""
    return round(brightness * 100 / 255)


async def test_a_scene_per_room_scene_and_set_favorite(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """Room scenes and set favorites are scenes; unset ones and moments are not."""
    expected: dict[str, str] = {}
    skipped = 0
    for floor in wiz_sim.building(DEMO_BUILDING_ID).floors:
        for room in floor.rooms:
            for scene in room.scenes:
                uid = unique_id("room", room.id, f"scene-{scene.id}")
                expected[uid] = scene.name
            for slot, favorite in enumerate(room.favorites, start=1):
                unset = isinstance(favorite, FavoriteStatus) and not favorite.status
                if unset or isinstance(favorite, FavoriteMoment):
                    skipped += 1
                    continue
                expected[unique_id("room", room.id, f"favorite-{slot}")] = (
                    f"Favorite {slot}"
                )
    registry = er.async_get(hass)
    registered = {
        entry.unique_id: entry.entity_id
        for entry in registry.entities.values()
        if entry.domain == SCENE_DOMAIN and entry.platform == DOMAIN
    }
    assert set(registered) == set(expected)
    assert skipped > 0
    for uid, name in expected.items():
        state = entity_state(hass, registered[uid])
        room = wiz_sim.room(uid.split(":")[2].removeprefix("room-"))
        assert state.attributes[ATTR_FRIENDLY_NAME] == f"{room.name} {name}"
    # A moment and an unset slot of the lounge have no scene.
    lounge = sim_room(wiz_sim, "Lounge")
    assert isinstance(lounge.favorites[1], FavoriteMoment)
    assert isinstance(lounge.favorites[3], FavoriteStatus)
    for slot in (2, 4):
        assert (
            registry.async_get_entity_id(
                SCENE_DOMAIN, DOMAIN, unique_id("room", lounge.id, f"favorite-{slot}")
            )
            is None
        )


async def test_room_scene_restores_the_room(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """A room scene restores the room; Home Assistant shows it after a refresh."""
    room = sim_room(wiz_sim, "Reception")
    evening = next(scene for scene in room.scenes if scene.name == "Evening")
    entity = entity_id(
        hass, SCENE_DOMAIN, unique_id("room", room.id, f"scene-{evening.id}")
    )
    others = {
        light.id: dict(light.state)
        for light in wiz_sim.building(DEMO_BUILDING_ID).lights
        if light not in room.lights
    }
    polls = len(wiz_sim.queries)

    await activate(hass, entity)
    await hass.async_block_till_done()

    assert wiz_sim.mutations == [("applyRoomScene", {"roomSceneId": evening.id})]
    for light in room.lights:
        assert light.state == evening.snapshot[light.id], light.name
    assert {
        light.id: dict(light.state)
        for light in wiz_sim.building(DEMO_BUILDING_ID).lights
        if light not in room.lights
    } == others
    assert len(wiz_sim.queries) == polls + 1  # the refresh the scene asked for
    for light in room.lights:
        saved = evening.snapshot[light.id]
        state = entity_state(hass, bulb_entity(hass, light))
        assert state.state == (STATE_ON if saved["state"] else STATE_OFF), light.name
        if saved["state"]:
            assert percent(state.attributes[ATTR_BRIGHTNESS]) == saved["dimming"]
            assert state.attributes[ATTR_COLOR_TEMP_KELVIN] == saved["temperature"]


async def test_room_scene_failure_is_reported(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """A scene the cloud cannot apply tells the user why."""
    room = sim_room(wiz_sim, "Meeting Room")
    scene = room.scenes[0]
    entity = entity_id(
        hass, SCENE_DOMAIN, unique_id("room", room.id, f"scene-{scene.id}")
    )
    before = [dict(light.state) for light in room.lights]

    wiz_sim.faults.add("server_error", path="/api/graphql")
    with pytest.raises(HomeAssistantError) as exc:
        await activate(hass, entity)
    assert exc.value.translation_key == "cloud_unavailable"

    for light in room.lights:
        wiz_sim.set_connected(light.id, False)
    with pytest.raises(HomeAssistantError) as exc:
        await activate(hass, entity)
    assert exc.value.translation_key == "device_offline"
    assert [dict(light.state) for light in room.lights] == before


FAVORITES: list[tuple[str, int, type, dict[str, Any]]] = [
    ("Reception", 1, FavoriteScene, {"sceneId": 12, "dimming": 80}),
    ("Lounge", 1, FavoriteScene, {"sceneId": 6, "dimming": 60, "speed": 100}),
    ("Reception", 2, FavoriteCustomWhite, {"temperature": 4000, "dimming": 90}),
    (
        "Kitchen",
        1,
        FavoriteCustomColor,
        {"r": 255, "g": 200, "b": 120, "cw": 0, "ww": 40, "dimming": 75},
    ),
    ("Reception", 3, FavoriteStatus, {}),
]


async def test_favorite_sets_the_room(
    hass: HomeAssistant, wiz_sim: WizProSimulator, wiz_loaded: MockConfigEntry
) -> None:
    """A favorite goes out as changeRoomState with its state; bulbs follow at once."""
    for room_name, slot, kind, fields in FAVORITES:
        room = sim_room(wiz_sim, room_name)
        assert isinstance(room.favorites[slot - 1], kind)
        # Start from a dark room, so that even "on" is a change to see.
        for light in room.lights:
            wiz_sim.change_light_locally(light.id, state=False)
        await wiz_loaded.runtime_data.coordinator.async_refresh()
        await hass.async_block_till_done()
        room_light = entity_id(hass, LIGHT_DOMAIN, unique_id("room", room.id))
        assert state_of(hass, room_light) == STATE_OFF
        wiz_sim.clear_requests()

        await activate(hass, favorite_entity(hass, room, slot))

        assert len(wiz_sim.mutations) == 1, (room_name, slot)
        field, args = wiz_sim.mutations[0]
        assert field == "changeRoomState"
        assert {key: args[key] for key in ("floorId", "roomId", "provider")} == {
            "floorId": wiz_sim.floor_of(room.id).id,
            "roomId": room.id,
            "provider": "WiZ",
        }
        sent = dict(args["state"])
        assert sent.pop("state", True) is True
        assert sent == fields, (room_name, slot)
        if not fields:
            assert args["state"] == {"state": True}
        assert wiz_sim.queries == []  # shown at once, not polled
        assert state_of(hass, room_light) == STATE_ON
        for light in room.lights:
            check_bulb(hass, light, fields)


def check_bulb(hass: HomeAssistant, light: SimLight, fields: dict[str, Any]) -> None:
    """Check that a bulb took a favorite, in the cloud and in Home Assistant."""
    state = entity_state(hass, bulb_entity(hass, light))
    assert state.state == STATE_ON, light.name
    assert light.is_on, light.name
    if "dimming" in fields:
        assert light.state["dimming"] == fields["dimming"]
        assert percent(state.attributes[ATTR_BRIGHTNESS]) == fields["dimming"]
    if "speed" in fields:
        assert light.state["speed"] == fields["speed"]
    scene_id = fields.get("sceneId")
    if scene_id is not None and light.model.supports_light_mode(scene_id):
        assert light.state["sceneId"] == scene_id
        assert state.attributes[ATTR_EFFECT] is not None
    if "temperature" in fields:
        assert light.state["temperature"] == fields["temperature"]
        assert state.attributes[ATTR_COLOR_TEMP_KELVIN] == fields["temperature"]
    if "r" in fields and light.model.bulb_class is BulbClass.RGBTW:
        channels = tuple(fields[key] for key in ("r", "g", "b", "cw", "ww"))
        assert tuple(light.state[key] for key in ("r", "g", "b", "cw", "ww")) == (
            channels
        )
        assert state.attributes[ATTR_RGBWW_COLOR] == channels
