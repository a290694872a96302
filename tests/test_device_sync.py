"""The device registry follows the cloud's hierarchy, however deep."""

from dataclasses import replace
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.components.climate import ATTR_PRESET_MODE, ATTR_PRESET_MODES
from homeassistant.components.number import ATTR_MAX
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
)

from custom_components.cloud_bridge import devices
from custom_components.cloud_bridge.const import DOMAIN
from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import (
    BALCONY_PLUG_DID,
    BEDROOM_FAN_DID,
    LIVING_AC_DID,
    TV_PLUG_DID,
)
from simulator.gizwits_model import Product, UintSpec
from simulator.wegnology import WegnologySimulator
from simulator.wegnology_demo import (
    DEMO_APPLICATION_ID,
    PLANT_SYSTEM_ID,
    PUMP_GATEWAY_ID,
    PUMP_ID,
    TANK_LEVEL_ID,
)
from simulator.wegnology_model import Attribute, Tag

from . import gizwits_helpers
from .helpers import SetupEntry, entity_state, next_poll, state_of
from .registry import device_with
from .wegnology_helpers import device_entry, entity, entity_of, make_entry


def registered(hass: HomeAssistant, device_id: str) -> dr.DeviceEntry:
    """Return the registry entry of a WEGnology demo device."""
    device = device_entry(hass, device_id)
    assert device is not None, device_id
    return device


async def test_a_peripheral_under_a_gateway_under_a_system(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator, setup_entry: SetupEntry
) -> None:
    """Each device hangs below its own parent, three levels deep."""
    wegnology_sim.device(PUMP_GATEWAY_ID).parent_id = PLANT_SYSTEM_ID
    await setup_entry(make_entry(hass, wegnology_sim))

    plant = registered(hass, PLANT_SYSTEM_ID)
    gateway = registered(hass, PUMP_GATEWAY_ID)
    pump = registered(hass, PUMP_ID)
    assert plant.via_device_id is None
    assert gateway.via_device_id == plant.id
    assert pump.via_device_id == gateway.id


