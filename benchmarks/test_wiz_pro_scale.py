"""WiZ Pro at scale: a 5,000-light building, polled inside HA's test harness.

Run with ``scripts/benchmark``; it prints the figures and asserts nothing about
speed. The integration is measured alone first: the simulator's reply is
recorded once and served from a trivial server in its own process (a real
socket), so neither the simulator's GraphQL engine nor the serving counts.
Then the same building is set up against the simulator for the request counts.
"""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
import json
from pathlib import Path
from statistics import median
import sys
from time import perf_counter, process_time
from typing import Any

import aiohttp
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.components.light import (
    ATTR_BRIGHTNESS_PCT,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_EFFECT,
    ATTR_RGB_COLOR,
    DOMAIN as LIGHT_DOMAIN,
)
from homeassistant.const import (
    ATTR_AREA_ID,
    CONF_WEBHOOK_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import area_registry as ar, entity_registry as er

from custom_components.cloud_bridge.const import CONF_VENDOR, DOMAIN
from custom_components.cloud_bridge.vendors.parse import decode_json
from custom_components.cloud_bridge.vendors.wiz_pro import queries
from simulator.wiz_pro import WizProSimulator
from simulator.wiz_pro_demo import (
    FILAMENT_DW,
    GU10_TW,
    LINEAR_DUAL_ZONE_TW,
    PANEL_TW,
    generated_data,
)
from simulator.wiz_pro_model import Building, Group, Room
from tests.conftest import AUTH_DOMAIN, WEBHOOK_ID, wiz_token
from tests.wiz_helpers import record_state_writes

LIGHTS = 5000
POLLS = 10
CHANGED = 50
# The area actions of a service call, as Assist or an automation sends them.
AREA_ACTIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "off": (SERVICE_TURN_OFF, {}),
    "on": (SERVICE_TURN_ON, {}),
    "brightness 40 %": (SERVICE_TURN_ON, {ATTR_BRIGHTNESS_PCT: 40}),
    "4000 K": (SERVICE_TURN_ON, {ATTR_COLOR_TEMP_KELVIN: 4000}),
    "2000 K (below some bulbs)": (SERVICE_TURN_ON, {ATTR_COLOR_TEMP_KELVIN: 2000}),
    "red": (SERVICE_TURN_ON, {ATTR_RGB_COLOR: (255, 0, 0)}),
    "effect Night light": (SERVICE_TURN_ON, {ATTR_EFFECT: "Night light"}),
    "effect Ocean": (SERVICE_TURN_ON, {ATTR_EFFECT: "Ocean"}),
}


def report(name: str, value: Any, unit: str = "") -> None:
    """Print one figure."""
    print(f"  {name:<55} {value} {unit}".rstrip())


@contextmanager
def cpu_time(spent: list[float]) -> Iterator[None]:
    """Add the process CPU time the block takes to spent (in seconds)."""
    started = process_time()
    yield
    spent.append(process_time() - started)


def benchmark_building() -> Building:
    """Return the 5,000-light building; two rooms get a second group.

    Every room holds RGBTW, TW, dual-zone TW, panel TW (3000-5000 K) and DW
    bulbs. Rooms 1 and 3 also group their dual-zone and DW bulbs, for the area
    actions; room 3's panels are GU10 spots instead, so that its bulbs share
    the same white range but for the RGBTW ones.
    """
    building = generated_data(lights=LIGHTS)[0]
    first, _, third = building.floors[0].rooms[:3]
    for light in third.lights:
        if light.model is PANEL_TW:
            light.model = GU10_TW
    for number, room in ((1, first), (3, third)):
        whites = [
            light
            for light in room.lights
            if light.model in {FILAMENT_DW, LINEAR_DUAL_ZONE_TW}
        ]
        room.groups.append(
            Group(id=f"29999{number}", name=f"Room {number} Whites", lights=whites[:4])
        )
    return building


