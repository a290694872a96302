"""What each demo shows in Home Assistant, entity by entity, kept as snapshots.

A change in what users see (a name, a unit, a state, an entity more or fewer,
one disabled by default) shows in review as a change of
``snapshots/test_demo_snapshots.ambr``. Each demo is set up as scripts/develop
sets it up (simulator/__main__.py, config/custom_components/cloud_bridge_demo),
at a fixed time, one platform at a time (``snapshot_platform`` takes one).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import MAJOR_VERSION, MINOR_VERSION, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity import Entity

from custom_components.cloud_bridge.const import DOMAIN
from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import demo_data as gizwits_demo
from simulator.server import SimulatorServer
from simulator.wegnology import WegnologySimulator
from simulator.wegnology_demo import demo_data as wegnology_demo
from simulator.wiz_pro import WizProSimulator
from simulator.wiz_pro_demo import DEMO_BUILDING_ID, SECOND_BUILDING_ID, demo_data

from .conftest import wiz_pro_entry
from .gizwits_helpers import moved_entry
from .helpers import SetupEntry
from .wegnology_helpers import make_entry

# The snapshots hold Home Assistant's registry entries as the pinned release
# writes them; older releases write fewer fields. A newer release runs them, so
# a change in its format shows.
pytestmark = pytest.mark.skipif(
    (MAJOR_VERSION, MINOR_VERSION) < (2026, 10),
    reason="snapshots are taken with Home Assistant 2026.10's registry fields",
)

# The demos' simulators date what they report from the time they start.
NOW = "2026-01-15T09:30:00+00:00"


@dataclass(frozen=True)
class Demo:
    """One vendor's demo: its simulator and the entry the demo's flow makes."""

    simulator: Callable[[], SimulatorServer]
    entry: Callable[[HomeAssistant, Any], MockConfigEntry]
    platforms: tuple[Platform, ...]


def _wiz_pro_simulator() -> WizProSimulator:
    """Return the WiZ Pro cloud with the demo office and warehouse."""
    return WizProSimulator(demo_data(buildings=2), require_https_webhooks=False)


def _wiz_pro_entry(hass: HomeAssistant, sim: WizProSimulator) -> MockConfigEntry:
    """Add the entry the demo links: both buildings granted."""
    buildings = [DEMO_BUILDING_ID, SECOND_BUILDING_ID]
    return wiz_pro_entry(hass, sim, buildings, "Demo Office, Demo Warehouse")


def _gizwits_simulator() -> GizwitsSimulator:
    """Return the Gizwits cloud with the demo home and its moved account."""
    return GizwitsSimulator(gizwits_demo(moved_user=True))


def _gizwits_entry(hass: HomeAssistant, sim: GizwitsSimulator) -> MockConfigEntry:
    """Add the entry the demo adds: the moved account, on the newer login.

    Polled, not pushed: the app WebSocket brings the same values, at moments
    a snapshot should not depend on.
    """
    sim.state.ws_port = 0
    return moved_entry(hass, sim)


def _wegnology_entry(hass: HomeAssistant, sim: WegnologySimulator) -> MockConfigEntry:
    """Add the entry the demo adds: Demo Plant, signed in with e-mail."""
    return make_entry(hass, sim)


DEMOS = {
    "wiz_pro": Demo(
        _wiz_pro_simulator,
        _wiz_pro_entry,
        (Platform.LIGHT, Platform.NUMBER, Platform.SCENE),
    ),
    "gizwits": Demo(
        _gizwits_simulator,
        _gizwits_entry,
        (
            Platform.BINARY_SENSOR,
            Platform.CLIMATE,
            Platform.FAN,
            Platform.LIGHT,
            Platform.NUMBER,
            Platform.SENSOR,
            Platform.SWITCH,
        ),
    ),
    "wegnology": Demo(
        lambda: WegnologySimulator(wegnology_demo()),
        _wegnology_entry,
        (Platform.BINARY_SENSOR, Platform.BUTTON, Platform.EVENT, Platform.SENSOR),
    ),
}


@contextmanager
def every_entity_enabled() -> Iterator[set[str]]:
    """Enable every entity when first added; collect those disabled by default."""
    disabled: set[str] = set()
    default = Entity.__dict__["entity_registry_enabled_default"].func

    def enabled(entity: Entity) -> bool:
        if not default(entity):
            disabled.add(entity.unique_id)
        return True

    with patch.object(Entity, "entity_registry_enabled_default", property(enabled)):
        yield disabled


@pytest.mark.parametrize(
    ("demo", "platform"),
    [(name, platform) for name, demo in DEMOS.items() for platform in demo.platforms],
)
async def test_demo_entities(  # noqa: PLR0917
    hass: HomeAssistant,
    socket_enabled: None,
    setup_entry: SetupEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    freezer: FrozenDateTimeFactory,
    demo: str,
    platform: Platform,
) -> None:
    """Every entity of one platform of a demo: its registry entry and its state.

    Those Home Assistant adds disabled are enabled to be seen, and listed.
    """
    freezer.move_to(NOW)
    async with DEMOS[demo].simulator() as sim:
        with (
            patch("custom_components.cloud_bridge.PLATFORMS", [platform]),
            every_entity_enabled() as disabled,
        ):
            entry = await setup_entry(DEMOS[demo].entry(hass, sim))
        assert entry.state is ConfigEntryState.LOADED
        await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)
        disabled_ids = sorted(
            entity_registry.async_get_entity_id(platform, DOMAIN, unique_id)
            for unique_id in disabled
        )
        assert disabled_ids == snapshot(name="disabled by default")
        assert await hass.config_entries.async_unload(entry.entry_id)
