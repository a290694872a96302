"""WEGnology at scale: an application of 1,000 devices, polled in HA's test harness.

Run with ``scripts/benchmark``; it prints the figures and asserts nothing about
speed. A poll reads the composite state (a page per 100 devices), the devices
whose connection changed (one query), and the alerts (Most Recent by Severity
and the events changed).
"""

from collections import Counter
from statistics import median
from time import perf_counter

from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from custom_components.cloud_bridge.const import DOMAIN
from simulator.recording import RecordedRequest
from simulator.wegnology import WegnologySimulator
from simulator.wegnology_demo import generated_data
from tests.conftest import wegnology_data
from tests.wiz_helpers import record_state_writes

DEVICES = 1000
POLLS = 5


def report(name: str, value: object, unit: str = "") -> None:
    """Print one figure."""
    print(f"  {name:<55} {value} {unit}".rstrip())


def endpoint(request: RecordedRequest) -> str:
    """Name a request by its endpoint (a device list with a query is its own)."""
    path = request.path
    name = path.rsplit("/", 1)[-1]
    if name == "devices" and "query" in request.query:
        return "devices?query (connection changes)"
    return name if name in {"compositeState", "mostRecentBySeverity"} else path


async def test_1000_devices(
    hass: HomeAssistant, socket_enabled: None, credential: None
) -> None:
    """Measure setup, requests per poll and poll time."""
    sim = WegnologySimulator(generated_data(devices=DEVICES))
    await sim.start()
    (application_id,) = sim.applications
    print(f"\nWEGnology benchmark: an application of {DEVICES} devices")
    try:
        entry = MockConfigEntry(
            domain=DOMAIN,
            title="WEGnology benchmark",
            unique_id=application_id,
            data={**wegnology_data(sim), "application_id": application_id},
        )
        entry.add_to_hass(hass)
        started = perf_counter()
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        report(
            "setup (device list, first poll)", f"{perf_counter() - started:.2f}", "s"
        )
        report("requests at setup", dict(Counter(endpoint(r) for r in sim.requests)))
        entries = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        report("entities", len(entries))

        coordinator = entry.runtime_data.coordinator
        writes = record_state_writes(hass, entry.entry_id)
        sim.clear_requests()
        durations = []
        for _ in range(POLLS):
            started = perf_counter()
            await coordinator.async_refresh()
            await hass.async_block_till_done()
            durations.append(perf_counter() - started)
        by_endpoint = Counter(endpoint(r) for r in sim.requests)
        report("requests per poll", len(sim.requests) / POLLS)
        report("  by endpoint", {k: v / POLLS for k, v in by_endpoint.items()})
        report(
            "  state and connectivity (pages + 1)",
            (
                by_endpoint["compositeState"]
                + by_endpoint["devices?query (connection changes)"]
            )
            / POLLS,
        )
        report(
            "median poll time (client + simulator)",
            f"{median(durations) * 1000:.0f}",
            "ms",
        )
        report("state writes per poll when nothing changed", len(writes) / POLLS)
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
    finally:
        await sim.stop()
