"""Fixtures of the simulator tests."""

from collections.abc import AsyncIterator

import aiohttp
import pytest


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """Return an HTTP client session."""
    async with aiohttp.ClientSession() as client:
        yield client
