"""Assist: a sentence turns a room's lights off, through the areas rooms become."""

import pytest

from homeassistant.components import conversation
from homeassistant.components.light import DOMAIN as LIGHT_DOMAIN
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
    intent,
)
from homeassistant.setup import async_setup_component

from simulator.wiz_pro import WizProSimulator
from simulator.wiz_pro_demo import DEMO_BUILDING_ID

from .wiz_helpers import bulb_entity, entity_id, sim_room, unique_id

pytestmark = pytest.mark.usefixtures("wiz_loaded")


@pytest.fixture
async def assist(hass: HomeAssistant) -> None:
    """Set up Assist as Home Assistant's own conversation tests do."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, "intent", {})
    await hass.async_block_till_done()


@pytest.mark.usefixtures("assist")
async def test_turn_off_the_lights_in_a_room(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """Exactly that room's bulbs go off; every other bulb stays as it was."""
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

    result = await conversation.async_converse(
        hass, "turn off the lights in the kitchen", None, Context(), language="en"
    )
    await hass.async_block_till_done()

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
