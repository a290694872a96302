"""Gizwits at scale: 200 bound devices, polled inside HA's test harness.

Run with ``scripts/benchmark``; it prints the figures and asserts nothing about
speed. Each device read waits a simulated cloud latency, so the concurrency
bound (four reads at a time) shows in the poll time. The push figures compare
the same account with and without the app WebSocket: REST requests in ten idle
minutes (time driven by the freezer; with push, the 5-minute safety poll reads
the devices on the socket), and the wall time from a change in the simulator to
the entity's new state (a real socket, no fake clock).
"""

import asyncio
from collections import Counter
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from statistics import median
from time import perf_counter

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.const import EVENT_STATE_CHANGED, STATE_OFF, STATE_ON
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from custom_components.cloud_bridge.const import DOMAIN
from custom_components.cloud_bridge.vendors.gizwits.reports import (
    MAX_CONCURRENT_READS,
)
from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import (
    DEMO_APP_ID,
    DEMO_UID,
    SMART_PLUG,
    generated_data,
)
from tests.conftest import gizwits_data
from tests.gizwits_helpers import WS, settle, socket_reads, tick, until
from tests.wiz_helpers import record_state_writes

DEVICES = 200
POLLS = 5
LATENCY = 0.05
IDLE_MINUTES = 10
CHANGES = 16  # every online plug that has reported


def report(name: str, value: object, unit: str = "") -> None:
    """Print one figure."""
    print(f"  {name:<55} {value} {unit}".rstrip())


async def test_200_devices(
    hass: HomeAssistant, socket_enabled: None, credential: None
) -> None:
    """Measure setup, requests per poll and poll time with the concurrency bound."""
    sim = GizwitsSimulator(generated_data(devices=DEVICES))
    await sim.start()
    sim.state.ws_port = 0  # no app WebSocket: every poll reads every device
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
        setup_paths = Counter(
            request.path.split("/")[2] for request in sim.requests if request.path != WS
        )
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


@asynccontextmanager
async def account(
    hass: HomeAssistant, *, push: bool
) -> AsyncGenerator[tuple[GizwitsSimulator, MockConfigEntry]]:
    """Set the 200-device account up, with the app WebSocket or without it."""
    sim = GizwitsSimulator(generated_data(devices=DEVICES))
    await sim.start()
    sim.push.auto_check = False
    if not push:
        sim.state.ws_port = 0  # the bindings name no socket: polled only
    try:
        entry = MockConfigEntry(
            domain=DOMAIN,
            title="Gizwits benchmark",
            unique_id=f"gizwits:{DEMO_APP_ID}:{DEMO_UID}",
            data=gizwits_data(sim),
        )
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        coordinator = entry.runtime_data.coordinator
        if push:
            await until(lambda: coordinator.pushing is True, "push up")
            await until(
                lambda: (
                    sum(len(s.subscriptions) for s in sim.push.open_sockets) == DEVICES
                ),
                "every device subscribed",
            )
        await settle(hass)
        yield sim, entry
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
    finally:
        await sim.stop()


def rest_requests(sim: GizwitsSimulator) -> Counter[str]:
    """Return the REST requests the cloud received by endpoint (no socket upgrade)."""
    return Counter(
        request.path.split("/")[2] for request in sim.requests if request.path != WS
    )


async def idle_requests(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, *, push: bool
) -> tuple[Counter[str], int]:
    """Return the REST requests of ten idle minutes, and the reads sent on sockets.

    Time passes 30 s at a time.
    """
    async with account(hass, push=push) as (sim, _entry):
        sim.clear_requests()
        before = safety_reads(sim)
        for _ in range(IDLE_MINUTES * 2):
            await tick(hass, freezer, 30)
            assert sim.push.check_heartbeats() == []
        return rest_requests(sim), safety_reads(sim) - before


def safety_reads(sim: GizwitsSimulator) -> int:
    """Return how many reads with a req_sn (the safety poll's) the sockets received."""
    return sum(len(socket_reads(sock, numbered=True)) for sock in sim.push.sockets)


async def test_200_devices_requests_with_and_without_push(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    socket_enabled: None,
    credential: None,
) -> None:
    """REST requests in ten idle minutes, polled or pushed.

    Polled: bindings and every online device every 30 s. Pushed: bindings every
    30 s, the devices' state every 5 minutes, asked on the socket.
    """
    polled, _none = await idle_requests(hass, freezer, push=False)
    pushed, reads = await idle_requests(hass, freezer, push=True)
    print(f"\nGizwits push: {DEVICES} bound devices, 180 online")
    for name, counted in (("polled", polled), ("pushed", pushed)):
        report(
            f"REST requests in {IDLE_MINUTES} idle minutes, {name}",
            counted.total(),
        )
        report("  by endpoint", dict(sorted(counted.items())))
    report("  fewer with push", f"{polled.total() / pushed.total():.1f}", "x")
    report("  safety-poll device reads sent on the socket instead", reads)


async def time_to_state(
    hass: HomeAssistant, sim: GizwitsSimulator, entity_id: str, did: str
) -> float:
    """Change a plug in the cloud; return the wall time until its entity shows it."""
    state = hass.states.get(entity_id)
    assert state is not None
    target = STATE_OFF if state.state == STATE_ON else STATE_ON
    shown = asyncio.get_running_loop().create_future()

    @callback
    def changed(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if (
            event.data["entity_id"] == entity_id
            and new is not None
            and new.state == target
            and not shown.done()
        ):
            shown.set_result(perf_counter())

    remove = hass.bus.async_listen(EVENT_STATE_CHANGED, changed)
    try:
        started = perf_counter()
        sim.set_attr(did, "switch", target == STATE_ON)
        async with asyncio.timeout(10):
            done: float = await shown
    finally:
        remove()
    return done - started


async def test_200_devices_change_to_state(
    hass: HomeAssistant, socket_enabled: None, credential: None
) -> None:
    """Wall time from a change in the cloud to the entity's state, with push."""
    async with account(hass, push=True) as (sim, entry):
        plugs = [
            did
            for did, device in sim.devices.items()
            if device.online
            and device.attr
            and device.product_key == SMART_PLUG.product_key
        ]
        registry = er.async_get(hass)
        times = []
        for did in plugs[:CHANGES]:
            entity_id = registry.async_get_entity_id(
                "switch", DOMAIN, f"gizwits:{DEMO_UID}:{did}:switch"
            )
            assert entity_id is not None
            times.append(await time_to_state(hass, sim, entity_id, did))
    async with account(hass, push=False) as (sim, entry):
        coordinator = entry.runtime_data.coordinator
        started = perf_counter()
        await coordinator.async_refresh()
        poll = perf_counter() - started
    print(f"\nGizwits change to state: {DEVICES} bound devices, {len(times)} changes")
    report(
        "with push: median / slowest",
        f"{median(times) * 1000:.1f} / {max(times) * 1000:.1f}",
        "ms",
    )
    report(
        "without push: the next poll (0-30 s away, 15 s on average) + its time",
        f"{poll * 1000:.0f}",
        "ms",
    )