class CannedCloud:
    """Answers every GraphQL request with the reply it holds: no engine at all.

    The server runs in its own process (benchmarks/canned_cloud.py), so only
    the integration's work counts in this process's CPU time.
    """

    def __init__(self, reply: bytes, folder: Path) -> None:
        """Hold a reply, in a file of folder."""
        self._file = folder / "reply.json"
        self.reply = reply
        self._process: asyncio.subprocess.Process | None = None
        self.url = ""

    @property
    def reply(self) -> bytes:
        """Return the reply the server sends."""
        return self._file.read_bytes()

    @reply.setter
    def reply(self, reply: bytes) -> None:
        """Send this reply from now on."""
        self._file.write_bytes(reply)

    async def start(self) -> None:
        """Start the server on a free port of 127.0.0.1."""
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "benchmarks.canned_cloud",
            str(self._file),
            stdout=asyncio.subprocess.PIPE,
        )
        assert self._process.stdout is not None
        port = int(await self._process.stdout.readline())
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        """Stop the server."""
        if self._process is not None:
            self._process.terminate()
            await self._process.wait()


async def recorded_reply(sim: WizProSimulator, building_id: str) -> bytes:
    """Return the simulator's answer to the integration's building query."""
    token = sim.issue_tokens()["accessToken"]
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{sim.url}/api/graphql",
            json={
                "query": queries.BUILDING_TOPOLOGY,
                "variables": {"buildingId": building_id},
            },
            headers={"Authorization": f"Bearer {token}"},
        ) as response,
    ):
        assert response.status == 200
        return await response.read()


def changed_replies(reply: bytes, polls: int, changed: int) -> list[bytes]:
    """Return one reply per poll, each with changed lights dimmed anew."""
    data = json.loads(reply)
    lights = [
        light
        for floor in data["data"]["buildingTopology"]["floors"]
        for room in floor["rooms"]
        for light in room["lights"]
    ]
    step = len(lights) // changed
    replies = []
    for poll in range(polls):
        for light in lights[::step][:changed]:
            light["currentState"].update(state=True, dimming=11 + poll)
        replies.append(json.dumps(data).encode())
    return replies


def decode_ms(reply: bytes) -> float:
    """Return the median process CPU time of decoding a reply, in ms."""
    spent: list[float] = []
    for _ in range(POLLS):
        with cpu_time(spent):
            decode_json(reply)
    return median(spent) * 1000


def entry_for(building: Building, url: str, token: dict[str, Any]) -> MockConfigEntry:
    """Return an entry for the building on a server."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=building.name,
        unique_id=f"wiz_pro:{building.id}",
        data={
            CONF_VENDOR: "wiz_pro",
            "auth_implementation": AUTH_DOMAIN,
            "token": token,
            "api_url": url,
            "building_ids": [building.id],
            CONF_WEBHOOK_ID: WEBHOOK_ID,
        },
    )


async def set_up(hass: HomeAssistant, entry: MockConfigEntry, where: str) -> None:
    """Set an entry up and report how long it took, and what it made."""
    entry.add_to_hass(hass)
    started, cpu = perf_counter(), process_time()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    report(
        f"setup (first poll, registries, entities; {where})",
        f"{perf_counter() - started:.2f} s, CPU {process_time() - cpu:.2f}",
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


async def remove(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Remove an entry with its devices and entities."""
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()


async def poll_cpu_ms(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    cloud: CannedCloud,
    replies: list[bytes],
) -> float:
    """Poll once per reply; return the median process CPU time of a poll in ms."""
    coordinator = entry.runtime_data.coordinator
    spent: list[float] = []
    for reply in replies:
        cloud.reply = reply
        with cpu_time(spent):
            await coordinator.async_refresh()
            await hass.async_block_till_done()
        assert coordinator.last_update_success
    return median(spent) * 1000


