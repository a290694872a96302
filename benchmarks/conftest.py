"""The benchmarks share the test fixtures, on a loop run as Home Assistant runs it."""

import asyncio
import gc

import pytest

from tests.conftest import (  # noqa: F401
    auto_enable_custom_integrations,
    credential,
)


@pytest.fixture(autouse=True)
async def enable_event_loop_debug() -> None:
    """Leave asyncio's debug mode off, as Home Assistant runs (not as tests do).

    The test harness turns it on; it records a traceback for every future and
    task, a cost the integration does not have in a real Home Assistant.
    """
    asyncio.get_running_loop().set_debug(False)
    # What an earlier benchmark left for the collector is not this one's cost.
    gc.collect()
