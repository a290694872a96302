"""Gizwits fans: a product that plainly moves air is one fan entity."""

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.components.fan import (
    ATTR_OSCILLATING,
    ATTR_PERCENTAGE,
    ATTR_PERCENTAGE_STEP,
    ATTR_PRESET_MODE,
    ATTR_PRESET_MODES,
    DOMAIN as FAN_DOMAIN,
    SERVICE_OSCILLATE,
    SERVICE_SET_PERCENTAGE,
    SERVICE_SET_PRESET_MODE,
    FanEntityFeature,
)
from homeassistant.const import (
    ATTR_FRIENDLY_NAME,
    ATTR_SUPPORTED_FEATURES,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import BEDROOM_FAN_DID, DEMO_UID, TOWER_FAN, did_for
from simulator.gizwits_model import (
    WRITABLE,
    Datapoint,
    Group,
    Product,
    UintSpec,
)

from .gizwits_helpers import add_device, assert_command, points_of, posts
from .helpers import SetupEntry, entity_state, poll_now, service_caller, state_of
from .wiz_helpers import entity_id

FAN_GROUP_ID = "65e2e1a0c3b5d7001a2f4c0a"
STUDY_FAN_DID = did_for("study fan")
# A Chinese floor fan: three speeds and 自动 in one enum, 摇头.
FLOOR_FAN = Product(
    "4b6d8f0a2c4e6a8c0e2b4d6f8a0c2e4b",
    "落地扇",
    [
        Datapoint(0, "switch", "开关", WRITABLE, "bool"),
        Datapoint(
            1,
            "wind_speed",
            "风速",
            WRITABLE,
            "enum",
            enum=("低档", "中档", "高档", "自动"),
        ),
        Datapoint(2, "shake", "摇头", WRITABLE, "bool"),
    ],
)
FLOOR_FAN_DID = did_for("floor fan")
# A pump with a speed moves water, not air: no fan.
PUMP = Product(
    "6c8e0a2b4d6f8a0c2e4b6d8f0a2c4e6a",
    "循环水泵",
    [
        Datapoint(0, "switch", "开关", WRITABLE, "bool"),
        Datapoint(1, "speed", "转速", WRITABLE, "uint8", UintSpec(0, 100)),
    ],
)
PUMP_DID = did_for("pump")
# A desk fan: three gears from 0 (stopped), nothing more.
DESK_FAN = Product(
    "8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b",
    "台扇",
    [
        Datapoint(0, "switch", "开关", WRITABLE, "bool"),
        Datapoint(1, "gear", "档位", WRITABLE, "uint8", UintSpec(0, 3)),
    ],
)
DESK_FAN_DID = did_for("desk fan")


def fan_of(hass: HomeAssistant, item: str) -> str:
    """Return the entity id of a device's (or group's) fan."""
    return entity_id(hass, FAN_DOMAIN, f"gizwits:{DEMO_UID}:{item}:fan")


call = service_caller(FAN_DOMAIN)


# --- what the fans show -----------------------------------------------------------


@pytest.mark.usefixtures("gizwits_loaded")
async def test_tower_fan_is_one_fan(hass: HomeAssistant) -> None:
    """Power, twelve speeds, oscillation and modes: one fan; the timer apart."""
    assert points_of(hass, BEDROOM_FAN_DID) == {"fan": "fan", "timer": "number"}
    state = entity_state(hass, fan_of(hass, BEDROOM_FAN_DID))
    attrs = state.attributes
    assert state.state == STATE_OFF
    assert attrs[ATTR_FRIENDLY_NAME] == "Bedroom fan"
    assert attrs[ATTR_PERCENTAGE] == 0
    assert attrs[ATTR_PERCENTAGE_STEP] == pytest.approx(100 / 12)
    assert attrs[ATTR_PRESET_MODES] == ["normal", "natural", "sleep"]
    assert attrs[ATTR_PRESET_MODE] == "natural"
    assert attrs[ATTR_OSCILLATING] is True
    assert attrs[ATTR_SUPPORTED_FEATURES] == (
        FanEntityFeature.TURN_ON
        | FanEntityFeature.TURN_OFF
        | FanEntityFeature.SET_SPEED
        | FanEntityFeature.PRESET_MODE
        | FanEntityFeature.OSCILLATE
    )
    timer = entity_id(hass, "number", f"gizwits:{DEMO_UID}:{BEDROOM_FAN_DID}:timer")
    assert (
        entity_state(hass, timer).attributes[ATTR_FRIENDLY_NAME] == "Bedroom fan Timer"
    )


# --- commands: one request each, checked on the device --------------------------


@pytest.mark.parametrize(
    ("service", "data", "sent", "device", "shown"),
    [
        pytest.param(
            SERVICE_TURN_ON,
            {},
            {"power": True},
            {"power": 1, "speed": 4},
            {ATTR_PERCENTAGE: 33},
            id="turn on at its speed",
        ),
        pytest.param(
            SERVICE_TURN_ON,
            {ATTR_PERCENTAGE: 50},
            {"power": True, "speed": 6},
            {"power": 1, "speed": 6},
            {ATTR_PERCENTAGE: 50},
            id="turn on at a speed",
        ),
        pytest.param(
            SERVICE_SET_PERCENTAGE,
            {ATTR_PERCENTAGE: 100},
            {"power": True, "speed": 12},
            {"power": 1, "speed": 12},
            {ATTR_PERCENTAGE: 100},
            id="fastest",
        ),
        pytest.param(
            SERVICE_SET_PERCENTAGE,
            {ATTR_PERCENTAGE: 1},
            {"power": True, "speed": 1},
            {"power": 1, "speed": 1},
            {ATTR_PERCENTAGE: 8},
            id="slowest",
        ),
        pytest.param(
            SERVICE_SET_PRESET_MODE,
            {ATTR_PRESET_MODE: "sleep"},
            {"power": True, "mode": 2},
            {"power": 1, "mode": "Sleep"},
            {ATTR_PRESET_MODE: "sleep"},
            id="preset",
        ),
        pytest.param(
            SERVICE_TURN_ON,
            {ATTR_PRESET_MODE: "normal"},
            {"power": True, "mode": 0},
            {"power": 1, "mode": "Normal"},
            {ATTR_PRESET_MODE: "normal"},
            id="turn on in a preset",
        ),
    ],
)
async def test_fan_commands(
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
    await assert_command(
        hass,
        gizwits_sim,
        gizwits_loaded,
        call=call,
        service=service,
        entity_id=fan_of(hass, BEDROOM_FAN_DID),
        data=data,
        did=BEDROOM_FAN_DID,
        sent=sent,
        device=device,
        state=STATE_ON,
        shown=shown,
    )


async def test_off_and_oscillation(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
) -> None:
    """Oscillation alone; 0 % and turn off send the power alone."""
    fan = fan_of(hass, BEDROOM_FAN_DID)
    await call(hass, SERVICE_OSCILLATE, fan, **{ATTR_OSCILLATING: False})
    await call(hass, SERVICE_SET_PERCENTAGE, fan, **{ATTR_PERCENTAGE: 75})
    await call(hass, SERVICE_SET_PERCENTAGE, fan, **{ATTR_PERCENTAGE: 0})
    await call(hass, SERVICE_TURN_ON, fan)
    await call(hass, SERVICE_TURN_OFF, fan)
    assert gizwits_sim.controls == [
        (BEDROOM_FAN_DID, {"oscillation": False}),
        (BEDROOM_FAN_DID, {"power": True, "speed": 9}),
        (BEDROOM_FAN_DID, {"power": False}),
        (BEDROOM_FAN_DID, {"power": True}),
        (BEDROOM_FAN_DID, {"power": False}),
    ]
    assert gizwits_sim.attrs(BEDROOM_FAN_DID)["oscillation"] == 0
    assert gizwits_sim.attrs(BEDROOM_FAN_DID)["speed"] == 9
    await poll_now(hass, gizwits_loaded)
    state = entity_state(hass, fan)
    assert state.state == STATE_OFF
    assert (state.attributes[ATTR_PERCENTAGE], state.attributes[ATTR_OSCILLATING]) == (
        0,
        False,
    )


@pytest.mark.usefixtures("gizwits_loaded")
async def test_refusals(hass: HomeAssistant, gizwits_sim: GizwitsSimulator) -> None:
    """A preset the fan lacks never leaves; an offline fan: device_offline."""
    fan = fan_of(hass, BEDROOM_FAN_DID)
    with pytest.raises(ServiceValidationError):
        await call(hass, SERVICE_SET_PRESET_MODE, fan, **{ATTR_PRESET_MODE: "turbo"})
    assert gizwits_sim.controls == []

    gizwits_sim.set_online(BEDROOM_FAN_DID, False)
    with pytest.raises(HomeAssistantError) as exc:
        await call(hass, SERVICE_TURN_ON, fan)
    assert exc.value.translation_key == "device_offline"
    assert gizwits_sim.controls == []
    assert state_of(hass, fan) == STATE_UNAVAILABLE


# --- other products ---------------------------------------------------------------


async def test_chinese_fans_and_a_pump(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_entry: MockConfigEntry,
    setup_entry: SetupEntry,
) -> None:
    """落地扇: three speeds, 自动 a preset; 台扇: gears only; the pump is no fan."""
    add_device(
        gizwits_sim,
        FLOOR_FAN,
        FLOOR_FAN_DID,
        "accf2350da01",
        switch=True,
        wind_speed="自动",
        shake=False,
    )
    add_device(gizwits_sim, PUMP, PUMP_DID, "accf2350da02", switch=True, speed=60)
    add_device(
        gizwits_sim, DESK_FAN, DESK_FAN_DID, "accf2350da03", switch=False, gear=0
    )
    await setup_entry(gizwits_entry)

    desk = entity_state(hass, fan_of(hass, DESK_FAN_DID))
    assert desk.attributes[ATTR_SUPPORTED_FEATURES] == (
        FanEntityFeature.TURN_ON
        | FanEntityFeature.TURN_OFF
        | FanEntityFeature.SET_SPEED
    )
    assert (desk.state, desk.attributes[ATTR_PERCENTAGE]) == (STATE_OFF, 0)
    await call(hass, SERVICE_SET_PERCENTAGE, fan_of(hass, DESK_FAN_DID), percentage=50)
    assert gizwits_sim.controls == [(DESK_FAN_DID, {"switch": True, "gear": 2})]
    assert (
        entity_state(hass, fan_of(hass, DESK_FAN_DID)).attributes[ATTR_PERCENTAGE] == 67
    )
    gizwits_sim.controls.clear()

    assert points_of(hass, PUMP_DID) == {"switch": "switch", "speed": "number"}
    fan = fan_of(hass, FLOOR_FAN_DID)
    state = entity_state(hass, fan)
    assert state.state == STATE_ON
    assert state.attributes[ATTR_PRESET_MODES] == ["auto"]
    assert state.attributes[ATTR_PRESET_MODE] == "auto"
    assert state.attributes[ATTR_PERCENTAGE] is None
    assert state.attributes[ATTR_PERCENTAGE_STEP] == pytest.approx(100 / 3)

    await call(hass, SERVICE_SET_PERCENTAGE, fan, **{ATTR_PERCENTAGE: 50})
    await call(hass, SERVICE_OSCILLATE, fan, **{ATTR_OSCILLATING: True})
    assert gizwits_sim.controls == [
        (FLOOR_FAN_DID, {"switch": True, "wind_speed": 1}),
        (FLOOR_FAN_DID, {"shake": True}),
    ]
    assert gizwits_sim.attrs(FLOOR_FAN_DID)["wind_speed"] == "中档"
    state = entity_state(hass, fan)
    assert state.attributes[ATTR_PERCENTAGE] == 67
    assert state.attributes[ATTR_PRESET_MODE] is None
    assert state.attributes[ATTR_OSCILLATING] is True


async def test_group_of_fans_is_one_fan(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_entry: MockConfigEntry,
    setup_entry: SetupEntry,
) -> None:
    """Two tower fans grouped in the app: one fan; a command goes once, to both."""
    add_device(
        gizwits_sim,
        TOWER_FAN,
        STUDY_FAN_DID,
        "5ccf7f1a2d02",
        power=True,
        speed=12,
        oscillation=False,
        mode="Normal",
    )
    gizwits_sim.user().groups.append(
        Group(
            FAN_GROUP_ID,
            "All fans",
            TOWER_FAN.product_key,
            [BEDROOM_FAN_DID, STUDY_FAN_DID],
        )
    )
    await setup_entry(gizwits_entry)
    group = fan_of(hass, f"group-{FAN_GROUP_ID}")
    state = entity_state(hass, group)
    assert state.attributes[ATTR_FRIENDLY_NAME] == "All fans"
    # One is on: the group is; speeds 4 and 12 mean 8; modes differ.
    assert state.state == STATE_ON
    assert state.attributes[ATTR_PERCENTAGE] == 67
    assert state.attributes[ATTR_PRESET_MODE] is None

    gizwits_sim.clear_requests()
    await call(hass, SERVICE_SET_PRESET_MODE, group, **{ATTR_PRESET_MODE: "sleep"})
    assert posts(gizwits_sim) == [f"/app/group/{FAN_GROUP_ID}/control"]
    assert gizwits_sim.controls == [(FAN_GROUP_ID, {"power": True, "mode": 2})]
    for did in (BEDROOM_FAN_DID, STUDY_FAN_DID):
        assert gizwits_sim.attrs(did)["mode"] == "Sleep", did
        assert entity_state(hass, fan_of(hass, did)).attributes[ATTR_PRESET_MODE] == (
            "sleep"
        )
    assert entity_state(hass, group).attributes[ATTR_PRESET_MODE] == "sleep"