async def measure_integration_alone(
    hass: HomeAssistant, sim: WizProSimulator, building: Building, folder: Path
) -> None:
    """Set up on the recorded reply, then poll it unchanged and with changes."""
    reply = await recorded_reply(sim, building.id)
    cloud = CannedCloud(reply, folder)
    await cloud.start()
    try:
        entry = entry_for(building, cloud.url, wiz_token(sim))
        await set_up(hass, entry, "recorded reply")
        writes = record_state_writes(hass, entry.entry_id)
        decode = decode_ms(reply)
        unchanged = await poll_cpu_ms(hass, entry, cloud, [reply] * POLLS)
        report("state writes per poll when nothing changed", len(writes) / POLLS)
        print(
            f"WiZ {LIGHTS} lights: unchanged poll CPU {unchanged:.0f} ms, "
            f"reply decode {decode:.1f} ms, ratio {unchanged / decode:.1f}x"
        )
        replies = changed_replies(reply, POLLS, CHANGED)
        decode = median(decode_ms(changed) for changed in replies)
        writes.clear()
        changed = await poll_cpu_ms(hass, entry, cloud, replies)
        report(
            f"state writes per poll when {CHANGED} lights changed", len(writes) / POLLS
        )
        print(
            f"WiZ {LIGHTS} lights: {CHANGED} changed lights poll CPU {changed:.0f} ms, "
            f"reply decode {decode:.1f} ms, ratio {changed / decode:.1f}x"
        )
        await remove(hass, entry)
    finally:
        await cloud.stop()


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
    hass: HomeAssistant, sim: WizProSimulator, room: Room, entry_id: str
) -> None:
    """Turn off every light in one room's area, as Assist would."""
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


async def measure_area_actions(
    hass: HomeAssistant, sim: WizProSimulator, room: Room
) -> None:
    """Send each kind of area action to one room; count the mutations it costs."""
    area = ar.async_get(hass).async_get_area_by_name(room.name)
    assert area is not None
    models = sorted({light.model.name for light in room.lights})
    report(
        f"area actions on '{room.name}' ({len(room.lights)} lights of "
        f"{len(models)} models, {len(room.groups)} groups):",
        "",
    )
    for name, (service, data) in AREA_ACTIONS.items():
        sim.clear_requests()
        failed = ""
        try:
            await hass.services.async_call(
                LIGHT_DOMAIN, service, {ATTR_AREA_ID: area.id, **data}, blocking=True
            )
        except HomeAssistantError as err:
            failed = f"; the action failed: {err}"
        await hass.async_block_till_done()
        sent = [field for field, _ in sim.mutations]
        kinds = ", ".join(f"{sent.count(f)} {f}" for f in sorted(set(sent)))
        report(f"  {name}: mutations", f"{len(sent)} ({kinds}){failed}")


async def measure_with_simulator(
    hass: HomeAssistant, sim: WizProSimulator, building: Building
) -> None:
    """Set up against the simulator: requests per poll, room actions."""
    entry = entry_for(building, sim.url, wiz_token(sim))
    await set_up(hass, entry, "simulator")
    await measure_polls(hass, sim, entry)
    for room in (building.floors[0].rooms[0], building.floors[0].rooms[2]):
        await measure_area_actions(hass, sim, room)
    await measure_room_off(hass, sim, building.floors[0].rooms[1], entry.entry_id)
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.timeout(900)
async def test_5000_light_building(
    hass: HomeAssistant, socket_enabled: None, credential: None, tmp_path: Path
) -> None:
    """Measure setup, polling, idle writes and area actions."""
    building = benchmark_building()
    sim = WizProSimulator([building], require_https_webhooks=False)
    await sim.start()
    print(f"\nWiZ Pro benchmark: one building of {LIGHTS} lights")
    try:
        await measure_integration_alone(hass, sim, building, tmp_path)
        await measure_with_simulator(hass, sim, building)
    finally:
        await sim.stop()
