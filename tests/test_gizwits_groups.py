"""Gizwits groups and scenarios: one request for many devices."""

from datetime import timedelta

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from homeassistant.components.climate import HVACMode
from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_SUPPORTED_COLOR_MODES,
    DOMAIN as LIGHT_DOMAIN,
    ColorMode,
)
from homeassistant.components.scene import DOMAIN as SCENE_DOMAIN
from homeassistant.const import (
    ATTR_FRIENDLY_NAME,
    ATTR_TEMPERATURE,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from custom_components.cloud_bridge.const import DOMAIN
from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import (
    ALL_DEVICES_GROUP_ID,
    AWAY_SCENE_ID,
    CEILING_LAMP_DID,
    DEMO_UID,
    DESK_LAMP_DID,
    FLOOR_LAMP_DID,
    HOME_SCENE_ID,
    LIVING_AC_DID,
    LIVING_LIGHTS_GROUP_ID,
    TV_PLUG_DID,
)

from .gizwits_helpers import device_entry, entity, polls, posts
from .helpers import call, entity_state, poll_now, state_of

pytestmark = pytest.mark.usefixtures("gizwits_loaded")

GROUP = f"group-{LIVING_LIGHTS_GROUP_ID}"
GROUP_CONTROL = f"/app/group/{LIVING_LIGHTS_GROUP_ID}/control"


def uid(item: str, point: str) -> str:
    """Return the unique id of a point of a demo device, group or the account."""
    return f"gizwits:{DEMO_UID}:{item}:{point}"


def light_of(hass: HomeAssistant, did: str) -> str:
    """Return the entity id of a lamp's light."""
    return entity(hass, "light", did, "light")


# --- groups ---------------------------------------------------------------------


async def test_lamp_group_is_a_device_with_a_light(hass: HomeAssistant) -> None:
    """客厅灯 (two dimmable lamps) is a device with the lamp's one light."""
    device = device_entry(hass, GROUP)
    assert device is not None
    # The model is the product's name, as on its members: no English words.
    assert (device.name, device.model) == ("客厅灯", "调光灯")
    entities = er.async_entries_for_device(er.async_get(hass), device.id, True)
    assert [(e.domain, e.unique_id) for e in entities] == [
        ("light", uid(GROUP, "light"))
    ]
    group = entity_state(hass, entity(hass, "light", GROUP, "light"))
    assert group.attributes[ATTR_FRIENDLY_NAME] == "客厅灯"
    assert group.attributes[ATTR_SUPPORTED_COLOR_MODES] == [ColorMode.COLOR_TEMP]
    # The ceiling lamp is on at 80 %, 4000 K; the floor lamp is off.
    assert group.state == STATE_ON
    assert group.attributes[ATTR_BRIGHTNESS] == 204
    assert group.attributes[ATTR_COLOR_TEMP_KELVIN] == 4000


async def test_mixed_group_has_no_device(hass: HomeAssistant) -> None:
    """A group of several products cannot be controlled: no device, no entity."""
    assert device_entry(hass, f"group-{ALL_DEVICES_GROUP_ID}") is None
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    assert not [
        e
        for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if ALL_DEVICES_GROUP_ID in e.unique_id
    ]


async def test_group_light_combines_its_members(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
) -> None:
    """On when any member is; brightness the mean of the lit members."""
    group = entity(hass, "light", GROUP, "light")
    gizwits_sim.set_attr(FLOOR_LAMP_DID, "power", 1)  # at 40 %, 2700 K
    await poll_now(hass, gizwits_loaded)
    state = entity_state(hass, group)
    assert state.state == STATE_ON
    assert state.attributes[ATTR_BRIGHTNESS] == 153  # 60 %
    assert state.attributes[ATTR_COLOR_TEMP_KELVIN] == 3350

    gizwits_sim.set_attr(CEILING_LAMP_DID, "power", 0)
    await poll_now(hass, gizwits_loaded)
    state = entity_state(hass, group)
    assert state.state == STATE_ON
    assert state.attributes[ATTR_BRIGHTNESS] == 102  # the floor lamp's 40 %

    gizwits_sim.set_attr(FLOOR_LAMP_DID, "power", 0)
    await poll_now(hass, gizwits_loaded)
    assert state_of(hass, group) == STATE_OFF


async def test_group_command_is_one_request(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator
) -> None:
    """One POST to the group; both lamps show the result at once."""
    group = entity(hass, "light", GROUP, "light")
    members = [light_of(hass, did) for did in (CEILING_LAMP_DID, FLOOR_LAMP_DID)]
    gizwits_sim.clear_requests()
    await call(hass, LIGHT_DOMAIN, SERVICE_TURN_ON, group, brightness=128)

    assert posts(gizwits_sim) == [GROUP_CONTROL]
    assert gizwits_sim.controls == [
        (LIVING_LIGHTS_GROUP_ID, {"power": True, "brightness": 50})
    ]
    for did in (CEILING_LAMP_DID, FLOOR_LAMP_DID):
        assert gizwits_sim.attrs(did)["power"] == 1, did
        assert gizwits_sim.attrs(did)["brightness"] == 50, did
    assert polls(gizwits_sim) == 0
    for light in (group, *members):
        state = entity_state(hass, light)
        assert state.state == STATE_ON, light
        assert state.attributes[ATTR_BRIGHTNESS] == 128, light

    gizwits_sim.clear_requests()
    await call(hass, LIGHT_DOMAIN, SERVICE_TURN_OFF, group)
    assert posts(gizwits_sim) == [GROUP_CONTROL]
    assert gizwits_sim.controls[-1] == (LIVING_LIGHTS_GROUP_ID, {"power": False})
    for light in (group, *members):
        assert state_of(hass, light) == STATE_OFF, light


async def test_group_command_with_a_member_offline(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
) -> None:
    """The offline member is named; what the other took is shown."""
    group = entity(hass, "light", GROUP, "light")
    ceiling = light_of(hass, CEILING_LAMP_DID)
    floor = light_of(hass, FLOOR_LAMP_DID)
    gizwits_sim.set_attr(FLOOR_LAMP_DID, "power", 1)  # at 40 %
    await poll_now(hass, gizwits_loaded)
    gizwits_sim.set_online(FLOOR_LAMP_DID, False)
    with pytest.raises(HomeAssistantError) as exc:
        await call(hass, LIGHT_DOMAIN, SERVICE_TURN_ON, group, brightness=255)
    assert exc.value.translation_key == "partial_failure"
    assert exc.value.translation_placeholders == {"devices": "客厅落地灯"}

    assert gizwits_sim.controls == [
        (LIVING_LIGHTS_GROUP_ID, {"power": True, "brightness": 100})
    ]
    assert gizwits_sim.attrs(CEILING_LAMP_DID)["brightness"] == 100
    assert gizwits_sim.attrs(FLOOR_LAMP_DID)["brightness"] == 40
    assert entity_state(hass, ceiling).attributes[ATTR_BRIGHTNESS] == 255
    assert entity_state(hass, floor).attributes[ATTR_BRIGHTNESS] == 102
    assert state_of(hass, group) == STATE_ON

    await poll_now(hass, gizwits_loaded)
    assert entity_state(hass, ceiling).attributes[ATTR_BRIGHTNESS] == 255
    assert state_of(hass, floor) == STATE_UNAVAILABLE


async def test_failed_member_without_an_alias_is_named_as_shown(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
) -> None:
    """A member nobody named is called what its device is called, never ""."""
    gizwits_sim.device(FLOOR_LAMP_DID).alias = ""
    await poll_now(hass, gizwits_loaded)
    floor = device_entry(hass, FLOOR_LAMP_DID)
    assert floor is not None
    assert floor.name == "调光灯"  # the product's name

    gizwits_sim.set_online(FLOOR_LAMP_DID, False)
    with pytest.raises(HomeAssistantError) as exc:
        await call(
            hass, LIGHT_DOMAIN, SERVICE_TURN_OFF, entity(hass, "light", GROUP, "light")
        )
    assert exc.value.translation_key == "partial_failure"
    assert exc.value.translation_placeholders == {"devices": floor.name}, (
        "BUG: the failed member is not named as Home Assistant shows it"
    )


# --- scenarios ------------------------------------------------------------------


async def test_scenarios_are_scenes_of_the_account(hass: HomeAssistant) -> None:
    """Each scenario is a scene on a device named after the account."""
    account = device_entry(hass, "account")
    assert account is not None
    # No model: an English "Scenarios" would read oddly in any other language.
    assert (account.name, account.model) == ("Gizwits demo", None)
    assert account.manufacturer == "Gizwits"
    entities = er.async_entries_for_device(er.async_get(hass), account.id)
    assert sorted((e.domain, e.unique_id) for e in entities) == [
        ("scene", uid("account", f"scene-{HOME_SCENE_ID}")),
        ("scene", uid("account", f"scene-{AWAY_SCENE_ID}")),
    ]
    home = entity_state(
        hass, entity(hass, "scene", "account", f"scene-{HOME_SCENE_ID}")
    )
    assert home.attributes[ATTR_FRIENDLY_NAME] == "Gizwits demo 回家"
    away = entity_state(
        hass, entity(hass, "scene", "account", f"scene-{AWAY_SCENE_ID}")
    )
    assert away.attributes[ATTR_FRIENDLY_NAME] == "Gizwits demo 离家"


async def test_scene_runs_and_devices_catch_up(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
) -> None:
    """Running a scenario asks the cloud once; the devices it changed follow."""
    thermostat = entity(hass, "climate", LIVING_AC_DID, "climate")
    floor = light_of(hass, FLOOR_LAMP_DID)
    gizwits_sim.set_attr(LIVING_AC_DID, "mode", "制热")
    await poll_now(hass, gizwits_loaded)
    assert state_of(hass, thermostat) == HVACMode.HEAT
    assert state_of(hass, floor) == STATE_OFF

    gizwits_sim.clear_requests()
    home = entity(hass, "scene", "account", f"scene-{HOME_SCENE_ID}")
    await call(hass, SCENE_DOMAIN, SERVICE_TURN_ON, home)
    await hass.async_block_till_done()

    assert posts(gizwits_sim) == [f"/app/scene/{HOME_SCENE_ID}/task"]
    assert [run.scene_id for run in gizwits_sim.scene_runs] == [HOME_SCENE_ID]
    assert gizwits_sim.controls == []  # the cloud runs the tasks, not us
    assert state_of(hass, floor) == STATE_ON
    assert state_of(hass, thermostat) == HVACMode.COOL
    assert entity_state(hass, thermostat).attributes[ATTR_TEMPERATURE] == 24

    # Another scenario within the refresh cooldown: the debouncer holds the
    # refresh back for a few seconds, well before the next 30 s poll.
    away = entity(hass, "scene", "account", f"scene-{AWAY_SCENE_ID}")
    await call(hass, SCENE_DOMAIN, SERVICE_TURN_ON, away)
    await gizwits_sim.wait_background()
    assert [run.scene_id for run in gizwits_sim.scene_runs] == [
        HOME_SCENE_ID,
        AWAY_SCENE_ID,
    ]
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
    await hass.async_block_till_done()

    off = {
        light_of(hass, CEILING_LAMP_DID),
        floor,
        light_of(hass, DESK_LAMP_DID),
        thermostat,
        entity(hass, "switch", TV_PLUG_DID, "switch"),
    }
    for switched_off in off:
        assert state_of(hass, switched_off) == STATE_OFF, switched_off
