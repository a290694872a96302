"""Steps every vendor's tests share: polls, requests, states and log lines."""

from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from homeassistant.core import HomeAssistant

from simulator.server import SimulatorServer

LOGGER_NAME = "custom_components.cloud_bridge"


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


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state, which must exist."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


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
