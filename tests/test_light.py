"""Lights: bulbs, rooms, groups, floors and the building, against the simulator."""

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_BRIGHTNESS_PCT,
    ATTR_COLOR_MODE,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_EFFECT,
    ATTR_EFFECT_LIST,
    ATTR_MAX_COLOR_TEMP_KELVIN,
    ATTR_MIN_COLOR_TEMP_KELVIN,
    ATTR_RGB_COLOR,
    ATTR_RGBWW_COLOR,
    ATTR_SUPPORTED_COLOR_MODES,
    DOMAIN as LIGHT_DOMAIN,
    ColorMode,
)
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import color as color_util

from simulator.wiz_pro import WizProSimulator
from simulator.wiz_pro_demo import DEMO_BUILDING_ID
from simulator.wiz_pro_model import BulbClass, Light as SimLight

from .helpers import entity_state, poll_now, service_caller, state_of, until
from .wiz_helpers import (
    GRAPHQL,
    bulb_entity,
    enable_entities,
    entity_id,
    mutations,
    sim_group,
    sim_light,
    sim_room,
    unique_id,
)

# The light-modes table of the WiZ Pro document, 1-32 (sceneId stops at 32).
LIGHT_MODES = {
    1: "Ocean",
    2: "Romance",
    3: "Sunset",
    4: "Party",
    5: "Fireplace",
    6: "Cozy",
    7: "Forest",
    8: "Pastel Colors",
    9: "Wake up",
    10: "Bedtime",
    11: "Warm white",
    12: "Daylight",
    13: "Cool white",
    14: "Night light",
    15: "Focus",
    16: "Relax",
    17: "True colors",
    18: "TV Time",
    19: "Plant growth",
    20: "Spring",
    21: "Summer",
    22: "Fall",
    23: "Deep dive",
    24: "Jungle",
    25: "Mojito",
    26: "Club",
    27: "Christmas",
    28: "Halloween",
    29: "Candlelight",
    30: "Golden white",
    31: "Pulse",
    32: "Steampunk",
}
CLASS_MODES = {
    BulbClass.RGBTW: set(range(1, 33)),
    BulbClass.TW: {6, *range(9, 17), 18, 29, 30, 31, 32},
    BulbClass.DW: {9, 10, 14},
}
CLASS_COLOR_MODES = {
    BulbClass.RGBTW: {ColorMode.COLOR_TEMP, ColorMode.RGBWW},
    BulbClass.TW: {ColorMode.COLOR_TEMP},
    BulbClass.DW: {ColorMode.BRIGHTNESS},
}

pytestmark = pytest.mark.usefixtures("wiz_loaded")


call = service_caller(LIGHT_DOMAIN)


def floor_id(sim: WizProSimulator, light: SimLight) -> str:
    """Return the id of the floor a simulated light is on."""
    return sim.floor_of(light.id).id


def percent(brightness: int) -> int:
    """Return Home Assistant's brightness as the percentage the UI shows."""
    return round(brightness * 100 / 255)


def light_changes(sim: WizProSimulator) -> list[dict[str, Any]]:
    """Return the state inputs of every changeLightState the cloud executed."""
    return [args["state"] for args in mutations(sim, "changeLightState")]