async def test_a_device_missing_from_an_incomplete_read_keeps_its_entities(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A device left out of an incomplete read, while another arrives, comes back once.

    Its entities are not created a second time when it returns (which Home
    Assistant would refuse as duplicate unique ids).
    """
    registry = er.async_get(hass)
    before = set(registry.entities)
    balcony = {
        entity.entity_id
        for entity in gizwits_helpers.device_entities(hass, BALCONY_PLUG_DID)
    }
    gizwits_sim.unbind(BALCONY_PLUG_DID)
    await next_poll(hass, freezer)
    assert gizwits_helpers.device_entry(hass, BALCONY_PLUG_DID) is None

    def break_tv_plug(reply: dict[str, Any]) -> None:
        for item in reply["devices"]:
            if item["did"] == TV_PLUG_DID:
                item["product_key"] = None

    gizwits_sim.faults.add(
        "patch_response", path=gizwits_helpers.BINDINGS, count=None, patch=break_tv_plug
    )
    gizwits_sim.bind(BALCONY_PLUG_DID)
    await next_poll(hass, freezer)
    assert gizwits_helpers.device_entry(hass, BALCONY_PLUG_DID) is not None

    gizwits_sim.faults.clear()
    caplog.clear()
    await next_poll(hass, freezer)
    # The next change of the account's devices adds what is new, and only that.
    gizwits_sim.unbind(BALCONY_PLUG_DID)
    await next_poll(hass, freezer)
    assert "unique ID" not in caplog.text
    tv_plug = gizwits_helpers.entity(hass, "switch", TV_PLUG_DID, "switch")
    state = entity_state(hass, tv_plug)
    assert state.state == STATE_ON
    assert set(registry.entities) == before - balcony


async def test_a_point_that_changes_platform_gets_a_new_entity(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    setup_entry: SetupEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An attribute whose dataType becomes boolean is a binary sensor, at once.

    The old sensor leaves the registry and the state machine; no reload.
    """
    await setup_entry(make_entry(hass, wegnology_sim))
    sensor = entity(hass, "sensor", TANK_LEVEL_ID, "level")
    assert state_of(hass, sensor) == "72.5"
    tank = wegnology_sim.device(TANK_LEVEL_ID)
    tank.attributes = [Attribute("level", "boolean")]
    tank.report({"level": True})
    await next_poll(hass, freezer, seconds=600)  # the device list is topology

    assert entity_of(hass, "sensor", TANK_LEVEL_ID, "level") is None
    assert hass.states.get(sensor) is None
    binary = entity(hass, "binary_sensor", TANK_LEVEL_ID, "level")
    assert state_of(hass, binary) == STATE_ON


async def test_new_preset_reaches_a_thermostat_without_a_reload(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A refreshed definition with a new mode shows it: presets and state follow."""
    thermostat = gizwits_helpers.entity(hass, "climate", LIVING_AC_DID, "climate")
    key = gizwits_sim.device(LIVING_AC_DID).product_key
    product = gizwits_sim.product(key)
    # A new product object: the demo's own is shared by every simulator.
    gizwits_sim.state.products[key] = Product(
        key,
        product.name,
        [
            replace(dp, enum=(*dp.enum, "睡眠")) if dp.name == "mode" else dp
            for dp in product.datapoints
        ],
    )
    gizwits_sim.set_attr(LIVING_AC_DID, "mode", "睡眠")
    await next_poll(hass, freezer)
    # The old definition: a mode it does not know, and no presets.
    state = entity_state(hass, thermostat)
    assert state.state == STATE_UNKNOWN
    assert ATTR_PRESET_MODES not in state.attributes

    # Definitions are read again after 7 days.
    await next_poll(hass, freezer, seconds=8 * 24 * 3600)
    state = entity_state(hass, thermostat)
    assert state.attributes[ATTR_PRESET_MODES] == ["sleep"]
    assert state.attributes[ATTR_PRESET_MODE] == "sleep"
    # A preset of an AC with several modes says nothing of which one it runs.
    assert state.state == STATE_UNKNOWN
    assert gizwits_loaded.state is ConfigEntryState.LOADED


async def test_a_refreshed_range_and_name_reach_a_number_without_a_reload(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A longer timer range and a new (hostile) display name show at once.

    The name is cleaned as a device's is: no control or bidi characters, 100 at most.
    """
    timer = gizwits_helpers.entity(hass, "number", BEDROOM_FAN_DID, "timer")
    assert hass.states.get(timer).attributes[ATTR_MAX] == 720  # type: ignore[union-attr]
    key = gizwits_sim.device(BEDROOM_FAN_DID).product_key
    product = gizwits_sim.product(key)
    gizwits_sim.state.products[key] = Product(
        key,
        product.name,
        [
            replace(
                dp,
                uint_spec=UintSpec(0, 1440),
                display_name="Sleep\x1b[0m\u202e timer\n" + "t" * 500,
            )
            if dp.name == "timer"
            else dp
            for dp in product.datapoints
        ],
    )
    # Definitions are read again after 7 days.
    await next_poll(hass, freezer, seconds=8 * 24 * 3600)
    state = entity_state(hass, timer)
    assert state.attributes[ATTR_MAX] == 1440
    name = er.async_get(hass).async_get(timer).original_name  # type: ignore[union-attr]
    assert name is not None
    assert name.startswith("Sleep [0m timer ttt")
    assert len(name) == 100
    assert gizwits_loaded.state is ConfigEntryState.LOADED


async def test_cloud_names_are_cleaned_and_capped(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    setup_entry: SetupEntry,
) -> None:
    """Control and bidi characters go, lines join, names end at 100 characters.

    So do the names of the areas a cloud suggests.
    """
    device = wegnology_sim.device(TANK_LEVEL_ID)
    device.name = "Tank\x1b[31m \u202eLevel\nNorth" + "x" * 10_000
    device.tags = [Tag("area", "Hall\u2066\r\nB\x07" + "y" * 5_000)]
    await setup_entry(make_entry(hass, wegnology_sim))
    shown = registered(hass, TANK_LEVEL_ID)
    name = shown.name
    assert name is not None
    assert name.startswith("Tank [31m Level North")
    assert len(name) == 100
    assert name.endswith("…")
    area = ar.async_get(hass).async_get_area(shown.area_id or "")
    assert area is not None
    assert area.name.startswith("Hall B y")
    assert len(area.name) == 100


async def test_areas_stop_past_the_entry_limit(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    setup_entry: SetupEntry,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past the limit of new areas, devices keep no area; one warning says why."""
    monkeypatch.setattr(devices, "MAX_NEW_AREAS", 2)
    areas = ar.async_get(hass)
    before = len(areas.async_list_areas())
    for index, device in enumerate(
        wegnology_sim.application(DEMO_APPLICATION_ID).devices.values()
    ):
        device.tags = [Tag("area", f"Area {index}")]
    await setup_entry(make_entry(hass, wegnology_sim))

    assert len(areas.async_list_areas()) == before + 2
    placed = [
        device
        for device in dr.async_entries_for_config_entry(
            dr.async_get(hass), hass.config_entries.async_entries(DOMAIN)[0].entry_id
        )
        if device.area_id is not None
    ]
    assert len(placed) == 2
    assert caplog.text.count("new areas; devices in the others get no area") == 1
    # Every device is there all the same, the application's own too.
    application = wegnology_sim.application(DEMO_APPLICATION_ID)
    assert (
        len(
            dr.async_entries_for_config_entry(
                dr.async_get(hass),
                hass.config_entries.async_entries(DOMAIN)[0].entry_id,
            )
        )
        == len(application.devices) + 1
    )


async def test_a_device_gone_from_the_cloud_leaves_what_another_integration_has(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A plug another integration also knows (by its MAC) stays registered there.

    Before Home Assistant 2026.9 both integrations share one registry device:
    removing Cloud Bridge's must take only its own entry off it.
    """
    other = MockConfigEntry(domain="local_plugs")
    other.add_to_hass(hass)
    mac = (
        dr.CONNECTION_NETWORK_MAC,
        dr.format_mac(gizwits_sim.device(TV_PLUG_DID).mac),
    )
    dr.async_get(hass).async_get_or_create(
        config_entry_id=other.entry_id,
        identifiers={("local_plugs", "tv-plug")},
        connections={mac},
    )
    assert gizwits_helpers.device_entry(hass, TV_PLUG_DID) is not None

    gizwits_sim.unbind(TV_PLUG_DID)
    await next_poll(hass, freezer)

    assert gizwits_helpers.device_entry(hass, TV_PLUG_DID) is None
    kept = device_with(hass, mac, other.entry_id)
    assert kept is not None
    assert ("local_plugs", "tv-plug") in kept.identifiers
