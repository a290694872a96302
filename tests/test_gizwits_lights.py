"""Gizwits lamps: a product that is plainly a lamp is one light."""

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_COLOR_MODE,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_MAX_COLOR_TEMP_KELVIN,
    ATTR_MIN_COLOR_TEMP_KELVIN,
    ATTR_RGB_COLOR,
    ATTR_SUPPORTED_COLOR_MODES,
    DOMAIN as LIGHT_DOMAIN,
    ColorMode,
)
from homeassistant.const import (
    ATTR_FRIENDLY_NAME,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import (
    CEILING_LAMP_DID,
    DEMO_UID,
    DESK_LAMP_DID,
    FLOOR_LAMP_DID,
    LIVING_AC_DID,
    PET_HOUSE_DID,
    did_for,
)
from simulator.gizwits_model import WRITABLE, Datapoint, Product, UintSpec

from .gizwits_helpers import add_device, points_of, posts
from .helpers import entity_state, poll_now, service_caller, state_of
from .wiz_helpers import entity_id

pytestmark = pytest.mark.usefixtures("gizwits_loaded")

# Appliances with an on/off switch and a writable number that are no lamps:
# a level is no brightness, and a set temperature no colour temperature (the
# heater is a thermostat with its level beside it).
HEATER = Product(
    "7a1c3e5b9d2f4a6c8e0b1d3f5a7c9e2b",
    "取暖器",
    [
        Datapoint(0, "power", "开关", WRITABLE, "bool"),
        Datapoint(1, "heat_level", "档位", WRITABLE, "uint8", UintSpec(1, 3)),
        Datapoint(2, "set_temp", "设定温度", WRITABLE, "uint8", UintSpec(5, 35)),
    ],
)
PUMP = Product(
    "3b5d7f9a1c2e4b6d8f0a2c4e6b8d0f1a",
    "水族泵",
    [
        Datapoint(0, "switch", "开关", WRITABLE, "bool"),
        Datapoint(1, "flow_level", "流量", WRITABLE, "uint8", UintSpec(0, 100)),
    ],
)


def light_of(hass: HomeAssistant, did: str) -> str:
    """Return the entity id of a lamp's light."""
    return entity_id(hass, LIGHT_DOMAIN, f"gizwits:{DEMO_UID}:{did}:light")


call = service_caller(LIGHT_DOMAIN)


async def test_dimmable_lamp_is_one_light(hass: HomeAssistant) -> None:
    """Switch, brightness and colour temperature: one light, nothing else."""
    for did in (CEILING_LAMP_DID, FLOOR_LAMP_DID):
        assert points_of(hass, did) == {"light": "light"}, did
    ceiling = entity_state(hass, light_of(hass, CEILING_LAMP_DID))
    attrs = ceiling.attributes
    assert ceiling.state == STATE_ON
    assert attrs[ATTR_FRIENDLY_NAME] == "客厅吸顶灯"
    assert attrs[ATTR_SUPPORTED_COLOR_MODES] == [ColorMode.COLOR_TEMP]
    assert attrs[ATTR_COLOR_MODE] == ColorMode.COLOR_TEMP
    assert (attrs[ATTR_MIN_COLOR_TEMP_KELVIN], attrs[ATTR_MAX_COLOR_TEMP_KELVIN]) == (
        2700,
        6500,
    )
    assert attrs[ATTR_BRIGHTNESS] == 204  # 80 of 0-100
    assert attrs[ATTR_COLOR_TEMP_KELVIN] == 4000
    assert state_of(hass, light_of(hass, FLOOR_LAMP_DID)) == STATE_OFF


async def test_colour_lamp_is_one_light(hass: HomeAssistant) -> None:
    """Switch, brightness and R, G, B: one light in rgb mode."""
    assert points_of(hass, DESK_LAMP_DID) == {"light": "light"}
    desk = entity_state(hass, light_of(hass, DESK_LAMP_DID))
    assert desk.state == STATE_ON
    assert desk.attributes[ATTR_SUPPORTED_COLOR_MODES] == [ColorMode.RGB]
    assert desk.attributes[ATTR_COLOR_MODE] == ColorMode.RGB
    assert desk.attributes[ATTR_RGB_COLOR] == (255, 120, 0)
    assert desk.attributes[ATTR_BRIGHTNESS] == 200  # 1-255 natively


async def test_appliances_are_no_lamps(hass: HomeAssistant) -> None:
    """The pet house (one switch) keeps its own entities; the AC is a thermostat."""
    pet = points_of(hass, PET_HOUSE_DID)
    assert "light" not in pet
    assert pet["LED_OnOff"] == "switch"
    ac = points_of(hass, LIVING_AC_DID)
    assert "light" not in ac
    assert ac["climate"] == "climate"


@pytest.mark.parametrize(
    ("product", "readings", "expected"),
    [
        pytest.param(
            HEATER,
            {"power": True, "heat_level": 2, "set_temp": 22},
            {"climate": "climate", "heat_level": "number"},
            id="heater",
        ),
        pytest.param(
            PUMP,
            {"switch": True, "flow_level": 60},
            {"switch": "switch", "flow_level": "number"},
            id="aquarium pump",
        ),
    ],
)
async def test_levels_and_set_temperatures_are_no_lamp(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    *,
    product: Product,
    readings: dict[str, Any],
    expected: dict[str, str],
) -> None:
    """A heater or a pump keeps its level or flow number; no light appears."""
    did = did_for(product.name)
    add_device(gizwits_sim, product, did, "accf2350d701", **readings)
    await poll_now(hass, gizwits_loaded)

    # No datapoint is folded into a light.
    assert points_of(hass, did) == expected
    for name, value in readings.items():
        if name not in expected:
            continue  # the heater's thermostat stands for it
        unique_id = f"gizwits:{DEMO_UID}:{did}:{name}"
        state = entity_state(hass, entity_id(hass, expected[name], unique_id))
        if value is True:
            assert state.state == STATE_ON
        else:
            assert float(state.state) == value


@pytest.mark.parametrize(
    ("brightness", "sent", "shown"),
    [(1, 1, 3), (128, 50, 128), (255, 100, 255)],
)
async def test_brightness_maps_into_the_datapoint_range(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    brightness: int,
    sent: int,
    shown: int,
) -> None:
    """1-255 lands in 1-100, never 0 and never above; one request with the switch."""
    floor = light_of(hass, FLOOR_LAMP_DID)
    gizwits_sim.clear_requests()
    await call(hass, SERVICE_TURN_ON, floor, brightness=brightness)

    assert gizwits_sim.controls == [
        (FLOOR_LAMP_DID, {"power": True, "brightness": sent})
    ]
    assert posts(gizwits_sim) == [f"/app/control/{FLOOR_LAMP_DID}"]
    assert gizwits_sim.attrs(FLOOR_LAMP_DID)["brightness"] == sent
    state = entity_state(hass, floor)
    assert state.state == STATE_ON
    assert state.attributes[ATTR_BRIGHTNESS] == shown


@pytest.mark.parametrize(
    ("kelvin", "sent"), [(2700, 2700), (6500, 6500), (2000, 2700), (9000, 6500)]
)
async def test_colour_temperature_at_both_ends(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    kelvin: int,
    sent: int,
) -> None:
    """Kelvin goes as it is, within the datapoint's 2700-6500 K."""
    ceiling = light_of(hass, CEILING_LAMP_DID)
    await call(hass, SERVICE_TURN_ON, ceiling, color_temp_kelvin=kelvin)

    assert gizwits_sim.controls == [
        (CEILING_LAMP_DID, {"power": True, "color_temp": sent})
    ]
    assert gizwits_sim.attrs(CEILING_LAMP_DID)["color_temp"] == sent
    assert entity_state(hass, ceiling).attributes[ATTR_COLOR_TEMP_KELVIN] == sent
    await poll_now(hass, gizwits_loaded)
    state = entity_state(hass, ceiling)
    assert state.attributes[ATTR_COLOR_TEMP_KELVIN] == sent
    assert state.attributes[ATTR_COLOR_MODE] == ColorMode.COLOR_TEMP


async def test_one_request_for_everything_a_command_asks(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator
) -> None:
    """Brightness and colour temperature go together with the switch."""
    floor = light_of(hass, FLOOR_LAMP_DID)
    gizwits_sim.clear_requests()
    await call(hass, SERVICE_TURN_ON, floor, brightness=102, color_temp_kelvin=5000)

    assert gizwits_sim.controls == [
        (FLOOR_LAMP_DID, {"power": True, "brightness": 40, "color_temp": 5000})
    ]
    assert posts(gizwits_sim) == [f"/app/control/{FLOOR_LAMP_DID}"]
    state = entity_state(hass, floor)
    assert state.state == STATE_ON
    assert state.attributes[ATTR_BRIGHTNESS] == 102
    assert state.attributes[ATTR_COLOR_TEMP_KELVIN] == 5000


async def test_colour_goes_as_red_green_blue(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
) -> None:
    """rgb_color sets R, G and B with the switch and brightness, in one request."""
    desk = light_of(hass, DESK_LAMP_DID)
    gizwits_sim.clear_requests()
    await call(hass, SERVICE_TURN_ON, desk, rgb_color=(10, 20, 30), brightness=1)

    assert gizwits_sim.controls == [
        (
            DESK_LAMP_DID,
            {"switch": True, "brightness": 1, "R": 10, "G": 20, "B": 30},
        )
    ]
    assert posts(gizwits_sim) == [f"/app/control/{DESK_LAMP_DID}"]
    shown = entity_state(hass, desk)
    assert shown.attributes[ATTR_RGB_COLOR] == (10, 20, 30)
    assert shown.attributes[ATTR_BRIGHTNESS] == 1
    await poll_now(hass, gizwits_loaded)
    polled = entity_state(hass, desk)
    assert polled.attributes[ATTR_RGB_COLOR] == (10, 20, 30)
    assert polled.attributes[ATTR_BRIGHTNESS] == 1


async def test_turn_off_sends_only_the_switch(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator
) -> None:
    """Turning a lamp off leaves its brightness and colour as they are."""
    await call(hass, SERVICE_TURN_OFF, light_of(hass, DESK_LAMP_DID))
    await call(hass, SERVICE_TURN_OFF, light_of(hass, CEILING_LAMP_DID))

    assert gizwits_sim.controls == [
        (DESK_LAMP_DID, {"switch": False}),
        (CEILING_LAMP_DID, {"power": False}),
    ]
    assert state_of(hass, light_of(hass, DESK_LAMP_DID)) == STATE_OFF
    assert state_of(hass, light_of(hass, CEILING_LAMP_DID)) == STATE_OFF
    assert gizwits_sim.attrs(DESK_LAMP_DID)["R"] == 255


async def test_lamp_changed_in_the_app_shows_after_a_poll(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
) -> None:
    """What the lamp reports is what the light shows."""
    gizwits_sim.set_attr(FLOOR_LAMP_DID, "power", 1)
    gizwits_sim.set_attr(FLOOR_LAMP_DID, "brightness", 100)
    gizwits_sim.set_attr(FLOOR_LAMP_DID, "color_temp", 6500)
    await poll_now(hass, gizwits_loaded)

    floor = entity_state(hass, light_of(hass, FLOOR_LAMP_DID))
    assert floor.state == STATE_ON
    assert floor.attributes[ATTR_BRIGHTNESS] == 255
    assert floor.attributes[ATTR_COLOR_TEMP_KELVIN] == 6500


async def test_offline_lamp_refuses(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator
) -> None:
    """A lamp gone offline since the last poll: device_offline, then unavailable."""
    gizwits_sim.set_online(DESK_LAMP_DID, False)
    with pytest.raises(HomeAssistantError) as exc:
        await call(hass, SERVICE_TURN_OFF, light_of(hass, DESK_LAMP_DID))
    assert exc.value.translation_key == "device_offline"
    assert gizwits_sim.controls == []
    assert state_of(hass, light_of(hass, DESK_LAMP_DID)) == STATE_UNAVAILABLE


@pytest.mark.parametrize(
    ("brightness", "sent"), [(1, 1), (32, 32), (128, 128), (254, 254), (255, 255)]
)
async def test_a_full_range_lamp_takes_home_assistant_brightness_as_it_is(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, brightness: int, sent: int
) -> None:
    """A brightness datapoint of 1-255 is Home Assistant's own scale: no rounding."""
    desk = light_of(hass, DESK_LAMP_DID)
    await call(hass, SERVICE_TURN_ON, desk, brightness=brightness)
    assert gizwits_sim.controls[-1] == (
        DESK_LAMP_DID,
        {"switch": True, "brightness": sent},
    )
    assert entity_state(hass, desk).attributes[ATTR_BRIGHTNESS] == brightness
