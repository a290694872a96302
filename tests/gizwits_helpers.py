"""Shared steps of Gizwits tests: entries, polls, requests, devices, entities."""

from collections.abc import Callable
from datetime import timedelta
import time
from typing import Any

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er

from custom_components.cloud_bridge.const import DOMAIN
from custom_components.cloud_bridge.vendors.gizwits.client import GizwitsClient
from custom_components.cloud_bridge.vendors.gizwits.models import UserSession
from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import (
    DEMO_APP_ID,
    DEMO_MOVED_PASSWORD,
    DEMO_MOVED_UID,
    DEMO_MOVED_USERNAME,
    DEMO_PASSWORD,
    DEMO_UID,
    DEMO_USERNAME,
)
from simulator.gizwits_model import Device, Product
from simulator.gizwits_push import AppSocket

from .conftest import gizwits_data
from .helpers import EntityService, entity_state, poll_now, until
from .registry import device_with

LOGIN = "/app/login"
AEP_LOGIN = "/app/smart_home/login/pwd"
AEP_REFRESH = "/app/user/refresh_token"
AEP_DEVICES = "/app/smartHome/v2/users/devices"
WS = "/ws/app/v1"
BINDINGS = "/app/bindings"
DATAPOINT = "/app/datapoint"
GROUPS = "/app/group"
SCENES = "/app/scene"
ADAPTER_LOGGER = "custom_components.cloud_bridge.vendors.gizwits.adapter"


def devdata(did: str) -> str:
    """Return the path of a device's latest data."""
    return f"/app/devdata/{did}/latest"


def group_devices(group_id: str) -> str:
    """Return the path of a group's member list."""
    return f"/app/group/{group_id}/devices"


def devdata_dids(sim: GizwitsSimulator) -> list[str]:
    """Return the devices whose latest data the cloud was asked for, sorted."""
    return sorted(
        request.path.split("/")[3]
        for request in sim.requests
        if request.path.startswith("/app/devdata/")
    )


def posts(sim: GizwitsSimulator) -> list[str]:
    """Return the paths of the POST requests (controls) the cloud received."""
    return [r.path for r in sim.requests if r.method == "POST"]


def polls(sim: GizwitsSimulator) -> int:
    """Return how many times the cloud was polled since its requests were cleared."""
    return sum(r.path == BINDINGS for r in sim.requests)


def add_device(
    sim: GizwitsSimulator,
    product: Product,
    did: str,
    mac: str,
    alias: str | None = None,
    **readings: Any,
) -> None:
    """Bind a device of a product to the demo user, as it reported 10 s ago."""
    sim.products[product.product_key] = product
    sim.add_device(
        Device(
            did=did,
            product_key=product.product_key,
            mac=mac,
            alias=alias or product.name,
            attr=product.raw_values(readings),
            updated_at=int(time.time()) - 10,
        )
    )


def online_dids(sim: GizwitsSimulator, login: str = DEMO_USERNAME) -> list[str]:
    """Return the user's bound devices that the cloud says are online, sorted."""
    return sorted(did for did in sim.user(login).bindings if sim.device(did).online)


def socket_reads(sock: AppSocket, *, numbered: bool = False) -> list[str]:
    """Return the devices a simulated socket was asked to read (c2s_read), in order.

    numbered: only the reads that carried a req_sn (the safety poll's).
    """
    return [
        frame["data"]["did"]
        for frame in sock.received
        if isinstance(frame, dict)
        and frame.get("cmd") == "c2s_read"
        and ("req_sn" in frame or not numbered)
    ]


def make_client(
    sim: GizwitsSimulator,
    session: aiohttp.ClientSession,
    *,
    logins: list[UserSession] | None = None,
    **kwargs: Any,
) -> GizwitsClient:
    """Return a client of the demo user; logins collects what on_login hears."""
    options: dict[str, Any] = {
        "base_url": sim.url,
        "app_id": DEMO_APP_ID,
        "username": DEMO_USERNAME,
        "password": DEMO_PASSWORD,
        **kwargs,
    }
    if logins is not None:
        options["on_login"] = logins.append
    return GizwitsClient(session, **options)


