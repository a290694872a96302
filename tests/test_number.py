"""Numbers: a bulb's light-mode speed and a dual-zone bulb's ratio."""

from datetime import timedelta

import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from homeassistant.components.number import (
    ATTR_MAX,
    ATTR_MIN,
    ATTR_STEP,
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_UNIT_OF_MEASUREMENT,
    PERCENTAGE,
    EntityCategory,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from custom_components.cloud_bridge.const import DOMAIN
from simulator.wiz_pro import WizProSimulator
from simulator.wiz_pro_demo import DEMO_BUILDING_ID

from .helpers import entity_state, state_of
from .wiz_helpers import bulb_entity, mutations, sim_light, unique_id

pytestmark = pytest.mark.usefixtures("wiz_loaded")


async def set_value(hass: HomeAssistant, entity: str, value: float) -> None:
    """Set a number and wait for it."""
    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: entity, ATTR_VALUE: value},
        blocking=True,
    )


async def test_speed_on_every_bulb_ratio_on_dual_zone_only(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """Every bulb has a speed (all play light modes); only hasRatio ones a ratio."""
    registry = er.async_get(hass)
    lights = wiz_sim.building(DEMO_BUILDING_ID).lights
    with_ratio = 0
    for light in lights:
        speed = registry.async_get(bulb_entity(hass, light, "effect_speed"))
        assert speed is not None
        assert speed.entity_category is EntityCategory.CONFIG
        state = entity_state(hass, speed.entity_id)
        assert (state.attributes[ATTR_MIN], state.attributes[ATTR_MAX]) == (20, 200)
        assert state.attributes[ATTR_STEP] == 1
        assert float(state.state) == light.state["speed"]

        ratio_id = registry.async_get_entity_id(
            NUMBER_DOMAIN, DOMAIN, unique_id("light", light.id, "ratio")
        )
        if not light.model.has_ratio:
            assert ratio_id is None, light.name
            continue
        with_ratio += 1
        assert ratio_id is not None, light.name
        ratio = registry.async_get(ratio_id)
        assert ratio is not None
        assert ratio.entity_category is EntityCategory.CONFIG
        state = entity_state(hass, ratio_id)
        assert (state.attributes[ATTR_MIN], state.attributes[ATTR_MAX]) == (0, 100)
        assert state.attributes[ATTR_UNIT_OF_MEASUREMENT] == PERCENTAGE
        assert float(state.state) == light.state["ratio"]
    assert 0 < with_ratio < len(lights)


async def test_set_speed_and_ratio(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """Setting a number sends changeLightState with speed or ratio; polls follow."""
    lamp = sim_light(wiz_sim, "Lounge Lamp 2")  # playing Party at speed 120
    linear = sim_light(wiz_sim, "Meeting Linear 1")  # dual zone at ratio 60
    speed_entity = bulb_entity(hass, lamp, "effect_speed")
    ratio_entity = bulb_entity(hass, linear, "ratio")
    assert float(state_of(hass, speed_entity)) == 120
    assert float(state_of(hass, ratio_entity)) == 60
    polls = len(wiz_sim.queries)

    await set_value(hass, speed_entity, 150)
    await set_value(hass, ratio_entity, 30)

    assert wiz_sim.mutations == [
        (
            "changeLightState",
            {
                "floorId": wiz_sim.floor_of(lamp.id).id,
                "lightId": lamp.id,
                "provider": "WiZ",
                "mac": lamp.mac,
                "state": {"speed": 150},
            },
        ),
        (
            "changeLightState",
            {
                "floorId": wiz_sim.floor_of(linear.id).id,
                "lightId": linear.id,
                "provider": "WiZ",
                "mac": linear.mac,
                "state": {"ratio": 30},
            },
        ),
    ]
    assert (lamp.state["speed"], lamp.state["sceneId"]) == (150, 4)
    assert linear.state["ratio"] == 30
    assert float(state_of(hass, speed_entity)) == 150
    assert float(state_of(hass, ratio_entity)) == 30
    assert len(wiz_sim.queries) == polls  # shown at once, not polled

    # The range edges go out as they are.
    await set_value(hass, speed_entity, 20)
    await set_value(hass, speed_entity, 200)
    await set_value(hass, ratio_entity, 0)
    await set_value(hass, ratio_entity, 100)
    assert [args["state"] for args in mutations(wiz_sim, "changeLightState")[2:]] == [
        {"speed": 20},
        {"speed": 200},
        {"ratio": 0},
        {"ratio": 100},
    ]

    # Outside the range, Home Assistant refuses before the cloud hears of it.
    sent = len(wiz_sim.mutations)
    for entity, value in ((speed_entity, 19), (speed_entity, 201), (ratio_entity, 101)):
        with pytest.raises(ServiceValidationError):
            await set_value(hass, entity, value)
    assert len(wiz_sim.mutations) == sent

    # Changed in the WiZ app: the next 30 s poll (plus HA's sub-second jitter)
    # shows it.
    assert wiz_sim.change_light_locally(lamp.id, speed=80)
    assert wiz_sim.change_light_locally(linear.id, ratio=45)
    polls = len(wiz_sim.queries)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(wiz_sim.queries) == polls + 1
    assert float(state_of(hass, speed_entity)) == 80
    assert float(state_of(hass, ratio_entity)) == 45
