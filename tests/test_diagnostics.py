"""Diagnostics: what a user can share, with every secret redacted."""

import json

from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.matchers import path_type

from homeassistant.components.diagnostics import REDACTED
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from simulator.wiz_pro import WizProSimulator

from .wiz_helpers import leave_without_url


async def test_diagnostics(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    wiz_loaded: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    snapshot: SnapshotAssertion,
) -> None:
    """Diagnostics show the entry, the push URL and the Snapshot, not secrets."""
    await hass.config.async_update(external_url="https://home.example.com")
    # Set up before the first client starts the HTTP server.
    assert await async_setup_component(hass, "diagnostics", {})
    webhook_id = wiz_loaded.data[CONF_WEBHOOK_ID]
    # A pushed notification, so that the adapter's telemetry shows too.
    light = wiz_sim.building(wiz_loaded.data["building_ids"][0]).lights[4]
    body = {
        "floorId": wiz_sim.floor_of(light.id).id,
        "type": "STATUSCHANGE",
        "payload": json.dumps(light.status_payload()),
    }
    http = await hass_client()
    response = await http.post(f"/api/webhook/{webhook_id}", json=body)
    assert response.status == 200

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, wiz_loaded)

    text = json.dumps(diagnostics)
    token = wiz_loaded.data["token"]
    for secret in (token["access_token"], token["refresh_token"], webhook_id):
        assert secret not in text
    assert diagnostics["entry"]["data"]["token"] == REDACTED
    assert diagnostics["entry"]["data"][CONF_WEBHOOK_ID] == REDACTED
    assert diagnostics["push"]["webhook_url"] == (
        f"https://home.example.com/api/webhook/{REDACTED}"
    )
    assert diagnostics["entry"]["data"]["api_url"] == wiz_sim.url
    assert diagnostics["adapter"]["pushed_telemetry"][light.mac]["rssi"] == light.rssi
    # The simulator's port changes from run to run.
    assert diagnostics == snapshot(matcher=path_type({"entry.data.api_url": (str,)}))


async def test_diagnostics_without_a_home_assistant_url(
    hass: HomeAssistant,
    wiz_loaded: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """With no address for Home Assistant, the push section says there is none."""
    assert await async_setup_component(hass, "diagnostics", {})
    leave_without_url(hass)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, wiz_loaded)
    assert diagnostics["push"] == {"webhook_url": None, "https": None}