def make_entry(
    hass: HomeAssistant, sim: GizwitsSimulator, **changes: Any
) -> MockConfigEntry:
    """Add a Gizwits entry for the demo user (with data changed), not set up."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=f"Gizwits {DEMO_USERNAME}",
        unique_id=f"gizwits:{DEMO_APP_ID}:{DEMO_UID}",
        data={**gizwits_data(sim), **changes},
    )
    entry.add_to_hass(hass)
    return entry


def moved_entry(
    hass: HomeAssistant, sim: GizwitsSimulator, **changes: Any
) -> MockConfigEntry:
    """Add an entry for the demo account on the newer login, signed in, not set up."""
    session = sim.aep.issue()
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=f"Gizwits {DEMO_MOVED_USERNAME}",
        unique_id=f"gizwits:{DEMO_APP_ID}:{DEMO_MOVED_UID}",
        data={
            **gizwits_data(sim),
            "username": DEMO_MOVED_USERNAME,
            "password": DEMO_MOVED_PASSWORD,
            "uid": session.uid,
            "token": session.token,
            "expire_at": session.expire_at,
            "refresh_token": session.refresh_token,
            "login": "aep",
            **changes,
        },
    )
    entry.add_to_hass(hass)
    return entry


PUSH_TASK = "cloud_bridge Gizwits push"


async def settle(hass: HomeAssistant) -> None:
    """Wait for every task but the sockets' (they never finish): polls, reads."""

    def settled() -> bool:
        return all(
            task.done() or PUSH_TASK in task.get_name()
            for task in (*hass._tasks, *hass._background_tasks)
        )

    await until(settled, "polls and reads done")
    await hass.async_block_till_done()


async def tick(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float
) -> None:
    """Let time pass while sockets are open, and what it started finish."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await settle(hass)


async def tick_until(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    predicate: Callable[[], bool],
    what: str,
    seconds: int = 120,
) -> None:
    """Let time pass a second at a time until predicate holds (a back-off ends)."""
    for _ in range(seconds):
        await tick(hass, freezer, 1)
        await until(lambda: True, what)
        if predicate():
            return
    raise AssertionError(f"never happened in {seconds} s: {what}")


def device_key(did: str, uid: str = DEMO_UID) -> str:
    """Return the key a bound device has in the Snapshot and device registry."""
    return f"gizwits:{uid}:{did}"


def device_entry(
    hass: HomeAssistant, did: str, uid: str = DEMO_UID
) -> dr.DeviceEntry | None:
    """Return the registered device of a did (of a group id, or "account")."""
    return device_with(hass, (DOMAIN, device_key(did, uid)))


def entity_of(
    hass: HomeAssistant, platform: str, did: str, point: str, uid: str = DEMO_UID
) -> str | None:
    """Return the entity id of a point of a device, None when not registered."""
    return er.async_get(hass).async_get_entity_id(
        platform, DOMAIN, f"{device_key(did, uid)}:{point}"
    )


def entity(
    hass: HomeAssistant, platform: str, did: str, point: str, uid: str = DEMO_UID
) -> str:
    """Return the entity id of a point of a device that must be registered."""
    found = entity_of(hass, platform, did, point, uid)
    assert found is not None, (platform, did, point)
    return found


def device_entities(hass: HomeAssistant, did: str) -> list[er.RegistryEntry]:
    """Return every registered entity of a device."""
    device = device_entry(hass, did)
    assert device is not None, did
    return er.async_entries_for_device(
        er.async_get(hass), device.id, include_disabled_entities=True
    )


def points_of(hass: HomeAssistant, did: str) -> dict[str, str]:
    """Return the point keys of a device's entities, with their platforms."""
    return {
        e.unique_id.rpartition(":")[2]: e.domain for e in device_entities(hass, did)
    }


async def assert_command(
    hass: HomeAssistant,
    sim: GizwitsSimulator,
    entry: MockConfigEntry,
    *,
    call: EntityService,
    service: str,
    entity_id: str,
    data: dict[str, Any],
    did: str,
    sent: dict[str, Any],
    device: dict[str, Any],
    state: str,
    shown: dict[str, Any],
) -> None:
    """Call a service on one device's entity and check what each side shows.

    The call is one control request of the device, carrying sent; the device
    then reports device; the entity shows state and shown at once and after
    the next poll.
    """
    sim.clear_requests()
    await call(hass, service, entity_id, **data)

    assert sim.controls == [(did, sent)]
    assert posts(sim) == [f"/app/control/{did}"]
    reported = sim.attrs(did)
    assert {name: reported[name] for name in device} == device
    for when in ("at once", "after a poll"):
        current = entity_state(hass, entity_id)
        assert current.state == state, when
        for name, value in shown.items():
            assert current.attributes[name] == value, (when, name)
        await poll_now(hass, entry)
