"""WEGnology diagnostics: what a user can share, with the sign-in redacted."""

import json
from typing import Any

import aiohttp
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.matchers import path_type

from homeassistant.components.diagnostics import REDACTED
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from simulator.wegnology import WegnologySimulator
from simulator.wegnology_demo import (
    BOILER_ROOM_SENSOR_ID,
    DEMO_API_TOKEN,
    DEMO_APPLICATION_ID,
    DEMO_EMAIL,
    TANK_LEVEL_ID,
)

from .wegnology_helpers import device_key, entity, make_entry


@pytest.fixture
def wegnology_entry(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator
) -> MockConfigEntry:
    """Return the demo plant's entry as the flow makes it (unique id: the app id)."""
    return make_entry(hass, wegnology_sim)


@pytest.fixture(autouse=True)
async def diagnostics_component(hass: HomeAssistant) -> None:
    """Set diagnostics up before the first client starts the HTTP server."""
    assert await async_setup_component(hass, "diagnostics", {})


async def test_diagnostics(
    hass: HomeAssistant,
    wegnology_loaded: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    snapshot: SnapshotAssertion,
) -> None:
    """Diagnostics show the entry, the read mode, classes and the Snapshot."""
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, wegnology_loaded
    )
    assert diagnostics["poll"]["last_update_success"] is True
    assert diagnostics["adapter"]["devices"] == 31
    assert diagnostics["adapter"]["bulk_composite_state"] is True
    tank = diagnostics["snapshot"][device_key(TANK_LEVEL_ID)]
    assert tank["points"]["level"]["value"] == 72.5
    # Where a device stands is personal: GPS fixes are redacted, kept in HA.
    boiler_room = diagnostics["snapshot"][device_key(BOILER_ROOM_SENSOR_ID)]
    assert boiler_room["points"]["location"]["value"] == REDACTED
    assert "51.5" not in text_of(diagnostics)
    location = hass.states.get(
        entity(hass, "sensor", BOILER_ROOM_SENSOR_ID, "location")
    )
    assert location is not None
    assert location.state == "51.5,-0.12"
    # The simulator's port changes from run to run; the rest is the demo plant.
    assert diagnostics == snapshot(matcher=path_type({"entry.data.base_url": (str,)}))


def text_of(diagnostics: dict[str, Any]) -> str:
    """Return diagnostics as the file a user would share."""
    return json.dumps(diagnostics, ensure_ascii=False)


async def test_api_token_appears_nowhere(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    setup_entry: Any,
    hass_client: ClientSessionGenerator,
) -> None:
    """A pasted API token is redacted."""
    entry = await setup_entry(make_entry(hass, wegnology_sim, login=False))
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert DEMO_API_TOKEN not in text_of(diagnostics), "the API token leaks"
    assert diagnostics["entry"]["data"]["api_token"] == REDACTED
    assert diagnostics["entry"]["data"]["auth"] == "token"


async def test_the_api_token_reads_the_plant(
    wegnology_sim: WegnologySimulator,
) -> None:
    """Why the API token is a secret: it alone reads every device of the plant."""
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{wegnology_sim.url}/applications/{DEMO_APPLICATION_ID}/devices",
            headers={"Authorization": f"Bearer {DEMO_API_TOKEN}"},
        ) as response,
    ):
        reply: dict[str, Any] = await response.json()
    assert response.status == 200
    assert reply["totalCount"] == 31


async def test_email_in_the_title_is_redacted(
    hass: HomeAssistant,
    wegnology_loaded: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """A user who named the entry after the account: the e-mail goes there too."""
    hass.config_entries.async_update_entry(
        wegnology_loaded, title=f"Demo Plant ({DEMO_EMAIL})"
    )
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, wegnology_loaded
    )
    assert diagnostics["entry"]["title"] == f"Demo Plant ({REDACTED})"
    assert DEMO_EMAIL not in text_of(diagnostics)
