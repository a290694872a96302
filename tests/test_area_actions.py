"""An action on an area is one request per room, whatever it asks.

The Studio holds RGBTW, TW, DW and dual-zone bulbs and two groups. Home
Assistant adapts an area action to each light entity in it (the room's, the
groups', every bulb's): a colour becomes a white for tunable-white bulbs, a
Kelvin is dropped for dimmable-white ones, a light mode a bulb lacks is asked
of it all the same. WiZ applies the room's mutation to each bulb as the bulb
can, so the room's mutation alone does what every entity was asked.
"""

from collections.abc import AsyncGenerator
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.components.light import (
    ATTR_BRIGHTNESS_PCT,
    ATTR_COLOR_MODE,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_EFFECT,
    ATTR_RGB_COLOR,
    ATTR_RGBWW_COLOR,
    DOMAIN as LIGHT_DOMAIN,
    ColorMode,
)
from homeassistant.const import (
    ATTR_AREA_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar

from simulator.wiz_pro import WizProSimulator
from simulator.wiz_pro_demo import (
    A60_RGBTW,
    FILAMENT_DW,
    GU10_TW,
    LINEAR_DUAL_ZONE_TW,
    demo_data,
)
from simulator.wiz_pro_model import (
    BulbClass,
    Group,
    Light,
    LightModel,
    Room,
    colour_state,
    mode_state,
    white_state,
)

from .helpers import entity_state
from .wiz_helpers import bulb_entity, mutations

STUDIO = "Studio"


def studio_light(number: int, model: LightModel, state: dict[str, Any]) -> Light:
    """Return one light of the Studio."""
    if model.has_ratio:
        state["ratio"] = 50
    return Light(
        id=str(29000 + number),
        name=f"Studio {model.bulb_class} {number}",
        mac=f"a8bb50f0{number:04x}",
        model=model,
        state=state,
    )


def studio() -> Room:
    """Return the Studio: two bulbs of each kind, two groups."""
    colour = [
        studio_light(1, A60_RGBTW, white_state(3000, 60)),
        studio_light(2, A60_RGBTW, colour_state((0, 80, 255), 60)),
    ]
    tunable = [
        studio_light(3, GU10_TW, white_state(4000, 60)),
        studio_light(4, GU10_TW, white_state(4000, 60)),
    ]
    dimmable = [
        studio_light(5, FILAMENT_DW, mode_state(14, 30)),
        studio_light(6, FILAMENT_DW, white_state(2700, 60, on=False)),
    ]
    dual_zone = [
        studio_light(7, LINEAR_DUAL_ZONE_TW, white_state(4000, 60)),
        studio_light(8, LINEAR_DUAL_ZONE_TW, white_state(4000, 60, on=False)),
    ]
    return Room(
        id="45399",
        name=STUDIO,
        lights=[*colour, *tunable, *dimmable, *dual_zone],
        groups=[
            Group(id="1198", name="Studio Colour", lights=[*colour, *tunable]),
            Group(id="1199", name="Studio Whites", lights=[*dimmable, *dual_zone]),
        ],
    )


@pytest.fixture
async def wiz_sim(socket_enabled: None) -> AsyncGenerator[WizProSimulator]:
    """Run the simulator with the demo office and a Studio on its first floor."""
    data = demo_data()
    data[0].floors[1].rooms.append(studio())
    sim = WizProSimulator(data, require_https_webhooks=False)
    await sim.start()
    yield sim
    await sim.stop()


@pytest.fixture
def room(wiz_sim: WizProSimulator) -> Room:
    """Return the simulated Studio."""
    return wiz_sim.room("45399")


async def act(hass: HomeAssistant, service: str, **data: Any) -> None:
    """Call a light action on the Studio's area, as Assist or an automation does."""
    area = ar.async_get(hass).async_get_area_by_name(STUDIO)
    assert area is not None
    await hass.services.async_call(
        LIGHT_DOMAIN, service, {ATTR_AREA_ID: area.id, **data}, blocking=True
    )


def lights_of(room: Room, kind: BulbClass) -> list[Light]:
    """Return the room's lights of a class."""
    return [light for light in room.lights if light.model.bulb_class is kind]


def room_mutation(state: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Return the changeRoomState the Studio should get."""
    return (
        "changeRoomState",
        {
            "floorId": "cjra8mmk7hyew06385yib4d6b",
            "roomId": "45399",
            "provider": "WiZ",
            "state": state,
        },
    )


ONE_REQUEST = {
    "off": (SERVICE_TURN_OFF, {}, {"state": False}),
    "on": (SERVICE_TURN_ON, {}, {"state": True}),
    "brightness": (
        SERVICE_TURN_ON,
        {ATTR_BRIGHTNESS_PCT: 40},
        {"state": True, "dimming": 40},
    ),
    "kelvin": (
        SERVICE_TURN_ON,
        {ATTR_COLOR_TEMP_KELVIN: 4000},
        {"state": True, "temperature": 4000},
    ),
    "effect of every class": (
        SERVICE_TURN_ON,
        {ATTR_EFFECT: "Night light"},
        {"state": True, "sceneId": 14},
    ),
    "effect of RGBTW bulbs only": (
        SERVICE_TURN_ON,
        {ATTR_EFFECT: "Ocean"},
        {"state": True, "sceneId": 1},
    ),
}


@pytest.mark.usefixtures("wiz_loaded")
@pytest.mark.parametrize(
    ("service", "data", "sent"), ONE_REQUEST.values(), ids=list(ONE_REQUEST)
)
async def test_an_area_action_is_one_request_for_its_room(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    room: Room,
    *,
    service: str,
    data: dict[str, Any],
    sent: dict[str, Any],
) -> None:
    """Off, on, brightness, Kelvin or an effect: one changeRoomState, nothing else."""
    wiz_sim.clear_requests()

    await act(hass, service, **data)

    assert wiz_sim.mutations == [room_mutation(sent)]
    for light in room.lights:
        state = entity_state(hass, bulb_entity(hass, light))
        assert state.state == (STATE_OFF if service == SERVICE_TURN_OFF else STATE_ON)
        assert light.is_on is (service == SERVICE_TURN_ON)


@pytest.mark.usefixtures("wiz_loaded")
async def test_a_colour_on_an_area_is_one_request_for_its_room(
    hass: HomeAssistant, wiz_sim: WizProSimulator, room: Room
) -> None:
    """Red on the Studio: its colour bulbs turn red, its tunable ones show a white.

    Home Assistant gives the tunable-white bulbs the white nearest the colour;
    the room's one mutation carries the colour and that white, and each bulb
    takes what it can show.
    """
    wiz_sim.clear_requests()

    await act(hass, SERVICE_TURN_ON, **{ATTR_RGB_COLOR: (255, 0, 0)})
    ((field, args),) = wiz_sim.mutations
    assert field == "changeRoomState"
    sent = args["state"]
    assert {key: sent[key] for key in ("state", "r", "g", "b", "cw", "ww")} == {
        "state": True,
        "r": 255,
        "g": 0,
        "b": 0,
        "cw": 0,
        "ww": 0,
    }
    for light in lights_of(room, BulbClass.RGBTW):
        state = hass.states.get(bulb_entity(hass, light))
        assert state.attributes[ATTR_COLOR_MODE] == ColorMode.RGBWW
        assert state.attributes[ATTR_RGBWW_COLOR] == (255, 0, 0, 0, 0)
        assert (light.state["r"], light.state["g"], light.state["b"]) == (255, 0, 0)
    for light in lights_of(room, BulbClass.TW):
        state = hass.states.get(bulb_entity(hass, light))
        assert state.attributes[ATTR_COLOR_MODE] == ColorMode.COLOR_TEMP
        assert state.attributes[ATTR_COLOR_TEMP_KELVIN] == sent["temperature"]
        assert light.state["temperature"] == sent["temperature"]
    for light in lights_of(room, BulbClass.DW):
        assert light.is_on
        assert light.state["temperature"] == FILAMENT_DW.temperature_min


@pytest.mark.usefixtures("wiz_loaded")
async def test_bulbs_that_were_asked_something_else_get_their_own_request(
    hass: HomeAssistant, wiz_sim: WizProSimulator, room: Room
) -> None:
    """2000 K: the room goes to 2700 K (its warmest), the RGBTW bulbs to 2200 K.

    The tunable bulbs that reach down to 2700 K only were asked just that; the
    RGBTW bulbs reach 2200 K and were asked it: each gets its own request,
    after the room's, and keeps it.
    """
    wiz_sim.clear_requests()

    await act(hass, SERVICE_TURN_ON, **{ATTR_COLOR_TEMP_KELVIN: 2000})

    colour = lights_of(room, BulbClass.RGBTW)
    assert wiz_sim.mutations[0] == room_mutation({"state": True, "temperature": 2700})
    assert sorted(
        args["lightId"] for args in mutations(wiz_sim, "changeLightState")
    ) == [light.id for light in colour]
    assert len(wiz_sim.mutations) == 1 + len(colour)
    for light in room.lights:
        expected = 2200 if light in colour else 2700
        assert light.state["temperature"] == expected, light.name
        if light.model.bulb_class is not BulbClass.DW:
            state = hass.states.get(bulb_entity(hass, light))
            assert state.attributes[ATTR_COLOR_TEMP_KELVIN] == expected, light.name


async def test_the_studio_is_what_its_name_says(
    hass: HomeAssistant, wiz_loaded: MockConfigEntry, room: Room
) -> None:
    """The Studio has every bulb class, a dual-zone model and two groups."""
    classes = {light.model.bulb_class for light in room.lights}
    assert classes == set(BulbClass)
    assert any(light.model.has_ratio for light in room.lights)
    assert len(room.groups) == 2
    area = ar.async_get(hass).async_get_area_by_name(STUDIO)
    assert area is not None
