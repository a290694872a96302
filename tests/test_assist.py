"""Assist: sentences reach Cloud Bridge's entities through their areas.

A room's lights go off (WiZ Pro rooms become areas); an area's thermostat takes
a temperature and tells the room's (a Gizwits air conditioner placed in it).
"""

import pytest

from homeassistant.components import conversation
from homeassistant.components.climate import DOMAIN as CLIMATE_DOMAIN
from homeassistant.components.light import DOMAIN as LIGHT_DOMAIN
from homeassistant.const import ATTR_TEMPERATURE, STATE_OFF, STATE_ON
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
    intent,
)
from homeassistant.setup import async_setup_component

from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import LIVING_AC_DID
from simulator.wiz_pro import WizProSimulator
from simulator.wiz_pro_demo import DEMO_BUILDING_ID

from .gizwits_helpers import device_entry, entity
from .helpers import entity_state
from .wiz_helpers import bulb_entity, entity_id, sim_room, unique_id


@pytest.fixture
async def assist(hass: HomeAssistant) -> None:
    """Set up Assist as Home Assistant's own conversation tests do."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, "intent", {})
    await hass.async_block_till_done()


@pytest.mark.usefixtures("assist", "wiz_loaded")
async def test_turn_off_the_lights_in_a_room(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """One mutation turns exactly that room's bulbs off; every other bulb stays."""
    kitchen = sim_room(wiz_sim, "Kitchen")
    area = ar.async_get(hass).async_get_area_by_name("Kitchen")
    assert area is not None
    entities = er.async_get(hass)
    devices = dr.async_get(hass)
    for light in kitchen.lights:
        registered = entities.async_get(bulb_entity(hass, light))
        assert registered is not None
        assert registered.device_id is not None
        device = devices.async_get(registered.device_id)
        assert device is not None
        assert device.area_id == area.id
    assert any(light.is_on for light in kitchen.lights)
    others = {
        light.id: dict(light.state)
        for light in wiz_sim.building(DEMO_BUILDING_ID).lights
        if light not in kitchen.lights
    }
    wiz_sim.clear_requests()

    result = await conversation.async_converse(
        hass, "turn off the lights in the kitchen", None, Context(), language="en"
    )
    await hass.async_block_till_done()

    # One room mutation, not one per bulb.
    ((field, args),) = wiz_sim.mutations
    assert (field, args["roomId"], args["state"]) == (
        "changeRoomState",
        kitchen.id,
        {"state": False},
    )

    response = result.response
    assert response.response_type is intent.IntentResponseType.ACTION_DONE
    assert response.error_code is None
    assert {target.name for target in response.success_results} >= {"Kitchen"}
    assert not any(light.is_on for light in kitchen.lights)
    assert {
        light.id: dict(light.state)
        for light in wiz_sim.building(DEMO_BUILDING_ID).lights
        if light not in kitchen.lights
    } == others
    for light in kitchen.lights:
        assert hass.states.get(bulb_entity(hass, light)).state == STATE_OFF
    room_light = entity_id(hass, LIGHT_DOMAIN, unique_id("room", kitchen.id))
    assert hass.states.get(room_light).state == STATE_OFF
    reception = sim_room(wiz_sim, "Reception")
    reception_light = entity_id(hass, LIGHT_DOMAIN, unique_id("room", reception.id))
    assert hass.states.get(reception_light).state == STATE_ON


@pytest.mark.usefixtures("assist", "gizwits_loaded")
async def test_set_and_ask_the_temperature_of_an_area(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator
) -> None:
    """The living room's air conditioner takes 24 degrees and tells the room's 28."""
    area = ar.async_get(hass).async_create("Living Room")
    ac = device_entry(hass, LIVING_AC_DID)
    assert ac is not None
    dr.async_get(hass).async_update_device(ac.id, area_id=area.id)
    thermostat = entity(hass, CLIMATE_DOMAIN, LIVING_AC_DID, "climate")
    gizwits_sim.clear_requests()

    result = await conversation.async_converse(
        hass,
        "set the temperature in the living room to 24 degrees",
        None,
        Context(),
        language="en",
    )
    await hass.async_block_till_done()

    response = result.response
    assert response.response_type is intent.IntentResponseType.ACTION_DONE
    assert response.error_code is None
    assert [target.id for target in response.success_results] == [thermostat]
    assert gizwits_sim.controls == [(LIVING_AC_DID, {"set_temp": 24})]
    assert [r.path for r in gizwits_sim.requests if r.method == "POST"] == [
        f"/app/control/{LIVING_AC_DID}"
    ]
    assert gizwits_sim.attrs(LIVING_AC_DID)["set_temp"] == 24
    state = entity_state(hass, thermostat)
    assert state.attributes[ATTR_TEMPERATURE] == 24

    result = await conversation.async_converse(
        hass,
        "what is the temperature in the living room",
        None,
        Context(),
        language="en",
    )
    response = result.response
    assert response.response_type is intent.IntentResponseType.QUERY_ANSWER
    assert [match.entity_id for match in response.matched_states] == [thermostat]
    assert response.speech["plain"]["speech"].strip() == "28 degrees"
