"""Steps every vendor's tests share: polls, requests, states and log lines."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
import logging
from typing import Any, Protocol

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant, State

from simulator.server import SimulatorServer

LOGGER_NAME = "custom_components.cloud_bridge"

# What the setup_entry fixture gives: set an entry up and wait for it.
type SetupEntry = Callable[[MockConfigEntry], Awaitable[MockConfigEntry]]


async def until(predicate: Callable[[], bool], what: str) -> None:
    """Let the loop run (frames travel over real sockets) until predicate holds.

    No clock is read: the loop turns until it holds, or fails after many turns.
    """
    for _ in range(50_000):
        if predicate():
            return
        await asyncio.sleep(0)
    raise AssertionError(f"never happened: {what}")


async def next_poll(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float = 30
) -> None:
    """Let time pass and wait for whatever poll it triggers to finish."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def paths(sim: SimulatorServer) -> list[str]:
    """Return the path of every request the cloud received, in order."""
    return [request.path for request in sim.requests]


async def poll_now(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Poll the cloud now, as the 30 s timer would, and wait for the states."""
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()


def entity_state(hass: HomeAssistant, entity_id: str) -> State:
    """Return an entity's state object (value and attributes), which must exist."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state, which must exist."""
    return entity_state(hass, entity_id).state


async def call(
    hass: HomeAssistant, domain: str, service: str, entity_id: str, **data: Any
) -> None:
    """Call a service on an entity and wait for it."""
    await hass.services.async_call(
        domain, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


class EntityService(Protocol):
    """Calls a service of one domain on an entity and waits for it."""

    async def __call__(
        self, hass: HomeAssistant, service: str, entity_id: str, /, **data: Any
    ) -> None:
        """Call the service."""


def service_caller(domain: str) -> EntityService:
    """Return what calls a domain's services on an entity, as call does."""

    async def call_in_domain(
        hass: HomeAssistant, service: str, entity_id: str, /, **data: Any
    ) -> None:
        await call(hass, domain, service, entity_id, **data)

    return call_in_domain


def stored_before(hass_storage: dict[str, Any], key: str, data: Any) -> None:
    """Have Home Assistant find data in a store at start, as after a restart."""
    hass_storage[key] = {"version": 1, "minor_version": 1, "key": key, "data": data}


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
