"""Fixtures: the simulated clouds on 127.0.0.1 and Cloud Bridge entries on them."""

from collections.abc import AsyncGenerator, Generator
import json
from pathlib import Path
import time
from typing import Any

import aiohttp
from aiohttp import web
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.components.application_credentials import (
    ClientCredential,
    async_import_client_credential,
)
from homeassistant.config_entries import ConfigFlow, OptionsFlow
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowHandler
from homeassistant.setup import async_setup_component

# Imported here so the plugin's own testing config does not shadow ours.
import custom_components.cloud_bridge  # noqa: F401
from custom_components.cloud_bridge.const import CONF_VENDOR, DOMAIN
from custom_components.cloud_bridge.vendors.wiz_pro.const import (
    CONF_API_URL,
    CONF_BUILDINGS,
)
from custom_components.cloud_bridge.vendors.wiz_pro.models import TokenSet
from custom_components.cloud_bridge.vendors.wiz_pro.oauth import token_dict
from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import (
    DEMO_APP_ID as GIZWITS_APP_ID,
    DEMO_PASSWORD as GIZWITS_PASSWORD,
    DEMO_UID as GIZWITS_UID,
    DEMO_USERNAME as GIZWITS_USERNAME,
)
from simulator.server import SimulatorServer
from simulator.wegnology import WegnologySimulator
from simulator.wegnology_demo import (
    DEMO_API_TOKEN as WEGNOLOGY_API_TOKEN,
    DEMO_APPLICATION_ID as WEGNOLOGY_APPLICATION_ID,
    DEMO_EMAIL as WEGNOLOGY_EMAIL,
    DEMO_PASSWORD as WEGNOLOGY_PASSWORD,
)
from simulator.wiz_pro import WizProSimulator
from simulator.wiz_pro_demo import DEMO_BUILDING_ID

from .helpers import SetupEntry

CLIENT_ID = "cloud-bridge-demo"
AUTH_DOMAIN = "cloud_bridge_demo"
WEBHOOK_ID = "0123456789abcdef" * 4


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load Cloud Bridge from this repository."""


ENGLISH = json.loads(
    (
        Path(__file__).parent.parent
        / "custom_components/cloud_bridge/translations/en.json"
    ).read_text(encoding="utf-8")
)


def _section(flow: FlowHandler) -> str | None:
    """Return the strings section a flow's errors and aborts are read from."""
    if isinstance(flow, ConfigFlow):
        return "config"
    if isinstance(flow, OptionsFlow):
        return "options"
    return None


@pytest.fixture(autouse=True)
def check_flow_translations(
    monkeypatch: pytest.MonkeyPatch,
) -> Generator[None]:
    """Fail a test whose config or options flow shows an untranslated error."""
    missing: list[str] = []
    show_form = FlowHandler.async_show_form
    abort = FlowHandler.async_abort

    def checked_form(self: FlowHandler, **kwargs: Any) -> Any:
        if (section := _section(self)) is not None:
            missing.extend(
                f"{section}.error.{key}"
                for key in (kwargs.get("errors") or {}).values()
                if key not in ENGLISH[section].get("error", {})
            )
        return show_form(self, **kwargs)

    def checked_abort(self: FlowHandler, **kwargs: Any) -> Any:
        reason = kwargs["reason"]
        if (section := _section(self)) is not None and reason not in ENGLISH[
            section
        ].get("abort", {}):
            missing.append(f"{section}.abort.{reason}")
        return abort(self, **kwargs)

    monkeypatch.setattr(FlowHandler, "async_show_form", checked_form)
    monkeypatch.setattr(FlowHandler, "async_abort", checked_abort)
    yield
    assert not missing, f"untranslated flow strings: {sorted(set(missing))}"


class _Elsewhere(SimulatorServer):
    """Another server on 127.0.0.1, that answers anything and records it."""

    def add_routes(self, app: web.Application) -> None:
        """Answer every method and path with an empty JSON object."""

        async def answer(request: web.Request) -> web.Response:
            del request
            return web.json_response({})

        app.router.add_route("*", "/{tail:.*}", answer)


@pytest.fixture
async def session(socket_enabled: None) -> AsyncGenerator[aiohttp.ClientSession]:
    """Return a plain aiohttp session, as any program would have."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def elsewhere(socket_enabled: None) -> AsyncGenerator[SimulatorServer]:
    """Run a second server, where a redirect points: it must hear nothing."""
    server = _Elsewhere()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def wiz_sim(socket_enabled: None) -> AsyncGenerator[WizProSimulator]:
    """Run the WiZ Pro simulator with the demo office on 127.0.0.1."""
    sim = WizProSimulator(require_https_webhooks=False)
    await sim.start()
    yield sim
    await sim.stop()


@pytest.fixture
async def credential(hass: HomeAssistant) -> None:
    """Register the demo client ID as application credentials."""
    assert await async_setup_component(hass, "application_credentials", {})
    await async_import_client_credential(
        hass, DOMAIN, ClientCredential(CLIENT_ID, "none", "WiZ Pro demo"), AUTH_DOMAIN
    )


def wiz_token(sim: WizProSimulator) -> dict[str, Any]:
    """Return tokens the simulator issued, as Home Assistant stores them."""
    token = token_dict(TokenSet.from_json(sim.issue_tokens()))
    token["expires_at"] = time.time() + token["expires_in"]
    return token


def wiz_pro_entry(
    hass: HomeAssistant, sim: WizProSimulator, buildings: list[str], title: str
) -> MockConfigEntry:
    """Add a WiZ Pro entry for buildings of the simulator, not yet set up."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=title,
        unique_id=f"wiz_pro:{','.join(sorted(buildings))}",
        data={
            CONF_VENDOR: "wiz_pro",
            "auth_implementation": AUTH_DOMAIN,
            "token": wiz_token(sim),
            CONF_API_URL: sim.url,
            CONF_BUILDINGS: buildings,
            CONF_WEBHOOK_ID: WEBHOOK_ID,
        },
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
def wiz_entry(hass: HomeAssistant, wiz_sim: WizProSimulator) -> MockConfigEntry:
    """Return a WiZ Pro entry for the demo office, not yet set up."""
    return wiz_pro_entry(hass, wiz_sim, [DEMO_BUILDING_ID], "Demo Office")


