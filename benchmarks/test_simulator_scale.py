"""The simulators at scale: how long their generated accounts take to make and serve.

Run with ``scripts/benchmark``; it prints the figures and asserts nothing about
speed (the tests check what the simulators serve, not how fast).
"""

import asyncio
from time import perf_counter

import aiohttp

from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import generated_data as gizwits_data
from simulator.wegnology import WegnologySimulator
from simulator.wegnology_demo import DEMO_API_TOKEN, generated_data as wegnology_data
from simulator.wiz_pro import WizProSimulator
from simulator.wiz_pro_demo import generated_data as wiz_pro_data
from tests.simulator.test_wiz_pro_simulator import TOPOLOGY


def report(name: str, started: float) -> None:
    """Print how long something took since started."""
    print(f"  {name:<55} {(perf_counter() - started) * 1000:.0f} ms")


async def test_simulators_at_scale(socket_enabled: None) -> None:
    """Generate each large account and serve one full read of it."""
    print("\nSimulators at scale")
    async with aiohttp.ClientSession() as session:
        started = perf_counter()
        gizwits = gizwits_data(200)
        report("Gizwits: generate 200 devices", started)
        async with GizwitsSimulator(gizwits) as sim:
            headers = {
                "X-Gizwits-Application-Id": next(iter(sim.app_ids)),
                "X-Gizwits-User-token": sim.issue_token().token,
            }

            async def latest(did: str) -> None:
                async with session.get(
                    f"{sim.url}/app/devdata/{did}/latest", headers=headers
                ) as response:
                    assert response.status == 200

            started = perf_counter()
            await asyncio.gather(
                *(latest(device.did) for device in gizwits.devices[:100])
            )
            async with session.get(
                f"{sim.url}/app/bindings", params={"limit": 100}, headers=headers
            ) as response:
                assert response.status == 200
            report("Gizwits: serve 100 devdata reads and a bindings page", started)

        started = perf_counter()
        wegnology = wegnology_data(1000)
        report("WEGnology: generate 1,000 devices", started)
        (app,) = wegnology.applications
        async with WegnologySimulator(wegnology) as sim:
            started = perf_counter()
            for page in range(10):
                async with session.get(
                    f"{sim.url}/applications/{app.id}/devices/compositeState",
                    params={"page": page, "perPage": 100},
                    headers={"Authorization": f"Bearer {DEMO_API_TOKEN}"},
                ) as response:
                    assert response.status == 200
            report("WEGnology: serve 10 composite-state pages", started)

        started = perf_counter()
        buildings = wiz_pro_data(lights=5000, lights_per_room=25, rooms_per_floor=10)
        report("WiZ Pro: generate 5,000 lights", started)
        async with WizProSimulator(buildings) as sim:
            token = sim.issue_tokens()["accessToken"]
            started = perf_counter()
            async with session.post(
                f"{sim.url}/api/graphql",
                json={"query": TOPOLOGY, "variables": {"id": buildings[0].id}},
                headers={"Authorization": f"Bearer {token}"},
            ) as response:
                assert response.status == 200
            report("WiZ Pro: serve the 5,000-light topology query", started)
