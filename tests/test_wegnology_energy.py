"""A meter set in the WEGnology options, as the Energy dashboard sees it."""

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
    do_adhoc_statistics,
)

from homeassistant.components.energy.data import async_get_manager
from homeassistant.components.energy.validate import async_validate
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.statistics import get_start_time
from homeassistant.core import HomeAssistant

from simulator.wegnology import WegnologySimulator

from .helpers import SetupEntry
from .wegnology_helpers import demo_device_id, entity, make_entry


@pytest.fixture
def mock_recorder_before_hass(async_test_recorder: Any) -> None:
    """Prepare the recorder's database before Home Assistant starts."""


async def energy_issues(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, source: dict[str, Any]
) -> list[dict[str, Any]]:
    """Return what the Energy dashboard's validation says of one source.

    The statistics of the five minutes the sensor was recorded in are compiled
    first, as the recorder does every five minutes.
    """
    manager = await async_get_manager(hass)
    await manager.async_update({"energy_sources": [source]})
    await async_wait_recording_done(hass)
    freezer.tick(timedelta(minutes=5))
    do_adhoc_statistics(hass, start=get_start_time())
    await async_wait_recording_done(hass)
    (issues,) = (await async_validate(hass)).as_dict()["energy_sources"]
    return list(issues)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        pytest.param(
            {"device_class": "water", "unit": "m³"}, [], id="set as a water meter"
        ),
        pytest.param(
            {"unit": "m³"},
            [
                "entity_unexpected_device_class",
                "entity_state_class_measurement_no_last_reset",
            ],
            id="a unit alone",
        ),
    ],
)
async def test_a_water_meter_set_in_the_options_is_a_water_source(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    setup_entry: SetupEntry,
    *,
    freezer: FrozenDateTimeFactory,
    options: dict[str, str],
    expected: list[str],
) -> None:
    """The water meter's volume made a water meter in the options: no issue.

    It counts up (total increasing), in a water unit. With a unit alone it is
    no water meter and a measurement, and the Energy dashboard says so.
    """
    meter = demo_device_id(wegnology_sim, "Water Meter")
    entry = make_entry(hass, wegnology_sim)
    hass.config_entries.async_update_entry(
        entry, options={"attributes": {f"{meter}/volume": options}}
    )
    await setup_entry(entry)
    volume = entity(hass, "sensor", meter, "volume")
    issues = await energy_issues(
        hass,
        freezer,
        {
            "type": "water",
            "stat_energy_from": volume,
            "stat_cost": None,
            "entity_energy_price": None,
            "number_energy_price": None,
        },
    )
    assert [issue["type"] for issue in issues] == expected
