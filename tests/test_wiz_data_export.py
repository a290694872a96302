"""What Data export delivered: shown on the options page, kept across restarts."""

from datetime import timedelta
import json

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from homeassistant.const import (
    CONF_WEBHOOK_ID,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from custom_components.cloud_bridge.const import DOMAIN
from simulator.wiz_pro import WizProSimulator

from .wiz_helpers import PUSH_STORE, entity_id, reported_before, sim_light, unique_id

ACCENT = "Reception Accent 1"


@pytest.fixture
async def http(
    wiz_loaded: MockConfigEntry, hass_client_no_auth: ClientSessionGenerator
) -> TestClient:
    """Return a client of Home Assistant's HTTP server."""
    return await hass_client_no_auth()


async def deliver(
    hass: HomeAssistant, sim: WizProSimulator, http: TestClient, entry: MockConfigEntry
) -> None:
    """Have WiZ Pro's Data export send a notification about the accent light."""
    sim.webhook_url = str(http.make_url(f"/api/webhook/{entry.data[CONF_WEBHOOK_ID]}"))
    delivery = await sim.send_status_change(sim_light(sim, ACCENT).id)
    assert delivery.status == 200
    await hass.async_block_till_done()


async def test_the_options_say_whether_data_export_delivered(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    wiz_loaded: MockConfigEntry,
    http: TestClient,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Nothing yet, then the time of the last notification."""
    result = await hass.config_entries.options.async_init(wiz_loaded.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    assert set(result["description_placeholders"]) == {"webhook_url"}
    hass.config_entries.options.async_abort(result["flow_id"])

    freezer.move_to("2026-10-03 12:05:09+00:00")
    await deliver(hass, wiz_sim, http, wiz_loaded)
    result = await hass.config_entries.options.async_init(wiz_loaded.entry_id)
    assert result["step_id"] == "wiz_pro_delivered"
    shown = dt_util.as_local(dt_util.parse_datetime("2026-10-03 12:05:09+00:00"))
    assert result["description_placeholders"]["last_delivery"] == shown.strftime(
        "%Y-%m-%d %H:%M:%S"
    )
    assert result["description_placeholders"]["webhook_url"].endswith(
        wiz_loaded.data[CONF_WEBHOOK_ID]
    )
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_the_last_delivery_is_kept_across_restarts(
    hass: HomeAssistant,
    wiz_entry: MockConfigEntry,
    setup_entry: object,
    hass_storage: dict[str, object],
) -> None:
    """A delivery before a restart is still shown after it."""
    reported_before(hass_storage, wiz_entry, last_delivery="2026-10-01T08:00:00+00:00")
    assert callable(setup_entry)
    await setup_entry(wiz_entry)
    result = await hass.config_entries.options.async_init(wiz_entry.entry_id)
    assert result["step_id"] == "wiz_pro_delivered"
    shown = dt_util.as_local(dt_util.parse_datetime("2026-10-01T08:00:00+00:00"))
    assert result["description_placeholders"]["last_delivery"] == shown.strftime(
        "%Y-%m-%d %H:%M:%S"
    )


async def test_telemetry_outlives_a_restart(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    wiz_loaded: MockConfigEntry,
    http: TestClient,
    *,
    hass_storage: dict[str, object],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Pushed power and a disconnection are there again after a reload, unpushed."""
    light = sim_light(wiz_sim, ACCENT)
    other = sim_light(wiz_sim, "Reception Accent 2")
    await deliver(hass, wiz_sim, http, wiz_loaded)
    power = entity_id(hass, "sensor", unique_id("light", light.id, "power"))
    watts = hass.states.get(power).state
    wiz_sim.set_connected(other.id, False)
    await wiz_sim.flush_webhooks()
    await hass.async_block_till_done()
    lamp = entity_id(hass, "light", unique_id("light", other.id))
    connectivity = entity_id(
        hass, "binary_sensor", unique_id("light", other.id, "connectivity")
    )
    assert hass.states.get(lamp).state == STATE_UNAVAILABLE
    # Kept with Home Assistant's Store, written a little later.
    freezer.tick(timedelta(minutes=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    saved = json.dumps(hass_storage[PUSH_STORE])
    assert light.mac in saved
    assert other.mac in saved

    wiz_sim.webhook_url = None
    assert await hass.config_entries.async_reload(wiz_loaded.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(power).state == watts
    assert hass.states.get(connectivity).state == STATE_OFF
    assert hass.states.get(lamp).state == STATE_UNAVAILABLE
    # A light that never reported still has none of these.
    never = unique_id("light", sim_light(wiz_sim, "Reception Spot 1").id, "power")
    assert er.async_get(hass).async_get_entity_id("sensor", DOMAIN, never) is None

    # Back (a push says so): available again.
    wiz_sim.webhook_url = str(
        http.make_url(f"/api/webhook/{wiz_loaded.data[CONF_WEBHOOK_ID]}")
    )
    wiz_sim.set_connected(other.id, True)
    await wiz_sim.flush_webhooks()
    await hass.async_block_till_done()
    assert hass.states.get(lamp).state == STATE_ON
    assert hass.states.get(connectivity).state == STATE_ON