@pytest.fixture
def setup_entry(hass: HomeAssistant, credential: None) -> SetupEntry:
    """Return a function that sets an entry up and waits for it."""

    async def setup(entry: MockConfigEntry) -> MockConfigEntry:
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        return entry

    return setup


@pytest.fixture
async def wiz_loaded(
    hass: HomeAssistant,
    wiz_entry: MockConfigEntry,
    setup_entry: SetupEntry,
) -> MockConfigEntry:
    """Return the demo office entry, set up."""
    return await setup_entry(wiz_entry)


@pytest.fixture
async def gizwits_sim(socket_enabled: None) -> AsyncGenerator[GizwitsSimulator]:
    """Run the Gizwits simulator with the demo home on 127.0.0.1, without push.

    Its bindings name no WebSocket port, as a cloud without the app WebSocket
    would: entries poll every 30 s. The push tests use ``gizwits_push_sim``.
    """
    sim = GizwitsSimulator()
    await sim.start()
    sim.state.ws_port = 0
    yield sim
    await sim.stop()


@pytest.fixture
async def gizwits_push_sim(socket_enabled: None) -> AsyncGenerator[GizwitsSimulator]:
    """Run the Gizwits simulator with the app WebSocket, its clock left to the test.

    Heartbeats are checked only when a test calls ``sim.push.check_heartbeats``.
    """
    sim = GizwitsSimulator()
    await sim.start()
    sim.push.auto_check = False
    yield sim
    await sim.stop()


def gizwits_data(sim: GizwitsSimulator) -> dict[str, Any]:
    """Return the data of a Gizwits entry for the demo user, logged in already."""
    token = sim.issue_token()
    return {
        CONF_VENDOR: "gizwits",
        "region": "custom",
        "base_url": sim.url,
        "app_id": GIZWITS_APP_ID,
        "username": GIZWITS_USERNAME,
        "password": GIZWITS_PASSWORD,
        "uid": GIZWITS_UID,
        "token": token.token,
        "expire_at": token.expire_at,
    }


@pytest.fixture
def gizwits_entry(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator
) -> MockConfigEntry:
    """Return a Gizwits entry for the demo user, not yet set up."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=f"Gizwits {GIZWITS_USERNAME}",
        unique_id=f"gizwits:{GIZWITS_APP_ID}:{GIZWITS_UID}",
        data=gizwits_data(gizwits_sim),
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def gizwits_loaded(
    hass: HomeAssistant,
    gizwits_entry: MockConfigEntry,
    setup_entry: SetupEntry,
) -> MockConfigEntry:
    """Return the demo Gizwits entry, set up."""
    return await setup_entry(gizwits_entry)


@pytest.fixture
async def wegnology_sim(socket_enabled: None) -> AsyncGenerator[WegnologySimulator]:
    """Run the WEGnology simulator with the demo plant on 127.0.0.1."""
    sim = WegnologySimulator()
    await sim.start()
    yield sim
    await sim.stop()


def wegnology_data(sim: WegnologySimulator, *, login: bool = True) -> dict[str, Any]:
    """Return the data of a WEGnology entry for the demo plant."""
    data: dict[str, Any] = {
        CONF_VENDOR: "wegnology",
        "base_url": sim.url,
        "application_id": WEGNOLOGY_APPLICATION_ID,
    }
    if login:
        return {
            **data,
            "auth": "login",
            "email": WEGNOLOGY_EMAIL,
            "password": WEGNOLOGY_PASSWORD,
            "user_token": sim.issue_user_token(),
        }
    return {**data, "auth": "token", "api_token": WEGNOLOGY_API_TOKEN}


@pytest.fixture
def wegnology_entry(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator
) -> MockConfigEntry:
    """Return a WEGnology entry for the demo plant (e-mail login), not yet set up."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Demo Plant",
        unique_id=WEGNOLOGY_APPLICATION_ID,
        data=wegnology_data(wegnology_sim),
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def wegnology_loaded(
    hass: HomeAssistant,
    wegnology_entry: MockConfigEntry,
    setup_entry: SetupEntry,
) -> MockConfigEntry:
    """Return the demo plant's entry, set up."""
    return await setup_entry(wegnology_entry)
