"""Gizwits datapoints as entities: what each type becomes and what commands send."""

import dataclasses
import time
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.climate import (
    ATTR_CURRENT_TEMPERATURE,
    DOMAIN as CLIMATE_DOMAIN,
    SERVICE_SET_TEMPERATURE,
    HVACMode,
)
from homeassistant.components.number import (
    ATTR_MAX,
    ATTR_MIN,
    ATTR_STEP,
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.components.select import (
    ATTR_OPTION,
    ATTR_OPTIONS,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.components.sensor import (
    ATTR_STATE_CLASS,
    SensorDeviceClass,
    SensorStateClass,
)
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_DEVICE_CLASS,
    ATTR_FRIENDLY_NAME,
    ATTR_TEMPERATURE,
    ATTR_UNIT_OF_MEASUREMENT,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    EntityCategory,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er

from custom_components.cloud_bridge.const import DOMAIN
from custom_components.cloud_bridge.model import Command
from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import (
    AIR_CONDITIONER,
    BALCONY_PLUG_DID,
    BEDROOM_AC_DID,
    CEILING_LAMP_DID,
    DEMO_UID,
    LIVING_AC_DID,
    PET_HOUSE_DID,
    STUDY_HEATER_DID,
    TV_PLUG_DID,
    did_for,
)
from simulator.gizwits_model import (
    READONLY,
    WRITABLE,
    Datapoint,
    Device,
    Product,
    UintSpec,
)

from .gizwits_helpers import device_entry, entity, polls
from .helpers import SetupEntry, entity_state, poll_now, state_of

PROGRAMS = ["标准", "节能", "睡眠"]
# The AC is one thermostat; its timers, alarms and status code stay as they are.
AC_POINTS = {
    "climate",
    "on_timing",
    "off_timing",
    "alert_full",
    "alert_shutdown",
    "fault_roomtemp",
    "status_code",
}


def _number(
    i: int, name: str, display: str, data_type: str, spec: UintSpec
) -> Datapoint:
    """Return a writable number datapoint of the simulator."""
    return Datapoint(i, name, display, WRITABLE, data_type, uint_spec=spec)


# A product the demo lacks: writable numbers on fine grids, a writable and a
# read-only enum. Its names say neither heat nor cool and it has no mode: the
# climate rule leaves it as it is.
THERMOSTAT = Product(
    "f0e1d2c3b4a5968778695a4b3c2d1e0f",
    "温控器",
    [
        Datapoint(0, "switch", "开关", WRITABLE, "bool"),
        _number(1, "target_temp", "目标温度", "uint16", UintSpec(0, 1000, 0.1, -20)),
        _number(2, "power_limit", "功率上限", "uint32", UintSpec(0, 100000, 0.01)),
        _number(3, "current_limit", "电流上限", "uint16", UintSpec(0, 16000, 0.001)),
        _number(4, "fan_level", "风量", "uint8", UintSpec(0, 40, 0.25)),
        Datapoint(5, "run_state", "运行状态", READONLY, "enum", enum=("待机", "加热")),
        Datapoint(6, "program", "程序", WRITABLE, "enum", enum=tuple(PROGRAMS)),
    ],
)
THERMOSTAT_DID = did_for("thermostat")


def uid(item: str, point: str) -> str:
    """Return the unique id of a point of a demo device (or group, or account)."""
    return f"gizwits:{DEMO_UID}:{item}:{point}"


async def call(hass: HomeAssistant, domain: str, service: str, **data: Any) -> None:
    """Call a service and wait for it."""
    await hass.services.async_call(domain, service, data, blocking=True)


@pytest.fixture
async def thermostat(
    gizwits_sim: GizwitsSimulator,
    gizwits_entry: MockConfigEntry,
    setup_entry: SetupEntry,
) -> MockConfigEntry:
    """Bind a thermostat to the demo user, then set the entry up."""
    gizwits_sim.products[THERMOSTAT.product_key] = THERMOSTAT
    readings = {
        "switch": True,
        "target_temp": 21.5,
        "power_limit": 800.5,
        "current_limit": 10,
        "fan_level": 2.5,
        "run_state": "加热",
        "program": "标准",
    }
    gizwits_sim.add_device(
        Device(
            did=THERMOSTAT_DID,
            product_key=THERMOSTAT.product_key,
            mac="accf2350d601",
            alias="书房温控器",
            attr=THERMOSTAT.raw_values(readings),
            updated_at=int(time.time()) - 10,
        )
    )
    return await setup_entry(gizwits_entry)


# --- what each datapoint becomes ---------------------------------------------


@pytest.mark.usefixtures("gizwits_loaded")
async def test_air_conditioner_datapoints(hass: HomeAssistant) -> None:
    """The AC is a thermostat; each datapoint it does not cover is its own entity."""
    registry = er.async_get(hass)
    device = device_entry(hass, LIVING_AC_DID)
    assert device is not None
    assert (device.name, device.model, device.manufacturer) == (
        "客厅空调",
        "空调",
        "Gizwits",
    )
    entities = er.async_entries_for_device(registry, device.id, True)
    assert {e.unique_id for e in entities} == {
        uid(LIVING_AC_DID, name) for name in AC_POINTS
    }
    assert not [e for e in entities if e.domain == "light"]

    thermostat = entity_state(hass, entity(hass, "climate", LIVING_AC_DID, "climate"))
    assert thermostat.state == HVACMode.COOL
    assert thermostat.attributes[ATTR_FRIENDLY_NAME] == "客厅空调"
    timer = entity_state(hass, entity(hass, "number", LIVING_AC_DID, "on_timing"))
    assert float(timer.state) == 0
    assert (timer.attributes[ATTR_MIN], timer.attributes[ATTR_MAX]) == (0, 1440)
    assert ATTR_DEVICE_CLASS not in timer.attributes
    assert timer.attributes[ATTR_FRIENDLY_NAME] == "客厅空调 定时开机"

    for name, device_class in (
        ("alert_full", BinarySensorDeviceClass.SAFETY),
        ("alert_shutdown", BinarySensorDeviceClass.SAFETY),
        ("fault_roomtemp", BinarySensorDeviceClass.PROBLEM),
    ):
        alarm = entity_state(hass, entity(hass, "binary_sensor", LIVING_AC_DID, name))
        assert alarm.state == STATE_OFF, name
        assert alarm.attributes[ATTR_DEVICE_CLASS] == device_class, name


@pytest.mark.usefixtures("gizwits_loaded")
async def test_pet_house_is_no_lamp(hass: HomeAssistant) -> None:
    """One switch and read-only datapoints: a switch and sensors, no light."""
    registry = er.async_get(hass)
    device = device_entry(hass, PET_HOUSE_DID)
    assert device is not None
    assert device.name == "宠物屋"  # no alias: the product's name
    domains = {
        e.unique_id.rpartition(":")[2]: e.domain
        for e in er.async_entries_for_device(registry, device.id)
    }
    assert domains == {
        "LED_OnOff": "switch",
        "Infrared": "binary_sensor",
        "Temperature": "sensor",
        "Alert_1": "binary_sensor",
        "Fault_LED": "binary_sensor",
    }
    led = entity_state(hass, entity(hass, "switch", PET_HOUSE_DID, "LED_OnOff"))
    assert led.state == STATE_OFF
    assert led.attributes[ATTR_FRIENDLY_NAME] == "宠物屋 开启/关闭红色灯"
    infrared = entity_state(
        hass, entity(hass, "binary_sensor", PET_HOUSE_DID, "Infrared")
    )
    assert infrared.state == STATE_ON
    assert ATTR_DEVICE_CLASS not in infrared.attributes
    # raw 8 with addition -13
    temperature = entity_state(
        hass, entity(hass, "sensor", PET_HOUSE_DID, "Temperature")
    )
    assert float(temperature.state) == -5
    assert temperature.attributes[ATTR_UNIT_OF_MEASUREMENT] == "°C"
    assert temperature.attributes[ATTR_FRIENDLY_NAME] == "宠物屋 温度"
    alert = entity_state(hass, entity(hass, "binary_sensor", PET_HOUSE_DID, "Alert_1"))
    assert alert.attributes[ATTR_DEVICE_CLASS] == BinarySensorDeviceClass.SAFETY
    fault = entity_state(
        hass, entity(hass, "binary_sensor", PET_HOUSE_DID, "Fault_LED")
    )
    assert fault.attributes[ATTR_DEVICE_CLASS] == BinarySensorDeviceClass.PROBLEM


@pytest.mark.usefixtures("gizwits_loaded")
async def test_plug_measurements(hass: HomeAssistant) -> None:
    """Read-only numbers with ratios 0.1/0.01/0.001: power, energy, voltage, current."""
    expected = {
        "power": (85.3, "W", SensorDeviceClass.POWER, SensorStateClass.MEASUREMENT),
        "energy": (
            123.45,
            "kWh",
            SensorDeviceClass.ENERGY,
            SensorStateClass.TOTAL_INCREASING,
        ),
        "voltage": (
            229.8,
            "V",
            SensorDeviceClass.VOLTAGE,
            SensorStateClass.MEASUREMENT,
        ),
        "current": (
            0.371,
            "A",
            SensorDeviceClass.CURRENT,
            SensorStateClass.MEASUREMENT,
        ),
    }
    for name, (value, unit, device_class, state_class) in expected.items():
        state = entity_state(hass, entity(hass, "sensor", TV_PLUG_DID, name))
        assert float(state.state) == value, name
        assert state.attributes[ATTR_UNIT_OF_MEASUREMENT] == unit, name
        assert state.attributes[ATTR_DEVICE_CLASS] == device_class, name
        assert state.attributes[ATTR_STATE_CLASS] == state_class, name
    assert state_of(hass, entity(hass, "switch", TV_PLUG_DID, "switch")) == STATE_ON


async def test_fine_grid_numbers_and_read_only_enum(
    hass: HomeAssistant, thermostat: MockConfigEntry
) -> None:
    """Writable numbers take their scaled range and step; a read-only enum: sensor."""
    expected = {
        "target_temp": (21.5, -20, 80, 0.1, "°C"),
        "power_limit": (800.5, 0, 1000, 0.01, "W"),
        "current_limit": (10, 0, 16, 0.001, "A"),
        "fan_level": (2.5, 0, 10, 0.25, None),
    }
    for name, (value, low, high, step, unit) in expected.items():
        state = entity_state(hass, entity(hass, "number", THERMOSTAT_DID, name))
        assert float(state.state) == value, name
        assert state.attributes[ATTR_MIN] == pytest.approx(low), name
        assert state.attributes[ATTR_MAX] == pytest.approx(high), name
        assert state.attributes[ATTR_STEP] == step, name
        assert state.attributes.get(ATTR_UNIT_OF_MEASUREMENT) == unit, name
    run_state = entity_state(hass, entity(hass, "sensor", THERMOSTAT_DID, "run_state"))
    assert run_state.state == "加热"
    assert run_state.attributes[ATTR_DEVICE_CLASS] == SensorDeviceClass.ENUM
    assert run_state.attributes[ATTR_OPTIONS] == ["待机", "加热"]
    assert ATTR_STATE_CLASS not in run_state.attributes


async def test_binary_is_a_hidden_diagnostic_hex_sensor(
    hass: HomeAssistant, gizwits_loaded: MockConfigEntry
) -> None:
    """A binary datapoint starts disabled; enabled, it shows its bytes as hex."""
    registry = er.async_get(hass)
    status = entity(hass, "sensor", LIVING_AC_DID, "status_code")
    entry = registry.async_get(status)
    assert entry is not None
    assert entry.entity_category is EntityCategory.DIAGNOSTIC
    assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get(status) is None

    registry.async_update_entity(status, disabled_by=None)
    assert await hass.config_entries.async_reload(gizwits_loaded.entry_id)
    await hass.async_block_till_done()

    state = entity_state(hass, status)
    assert state.state == "0000a1b2"
    assert state.attributes[ATTR_FRIENDLY_NAME] == "客厅空调 状态码"


async def test_unknown_unavailable_and_negative_values(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
) -> None:
    """Never reported: unknown; offline: unavailable; scaled values below zero."""
    balcony = [
        e
        for e in er.async_entries_for_config_entry(
            er.async_get(hass), gizwits_loaded.entry_id
        )
        if e.unique_id.startswith(uid(BALCONY_PLUG_DID, ""))
    ]
    assert len(balcony) == 5
    for entry in balcony:
        assert state_of(hass, entry.entity_id) == STATE_UNKNOWN, entry.unique_id

    bedroom = [
        e
        for e in er.async_entries_for_config_entry(
            er.async_get(hass), gizwits_loaded.entry_id
        )
        if e.unique_id.startswith(uid(BEDROOM_AC_DID, "")) and not e.disabled_by
    ]
    assert len(bedroom) == len(AC_POINTS) - 1  # status_code starts disabled
    for entry in bedroom:
        assert state_of(hass, entry.entity_id) == STATE_UNAVAILABLE

    plug = entity(hass, "switch", TV_PLUG_DID, "switch")
    power = entity(hass, "sensor", TV_PLUG_DID, "power")
    gizwits_sim.set_online(TV_PLUG_DID, False)
    gizwits_sim.set_attr(LIVING_AC_DID, "room_temp", -10)  # the document's example
    gizwits_sim.set_attr(PET_HOUSE_DID, "Temperature", -13)
    await poll_now(hass, gizwits_loaded)

    assert state_of(hass, plug) == STATE_UNAVAILABLE
    assert state_of(hass, power) == STATE_UNAVAILABLE
    room = entity(hass, "climate", LIVING_AC_DID, "climate")
    assert entity_state(hass, room).attributes[ATTR_CURRENT_TEMPERATURE] == -10
    pet = entity(hass, "sensor", PET_HOUSE_DID, "Temperature")
    assert float(state_of(hass, pet)) == -13

    gizwits_sim.set_online(TV_PLUG_DID, True)
    await poll_now(hass, gizwits_loaded)
    assert state_of(hass, plug) == STATE_ON
    assert float(state_of(hass, power)) == 85.3


# --- commands -------------------------------------------------------------------


async def test_switch_sends_true_and_false(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
) -> None:
    """A switch sets its bool; the state changes at once and stays after a poll."""
    for did, name in ((STUDY_HEATER_DID, "child_lock"), (PET_HOUSE_DID, "LED_OnOff")):
        switch = entity(hass, "switch", did, name)
        for service, value, shown in (
            (SERVICE_TURN_ON, True, STATE_ON),
            (SERVICE_TURN_OFF, False, STATE_OFF),
        ):
            gizwits_sim.clear_requests()
            gizwits_sim.controls.clear()
            await call(hass, SWITCH_DOMAIN, service, entity_id=switch)

            assert gizwits_sim.controls == [(did, {name: value})]
            assert [r.path for r in gizwits_sim.requests] == [f"/app/control/{did}"]
            assert gizwits_sim.device(did).attr[name] is value
            assert state_of(hass, switch) == shown, (name, service)
            assert polls(gizwits_sim) == 0

            await poll_now(hass, gizwits_loaded)
            assert state_of(hass, switch) == shown, (name, service)


async def set_number(hass: HomeAssistant, entity: str, value: float) -> None:
    """Set a number and wait for it."""
    await call(
        hass, NUMBER_DOMAIN, SERVICE_SET_VALUE, entity_id=entity, **{ATTR_VALUE: value}
    )


async def test_number_sends_the_scaled_value_on_the_grid(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
) -> None:
    """on_timing 24.4 goes as 24 (an integer) and shows at once and after a poll."""
    timer = entity(hass, "number", LIVING_AC_DID, "on_timing")
    await set_number(hass, timer, 24.4)

    assert gizwits_sim.controls == [(LIVING_AC_DID, {"on_timing": 24})]
    assert type(gizwits_sim.controls[0][1]["on_timing"]) is int
    assert gizwits_sim.attrs(LIVING_AC_DID)["on_timing"] == 24
    assert float(state_of(hass, timer)) == 24
    await poll_now(hass, gizwits_loaded)
    assert float(state_of(hass, timer)) == 24


@pytest.mark.usefixtures("gizwits_loaded")
async def test_number_out_of_range_is_refused_by_home_assistant(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator
) -> None:
    """A value outside the scaled range never reaches the cloud."""
    timer = entity(hass, "number", LIVING_AC_DID, "on_timing")
    for value in (-1, 1441):
        with pytest.raises(ServiceValidationError) as exc:
            await set_number(hass, timer, value)
        assert exc.value.translation_key == "out_of_range"
    assert gizwits_sim.controls == []
    assert float(state_of(hass, timer)) == 0


@pytest.mark.parametrize(
    ("name", "value", "sent", "raw"),
    [
        ("target_temp", 21.46, 21.5, 415),
        ("target_temp", -20, -20, 0),
        ("target_temp", 80, 80, 1000),
        ("power_limit", 123.456, 123.46, 12346),
        ("current_limit", 0.3714, 0.371, 371),
        ("fan_level", 7.3, 7.25, 29),
    ],
)
async def test_number_on_a_fine_grid(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    thermostat: MockConfigEntry,
    *,
    name: str,
    value: float,
    sent: float,
    raw: int,
) -> None:
    """Ratios 0.1 (with addition -20), 0.01, 0.001 and 0.25 send grid values."""
    number = entity(hass, "number", THERMOSTAT_DID, name)
    await set_number(hass, number, value)

    assert gizwits_sim.controls == [(THERMOSTAT_DID, {name: sent})]
    assert gizwits_sim.device(THERMOSTAT_DID).attr[name] == raw
    assert float(state_of(hass, number)) == sent
    await poll_now(hass, thermostat)
    assert float(state_of(hass, number)) == sent


async def test_select_sends_the_order_number(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    thermostat: MockConfigEntry,
) -> None:
    """Choosing 节能 sends program 1; the select shows the label."""
    program = entity(hass, "select", THERMOSTAT_DID, "program")
    shown = entity_state(hass, program)
    assert (shown.state, shown.attributes[ATTR_OPTIONS]) == ("标准", PROGRAMS)
    assert shown.attributes[ATTR_FRIENDLY_NAME] == "书房温控器 程序"
    await call(
        hass, SELECT_DOMAIN, SERVICE_SELECT_OPTION, entity_id=program, option="节能"
    )

    assert gizwits_sim.controls == [(THERMOSTAT_DID, {"program": 1})]
    assert gizwits_sim.attrs(THERMOSTAT_DID)["program"] == "节能"
    assert state_of(hass, program) == "节能"
    await poll_now(hass, thermostat)
    assert state_of(hass, program) == "节能"

    with pytest.raises(ServiceValidationError):
        await call(
            hass,
            SELECT_DOMAIN,
            SERVICE_SELECT_OPTION,
            entity_id=program,
            **{ATTR_OPTION: "eco"},
        )
    assert len(gizwits_sim.controls) == 1


# --- values refused before they leave ------------------------------------------


async def test_values_that_cannot_be_written_never_leave(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
) -> None:
    """An unknown label or a read-only datapoint is refused before any request."""
    coordinator = gizwits_loaded.runtime_data.coordinator
    gizwits_sim.clear_requests()
    for did, point_key, value in (
        (LIVING_AC_DID, "mode", "heat"),
        (LIVING_AC_DID, "room_temp", 20),
        (CEILING_LAMP_DID, "light", True),  # not a light command
        (LIVING_AC_DID, "climate", True),  # not a climate command
    ):
        command = Command(
            device_key=f"{DEMO_UID}:{did}", point_key=point_key, value=value
        )
        with pytest.raises(ServiceValidationError) as exc:
            await coordinator.async_execute(command)
        assert exc.value.translation_key == "invalid_value", point_key
    assert gizwits_sim.requests == []


# --- failures from the cloud ----------------------------------------------------


@pytest.mark.usefixtures("gizwits_loaded")
async def test_offline_device_refuses_a_command(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator
) -> None:
    """A device gone offline since the last poll: device_offline (9042).

    The failed command makes the cloud be asked again at once, which shows the
    device as unavailable without waiting for the next poll.
    """
    thermostat = entity(hass, "climate", LIVING_AC_DID, "climate")
    gizwits_sim.set_online(LIVING_AC_DID, False)
    with pytest.raises(HomeAssistantError) as exc:
        await call(hass, CLIMATE_DOMAIN, SERVICE_TURN_OFF, entity_id=thermostat)
    assert exc.value.translation_key == "device_offline"
    assert "9042" in str(exc.value.translation_placeholders)
    assert gizwits_sim.controls == []
    assert state_of(hass, thermostat) == STATE_UNAVAILABLE


@pytest.mark.usefixtures("gizwits_loaded")
async def test_value_the_cloud_refuses_is_invalid(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator
) -> None:
    """The product's range narrowed in the cloud since its definition was read: 9025."""
    narrowed = [
        dataclasses.replace(dp, uint_spec=UintSpec(16, 28))
        if dp.name == "set_temp"
        else dp
        for dp in AIR_CONDITIONER.datapoints
    ]
    gizwits_sim.products[AIR_CONDITIONER.product_key] = Product(
        AIR_CONDITIONER.product_key, AIR_CONDITIONER.name, narrowed
    )
    thermostat = entity(hass, "climate", LIVING_AC_DID, "climate")
    with pytest.raises(ServiceValidationError) as exc:
        await call(
            hass,
            CLIMATE_DOMAIN,
            SERVICE_SET_TEMPERATURE,
            entity_id=thermostat,
            **{ATTR_TEMPERATURE: 30},
        )
    assert exc.value.translation_key == "invalid_value"
    assert "9025" in exc.value.translation_placeholders["error"]
    assert gizwits_sim.controls == []
    assert entity_state(hass, thermostat).attributes[ATTR_TEMPERATURE] == 26


async def test_unbound_device_refuses_then_disappears(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
) -> None:
    """A device unbound in the app (9017): the user hears so; it leaves at once."""
    switch = entity(hass, "switch", TV_PLUG_DID, "switch")
    gizwits_sim.unbind(TV_PLUG_DID)
    gizwits_sim.clear_requests()
    with pytest.raises(HomeAssistantError) as exc:
        await call(hass, SWITCH_DOMAIN, SERVICE_TURN_OFF, entity_id=switch)
    assert exc.value.translation_key == "device_gone"
    assert exc.value.translation_domain == DOMAIN
    assert "no longer in the account" in str(exc.value)

    # No 30 s wait: the bindings, groups and scenarios are read again now.
    await hass.async_block_till_done()
    requested = [r.path for r in gizwits_sim.requests]
    assert requested[0] == f"/app/control/{TV_PLUG_DID}"
    assert {"/app/bindings", "/app/group", "/app/scene"} <= set(requested[1:])
    assert device_entry(hass, TV_PLUG_DID) is None
    assert er.async_get(hass).async_get(switch) is None
    assert hass.states.get(switch) is None
    # The rest of the account is untouched.
    other = entity(hass, "climate", LIVING_AC_DID, "climate")
    assert state_of(hass, other) == HVACMode.COOL


@pytest.mark.usefixtures("gizwits_loaded")
@pytest.mark.parametrize(
    ("fault", "translation_key"),
    [
        ("rate_limit", "rate_limited"),
        ("server_error", "cloud_unavailable"),
        ("disconnect", "cloud_unavailable"),
    ],
)
async def test_cloud_failures_on_a_command(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    fault: Any,
    translation_key: str,
) -> None:
    """Throttled (9041) or a cloud that fails: the user hears which."""
    thermostat = entity(hass, "climate", LIVING_AC_DID, "climate")
    gizwits_sim.faults.add(fault, path=f"/app/control/{LIVING_AC_DID}")
    with pytest.raises(HomeAssistantError) as exc:
        await call(hass, CLIMATE_DOMAIN, SERVICE_TURN_OFF, entity_id=thermostat)
    assert exc.value.translation_key == translation_key
    assert gizwits_sim.controls == []
    assert state_of(hass, thermostat) == HVACMode.COOL
    assert gizwits_sim.device(LIVING_AC_DID).attr["switch"] is True
