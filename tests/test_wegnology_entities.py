"""WEGnology attributes as entities: what each data type becomes, and its values."""

from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.components.sensor import ATTR_STATE_CLASS
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    ATTR_DEVICE_CLASS,
    ATTR_FRIENDLY_NAME,
    ATTR_UNIT_OF_MEASUREMENT,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    EntityCategory,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
)

from simulator.wegnology import WegnologySimulator
from simulator.wegnology_demo import (
    BOILER_RELAY_ID,
    BOILER_ROOM_SENSOR_ID,
    DEMO_APPLICATION_ID,
    FLOW_METER_ID,
    INLET_VALVE_ID,
    LINE_2_GATEWAY_ID,
    LINE_2_POWER_METER_ID,
    PLANT_SYSTEM_ID,
    PUMP_GATEWAY_ID,
    PUMP_ID,
    SPARE_SENSOR_ID,
    TANK_LEVEL_ID,
    TEST_BENCH_APPLICATION_ID,
    YARD_SENSOR_ID,
)
from simulator.wegnology_model import Device

from .helpers import SetupEntry, entity_state, next_poll, poll_now, state_of
from .wegnology_helpers import (
    bench_entry,
    demo_device_id,
    devices_path,
    entity,
    entity_of,
    make_entry,
    registered_device,
)

CONNECTED = "$connected"
OPEN_ALERT = "$open_alert"
PLATFORMS = ("sensor", "binary_sensor", "switch", "number", "select", "light")
# What each attribute data type becomes.
PLATFORM_OF = {
    "number": "sensor",
    "string": "sensor",
    "gps": "sensor",
    "boolean": "binary_sensor",
}

ENVIRONMENT_NUMBERS = ("temperature", "humidity", "co2", "pressure", "battery")
# Losant's device classes that never hold a connection of their own.
NEVER_CONNECTED = ("floating", "system")


@pytest.fixture(autouse=True)
def frozen_time(freezer: FrozenDateTimeFactory) -> None:
    """Freeze time before anything is set up, so only ticks make polls happen."""


def demo_devices(sim: WegnologySimulator) -> list[Device]:
    """Return the demo plant's simulated devices."""
    return list(sim.application(DEMO_APPLICATION_ID).devices.values())


# --- what each device and attribute becomes ----------------------------------


