"""NaN, infinity and numbers no float holds, which a cloud can send, read as unknown."""

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.components.climate import HVACMode
from homeassistant.const import ATTR_TEMPERATURE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant

from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import LIVING_AC_DID
from simulator.wegnology import WegnologySimulator
from simulator.wegnology_demo import BOILER_ROOM_SENSOR_ID

from . import gizwits_helpers, wegnology_helpers
from .helpers import entity_state, poll_now, state_of


def unreadable_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the warnings that a reported value could not be read."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelname == "WARNING" and "is no value of it" in record.message
    ]


async def test_a_sensor_reading_nan(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A temperature reported as NaN is unknown; the next real reading shows.

    So is one of 4,000 digits, rather than a state too long to write. The log
    says so once, naming the device and attribute.
    """
    temperature = wegnology_helpers.entity(
        hass, "sensor", BOILER_ROOM_SENSOR_ID, "temperature"
    )
    for odd in (
        "NaN",
        float("nan"),
        float("inf"),
        "-Infinity",
        "1e400",
        10**3999,
        -(10**3999),
    ):
        wegnology_sim.set_attribute(BOILER_ROOM_SENSOR_ID, "temperature", odd)
        await poll_now(hass, wegnology_loaded)
        assert state_of(hass, temperature) == STATE_UNKNOWN, str(odd)[:10]
    assert wegnology_loaded.runtime_data.coordinator.last_update_success
    assert unreadable_lines(caplog) == [
        (
            f"WEGnology: device {BOILER_ROOM_SENSOR_ID} temperature reported what is "
            "no value of it (shown as unknown)"
        )
    ]
    wegnology_sim.set_attribute(BOILER_ROOM_SENSOR_ID, "temperature", 21.5)
    await poll_now(hass, wegnology_loaded)
    assert state_of(hass, temperature) == "21.5"


@pytest.mark.parametrize("odd", [float("nan"), 10**3999], ids=["NaN", "huge"])
async def test_a_number_reading_nan(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    odd: float,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A set temperature the cloud sends as NaN (or 4,000 digits) is unknown.

    The log says so once, naming the device and datapoint.
    """
    thermostat = gizwits_helpers.entity(hass, "climate", LIVING_AC_DID, "climate")

    def target() -> Any:
        state = entity_state(hass, thermostat)
        return state.attributes[ATTR_TEMPERATURE]

    def nan_set_temp(reply: dict[str, Any]) -> None:
        reply["attr"]["set_temp"] = odd

    gizwits_sim.faults.add(
        "patch_response",
        path=f"/app/devdata/{LIVING_AC_DID}/latest",
        patch=nan_set_temp,
    )
    await poll_now(hass, gizwits_loaded)
    assert gizwits_loaded.runtime_data.coordinator.last_update_success
    assert target() is None
    assert state_of(hass, thermostat) == HVACMode.COOL
    await gizwits_loaded.runtime_data.coordinator.async_refresh()
    assert unreadable_lines(caplog) == [
        (
            f"Gizwits: device {LIVING_AC_DID} set_temp reported what is no value "
            "of it (shown as unknown)"
        )
    ]
    gizwits_sim.faults.clear()
    await poll_now(hass, gizwits_loaded)
    assert target() == 26


async def test_a_location_no_place_has(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """NaN, infinite, 4,000-digit or off-the-globe coordinates are unknown."""
    location = wegnology_helpers.entity(
        hass, "sensor", BOILER_ROOM_SENSOR_ID, "location"
    )
    for odd in (
        [10**3999, 1],
        "nan,2.35",
        {"lat": 48.85, "lon": float("inf")},
        "91,0",
        [0, -180.5],
        [True, 1],
    ):
        wegnology_sim.set_attribute(BOILER_ROOM_SENSOR_ID, "location", odd)
        await poll_now(hass, wegnology_loaded)
        assert state_of(hass, location) == STATE_UNKNOWN, str(odd)[:20]
    assert wegnology_loaded.runtime_data.coordinator.last_update_success
    wegnology_sim.set_attribute(BOILER_ROOM_SENSOR_ID, "location", "-90,180")
    await poll_now(hass, wegnology_loaded)
    assert state_of(hass, location) == "-90,180"
