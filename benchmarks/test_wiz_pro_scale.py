"""WiZ Pro at scale: a 5,000-light building, polled inside HA's test harness.

Run with ``scripts/benchmark``; it prints the figures and asserts nothing about
speed.
"""

from statistics import median
from time import perf_counter
from typing import Any

from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.components.light import DOMAIN as LIGHT_DOMAIN
from homeassistant.const import (
    ATTR_AREA_ID,
    CONF_WEBHOOK_ID,
    SERVICE_TURN_OFF,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar, entity_registry as er

from custom_components.cloud_bridge.const import CONF_VENDOR, DOMAIN
from simulator.wiz_pro import WizProSimulator
from simulator.wiz_pro_demo import generated_data
from simulator.wiz_pro_model import Building
from tests.conftest import AUTH_DOMAIN, WEBHOOK_ID, wiz_token
from tests.wiz_helpers import record_state_writes

LIGHTS = 5000
POLLS = 10


def report(name: str, value: Any, unit: str = "") -> None:
    """Print one figure."""
    print(f"  {name:<55} {value} {unit}".rstrip())


async def set_up(
    hass: HomeAssistant, sim: WizProSimulator, building: Building
) -> MockConfigEntry:
    """Set the building up as an entry and report how long it took."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=building.name,
        unique_id=f"wiz_pro:{building.id}",
        data={
            CONF_VENDOR: "wiz_pro",
            "auth_implementation": AUTH_DOMAIN,
            "token": wiz_token(sim),
            "api_url": sim.url,
            "building_ids": [building.id],
            CONF_WEBHOOK_ID: WEBHOOK_ID,
        },
    )
    entry.add_to_hass(hass)
    started = perf_counter()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    report(
        "setup (first poll, registries, entities)",
        f"{perf_counter() - started:.2f}",
        "s",
    )
    registry = er.async_get(hass)
    entries = er.async_entries_for_config_entry(registry, entry.entry_id)
    report("entities registered", len(entries))
    report(
        "  enabled (Home Assistant's limit: 10,000)",
        sum(not e.disabled for e in entries),
    )
    report("  light entities with a state", len(hass.states.async_entity_ids("light")))
    return entry


async def measure_polls(
    hass: HomeAssistant, sim: WizProSimulator, entry: MockConfigEntry
) -> None:
    """Poll unchanged state a few times: requests, time and writes."""
    coordinator = entry.runtime_data.coordinator
    writes = record_state_writes(hass, entry.entry_id)
    durations = []
    sim.clear_requests()
    for _ in range(POLLS):
        started = perf_counter()
        await coordinator.async_refresh()
        await hass.async_block_till_done()
        durations.append(perf_counter() - started)
    report("HTTP requests per poll", len(sim.requests) / POLLS)
    report(
        "median poll cycle (client + simulator)",
        f"{median(durations) * 1000:.0f}",
        "ms",
    )
    report("state writes per poll when nothing changed", len(writes) / POLLS)


async def measure_room_off(
    hass: HomeAssistant, sim: WizProSimulator, building: Building, entry_id: str
) -> None:
    """Turn off every light in one room's area, as Assist would."""
    room = building.floors[0].rooms[0]
    area = ar.async_get(hass).async_get_area_by_name(room.name)
    assert area is not None
    sim.clear_requests()
    writes = record_state_writes(hass, entry_id)
    started = perf_counter()
    await hass.services.async_call(
        LIGHT_DOMAIN, SERVICE_TURN_OFF, {ATTR_AREA_ID: area.id}, blocking=True
    )
    await hass.async_block_till_done()
    elapsed = perf_counter() - started
    sent = [field for field, _ in sim.mutations]
    report(f"light.turn_off on area '{room.name}' ({len(room.lights)} lights):", "")
    report("  requests sent", len(sent))
    report("  of which", ", ".join(f"{sent.count(f)} {f}" for f in sorted(set(sent))))
    report("  lights off in the cloud", sum(not light.is_on for light in room.lights))
    report("  state writes (entities that changed)", len(writes))
    report("  time", f"{elapsed * 1000:.0f}", "ms")


async def test_5000_light_building(
    hass: HomeAssistant, socket_enabled: None, credential: None
) -> None:
    """Measure setup, polling, idle writes and one room switched off."""
    buildings = generated_data(lights=LIGHTS)
    sim = WizProSimulator(buildings, require_https_webhooks=False)
    await sim.start()
    print(f"\nWiZ Pro benchmark: one building of {LIGHTS} lights")
    try:
        entry = await set_up(hass, sim, buildings[0])
        await measure_polls(hass, sim, entry)
        await measure_room_off(hass, sim, buildings[0], entry.entry_id)
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
    finally:
        await sim.stop()
