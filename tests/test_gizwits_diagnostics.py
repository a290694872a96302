"""Gizwits diagnostics: what a user can share, with the account's secrets redacted."""

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

from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import DEMO_APP_ID, DEMO_UID, LIVING_AC_DID

from .gizwits_helpers import devdata


@pytest.fixture(autouse=True)
async def diagnostics_component(hass: HomeAssistant) -> None:
    """Set diagnostics up before the first client starts the HTTP server."""
    assert await async_setup_component(hass, "diagnostics", {})


async def test_diagnostics(
    hass: HomeAssistant,
    gizwits_loaded: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    snapshot: SnapshotAssertion,
) -> None:
    """Diagnostics show the entry, the products, groups and Snapshot."""
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, gizwits_loaded
    )
    assert diagnostics["poll"]["last_update_success"] is True
    assert diagnostics["adapter"]["devices"] == 10
    # The simulator's port and the token's expiry change from run to run.
    assert diagnostics == snapshot(
        matcher=path_type(
            {"entry.data.base_url": (str,), "entry.data.expire_at": (int, float)}
        )
    )


@pytest.mark.parametrize("login", ["demo@example.com", "13800000000"])
async def test_email_or_phone_login_is_redacted(
    hass: HomeAssistant,
    gizwits_loaded: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    login: str,
) -> None:
    """An e-mail address or phone number used to log in is personal: redacted."""
    hass.config_entries.async_update_entry(
        gizwits_loaded,
        title=f"Gizwits {login}",
        data={**gizwits_loaded.data, "username": login},
    )
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, gizwits_loaded
    )
    assert login not in json.dumps(diagnostics, ensure_ascii=False)
    assert diagnostics["entry"]["title"] == f"Gizwits {REDACTED}"


async def test_app_id_and_a_did_read_a_device(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """Why the AppID is redacted: with a did it reads the device, no login needed.

    The document lists only X-Gizwits-Application-Id for devdata/latest, and
    diagnostics carry every did (device keys).
    """
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, gizwits_loaded
    )
    did = diagnostics["snapshot"][f"{DEMO_UID}:{LIVING_AC_DID}"]["key"].split(":")[1]
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            gizwits_sim.url + devdata(did),
            headers={"X-Gizwits-Application-Id": DEMO_APP_ID},
        ) as response,
    ):
        reply: dict[str, Any] = await response.json()
    assert response.status == 200
    assert reply["attr"]["mode"] == "制冷"
    assert DEMO_APP_ID not in json.dumps(diagnostics)
