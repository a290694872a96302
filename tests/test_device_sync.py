"""The device registry follows the cloud's hierarchy, however deep."""

from collections.abc import Awaitable, Callable
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er

from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import BALCONY_PLUG_DID, TV_PLUG_DID
from simulator.wegnology import WegnologySimulator
from simulator.wegnology_demo import PLANT_SYSTEM_ID, PUMP_GATEWAY_ID, PUMP_ID

from . import gizwits_helpers
from .registry import device_with
from .wegnology_helpers import device_entry, make_entry

type SetupEntry = Callable[[MockConfigEntry], Awaitable[MockConfigEntry]]


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
    await gizwits_helpers.next_poll(hass, freezer)
    assert gizwits_helpers.device_entry(hass, BALCONY_PLUG_DID) is None

    def break_tv_plug(reply: dict[str, Any]) -> None:
        for item in reply["devices"]:
            if item["did"] == TV_PLUG_DID:
                item["product_key"] = None

    gizwits_sim.faults.add(
        "patch_response", path=gizwits_helpers.BINDINGS, count=None, patch=break_tv_plug
    )
    gizwits_sim.bind(BALCONY_PLUG_DID)
    await gizwits_helpers.next_poll(hass, freezer)
    assert gizwits_helpers.device_entry(hass, BALCONY_PLUG_DID) is not None

    gizwits_sim.faults.clear()
    caplog.clear()
    await gizwits_helpers.next_poll(hass, freezer)
    # The next change of the account's devices adds what is new, and only that.
    gizwits_sim.unbind(BALCONY_PLUG_DID)
    await gizwits_helpers.next_poll(hass, freezer)
    assert "unique ID" not in caplog.text
    tv_plug = gizwits_helpers.entity(hass, "switch", TV_PLUG_DID, "switch")
    state = hass.states.get(tv_plug)
    assert state is not None
    assert state.state == STATE_ON
    assert set(registry.entities) == before - balcony


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
    await gizwits_helpers.next_poll(hass, freezer)

    assert gizwits_helpers.device_entry(hass, TV_PLUG_DID) is None
    kept = device_with(hass, mac, other.entry_id)
    assert kept is not None
    assert ("local_plugs", "tv-plug") in kept.identifiers
