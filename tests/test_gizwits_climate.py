"""Gizwits thermostats: an air conditioner or a heater is one climate entity."""

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.components.climate import (
    ATTR_CURRENT_TEMPERATURE,
    ATTR_FAN_MODE,
    ATTR_FAN_MODES,
    ATTR_HVAC_MODE,
    ATTR_HVAC_MODES,
    ATTR_MAX_TEMP,
    ATTR_MIN_TEMP,
    ATTR_PRESET_MODE,
    ATTR_PRESET_MODES,
    ATTR_SWING_MODE,
    ATTR_SWING_MODES,
    ATTR_TARGET_TEMP_STEP,
    DOMAIN as CLIMATE_DOMAIN,
    SERVICE_SET_FAN_MODE,
    SERVICE_SET_HVAC_MODE,
    SERVICE_SET_PRESET_MODE,
    SERVICE_SET_SWING_MODE,
    SERVICE_SET_TEMPERATURE,
    ClimateEntityFeature,
    HVACMode,
)
from homeassistant.const import (
    ATTR_FRIENDLY_NAME,
    ATTR_SUPPORTED_FEATURES,
    ATTR_TEMPERATURE,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er

from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import (
    AIR_CONDITIONER,
    BEDROOM_AC_DID,
    DEMO_UID,
    LIVING_AC_DID,
    STUDY_HEATER_DID,
    did_for,
)
from simulator.gizwits_model import (
    READONLY,
    WRITABLE,
    Datapoint,
    Group,
    Product,
    UintSpec,
)

from .gizwits_helpers import add_device, assert_command, posts
from .helpers import SetupEntry, entity_state, poll_now, service_caller, state_of
from .wiz_helpers import entity_id

AC_GROUP_ID = "65e2e1a0c3b5d7001a2f4c09"
# A water heater: the rule makes it a thermostat that heats (see the README).
WATER_HEATER = Product(
    "9c1e3a5b7d2f4c6e8a0b1d3f5e7a9c2b",
    "燃气热水器",
    [
        Datapoint(0, "power", "电源", WRITABLE, "bool"),
        Datapoint(1, "set_water_temp", "设定水温", WRITABLE, "uint8", UintSpec(35, 75)),
        Datapoint(2, "water_temp", "出水温度", READONLY, "uint8", UintSpec(0, 100)),
        Datapoint(3, "outdoor_temp", "室外温度", READONLY, "uint8", UintSpec(0, 100)),
    ],
)
WATER_HEATER_DID = did_for("water heater")
# An English AC whose swing is an enum and whose modes include a preset.
SPLIT_AC = Product(
    "2d4f6a8c0e1b3d5f7a9c1e3b5d7f9a0c",
    "Split AC",
    [
        Datapoint(0, "power", "Power", WRITABLE, "bool"),
        Datapoint(
            1,
            "mode",
            "Mode",
            WRITABLE,
            "enum",
            enum=("Cool", "Heat", "Dry", "Fan", "Sleep"),
        ),
        Datapoint(
            2,
            "swing",
            "Swing",
            WRITABLE,
            "enum",
            enum=("Off", "Vertical", "Horizontal", "3D"),
        ),
        Datapoint(
            3,
            "target_temp",
            "Target temperature",
            WRITABLE,
            "uint8",
            UintSpec(32, 60, 0.5),
        ),
    ],
)
SPLIT_AC_DID = did_for("split ac")


def thermostat_of(hass: HomeAssistant, item: str) -> str:
    """Return the entity id of a device's (or group's) thermostat."""
    return entity_id(hass, CLIMATE_DOMAIN, f"gizwits:{DEMO_UID}:{item}:climate")


call = service_caller(CLIMATE_DOMAIN)


# --- what the thermostats show ----------------------------------------------------


@pytest.mark.usefixtures("gizwits_loaded")
async def test_air_conditioner_is_one_thermostat(hass: HomeAssistant) -> None:
    """Modes, target, room temperature, fan speeds and swing, in one entity."""
    state = entity_state(hass, thermostat_of(hass, LIVING_AC_DID))
    attrs = state.attributes
    assert state.state == HVACMode.COOL
    assert attrs[ATTR_FRIENDLY_NAME] == "客厅空调"
    assert attrs[ATTR_HVAC_MODES] == ["off", "auto", "cool", "heat", "fan_only", "dry"]
    assert (attrs[ATTR_MIN_TEMP], attrs[ATTR_MAX_TEMP]) == (16, 30)
    assert attrs[ATTR_TARGET_TEMP_STEP] == 1
    assert (attrs[ATTR_TEMPERATURE], attrs[ATTR_CURRENT_TEMPERATURE]) == (26, 28)
    assert attrs[ATTR_FAN_MODES] == ["low", "medium", "high", "auto"]
    assert attrs[ATTR_FAN_MODE] == "auto"
    assert (attrs[ATTR_SWING_MODES], attrs[ATTR_SWING_MODE]) == (["off", "on"], "off")
    assert ATTR_PRESET_MODES not in attrs
    assert attrs[ATTR_SUPPORTED_FEATURES] == (
        ClimateEntityFeature.TARGET_TEMPERATURE
        | ClimateEntityFeature.TURN_ON
        | ClimateEntityFeature.TURN_OFF
        | ClimateEntityFeature.FAN_MODE
        | ClimateEntityFeature.SWING_MODE
    )
    registered = er.async_get(hass).async_get(thermostat_of(hass, LIVING_AC_DID))
    assert registered is not None
    assert registered.translation_key == "appliance"
    # Offline from the start: its thermostat is there, unavailable.
    bedroom = entity_state(hass, thermostat_of(hass, BEDROOM_AC_DID))
    assert bedroom.state == STATE_UNAVAILABLE


@pytest.mark.usefixtures("gizwits_loaded")
async def test_heater_heats_in_its_presets(hass: HomeAssistant) -> None:
    """电暖器: off or heat, with 舒适, 节能 and 防冻 as presets; half degrees."""
    state = entity_state(hass, thermostat_of(hass, STUDY_HEATER_DID))
    attrs = state.attributes
    assert state.state == HVACMode.HEAT
    assert attrs[ATTR_HVAC_MODES] == ["off", "heat"]
    assert attrs[ATTR_PRESET_MODES] == ["comfort", "eco", "frost_protection"]
    assert attrs[ATTR_PRESET_MODE] == "comfort"
    assert (attrs[ATTR_MIN_TEMP], attrs[ATTR_MAX_TEMP]) == (5, 35)
    assert attrs[ATTR_TARGET_TEMP_STEP] == 0.5
    assert (attrs[ATTR_TEMPERATURE], attrs[ATTR_CURRENT_TEMPERATURE]) == (21.5, 18.6)
    assert ATTR_FAN_MODES not in attrs
    assert ATTR_SWING_MODES not in attrs
    # Its child lock and overheat alarm keep their own entities.
    registry = er.async_get(hass)
    prefix = f"gizwits:{DEMO_UID}:{STUDY_HEATER_DID}:"
    assert registry.async_get_entity_id("switch", "cloud_bridge", f"{prefix}child_lock")
    assert registry.async_get_entity_id(
        "binary_sensor", "cloud_bridge", f"{prefix}alert_overheat"
    )
    assert not registry.async_get_entity_id("switch", "cloud_bridge", f"{prefix}switch")


# --- commands: one request each, checked on the device --------------------------


@pytest.mark.parametrize(
    ("service", "data", "sent", "device", "shown"),
    [
        pytest.param(
            SERVICE_TURN_OFF, {}, {"switch": False}, {"switch": 0}, {}, id="turn off"
        ),
        pytest.param(
            SERVICE_SET_HVAC_MODE,
            {ATTR_HVAC_MODE: HVACMode.OFF},
            {"switch": False},
            {"switch": 0, "mode": "制冷"},
            {},
            id="mode off",
        ),
        pytest.param(
            SERVICE_SET_HVAC_MODE,
            {ATTR_HVAC_MODE: HVACMode.HEAT},
            {"switch": True, "mode": 2},
            {"switch": 1, "mode": "制热"},
            {},
            id="mode heat",
        ),
        pytest.param(
            SERVICE_SET_TEMPERATURE,
            {ATTR_TEMPERATURE: 24},
            {"set_temp": 24},
            {"set_temp": 24},
            {ATTR_TEMPERATURE: 24},
            id="temperature",
        ),
        pytest.param(
            SERVICE_SET_TEMPERATURE,
            {ATTR_TEMPERATURE: 22, ATTR_HVAC_MODE: HVACMode.DRY},
            {"switch": True, "mode": 4, "set_temp": 22},
            {"switch": 1, "mode": "除湿", "set_temp": 22},
            {ATTR_TEMPERATURE: 22},
            id="temperature and mode",
        ),
        pytest.param(
            SERVICE_SET_FAN_MODE,
            {ATTR_FAN_MODE: "low"},
            {"fan_speed": 0},
            {"fan_speed": "低风"},
            {ATTR_FAN_MODE: "low"},
            id="fan mode",
        ),
        pytest.param(
            SERVICE_SET_SWING_MODE,
            {ATTR_SWING_MODE: "on"},
            {"fan_swing": True},
            {"fan_swing": 1},
            {ATTR_SWING_MODE: "on"},
            id="swing",
        ),
    ],
)
async def test_air_conditioner_commands(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    *,
    service: str,
    data: dict[str, Any],
    sent: dict[str, Any],
    device: dict[str, Any],
    shown: dict[str, Any],
) -> None:
    """Each command is one control request; the device and the entity agree."""
    expected_state = (
        HVACMode(data.get(ATTR_HVAC_MODE, HVACMode.COOL))
        if service != SERVICE_TURN_OFF
        else HVACMode.OFF
    )
    await assert_command(
        hass,
        gizwits_sim,
        gizwits_loaded,
        call=call,
        service=service,
        entity_id=thermostat_of(hass, LIVING_AC_DID),
        data=data,
        did=LIVING_AC_DID,
        sent=sent,
        device=device,
        state=expected_state,
        shown=shown,
    )


async def test_turn_on_keeps_the_mode(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
) -> None:
    """Switched off in the app, turned on here: the switch alone, in its mode."""
    ac = thermostat_of(hass, LIVING_AC_DID)
    gizwits_sim.set_attr(LIVING_AC_DID, "switch", 0)
    gizwits_sim.set_attr(LIVING_AC_DID, "mode", "送风")
    await poll_now(hass, gizwits_loaded)
    assert state_of(hass, ac) == STATE_OFF

    await call(hass, SERVICE_TURN_ON, ac)
    assert gizwits_sim.controls == [(LIVING_AC_DID, {"switch": True})]
    assert gizwits_sim.attrs(LIVING_AC_DID)["switch"] == 1
    assert state_of(hass, ac) == HVACMode.FAN_ONLY


async def test_preset_turns_the_heater_on(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
) -> None:
    """Off, then 节能 (eco): one request turns it on in that mode."""
    heater = thermostat_of(hass, STUDY_HEATER_DID)
    await call(hass, SERVICE_SET_HVAC_MODE, heater, **{ATTR_HVAC_MODE: HVACMode.OFF})
    gizwits_sim.controls.clear()
    await call(hass, SERVICE_SET_PRESET_MODE, heater, **{ATTR_PRESET_MODE: "eco"})

    assert gizwits_sim.controls == [(STUDY_HEATER_DID, {"switch": True, "mode": 1})]
    assert gizwits_sim.attrs(STUDY_HEATER_DID)["mode"] == "节能"
    await poll_now(hass, gizwits_loaded)
    state = entity_state(hass, heater)
    assert (state.state, state.attributes[ATTR_PRESET_MODE]) == (HVACMode.HEAT, "eco")

    await call(hass, SERVICE_SET_TEMPERATURE, heater, **{ATTR_TEMPERATURE: 19.3})
    assert gizwits_sim.controls[-1] == (STUDY_HEATER_DID, {"set_temp": 19.5})
    assert entity_state(hass, heater).attributes[ATTR_TEMPERATURE] == 19.5


@pytest.mark.usefixtures("gizwits_loaded")
async def test_what_home_assistant_refuses_never_leaves(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator
) -> None:
    """A mode, preset or target the thermostat does not offer: no request."""
    ac = thermostat_of(hass, LIVING_AC_DID)
    heater = thermostat_of(hass, STUDY_HEATER_DID)
    for service, entity, data in (
        (SERVICE_SET_HVAC_MODE, ac, {ATTR_HVAC_MODE: HVACMode.HEAT_COOL}),
        (SERVICE_SET_HVAC_MODE, heater, {ATTR_HVAC_MODE: HVACMode.COOL}),
        (SERVICE_SET_TEMPERATURE, ac, {ATTR_TEMPERATURE: 31}),
        (SERVICE_SET_FAN_MODE, ac, {ATTR_FAN_MODE: "低风"}),
        (SERVICE_SET_PRESET_MODE, heater, {ATTR_PRESET_MODE: "away"}),
    ):
        with pytest.raises(ServiceValidationError):
            await call(hass, service, entity, **data)
    assert gizwits_sim.controls == []


@pytest.mark.usefixtures("gizwits_loaded")
async def test_offline_heater_refuses(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator
) -> None:
    """A heater gone offline since the last poll: device_offline, then unavailable."""
    heater = thermostat_of(hass, STUDY_HEATER_DID)
    gizwits_sim.set_online(STUDY_HEATER_DID, False)
    with pytest.raises(HomeAssistantError) as exc:
        await call(hass, SERVICE_SET_TEMPERATURE, heater, **{ATTR_TEMPERATURE: 20})
    assert exc.value.translation_key == "device_offline"
    assert gizwits_sim.controls == []
    assert state_of(hass, heater) == STATE_UNAVAILABLE


# --- other products ---------------------------------------------------------------


async def test_water_heater_is_a_thermostat_that_heats(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_entry: MockConfigEntry,
    setup_entry: SetupEntry,
) -> None:
    """燃气热水器: heat, its outlet temperature; the outdoor one stays a sensor."""
    add_device(
        gizwits_sim,
        WATER_HEATER,
        WATER_HEATER_DID,
        "accf2350d9a1",
        power=True,
        set_water_temp=50,
        water_temp=48,
        outdoor_temp=12,
    )
    await setup_entry(gizwits_entry)
    heater = thermostat_of(hass, WATER_HEATER_DID)
    state = entity_state(hass, heater)
    assert state.state == HVACMode.HEAT
    assert state.attributes[ATTR_HVAC_MODES] == ["off", "heat"]
    assert (state.attributes[ATTR_MIN_TEMP], state.attributes[ATTR_MAX_TEMP]) == (
        35,
        75,
    )
    assert state.attributes[ATTR_CURRENT_TEMPERATURE] == 48
    outdoor = entity_id(
        hass, "sensor", f"gizwits:{DEMO_UID}:{WATER_HEATER_DID}:outdoor_temp"
    )
    assert state_of(hass, outdoor) == "12"

    await call(hass, SERVICE_SET_TEMPERATURE, heater, **{ATTR_TEMPERATURE: 60})
    await call(hass, SERVICE_TURN_OFF, heater)
    await call(hass, SERVICE_SET_HVAC_MODE, heater, **{ATTR_HVAC_MODE: HVACMode.HEAT})
    assert gizwits_sim.controls == [
        (WATER_HEATER_DID, {"set_water_temp": 60}),
        (WATER_HEATER_DID, {"power": False}),
        (WATER_HEATER_DID, {"power": True}),
    ]
    assert gizwits_sim.attrs(WATER_HEATER_DID)["set_water_temp"] == 60
    assert state_of(hass, heater) == HVACMode.HEAT


async def test_english_ac_with_a_swing_enum_and_a_preset(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_entry: MockConfigEntry,
    setup_entry: SetupEntry,
) -> None:
    """Swing labels become Home Assistant's; Sleep is a preset; half degrees."""
    add_device(
        gizwits_sim,
        SPLIT_AC,
        SPLIT_AC_DID,
        "accf2350d9a2",
        power=True,
        mode="Sleep",
        swing="Vertical",
        target_temp=23.5,
    )
    await setup_entry(gizwits_entry)
    ac = thermostat_of(hass, SPLIT_AC_DID)
    state = entity_state(hass, ac)
    # Sleeping, it says nothing of whether it cools or heats.
    assert state.state == STATE_UNKNOWN
    assert state.attributes[ATTR_PRESET_MODE] == "sleep"
    assert state.attributes[ATTR_HVAC_MODES] == [
        "off",
        "cool",
        "heat",
        "dry",
        "fan_only",
    ]
    assert state.attributes[ATTR_SWING_MODES] == [
        "off",
        "vertical",
        "horizontal",
        "both",
    ]
    assert state.attributes[ATTR_SWING_MODE] == "vertical"
    assert state.attributes[ATTR_TEMPERATURE] == 23.5

    await call(hass, SERVICE_SET_SWING_MODE, ac, **{ATTR_SWING_MODE: "both"})
    await call(hass, SERVICE_SET_HVAC_MODE, ac, **{ATTR_HVAC_MODE: HVACMode.COOL})
    assert gizwits_sim.controls == [
        (SPLIT_AC_DID, {"swing": 3}),
        (SPLIT_AC_DID, {"power": True, "mode": 0}),
    ]
    assert gizwits_sim.attrs(SPLIT_AC_DID)["swing"] == "3D"
    state = entity_state(hass, ac)
    assert state.state == HVACMode.COOL
    assert state.attributes[ATTR_PRESET_MODE] is None
    assert state.attributes[ATTR_SWING_MODE] == "both"


# --- a group of air conditioners ------------------------------------------------


@pytest.fixture
async def ac_group(
    gizwits_sim: GizwitsSimulator,
    gizwits_entry: MockConfigEntry,
    setup_entry: SetupEntry,
) -> MockConfigEntry:
    """Group both air conditioners in the app, then set the entry up."""
    gizwits_sim.user().groups.append(
        Group(
            AC_GROUP_ID,
            "全部空调",
            AIR_CONDITIONER.product_key,
            [LIVING_AC_DID, BEDROOM_AC_DID],
        )
    )
    return await setup_entry(gizwits_entry)


async def test_group_of_air_conditioners_is_one_thermostat(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    ac_group: MockConfigEntry,
) -> None:
    """One thermostat on the group's device; a command goes to the group once."""
    group = thermostat_of(hass, f"group-{AC_GROUP_ID}")
    state = entity_state(hass, group)
    assert state.attributes[ATTR_FRIENDLY_NAME] == "全部空调"
    # Only the living-room AC is online: the group shows it.
    assert state.state == HVACMode.COOL
    assert state.attributes[ATTR_TEMPERATURE] == 26
    assert state.attributes[ATTR_CURRENT_TEMPERATURE] == 28

    # The bedroom AC is offline: the living room takes it, the user hears who not.
    gizwits_sim.clear_requests()
    with pytest.raises(HomeAssistantError) as exc:
        await call(hass, SERVICE_SET_TEMPERATURE, group, **{ATTR_TEMPERATURE: 25})
    assert exc.value.translation_key == "partial_failure"
    assert exc.value.translation_placeholders == {"devices": "卧室空调"}
    assert posts(gizwits_sim) == [f"/app/group/{AC_GROUP_ID}/control"]
    assert gizwits_sim.controls == [(AC_GROUP_ID, {"set_temp": 25})]
    assert gizwits_sim.attrs(LIVING_AC_DID)["set_temp"] == 25
    assert entity_state(hass, group).attributes[ATTR_TEMPERATURE] == 25
    living = entity_state(hass, thermostat_of(hass, LIVING_AC_DID))
    assert living.attributes[ATTR_TEMPERATURE] == 25

    # Both online: both heat.
    gizwits_sim.set_online(BEDROOM_AC_DID, True)
    await poll_now(hass, ac_group)
    gizwits_sim.controls.clear()
    await call(hass, SERVICE_SET_HVAC_MODE, group, **{ATTR_HVAC_MODE: HVACMode.HEAT})
    assert gizwits_sim.controls == [(AC_GROUP_ID, {"switch": True, "mode": 2})]
    for did in (LIVING_AC_DID, BEDROOM_AC_DID):
        assert gizwits_sim.attrs(did)["mode"] == "制热", did
        assert state_of(hass, thermostat_of(hass, did)) == HVACMode.HEAT, did
    await poll_now(hass, ac_group)
    assert state_of(hass, group) == HVACMode.HEAT


async def test_group_members_in_different_modes(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    ac_group: MockConfigEntry,
) -> None:
    """One cools, one heats: the group is on, its mode not known; temperatures mean."""
    gizwits_sim.set_online(BEDROOM_AC_DID, True)
    gizwits_sim.set_attr(BEDROOM_AC_DID, "switch", 1)
    await poll_now(hass, ac_group)
    state = entity_state(hass, thermostat_of(hass, f"group-{AC_GROUP_ID}"))
    assert state.state == STATE_UNKNOWN
    assert state.attributes[ATTR_TEMPERATURE] == 24  # 26 and 22
    assert state.attributes[ATTR_CURRENT_TEMPERATURE] == 24  # 28 and 19, rounded
