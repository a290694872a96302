"""NaN and infinity, which JSON lets a cloud send, read as unknown, not as a crash."""

from typing import Any

from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.components.climate import HVACMode
from homeassistant.const import ATTR_TEMPERATURE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant

from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import LIVING_AC_DID
from simulator.wegnology import WegnologySimulator
from simulator.wegnology_demo import BOILER_ROOM_SENSOR_ID

from . import gizwits_helpers, wegnology_helpers


def shown(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state, which must exist."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


async def test_a_sensor_reading_nan(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """A temperature reported as NaN is unknown; the next real reading shows."""
    temperature = wegnology_helpers.entity(
        hass, "sensor", BOILER_ROOM_SENSOR_ID, "temperature"
    )
    for odd in ("NaN", float("nan"), float("inf"), "-Infinity"):
        wegnology_sim.set_attribute(BOILER_ROOM_SENSOR_ID, "temperature", odd)
        await wegnology_helpers.poll_now(hass, wegnology_loaded)
        assert shown(hass, temperature) == STATE_UNKNOWN, odd
    wegnology_sim.set_attribute(BOILER_ROOM_SENSOR_ID, "temperature", 21.5)
    await wegnology_helpers.poll_now(hass, wegnology_loaded)
    assert shown(hass, temperature) == "21.5"


async def test_a_number_reading_nan(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
) -> None:
    """A set temperature the cloud sends as NaN is unknown, not an error."""
    thermostat = gizwits_helpers.entity(hass, "climate", LIVING_AC_DID, "climate")

    def target() -> Any:
        state = hass.states.get(thermostat)
        assert state is not None
        return state.attributes[ATTR_TEMPERATURE]

    def nan_set_temp(reply: dict[str, Any]) -> None:
        reply["attr"]["set_temp"] = float("nan")

    gizwits_sim.faults.add(
        "patch_response",
        path=f"/app/devdata/{LIVING_AC_DID}/latest",
        patch=nan_set_temp,
    )
    await gizwits_loaded.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert target() is None
    assert shown(hass, thermostat) == HVACMode.COOL
    await gizwits_loaded.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert target() == 26
