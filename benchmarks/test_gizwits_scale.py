"""Gizwits at scale: 200 bound devices, polled inside HA's test harness.

Run with ``scripts/benchmark``; it prints the figures and asserts nothing about
speed. Each device read waits a simulated cloud latency, so the concurrency
bound (four reads at a time) shows in the poll time.
"""

from collections import Counter
from statistics import median
from time import perf_counter

from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from custom_components.cloud_bridge.const import DOMAIN
from custom_components.cloud_bridge.vendors.gizwits.adapter import (
    MAX_CONCURRENT_READS,
)
from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import DEMO_APP_ID, DEMO_UID, generated_data
from tests.conftest import gizwits_data
from tests.wiz_helpers import record_state_writes

DEVICES = 200
POLLS = 5
LATENCY = 0.05


def report(name: str, value: object, unit: str = "") -> None:
    """Print one figure."""
    print(f"  {name:<55} {value} {unit}".rstrip())


async def test_200_devices(
    hass: HomeAssistant, socket_enabled: None, credential: None
) -> None:
    """Measure setup, requests per poll and poll time with the concurrency bound."""
    sim = GizwitsSimulator(generated_data(devices=DEVICES))
    await sim.start()
    print(f"\nGizwits benchmark: {DEVICES} bound devices")
    try:
        entry = MockConfigEntry(
            domain=DOMAIN,
            title="Gizwits benchmark",
            unique_id=f"gizwits:{DEMO_APP_ID}:{DEMO_UID}",
            data=gizwits_data(sim),
        )
        entry.add_to_hass(hass)
        started = perf_counter()
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        report(
            "setup (topology, definitions, first poll)",
            f"{perf_counter() - started:.2f}",
            "s",
        )
        setup_paths = Counter(request.path.split("/")[2] for request in sim.requests)
        report("requests at setup, by endpoint", dict(sorted(setup_paths.items())))
        entries = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        report("entities", len(entries))

        coordinator = entry.runtime_data.coordinator
        online = sum(device.online for device in sim.devices.values())
        writes = record_state_writes(hass, entry.entry_id)
        sim.faults.add(
            "latency",
            count=None,
            seconds=LATENCY,
            match=lambda request: "/devdata/" in request.path,
        )
        sim.clear_requests()
        durations = []
        for _ in range(POLLS):
            started = perf_counter()
            await coordinator.async_refresh()
            await hass.async_block_till_done()
            durations.append(perf_counter() - started)
        paths = Counter(request.path.split("/")[2] for request in sim.requests)
        report("online devices", online)
        report("requests per poll", len(sim.requests) / POLLS)
        report("  by endpoint", {k: v / POLLS for k, v in sorted(paths.items())})
        report(
            f"median poll time ({LATENCY * 1000:.0f} ms per device read, "
            f"{MAX_CONCURRENT_READS} at once)",
            f"{median(durations) * 1000:.0f}",
            "ms",
        )
        report(
            "  the same reads one at a time would take at least",
            f"{online * LATENCY * 1000:.0f}",
            "ms",
        )
        report("state writes per poll when nothing changed", len(writes) / POLLS)
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
    finally:
        await sim.stop()