async def test_every_device_that_connects_has_a_connectivity_sensor(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """Each device that holds a connection has a diagnostic connectivity sensor."""
    registry = er.async_get(hass)
    devices = demo_devices(wegnology_sim)
    assert len(devices) == 31
    for device in devices:
        if device.device_class in NEVER_CONNECTED:
            assert entity_of(hass, "binary_sensor", device.id, CONNECTED) is None
            continue
        connectivity = entity(hass, "binary_sensor", device.id, CONNECTED)
        registered = registry.async_get(connectivity)
        assert registered is not None
        assert registered.entity_category is EntityCategory.DIAGNOSTIC
        shown = entity_state(hass, connectivity)
        assert shown.attributes[ATTR_DEVICE_CLASS] == "connectivity"
        assert shown.attributes[ATTR_FRIENDLY_NAME] == f"{device.name} Connectivity"
        assert shown.state == (STATE_ON if device.connected else STATE_OFF)


async def test_each_attribute_becomes_an_entity_of_its_data_type(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """Numbers and text are sensors, booleans binary sensors, blobs nothing.

    Every device also has its open alert; an attribute that ends its device's
    name is the device's main feature, named as the device.
    """
    registry = er.async_get(hass)
    seen: set[str] = set()
    for device in demo_devices(wegnology_sim):
        registered = registered_device(hass, device.id)
        assert registered is not None, device.name
        expected = {
            (PLATFORM_OF[attribute.data_type], attribute.name)
            for attribute in device.attributes
            if attribute.data_type != "blob"
        }
        if device.device_class not in NEVER_CONNECTED:
            expected.add(("binary_sensor", CONNECTED))
        expected.add(("binary_sensor", OPEN_ALERT))
        unique_prefix = f"wegnology:{DEMO_APPLICATION_ID}:{device.id}:"
        assert {
            (e.domain, e.unique_id.removeprefix(unique_prefix))
            for e in er.async_entries_for_device(registry, registered.id)
        } == expected, device.name
        for attribute in device.attributes:
            seen.add(attribute.data_type)
            if attribute.data_type == "blob":
                assert not any(
                    entity_of(hass, platform, device.id, attribute.name)
                    for platform in PLATFORMS
                )
                continue
            shown = entity_state(
                hass,
                entity(
                    hass, PLATFORM_OF[attribute.data_type], device.id, attribute.name
                ),
            )
            # Named in words; the unique id keeps the attribute's own name.
            friendly = shown.attributes[ATTR_FRIENDLY_NAME]
            if device.name.casefold().endswith(f" {attribute.name.casefold()}"):
                assert friendly == device.name
            else:
                name = friendly.removeprefix(f"{device.name} ")
                assert name[0].isupper(), name
                assert name.replace(" ", "").casefold() == attribute.name.casefold()
            if attribute.data_type == "number":
                assert shown.attributes[ATTR_STATE_CLASS] in (
                    "measurement",
                    "total_increasing",
                )
            else:
                assert ATTR_STATE_CLASS not in shown.attributes
                assert ATTR_UNIT_OF_MEASUREMENT not in shown.attributes
    assert seen == {"number", "boolean", "string", "gps", "blob"}


@pytest.mark.usefixtures("wegnology_loaded")
async def test_the_demo_values(hass: HomeAssistant) -> None:
    """Numbers, text, locations and booleans show what the devices reported."""
    for platform, device_id, attribute, shown in [
        ("sensor", BOILER_ROOM_SENSOR_ID, "temperature", "31.4"),
        ("sensor", BOILER_ROOM_SENSOR_ID, "co2", "612"),
        ("sensor", BOILER_ROOM_SENSOR_ID, "firmware", "2.4.1"),
        ("sensor", BOILER_ROOM_SENSOR_ID, "location", "51.5,-0.12"),
        ("sensor", LINE_2_POWER_METER_ID, "status", "ok"),
        ("binary_sensor", BOILER_RELAY_ID, "relay", STATE_OFF),
        ("binary_sensor", PUMP_ID, "running", STATE_ON),
    ]:
        assert state_of(hass, entity(hass, platform, device_id, attribute)) == shown


@pytest.mark.usefixtures("wegnology_loaded")
async def test_entities_are_named_in_words(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator
) -> None:
    """Attribute names read as words (coilTemperature); abbreviations stay capitals."""
    for platform, device, attribute, name in [
        ("sensor", "Boiler Relay", "coilTemperature", "Boiler Relay Coil temperature"),
        # The device's main feature: "Boiler Relay", not "Boiler Relay Relay".
        ("binary_sensor", "Boiler Relay", "relay", "Boiler Relay"),
        ("sensor", "Tank Level", "level", "Tank Level"),
        ("sensor", "Boiler Room Sensor", "co2", "Boiler Room Sensor CO2"),
        (
            "sensor",
            "Chiller Controller",
            "supplyTemp",
            "Chiller Controller Supply temp",
        ),
        (
            "sensor",
            "Compressed Air Meter",
            "dewPoint",
            "Compressed Air Meter Dew point",
        ),
        ("sensor", "Plant Overview", "activeAlarms", "Plant Overview Active alarms"),
    ]:
        entity_id = entity(
            hass, platform, demo_device_id(wegnology_sim, device), attribute
        )
        assert entity_state(hass, entity_id).attributes[ATTR_FRIENDLY_NAME] == name


# (device, attribute): (device class, unit, state class) its name gives.
NAMED_QUANTITIES = {
    ("Boiler Room Sensor", "temperature"): ("temperature", "°C", "measurement"),
    ("Boiler Room Sensor", "humidity"): ("humidity", "%", "measurement"),
    ("Boiler Room Sensor", "co2"): ("carbon_dioxide", "ppm", "measurement"),
    ("Boiler Room Sensor", "pressure"): ("pressure", "hPa", "measurement"),
    ("Boiler Room Sensor", "battery"): ("battery", "%", "measurement"),
    ("Line 2 Power Meter", "voltage"): ("voltage", "V", "measurement"),
    ("Line 2 Power Meter", "current"): ("current", "A", "measurement"),
    ("Line 2 Power Meter", "power"): ("power", "W", "measurement"),
    ("Line 2 Power Meter", "energy"): ("energy", "kWh", "total_increasing"),
    ("Boiler Relay", "coilTemperature"): ("temperature", "°C", "measurement"),
    ("Chiller Controller", "returnTemp"): ("temperature", "°C", "measurement"),
    ("Chiller Controller", "supplyTemp"): ("temperature", "°C", "measurement"),
    ("Feed Pump", "speed"): (None, None, "measurement"),
    ("Flow Meter", "flowRate"): (None, None, "measurement"),
    ("Compressed Air Meter", "flow"): (None, None, "measurement"),
    ("Chiller Controller", "setpoint"): (None, None, "measurement"),
    ("Pump Station Gateway", "signal"): ("signal_strength", "dBm", "measurement"),
    ("Line 2 Gateway", "signal"): ("signal_strength", "dBm", "measurement"),
    ("Pump Station Gateway", "uptime"): ("duration", "s", "measurement"),
    ("Tank Level", "level"): (None, None, "measurement"),
}


@pytest.mark.usefixtures("wegnology_loaded")
async def test_unit_and_device_class_from_the_name(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator
) -> None:
    """A name that says what it measures gives the unit; others get none."""
    for (device, attribute), expected in NAMED_QUANTITIES.items():
        device_id = demo_device_id(wegnology_sim, device)
        shown = entity_state(hass, entity(hass, "sensor", device_id, attribute))
        assert (
            shown.attributes.get(ATTR_DEVICE_CLASS),
            shown.attributes.get(ATTR_UNIT_OF_MEASUREMENT),
            shown.attributes[ATTR_STATE_CLASS],
        ) == expected, (device, attribute)
        reported = wegnology_sim.device(device_id).state[attribute].value
        assert float(shown.state) == pytest.approx(reported)


# --- values as devices report them -------------------------------------------


async def test_numbers_reported_as_text(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """A number sent as text is read as a number; anything else is unknown."""
    temperature = entity(hass, "sensor", BOILER_ROOM_SENSOR_ID, "temperature")
    for reported, shown in [
        ("22.75", "22.75"),
        (" 19 ", "19.0"),
        ("warm", STATE_UNKNOWN),
        (23, "23"),
        (True, STATE_UNKNOWN),
        (-4.5, "-4.5"),
        ({"value": 21}, STATE_UNKNOWN),
        ([21], STATE_UNKNOWN),
    ]:
        wegnology_sim.set_attribute(BOILER_ROOM_SENSOR_ID, "temperature", reported)
        await poll_now(hass, wegnology_loaded)
        assert state_of(hass, temperature) == shown, reported


async def test_booleans_in_every_form(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """true/false, "true"/"false", "1"/"0" and 1/0 are read; the rest is unknown."""
    relay = entity(hass, "binary_sensor", BOILER_RELAY_ID, "relay")
    assert state_of(hass, relay) == STATE_OFF
    # Each value flips the state, so every form is seen to be read.
    for reported, shown in [
        ("true", STATE_ON),
        ("0", STATE_OFF),
        ("1", STATE_ON),
        ("false", STATE_OFF),
        (1, STATE_ON),
        (0, STATE_OFF),
        (True, STATE_ON),
        (False, STATE_OFF),
        (" TRUE ", STATE_ON),
        ("yes", STATE_UNKNOWN),
        ("False", STATE_OFF),
        (2, STATE_UNKNOWN),
        ({"on": True}, STATE_UNKNOWN),
    ]:
        wegnology_sim.set_attribute(BOILER_RELAY_ID, "relay", reported)
        await poll_now(hass, wegnology_loaded)
        assert state_of(hass, relay) == shown, reported


async def test_text_is_cut_at_255_characters(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """Home Assistant's state holds 255 characters; longer text is cut, not lost."""
    firmware = entity(hass, "sensor", BOILER_ROOM_SENSOR_ID, "firmware")
    long_text = "".join(f"{i:03d}." for i in range(100))
    for reported, shown in [
        (long_text, long_text[:255]),
        ("x" * 255, "x" * 255),
        (3.1, "3.1"),
        ({"version": "2.5"}, STATE_UNKNOWN),
        (["2.5"], STATE_UNKNOWN),
        ("2.5.0", "2.5.0"),
    ]:
        wegnology_sim.set_attribute(BOILER_ROOM_SENSOR_ID, "firmware", reported)
        await poll_now(hass, wegnology_loaded)
        assert state_of(hass, firmware) == shown, reported


async def test_locations_in_every_form(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """A location is shown as "lat,lon" from text, a pair or a lat/lon object."""
    location = entity(hass, "sensor", BOILER_ROOM_SENSOR_ID, "location")
    for reported, shown in [
        ("48.8566,2.3522", "48.8566,2.3522"),
        ([40.7128, -74.006], "40.7128,-74.006"),
        ({"lat": -33.8688, "lon": 151.2093}, "-33.8688,151.2093"),
        (" 51.5074 , -0.1278 ", "51.5074,-0.1278"),
        (["35.6762", "139.6503"], "35.6762,139.6503"),
        ("somewhere", STATE_UNKNOWN),
        ([51.5], STATE_UNKNOWN),
        ({"lat": 51.5}, STATE_UNKNOWN),
        ("1,2,3", STATE_UNKNOWN),
        (51.5, STATE_UNKNOWN),
    ]:
        wegnology_sim.set_attribute(BOILER_ROOM_SENSOR_ID, "location", reported)
        await poll_now(hass, wegnology_loaded)
        assert state_of(hass, location) == shown, reported


async def test_a_location_keeps_its_precision(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """A GPS fix with six decimals (about 10 cm) is not rounded to about 100 m."""
    location = entity(hass, "sensor", BOILER_ROOM_SENSOR_ID, "location")
    for reported in (
        "37.774929,-122.419416",
        [37.774929, -122.419416],
        {"lat": 37.774929, "lon": -122.419416},
    ):
        wegnology_sim.set_attribute(BOILER_ROOM_SENSOR_ID, "location", reported)
        await poll_now(hass, wegnology_loaded)
        assert state_of(hass, location) == "37.774929,-122.419416", reported


# --- devices that are offline or never reported ------------------------------


@pytest.mark.usefixtures("wegnology_loaded")
async def test_a_device_that_never_reported(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator
) -> None:
    """A connected device without any state is there, its values unknown."""
    assert wegnology_sim.composite_state(SPARE_SENSOR_ID) == {}
    for attribute in (*ENVIRONMENT_NUMBERS, "firmware", "location"):
        assert (
            state_of(hass, entity(hass, "sensor", SPARE_SENSOR_ID, attribute))
            == STATE_UNKNOWN
        ), attribute
    connectivity = entity(hass, "binary_sensor", SPARE_SENSOR_ID, CONNECTED)
    assert state_of(hass, connectivity) == STATE_ON


@pytest.mark.usefixtures("wegnology_loaded")
async def test_an_offline_device(hass: HomeAssistant) -> None:
    """An offline device's values are unavailable; its connectivity shows off."""
    for attribute in (*ENVIRONMENT_NUMBERS, "firmware", "location"):
        assert (
            state_of(hass, entity(hass, "sensor", YARD_SENSOR_ID, attribute))
            == STATE_UNAVAILABLE
        ), attribute
    connectivity = entity(hass, "binary_sensor", YARD_SENSOR_ID, CONNECTED)
    assert state_of(hass, connectivity) == STATE_OFF


async def test_a_device_going_offline_and_back(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The device list (read every 10 min) brings the connection; others unaffected."""
    temperature = entity(hass, "sensor", BOILER_ROOM_SENSOR_ID, "temperature")
    connectivity = entity(hass, "binary_sensor", BOILER_ROOM_SENSOR_ID, CONNECTED)
    neighbour = entity(hass, "sensor", LINE_2_POWER_METER_ID, "power")
    neighbour_was = state_of(hass, neighbour)

    wegnology_sim.set_connected(BOILER_ROOM_SENSOR_ID, False)
    await next_poll(hass, freezer, 600)
    assert state_of(hass, temperature) == STATE_UNAVAILABLE
    assert state_of(hass, connectivity) == STATE_OFF
    assert state_of(hass, neighbour) == neighbour_was

    wegnology_sim.set_connected(BOILER_ROOM_SENSOR_ID, True)
    await next_poll(hass, freezer, 600)
    assert state_of(hass, temperature) == "31.4"
    assert state_of(hass, connectivity) == STATE_ON


async def test_a_gateway_offline_takes_its_peripherals(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """When the cloud says the gateway and its peripherals are offline, so are they."""
    level = entity(hass, "sensor", TANK_LEVEL_ID, "level")
    conveyor = entity(
        hass, "sensor", demo_device_id(wegnology_sim, "Conveyor Motor"), "speed"
    )
    wegnology_sim.set_connected(PUMP_GATEWAY_ID, False)
    await next_poll(hass, freezer, 600)
    assert state_of(hass, level) == STATE_UNAVAILABLE
    assert (
        state_of(hass, entity(hass, "sensor", PUMP_GATEWAY_ID, "signal"))
        == STATE_UNAVAILABLE
    )
    assert (
        state_of(hass, entity(hass, "binary_sensor", TANK_LEVEL_ID, CONNECTED))
        == STATE_OFF
    )
    assert state_of(hass, conveyor) == "0.8"


# --- devices ----------------------------------------------------------------


async def test_peripherals_are_below_their_gateway(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """Each peripheral's device is connected via its gateway's device."""
    pump_station = registered_device(hass, PUMP_GATEWAY_ID)
    line_2 = registered_device(hass, LINE_2_GATEWAY_ID)
    assert pump_station is not None
    assert line_2 is not None
    assert (pump_station.model, pump_station.manufacturer) == ("Gateway", "WEGnology")
    assert pump_station.via_device_id is None
    assert line_2.via_device_id is None
    below = {PUMP_GATEWAY_ID: pump_station.id, LINE_2_GATEWAY_ID: line_2.id}
    peripherals = [
        device
        for device in demo_devices(wegnology_sim)
        if device.device_class == "peripheral"
    ]
    assert {device.id for device in peripherals} >= {
        TANK_LEVEL_ID,
        PUMP_ID,
        FLOW_METER_ID,
        INLET_VALVE_ID,
    }
    for device in peripherals:
        registered = registered_device(hass, device.id)
        assert registered is not None
        assert registered.model == "Peripheral"
        assert registered.via_device_id == below[device.parent_id], device.name
    standalone = registered_device(hass, BOILER_ROOM_SENSOR_ID)
    assert standalone is not None
    assert standalone.via_device_id is None


# --- devices that never connect, and areas ----------------------------------


async def test_system_and_floating_devices_show_their_values(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    setup_entry: SetupEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A system or floating device is never "connected": its values show anyway.

    A workflow reports the plant totals for the system device; the edge agent
    reports the floating probe's temperature.
    """
    plant = await setup_entry(make_entry(hass, wegnology_sim))
    bench = await setup_entry(bench_entry(hass, wegnology_sim))
    assert (plant.state, bench.state) == (ConfigEntryState.LOADED,) * 2
    probe = demo_device_id(wegnology_sim, "Bench Probe", TEST_BENCH_APPLICATION_ID)
    for device_id, application_id in (
        (PLANT_SYSTEM_ID, DEMO_APPLICATION_ID),
        (probe, TEST_BENCH_APPLICATION_ID),
    ):
        assert wegnology_sim.device(device_id).connected is False
        assert (
            entity_of(hass, "binary_sensor", device_id, CONNECTED, application_id)
            is None
        )
    alarms = entity(hass, "sensor", PLANT_SYSTEM_ID, "activeAlarms")
    shift = entity(hass, "sensor", PLANT_SYSTEM_ID, "shift")
    temperature = entity(
        hass, "sensor", probe, "temperature", TEST_BENCH_APPLICATION_ID
    )
    assert (state_of(hass, alarms), state_of(hass, shift)) == ("2", "early")
    assert state_of(hass, temperature) == "24.0"

    wegnology_sim.set_attribute(PLANT_SYSTEM_ID, "activeAlarms", 0)
    wegnology_sim.set_attribute(probe, "temperature", 25.5)
    await next_poll(hass, freezer, 600)
    assert state_of(hass, alarms) == "0"
    assert state_of(hass, temperature) == "25.5"
    # A device that does connect still goes unavailable when it does not.
    assert (
        state_of(hass, entity(hass, "sensor", YARD_SENSOR_ID, "temperature"))
        == STATE_UNAVAILABLE
    )


@pytest.mark.usefixtures("wegnology_loaded")
async def test_area_and_room_tags_place_devices(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator
) -> None:
    """A device tagged with an area (or a room) lands in that area."""
    areas = ar.async_get(hass)

    def area_of(name: str) -> str | None:
        device = registered_device(hass, demo_device_id(wegnology_sim, name))
        assert device is not None, name
        area = areas.async_get_area(device.area_id) if device.area_id else None
        return area.name if area else None

    assert area_of("Boiler Room Sensor") == "Boiler room"
    assert area_of("Boiler Relay") == "Boiler room"
    assert area_of("Tank Level") == "Pump station"
    # The tag's key in any case; "Room" where there is no "area".
    assert area_of("Water Meter") == "Plant room"
    assert area_of("Spare Sensor") is None
    assert area_of("Line 2 Gateway") is None
    boiler = areas.async_get_area_by_name("Boiler room")
    assert boiler is not None
    assert {
        device.name
        for device in dr.async_entries_for_area(dr.async_get(hass), boiler.id)
    } == {"Boiler Room Sensor", "Boiler Relay"}


async def test_tags_without_text_name_no_area(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator, setup_entry: SetupEntry
) -> None:
    """An area tag whose value is null or a boolean places the device nowhere."""
    spare = demo_device_id(wegnology_sim, "Spare Sensor")

    def odd_tags(reply: dict[str, Any]) -> None:
        for item in reply["items"]:
            if item["id"] == spare:
                item["tags"] = [
                    {"key": "area", "value": None},
                    {"key": "room", "value": True},
                    {"key": None, "value": "Attic"},
                ]

    wegnology_sim.faults.add(
        "patch_response", path=devices_path(), count=None, patch=odd_tags
    )
    await setup_entry(make_entry(hass, wegnology_sim))
    device = registered_device(hass, spare)
    assert device is not None
    assert device.area_id is None
    assert ar.async_get(hass).async_get_area_by_name("None") is None