async def test_bulbs_show_what_the_cloud_reports(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """Every bulb shows its currentState: on/off, brightness, white, colour, mode."""
    lights = wiz_sim.building(DEMO_BUILDING_ID).lights
    assert len(lights) == 44
    seen_classes: set[BulbClass] = set()
    for light in lights:
        model = light.model
        seen_classes.add(model.bulb_class)
        state = entity_state(hass, bulb_entity(hass, light))
        attrs = state.attributes
        current = light.state
        assert (
            set(attrs[ATTR_SUPPORTED_COLOR_MODES])
            == CLASS_COLOR_MODES[model.bulb_class]
        ), light.name
        if model.bulb_class is not BulbClass.DW:
            assert attrs[ATTR_MIN_COLOR_TEMP_KELVIN] == model.temperature_min
            assert attrs[ATTR_MAX_COLOR_TEMP_KELVIN] == model.temperature_max
        modes = sorted(CLASS_MODES[model.bulb_class])
        # Home Assistant's "off" first: no light mode, and how to stop one.
        assert attrs[ATTR_EFFECT_LIST] == ["off", *(LIGHT_MODES[m] for m in modes)]
        assert "Diwali" not in attrs[ATTR_EFFECT_LIST]
        if not current["state"]:
            assert state.state == STATE_OFF, light.name
            continue
        assert state.state == STATE_ON, light.name
        assert attrs[ATTR_COLOR_MODE] in attrs[ATTR_SUPPORTED_COLOR_MODES]
        assert percent(attrs[ATTR_BRIGHTNESS]) == current["dimming"], light.name
        scene = current["sceneId"]
        channels = tuple(current[key] for key in ("r", "g", "b", "cw", "ww"))
        if scene:
            assert attrs[ATTR_EFFECT] == LIGHT_MODES[scene], light.name
        else:
            assert attrs[ATTR_EFFECT] == "off", light.name
        if scene or model.bulb_class is BulbClass.DW:
            continue
        if any(channels):
            assert attrs[ATTR_COLOR_MODE] == ColorMode.RGBWW, light.name
            assert attrs[ATTR_RGBWW_COLOR] == channels, light.name
        else:
            assert attrs[ATTR_COLOR_MODE] == ColorMode.COLOR_TEMP, light.name
            assert attrs[ATTR_COLOR_TEMP_KELVIN] == current["temperature"]
    assert seen_classes == set(BulbClass)


async def test_light_mode_keeps_a_supported_color_mode(
    hass: HomeAssistant, wiz_sim: WizProSimulator, wiz_loaded: MockConfigEntry
) -> None:
    """Bulbs set to a light mode in the WiZ app show it after the next poll."""
    changes = {
        "Kitchen Ceiling 1": 1,  # RGBTW in white: Ocean
        "Reception Accent 1": 27,  # RGBTW in colour: Christmas
        "Reception Spot 1": 12,  # TW: Daylight
        "Kitchen Pendant 1": 9,  # DW: Wake up
    }
    for name, scene_id in changes.items():
        light = sim_light(wiz_sim, name)
        assert (
            entity_state(hass, bulb_entity(hass, light)).attributes[ATTR_EFFECT]
            == "off"
        )
        assert wiz_sim.change_light_locally(light.id, sceneId=scene_id)

    await poll_now(hass, wiz_loaded)

    for name, scene_id in changes.items():
        light = sim_light(wiz_sim, name)
        attrs = entity_state(hass, bulb_entity(hass, light)).attributes
        assert attrs[ATTR_EFFECT] == LIGHT_MODES[scene_id], name
        assert attrs[ATTR_COLOR_MODE] in attrs[ATTR_SUPPORTED_COLOR_MODES], name
        assert attrs[ATTR_COLOR_MODE] in CLASS_COLOR_MODES[light.model.bulb_class]


async def test_turn_off_and_on_a_bulb(
    hass: HomeAssistant, wiz_sim: WizProSimulator, wiz_loaded: MockConfigEntry
) -> None:
    """One changeLightState per command; the state shows at once and polls agree."""
    light = sim_light(wiz_sim, "Kitchen Ceiling 1")
    entity = bulb_entity(hass, light)
    assert state_of(hass, entity) == STATE_ON
    polls = len(wiz_sim.queries)

    await call(hass, SERVICE_TURN_OFF, entity)

    assert wiz_sim.mutations == [
        (
            "changeLightState",
            {
                "floorId": floor_id(wiz_sim, light),
                "lightId": light.id,
                "provider": "WiZ",
                "mac": light.mac,
                "state": {"state": False},
            },
        )
    ]
    assert state_of(hass, entity) == STATE_OFF
    assert len(wiz_sim.queries) == polls  # shown without asking the cloud
    assert light.state["state"] is False

    await call(hass, SERVICE_TURN_ON, entity)

    assert light_changes(wiz_sim) == [{"state": False}, {"state": True}]
    assert state_of(hass, entity) == STATE_ON
    assert len(wiz_sim.queries) == polls
    assert light.state["state"] is True

    await poll_now(hass, wiz_loaded)
    assert len(wiz_sim.queries) == polls + 1
    state = entity_state(hass, entity)
    assert state.state == STATE_ON
    assert percent(state.attributes[ATTR_BRIGHTNESS]) == light.state["dimming"]


async def test_brightness_is_sent_as_dimming(
    hass: HomeAssistant, wiz_sim: WizProSimulator, wiz_loaded: MockConfigEntry
) -> None:
    """Brightness reaches the cloud within its 10-100 % dimming range."""
    light = sim_light(wiz_sim, "Kitchen Pendant 1")
    entity = bulb_entity(hass, light)
    # (what Home Assistant asks, the dimming WiZ receives, the brightness shown):
    # dimming = round(brightness * 100 / 255), at least 10; shown back as
    # round(dimming * 255 / 100).
    cases: list[tuple[dict[str, int], int, int]] = [
        ({ATTR_BRIGHTNESS: 1}, 10, 26),
        ({ATTR_BRIGHTNESS: 32}, 13, 33),
        ({ATTR_BRIGHTNESS: 255}, 100, 255),
        ({ATTR_BRIGHTNESS_PCT: 50}, 50, 128),
        ({ATTR_BRIGHTNESS_PCT: 1}, 10, 26),
        ({ATTR_BRIGHTNESS: 128}, 50, 128),
        ({ATTR_BRIGHTNESS: 200}, 78, 199),
    ]
    for data, dimming, shown in cases:
        wiz_sim.clear_requests()
        await call(hass, SERVICE_TURN_ON, entity, **data)

        assert light_changes(wiz_sim) == [{"state": True, "dimming": dimming}], data
        assert light.state["dimming"] == dimming
        optimistic = entity_state(hass, entity).attributes[ATTR_BRIGHTNESS]
        await poll_now(hass, wiz_loaded)
        polled = entity_state(hass, entity).attributes[ATTR_BRIGHTNESS]
        assert (optimistic, polled) == (shown, shown), data
        assert percent(polled) == dimming, data


async def test_color_temperature_stays_in_the_model_range(
    hass: HomeAssistant, wiz_sim: WizProSimulator, wiz_loaded: MockConfigEntry
) -> None:
    """Kelvin at the model's limits is sent as is; beyond them it never leaves them."""
    light = sim_light(wiz_sim, "Meeting Panel 1")
    low, high = light.model.temperature_min, light.model.temperature_max
    assert (low, high) == (3000, 5000)
    entity = bulb_entity(hass, light)
    attrs = entity_state(hass, entity).attributes
    assert (attrs[ATTR_MIN_COLOR_TEMP_KELVIN], attrs[ATTR_MAX_COLOR_TEMP_KELVIN]) == (
        low,
        high,
    )
    for kelvin, expected in ((low, low), (high, high), (2000, low), (6500, high)):
        wiz_sim.clear_requests()
        await call(hass, SERVICE_TURN_ON, entity, **{ATTR_COLOR_TEMP_KELVIN: kelvin})

        assert light_changes(wiz_sim) == [{"state": True, "temperature": expected}]
        assert light.state["temperature"] == expected
        attrs = entity_state(hass, entity).attributes
        assert attrs[ATTR_COLOR_MODE] == ColorMode.COLOR_TEMP
        assert attrs[ATTR_COLOR_TEMP_KELVIN] == expected
        await poll_now(hass, wiz_loaded)
        attrs = entity_state(hass, entity).attributes
        assert attrs[ATTR_COLOR_TEMP_KELVIN] == expected, kelvin


async def test_colour_on_an_rgbtw_bulb(
    hass: HomeAssistant, wiz_sim: WizProSimulator, wiz_loaded: MockConfigEntry
) -> None:
    """rgb_color and rgbww_color reach the cloud as r, g, b, cw, ww."""
    light = sim_light(wiz_sim, "Kitchen Ceiling 1")
    entity = bulb_entity(hass, light)
    model = light.model
    rgbww = color_util.color_rgb_to_rgbww(
        255, 160, 40, model.temperature_min, model.temperature_max
    )
    channels = ("r", "g", "b", "cw", "ww")

    await call(hass, SERVICE_TURN_ON, entity, **{ATTR_RGB_COLOR: (255, 160, 40)})

    assert light_changes(wiz_sim) == [
        {"state": True, **dict(zip(channels, rgbww, strict=True))}
    ]
    assert tuple(light.state[key] for key in channels) == rgbww
    assert entity_state(hass, entity).attributes[ATTR_RGBWW_COLOR] == rgbww

    await call(
        hass, SERVICE_TURN_ON, entity, **{ATTR_RGBWW_COLOR: (10, 20, 30, 40, 50)}
    )

    assert light_changes(wiz_sim)[-1] == {
        "state": True,
        "r": 10,
        "g": 20,
        "b": 30,
        "cw": 40,
        "ww": 50,
    }
    assert tuple(light.state[key] for key in channels) == (10, 20, 30, 40, 50)
    assert light.state["temperature"] is None
    attrs = entity_state(hass, entity).attributes
    assert attrs[ATTR_COLOR_MODE] == ColorMode.RGBWW
    assert attrs[ATTR_RGBWW_COLOR] == (10, 20, 30, 40, 50)
    await poll_now(hass, wiz_loaded)
    attrs = entity_state(hass, entity).attributes
    assert attrs[ATTR_COLOR_MODE] == ColorMode.RGBWW
    assert attrs[ATTR_RGBWW_COLOR] == (10, 20, 30, 40, 50)


async def test_effect_is_sent_as_its_scene_id(
    hass: HomeAssistant, wiz_sim: WizProSimulator, wiz_loaded: MockConfigEntry
) -> None:
    """An effect chosen by name arrives as the table's sceneId."""
    cases = [
        ("Kitchen Ceiling 1", "Ocean", 1),
        ("Kitchen Ceiling 2", "Steampunk", 32),
        ("Reception Spot 1", "Daylight", 12),
        ("Kitchen Pendant 1", "Night light", 14),
    ]
    for name, effect, scene_id in cases:
        light = sim_light(wiz_sim, name)
        wiz_sim.clear_requests()
        await call(hass, SERVICE_TURN_ON, bulb_entity(hass, light), effect=effect)

        assert light_changes(wiz_sim) == [{"state": True, "sceneId": scene_id}], name
        assert light.state["sceneId"] == scene_id
        attrs = entity_state(hass, bulb_entity(hass, light)).attributes
        assert attrs[ATTR_EFFECT] == effect

    await poll_now(hass, wiz_loaded)

    for name, effect, _ in cases:
        attrs = entity_state(
            hass, bulb_entity(hass, sim_light(wiz_sim, name))
        ).attributes
        assert attrs[ATTR_EFFECT] == effect, name
        assert attrs[ATTR_COLOR_MODE] in attrs[ATTR_SUPPORTED_COLOR_MODES], name


async def test_effect_off_goes_back_to_the_last_white_or_colour(
    hass: HomeAssistant, wiz_sim: WizProSimulator, wiz_loaded: MockConfigEntry
) -> None:
    """Effect "off" stops the light mode: the bulb shows what it showed before.

    WiZ has no "no mode" to send, so the last white or colour is sent; a bulb
    never seen outside a mode gets plain white in the middle of its range.
    """
    cases = [
        # name, mode to play first (None: plays one since set-up), what stops it
        ("Kitchen Ceiling 1", "Ocean", {"temperature": 3000}),
        (
            "Reception Accent 1",
            "Christmas",
            {"r": 255, "g": 140, "b": 0, "cw": 0, "ww": 0},
        ),
        ("Kitchen Pendant 1", "Night light", {"temperature": 2700}),  # DW
        ("Lounge Lamp 1", None, {"temperature": 4400}),  # 2200-6500 K, rounded
    ]
    for name, mode, expected in cases:
        light = sim_light(wiz_sim, name)
        entity = bulb_entity(hass, light)
        if mode is not None:
            await call(hass, SERVICE_TURN_ON, entity, effect=mode)
            assert light.state["sceneId"], name
        wiz_sim.clear_requests()

        await call(hass, SERVICE_TURN_ON, entity, effect="off", brightness_pct=50)

        assert light_changes(wiz_sim) == [{"state": True, "dimming": 50, **expected}], (
            name
        )
        assert light.state["sceneId"] == 0, name
        attrs = entity_state(hass, entity).attributes
        assert attrs[ATTR_EFFECT] == "off", name
        assert percent(attrs[ATTR_BRIGHTNESS]) == 50, name
        if "r" in expected:
            assert attrs[ATTR_COLOR_MODE] == ColorMode.RGBWW
            assert attrs[ATTR_RGBWW_COLOR] == (255, 140, 0, 0, 0)
        elif light.model.bulb_class is not BulbClass.DW:
            assert attrs[ATTR_COLOR_MODE] == ColorMode.COLOR_TEMP
            assert attrs[ATTR_COLOR_TEMP_KELVIN] == expected["temperature"]

    # The next poll agrees.
    await poll_now(hass, wiz_loaded)
    for name, _, _ in cases:
        attrs = entity_state(
            hass, bulb_entity(hass, sim_light(wiz_sim, name))
        ).attributes
        assert attrs[ATTR_EFFECT] == "off", name


async def test_effect_off_on_a_room_and_on_several_bulbs(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """A room's effect "off" stops every mode in it; alike bulbs share a mutation."""
    lounge = sim_room(wiz_sim, "Lounge")
    room = entity_id(hass, LIGHT_DOMAIN, unique_id("room", lounge.id))
    assert any(light.state["sceneId"] for light in lounge.lights)
    wiz_sim.clear_requests()

    await call(hass, SERVICE_TURN_ON, room, effect="off")

    assert not any(light.state["sceneId"] for light in lounge.lights)
    assert all(light.is_on for light in lounge.lights)
    assert all("sceneId" not in args["state"] for _, args in wiz_sim.mutations)
    assert entity_state(hass, room).attributes[ATTR_EFFECT] == "off"
    for light in lounge.lights:
        assert (
            entity_state(hass, bulb_entity(hass, light)).attributes[ATTR_EFFECT]
            == "off"
        )

    # Two bulbs that both go back to 3000 K, stopped in one call: one mutation
    # for their group.
    island = sim_group(wiz_sim, "Kitchen Island")
    entities = [bulb_entity(hass, light) for light in island.lights]
    await hass.services.async_call(
        LIGHT_DOMAIN,
        SERVICE_TURN_ON,
        {ATTR_ENTITY_ID: entities, ATTR_EFFECT: "Ocean"},
        blocking=True,
    )
    wiz_sim.clear_requests()
    await hass.services.async_call(
        LIGHT_DOMAIN,
        SERVICE_TURN_ON,
        {ATTR_ENTITY_ID: entities, ATTR_EFFECT: "off"},
        blocking=True,
    )
    assert wiz_sim.mutations == [
        (
            "changeGroupState",
            {
                "floorId": wiz_sim.floor_of(island.id).id,
                "groupId": island.id,
                "state": {"state": True, "temperature": 3000},
            },
        )
    ]
    assert all(light.state["temperature"] == 3000 for light in island.lights)


async def test_effect_of_another_class_is_refused(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """A bulb is sent only its own light modes; asking for others says why."""
    cases = [
        ("Kitchen Pendant 1", "Ocean"),  # DW asked for an RGBTW-only mode
        ("Kitchen Pendant 1", "Daylight"),  # DW asked for a TW mode
        ("Reception Spot 1", "Party"),  # TW asked for an RGBTW-only mode
        ("Kitchen Ceiling 1", "Diwali"),  # in the table, but sceneId stops at 32
    ]
    for name, effect in cases:
        light = sim_light(wiz_sim, name)
        entity = bulb_entity(hass, light)
        before = entity_state(hass, entity)
        cloud_before = dict(light.state)

        with pytest.raises(ServiceValidationError) as exc:
            await call(hass, SERVICE_TURN_ON, entity, effect=effect)

        assert exc.value.translation_key == "invalid_value", effect
        assert effect in str(exc.value.translation_placeholders)
        assert wiz_sim.mutations == []
        assert light.state == cloud_before
        assert entity_state(hass, entity).as_dict() == before.as_dict()


async def test_room_light(
    hass: HomeAssistant, wiz_sim: WizProSimulator, wiz_loaded: MockConfigEntry
) -> None:
    """A room is on while any bulb is; one changeRoomState drives all of them."""
    room = sim_room(wiz_sim, "Kitchen")
    entity = entity_id(hass, LIGHT_DOMAIN, unique_id("room", room.id))
    members = [bulb_entity(hass, light) for light in room.lights]
    assert [light.state["state"] for light in room.lights].count(True) == 4
    assert state_of(hass, entity) == STATE_ON
    polls = len(wiz_sim.queries)

    await call(hass, SERVICE_TURN_OFF, entity)

    assert wiz_sim.mutations == [
        (
            "changeRoomState",
            {
                "floorId": wiz_sim.floor_of(room.id).id,
                "roomId": room.id,
                "provider": "WiZ",
                "state": {"state": False},
            },
        )
    ]
    assert state_of(hass, entity) == STATE_OFF
    assert [state_of(hass, member) for member in members] == [STATE_OFF] * 6
    assert len(wiz_sim.queries) == polls
    assert not any(light.is_on for light in room.lights)

    # One bulb switched on at the wall: the room is on again.
    wiz_sim.change_light_locally(room.lights[4].id, state=True)
    await poll_now(hass, wiz_loaded)
    assert state_of(hass, entity) == STATE_ON
    assert [state_of(hass, member) for member in members].count(STATE_ON) == 1

    await call(hass, SERVICE_TURN_ON, entity, **{ATTR_BRIGHTNESS_PCT: 40})

    assert mutations(wiz_sim, "changeRoomState")[-1]["state"] == {
        "state": True,
        "dimming": 40,
    }
    assert len(wiz_sim.mutations) == 2
    assert all(light.is_on and light.state["dimming"] == 40 for light in room.lights)
    for member in [*members, entity]:
        state = entity_state(hass, member)
        assert state.state == STATE_ON
        assert percent(state.attributes[ATTR_BRIGHTNESS]) == 40


async def test_group_light(hass: HomeAssistant, wiz_sim: WizProSimulator) -> None:
    """One changeGroupState drives the group's bulbs and no others."""
    group = sim_group(wiz_sim, "Kitchen Island")
    room = sim_room(wiz_sim, "Kitchen")
    entity = entity_id(hass, LIGHT_DOMAIN, unique_id("group", group.id))
    others = [light for light in room.lights if light not in group.lights]
    others_before = [dict(light.state) for light in others]
    attrs = entity_state(hass, entity).attributes
    assert attrs[ATTR_MIN_COLOR_TEMP_KELVIN] == max(
        light.model.temperature_min for light in group.lights
    )
    assert attrs[ATTR_MAX_COLOR_TEMP_KELVIN] == min(
        light.model.temperature_max for light in group.lights
    )

    await call(hass, SERVICE_TURN_ON, entity, **{ATTR_COLOR_TEMP_KELVIN: 4500})

    assert wiz_sim.mutations == [
        (
            "changeGroupState",
            {
                "floorId": wiz_sim.floor_of(group.id).id,
                "groupId": group.id,
                "state": {"state": True, "temperature": 4500},
            },
        )
    ]
    assert all(light.state["temperature"] == 4500 for light in group.lights)
    assert [dict(light.state) for light in others] == others_before
    for light in group.lights:
        attrs = entity_state(hass, bulb_entity(hass, light)).attributes
        assert attrs[ATTR_COLOR_TEMP_KELVIN] == 4500
    assert entity_state(hass, entity).attributes[ATTR_COLOR_TEMP_KELVIN] == 4500

    await call(hass, SERVICE_TURN_OFF, entity)

    assert mutations(wiz_sim, "changeGroupState")[-1]["state"] == {"state": False}
    assert state_of(hass, entity) == STATE_OFF
    assert not any(light.is_on for light in group.lights)
    room_entity = entity_id(hass, LIGHT_DOMAIN, unique_id("room", room.id))
    assert state_of(hass, room_entity) == STATE_ON  # the pendants are still on


async def test_aggregate_kelvin_range_suits_every_member(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """A room or group offers only the Kelvin all its bulbs take, and the cloud agrees.

    The cloud refuses a room temperature outside any targeted white-tunable
    bulb's range; dimmable-white bulbs have no temperature to set and do not bind.
    """
    meeting = sim_room(wiz_sim, "Meeting Room")  # panels 3000-5000, linears 2700-6500
    meeting_entity = entity_id(hass, LIGHT_DOMAIN, unique_id("room", meeting.id))
    attrs = entity_state(hass, meeting_entity).attributes
    assert (attrs[ATTR_MIN_COLOR_TEMP_KELVIN], attrs[ATTR_MAX_COLOR_TEMP_KELVIN]) == (
        3000,
        5000,
    )
    targets = [
        ("room", room.id, room.lights)
        for floor in wiz_sim.building(DEMO_BUILDING_ID).floors
        for room in floor.rooms
    ] + [
        ("group", group.id, group.lights)
        for group in wiz_sim.state.group_by_id.values()
    ]
    offered = []
    for kind, item_id, lights in targets:
        entity = entity_id(hass, LIGHT_DOMAIN, unique_id(kind, item_id))
        attrs = entity_state(hass, entity).attributes
        if ColorMode.COLOR_TEMP not in attrs[ATTR_SUPPORTED_COLOR_MODES]:
            continue
        offered.append(entity)
        low = attrs[ATTR_MIN_COLOR_TEMP_KELVIN]
        high = attrs[ATTR_MAX_COLOR_TEMP_KELVIN]
        for light in lights:
            model = light.model
            if model.bulb_class is BulbClass.DW:
                continue
            assert model.temperature_min <= low < high <= model.temperature_max, (
                f"{kind} {item_id} offers {low}-{high} K but {light.name} takes "
                f"{model.temperature_min}-{model.temperature_max} K"
            )
    assert meeting_entity in offered
    assert len(offered) >= 5

    # What a room offers, the cloud takes; a room that cannot take a white (its
    # bulbs share no range) still turns a white request into one it takes.
    for name in ("Meeting Room", "Reception", "Kitchen"):
        room = sim_room(wiz_sim, name)
        entity = entity_id(hass, LIGHT_DOMAIN, unique_id("room", room.id))
        attrs = entity_state(hass, entity).attributes
        if entity in offered:
            kelvins = [
                attrs[ATTR_MIN_COLOR_TEMP_KELVIN],
                attrs[ATTR_MAX_COLOR_TEMP_KELVIN],
            ]
        else:
            kelvins = [3000]
        for kelvin in kelvins:
            await call(
                hass, SERVICE_TURN_ON, entity, **{ATTR_COLOR_TEMP_KELVIN: kelvin}
            )
            sent = mutations(wiz_sim, "changeRoomState")[-1]
            assert sent["roomId"] == room.id
            if entity in offered:
                assert sent["state"] == {"state": True, "temperature": kelvin}
                attrs = entity_state(hass, entity).attributes
                assert attrs[ATTR_COLOR_TEMP_KELVIN] == kelvin


async def test_floor_and_building_lights(
    hass: HomeAssistant, wiz_sim: WizProSimulator, wiz_loaded: MockConfigEntry
) -> None:
    """Floor and building lights start disabled; enabled, they pilot in one go."""
    building = wiz_sim.building(DEMO_BUILDING_ID)
    ground, first = building.floors
    uids = [
        unique_id("building", DEMO_BUILDING_ID, f"floor-{ground.id}"),
        unique_id("building", DEMO_BUILDING_ID, f"floor-{first.id}"),
        unique_id("building", DEMO_BUILDING_ID),
    ]
    registry = er.async_get(hass)
    for uid in uids:
        registered = registry.async_get(entity_id(hass, LIGHT_DOMAIN, uid))
        assert registered is not None
        assert registered.disabled_by is er.RegistryEntryDisabler.INTEGRATION
        assert hass.states.get(registered.entity_id) is None

    ground_entity, first_entity, building_entity = await enable_entities(
        hass, wiz_loaded, LIGHT_DOMAIN, uids
    )
    assert entity_state(hass, ground_entity).name.endswith(ground.name)
    first_before = {light.id: dict(light.state) for light in first.lights}

    await call(hass, SERVICE_TURN_OFF, ground_entity)

    assert wiz_sim.mutations == [
        ("changeFloorState", {"floorId": ground.id, "state": {"state": False}})
    ]
    assert not any(light.is_on for light in ground.lights)
    assert {light.id: dict(light.state) for light in first.lights} == first_before
    assert state_of(hass, ground_entity) == STATE_OFF
    assert state_of(hass, first_entity) == STATE_ON
    assert state_of(hass, building_entity) == STATE_ON
    kitchen = sim_room(wiz_sim, "Kitchen")
    kitchen_entity = entity_id(hass, LIGHT_DOMAIN, unique_id("room", kitchen.id))
    assert state_of(hass, kitchen_entity) == STATE_OFF

    await call(hass, SERVICE_TURN_ON, building_entity, **{ATTR_BRIGHTNESS_PCT: 30})

    assert wiz_sim.mutations[-1] == (
        "changeBuildingState",
        {"buildingId": DEMO_BUILDING_ID, "state": {"state": True, "dimming": 30}},
    )
    assert len(wiz_sim.mutations) == 2
    assert all(
        light.is_on and light.state["dimming"] == 30
        for light in building.lights
        if light.connected
    )
    for entity in (ground_entity, first_entity, building_entity, kitchen_entity):
        state = entity_state(hass, entity)
        assert state.state == STATE_ON
        assert percent(state.attributes[ATTR_BRIGHTNESS]) == 30


async def test_offline_bulb_reports_device_offline(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """A bulb the cloud cannot reach: the user is told, and nothing changes."""
    light = sim_light(wiz_sim, "Reception Spot 2")
    entity = bulb_entity(hass, light)
    wiz_sim.set_connected(light.id, False)
    before = entity_state(hass, entity)
    cloud_before = dict(light.state)

    with pytest.raises(HomeAssistantError) as exc:
        await call(hass, SERVICE_TURN_OFF, entity)

    assert exc.value.translation_key == "device_offline"
    assert light_changes(wiz_sim) == [{"state": False}]  # asked, answered false
    assert light.state == cloud_before
    assert entity_state(hass, entity).as_dict() == before.as_dict()


async def test_effect_off_throttled_part_way_says_throttled(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """Throttling concerns the account: it is not passed off as a few bulbs failing."""
    lounge = sim_room(wiz_sim, "Lounge")
    room = entity_id(hass, LIGHT_DOMAIN, unique_id("room", lounge.id))
    wiz_sim.clear_requests()
    wiz_sim.faults.add("rate_limit", path=GRAPHQL, retry_after=30)

    with pytest.raises(HomeAssistantError) as exc:
        await call(hass, SERVICE_TURN_ON, room, effect="off")

    assert exc.value.translation_key == "rate_limited"
    # The other bulbs' mutations went through; only the throttled one did not.
    assert wiz_sim.mutations


async def test_effect_off_with_an_offline_bulb_names_it(
    hass: HomeAssistant, wiz_sim: WizProSimulator, wiz_loaded: MockConfigEntry
) -> None:
    """A room's modes stop where they can; the error names the bulb that could not."""
    corridor = sim_room(wiz_sim, "Corridor")  # five DW bulbs, the fifth offline
    for light in corridor.lights[:3]:
        assert wiz_sim.change_light_locally(light.id, sceneId=14)  # Night light
    await poll_now(hass, wiz_loaded)
    room = entity_id(hass, LIGHT_DOMAIN, unique_id("room", corridor.id))

    with pytest.raises(HomeAssistantError) as exc:
        await call(hass, SERVICE_TURN_ON, room, effect="off")

    assert exc.value.translation_key == "partial_failure"
    assert exc.value.translation_placeholders == {"devices": "Corridor 5"}
    for light in corridor.lights[:4]:
        assert light.is_on, light.name
        assert light.state["sceneId"] == 0, light.name
        attrs = entity_state(hass, bulb_entity(hass, light)).attributes
        assert attrs[ATTR_EFFECT] == "off", light.name
    assert not corridor.lights[4].is_on


async def test_cloud_failure_during_a_command(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """A cloud that fails or throttles: a translated error, the light as it was."""
    light = sim_light(wiz_sim, "Reception Spot 1")
    entity = bulb_entity(hass, light)
    before = entity_state(hass, entity)
    cloud_before = dict(light.state)
    faults: list[tuple[dict[str, Any], str]] = [
        ({"kind": "server_error", "status": 500}, "cloud_unavailable"),
        ({"kind": "server_error", "status": 503}, "cloud_unavailable"),
        ({"kind": "disconnect"}, "cloud_unavailable"),
        ({"kind": "rate_limit", "retry_after": 30}, "rate_limited"),
        ({"kind": "rate_limit", "retry_after": None}, "rate_limited"),
    ]
    for fault, translation_key in faults:
        wiz_sim.faults.add(path=GRAPHQL, **fault)

        with pytest.raises(HomeAssistantError) as exc:
            await call(hass, SERVICE_TURN_OFF, entity)

        assert exc.value.translation_key == translation_key, fault
        assert entity_state(hass, entity).as_dict() == before.as_dict()
        assert light.state == cloud_before
        assert wiz_sim.mutations == []

    # The cloud is back: the same command goes through.
    await call(hass, SERVICE_TURN_OFF, entity)
    assert light_changes(wiz_sim) == [{"state": False}]
    assert state_of(hass, entity) == STATE_OFF


async def test_unloading_during_a_command_ends_it_with_an_error(
    hass: HomeAssistant, wiz_sim: WizProSimulator, wiz_loaded: MockConfigEntry
) -> None:
    """The entry unloads while WiZ Pro has not answered: a readable error, no task."""
    room = sim_room(wiz_sim, "Kitchen")
    entity = entity_id(hass, LIGHT_DOMAIN, unique_id("room", room.id))
    wiz_sim.faults.add("latency", seconds=30, count=None, path=GRAPHQL)
    asked = len(wiz_sim.requests)
    command = hass.async_create_task(call(hass, SERVICE_TURN_OFF, entity))
    await until(lambda: len(wiz_sim.requests) > asked, "the command sent")

    assert await hass.config_entries.async_unload(wiz_loaded.entry_id)

    with pytest.raises(HomeAssistantError) as exc:
        await command
    assert exc.value.translation_key == "cloud_unavailable"
    assert "may or may not have taken the command" in str(exc.value)
    assert wiz_loaded._background_tasks == set()


async def test_reply_cut_short_reports_cloud_unavailable(
    hass: HomeAssistant, wiz_sim: WizProSimulator, wiz_loaded: MockConfigEntry
) -> None:
    """A reply cut mid-body: the user hears of it and the next poll tells the truth."""
    light = sim_light(wiz_sim, "Reception Spot 1")
    entity = bulb_entity(hass, light)
    wiz_sim.faults.add("malformed_json", path=GRAPHQL)

    with pytest.raises(HomeAssistantError) as exc:
        await call(hass, SERVICE_TURN_OFF, entity)

    assert exc.value.translation_key == "cloud_unavailable"
    assert state_of(hass, entity) == STATE_ON  # not claimed without an answer
    assert light.state["state"] is False  # the cloud did take it
    await poll_now(hass, wiz_loaded)
    assert state_of(hass, entity) == STATE_OFF


async def test_graphql_error_reports_command_rejected(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """A light removed in the WiZ app since the last poll: the cloud says so."""
    light = sim_light(wiz_sim, "Reception Spot 3")
    entity = bulb_entity(hass, light)
    wiz_sim.room_of(light.id).lights.remove(light)
    wiz_sim.reindex()
    before = entity_state(hass, entity)

    with pytest.raises(HomeAssistantError) as exc:
        await call(hass, SERVICE_TURN_OFF, entity)

    assert exc.value.translation_key == "command_rejected"
    assert "Light not found" in str(exc.value.translation_placeholders)
    assert light.is_on
    assert entity_state(hass, entity).as_dict() == before.as_dict()


async def test_revoked_sign_in_during_a_command_starts_reauth(
    hass: HomeAssistant, wiz_sim: WizProSimulator, wiz_loaded: MockConfigEntry
) -> None:
    """Tokens revoked in WiZ Pro: the command fails and reauth is offered."""
    light = sim_light(wiz_sim, "Reception Spot 1")
    entity = bulb_entity(hass, light)
    before = entity_state(hass, entity)
    wiz_sim.revoke_tokens()

    with pytest.raises(HomeAssistantError) as exc:
        await call(hass, SERVICE_TURN_OFF, entity)
    await hass.async_block_till_done()

    assert exc.value.translation_key == "auth_failed"
    flows = hass.config_entries.flow.async_progress()
    assert [
        (flow["handler"], flow["context"]["source"], flow["context"]["entry_id"])
        for flow in flows
    ] == [(wiz_loaded.domain, SOURCE_REAUTH, wiz_loaded.entry_id)]
    assert wiz_sim.mutations == []
    assert light.is_on
    assert entity_state(hass, entity).as_dict() == before.as_dict()
