"""Shared steps of Gizwits tests: entries, polls, requests, devices, entities."""

from datetime import timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er

from custom_components.cloud_bridge.const import DOMAIN
from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import DEMO_APP_ID, DEMO_UID, DEMO_USERNAME

from .conftest import gizwits_data
from .registry import device_with

LOGIN = "/app/login"
BINDINGS = "/app/bindings"
DATAPOINT = "/app/datapoint"
GROUPS = "/app/group"
SCENES = "/app/scene"
LOGGER_NAME = "custom_components.cloud_bridge"
ADAPTER_LOGGER = "custom_components.cloud_bridge.vendors.gizwits.adapter"


def devdata(did: str) -> str:
    """Return the path of a device's latest data."""
    return f"/app/devdata/{did}/latest"


def group_devices(group_id: str) -> str:
    """Return the path of a group's member list."""
    return f"/app/group/{group_id}/devices"


def paths(sim: GizwitsSimulator) -> list[str]:
    """Return the path of every request the cloud received, in order."""
    return [request.path for request in sim.requests]


def devdata_dids(sim: GizwitsSimulator) -> list[str]:
    """Return the devices whose latest data the cloud was asked for, sorted."""
    return sorted(
        request.path.split("/")[3]
        for request in sim.requests
        if request.path.startswith("/app/devdata/")
    )


def online_dids(sim: GizwitsSimulator, login: str = DEMO_USERNAME) -> list[str]:
    """Return the user's bound devices that the cloud says are online, sorted."""
    return sorted(did for did in sim.user(login).bindings if sim.device(did).online)


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


async def next_poll(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float = 30
) -> None:
    """Let time pass and wait for whatever poll it triggers to finish."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def device_key(did: str, uid: str = DEMO_UID) -> str:
    """Return the key a bound device has in the Snapshot and device registry."""
    return f"gizwits:{uid}:{did}"


def device_entry(
    hass: HomeAssistant, did: str, uid: str = DEMO_UID
) -> dr.DeviceEntry | None:
    """Return the registered device of a did (of a group id, or "account")."""
    return device_with(hass, (DOMAIN, device_key(did, uid)))


def entity_of(hass: HomeAssistant, platform: str, did: str, point: str) -> str | None:
    """Return the entity id of a point of a device, None when not registered."""
    return er.async_get(hass).async_get_entity_id(
        platform, DOMAIN, f"{device_key(did)}:{point}"
    )


def entity(hass: HomeAssistant, platform: str, did: str, point: str) -> str:
    """Return the entity id of a point of a device that must be registered."""
    found = entity_of(hass, platform, did, point)
    assert found is not None, (platform, did, point)
    return found


def device_entities(hass: HomeAssistant, did: str) -> list[er.RegistryEntry]:
    """Return every registered entity of a device."""
    device = device_entry(hass, did)
    assert device is not None, did
    return er.async_entries_for_device(
        er.async_get(hass), device.id, include_disabled_entities=True
    )


def log_lines(
    caplog: pytest.LogCaptureFixture, level: int, logger: str = LOGGER_NAME
) -> list[str]:
    """Return the messages logged at exactly a level by a logger."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == logger and record.levelno == level
    ]


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return every error the integration logged."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith(LOGGER_NAME) and record.levelno >= logging.ERROR
    ]
