"""The config flow: choosing WiZ Pro, linking with and without state, buildings."""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from yarl import URL

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    SOURCE_USER,
    ConfigEntryState,
)
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType

from custom_components.cloud_bridge.const import CONF_VENDOR, DOMAIN
from custom_components.cloud_bridge.vendors.wiz_pro.config_flow import code_from
from simulator.wiz_pro import WizProSimulator
from simulator.wiz_pro_demo import DEMO_BUILDING_ID, SECOND_BUILDING_ID, demo_data

from .conftest import AUTH_DOMAIN
from .wiz_helpers import approve

CALLBACK = "/api/cloud_bridge/oauth/callback"

pytestmark = pytest.mark.usefixtures("credential", "current_request_with_host")


async def start_linking(
    hass: HomeAssistant, sim: WizProSimulator, method: str = "link_browser"
) -> FlowResult:
    """Choose WiZ Pro on the simulator's address and pick a linking method."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["wiz_pro"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "wiz_pro"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "wiz_pro"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"advanced": {"api_url": sim.url + "/"}}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "link"
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": method}
    )


async def link_in_browser(
    hass: HomeAssistant,
    sim: WizProSimulator,
    client: ClientSessionGenerator,
) -> FlowResult:
    """Link through the browser and the callback; return the flow's next step."""
    result = await start_linking(hass, sim)
    assert result["type"] is FlowResultType.EXTERNAL_STEP
    landed = await approve(result["url"])
    assert landed.path == CALLBACK
    http = await client()
    response = await http.get(f"{CALLBACK}?{landed.query_string}")
    assert response.status == 200, await response.text()
    assert "WiZ Pro is linked" in await response.text()
    return await hass.config_entries.flow.async_configure(result["flow_id"])


@pytest.mark.parametrize("echo_state", [False, True])
async def test_link_in_browser_creates_entry(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    hass_client_no_auth: ClientSessionGenerator,
    echo_state: bool,
) -> None:
    """Linking works whether or not WiZ sends the state back."""
    wiz_sim.echo_state = echo_state
    result = await start_linking(hass, wiz_sim)
    authorize = URL(result["url"])
    assert authorize.path == "/dashboard/"
    query = URL(f"/?{authorize.fragment.partition('?')[2]}").query
    assert query["client_id"] == "cloud-bridge-demo"
    assert query["code_challenge_method"] == "S256"
    assert query["redirect_uri"] == f"https://example.com{CALLBACK}"

    landed = await approve(result["url"])
    assert ("state" in landed.query) is echo_state
    http = await hass_client_no_auth()
    response = await http.get(f"{CALLBACK}?{landed.query_string}")
    assert response.status == 200
    result = await hass.config_entries.flow.async_configure(result["flow_id"])

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Demo Office"
    assert result["description"] == "wiz_pro_webhook"
    data = result["data"]
    assert data[CONF_VENDOR] == "wiz_pro"
    assert data["building_ids"] == [DEMO_BUILDING_ID]
    assert data["api_url"] == wiz_sim.url
    assert data["auth_implementation"] == AUTH_DOMAIN
    assert len(data[CONF_WEBHOOK_ID]) == 64
    assert data["token"]["refresh_token"]
    assert result["result"].unique_id == f"wiz_pro:{DEMO_BUILDING_ID}"
    # The code was exchanged with the verifier: the simulator checked S256.
    assert [r.path for r in wiz_sim.requests].count("/api/oauth/token") == 1
    assert result["result"].state is ConfigEntryState.LOADED


async def test_link_by_pasting_the_address(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A user who copies the redirected address into the flow gets linked."""
    result = await start_linking(hass, wiz_sim, "link_paste")
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "link_paste"
    placeholders = result["description_placeholders"]
    assert placeholders["redirect_uri"] == f"https://example.com{CALLBACK}"
    landed = await approve(placeholders["authorize_url"])

    # The browser lands on the callback, which has no flow waiting in the
    # browser step, so it shows the code to paste instead.
    http = await hass_client_no_auth()
    response = await http.get(f"{CALLBACK}?{landed.query_string}")
    assert response.status == 404
    assert landed.query["code"] in await response.text()

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": "not a code!"}
    )
    assert result["errors"] == {"code": "invalid_code"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": str(landed)}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["building_ids"] == [DEMO_BUILDING_ID]


async def test_link_by_pasting_the_code(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """Pasting the bare code works too."""
    result = await start_linking(hass, wiz_sim, "link_paste")
    landed = await approve(result["description_placeholders"]["authorize_url"])
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": landed.query["code"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (
            "712cf1fd-3fd2-4b24-beb4-5bd980ad0c24",
            "712cf1fd-3fd2-4b24-beb4-5bd980ad0c24",
        ),
        (
            (
                "https://ha.example/api/cloud_bridge/oauth/callback?code=abc123"
                "&expires_at=2019-09-19T11:10:59.084Z"
            ),
            "abc123",
        ),
        ("https://x.example/#/done?code=frag123", "frag123"),
        ("https://x.example/?expires_at=1&code=", None),
        ("two words", None),
        ("", None),
    ],
)
def test_code_from_pasted_text(text: str, code: str | None) -> None:
    """The paste step finds the code in what users paste."""
    assert code_from(text) == code


async def test_wrong_code_aborts(hass: HomeAssistant, wiz_sim: WizProSimulator) -> None:
    """A code WiZ does not know ends the flow with an explanation."""
    result = await start_linking(hass, wiz_sim, "link_paste")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": "0f0f0f0f-dead-beef-0000-000000000000"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "oauth_unauthorized"


async def test_token_endpoint_down_aborts(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """WiZ failing to answer the code exchange aborts with oauth_failed."""
    result = await start_linking(hass, wiz_sim, "link_paste")
    landed = await approve(result["description_placeholders"]["authorize_url"])
    wiz_sim.faults.add("server_error", path="/api/oauth/token")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": landed.query["code"]}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "oauth_failed"


@pytest.mark.parametrize(
    ("fault", "reason"),
    [("server_error", "cannot_connect"), ("malformed_json", "cannot_connect")],
)
async def test_building_list_failure_aborts(
    hass: HomeAssistant, wiz_sim: WizProSimulator, fault: str, reason: str
) -> None:
    """The buildings cannot be listed after linking: the flow says why."""
    result = await start_linking(hass, wiz_sim, "link_paste")
    landed = await approve(result["description_placeholders"]["authorize_url"])
    wiz_sim.faults.add(fault, path="/api/graphql")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": landed.query["code"]}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == reason


async def test_no_buildings_granted_aborts(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """An account that granted no building cannot be set up."""
    wiz_sim.granted_buildings = []
    result = await start_linking(hass, wiz_sim, "link_paste")
    landed = await approve(result["description_placeholders"]["authorize_url"])
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": landed.query["code"]}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_buildings"


@pytest.fixture
async def two_building_sim(socket_enabled: None) -> Any:
    """Run a simulator whose account grants two buildings."""
    sim = WizProSimulator(demo_data(buildings=2), require_https_webhooks=False)
    await sim.start()
    yield sim
    await sim.stop()


async def paste_link(hass: HomeAssistant, sim: WizProSimulator) -> FlowResult:
    """Link by pasting the code; return the step after linking."""
    result = await start_linking(hass, sim, "link_paste")
    landed = await approve(result["description_placeholders"]["authorize_url"])
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": landed.query["code"]}
    )


async def test_several_buildings_let_the_user_choose(
    hass: HomeAssistant, two_building_sim: WizProSimulator
) -> None:
    """With several buildings the user picks; the entry covers the chosen ones."""
    result = await paste_link(hass, two_building_sim)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "buildings"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"building_ids": []}
    )
    assert result["errors"] == {"building_ids": "no_building_chosen"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"building_ids": [SECOND_BUILDING_ID, DEMO_BUILDING_ID]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["building_ids"] == sorted(
        [DEMO_BUILDING_ID, SECOND_BUILDING_ID]
    )
    assert "Demo Office" in result["title"]


async def test_configured_buildings_are_not_offered_again(
    hass: HomeAssistant, two_building_sim: WizProSimulator
) -> None:
    """The second entry only offers what the first does not cover; then it aborts."""
    result = await paste_link(hass, two_building_sim)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"building_ids": [DEMO_BUILDING_ID]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY

    result = await paste_link(hass, two_building_sim)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["building_ids"] == [SECOND_BUILDING_ID]

    result = await paste_link(hass, two_building_sim)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_same_building_twice_aborts(
    hass: HomeAssistant, wiz_sim: WizProSimulator, wiz_entry: MockConfigEntry
) -> None:
    """The demo office is set up already: linking it again aborts."""
    result = await paste_link(hass, wiz_sim)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_callback_without_a_waiting_flow(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A stray or replayed callback shows the code and finishes no flow."""
    result = await start_linking(hass, wiz_sim, "link_paste")
    http = await hass_client_no_auth()
    response = await http.get(f"{CALLBACK}?code=abc123&expires_at=x")
    assert response.status == 404
    assert "abc123" in await response.text()
    response = await http.get(f"{CALLBACK}?code=abc123&state=unknown")
    assert response.status == 404
    response = await http.get(CALLBACK)
    assert response.status == 400
    progress = hass.config_entries.flow.async_progress()
    assert [flow["step_id"] for flow in progress] == ["link_paste"]
    assert progress[0]["flow_id"] == result["flow_id"]


async def test_callback_with_two_waiting_flows_and_no_state(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Two flows wait and WiZ drops the state: the page asks to paste instead."""
    first = await start_linking(hass, wiz_sim)
    second = await start_linking(hass, wiz_sim)
    landed = await approve(second["url"])
    http = await hass_client_no_auth()
    response = await http.get(f"{CALLBACK}?{landed.query_string}")
    assert response.status == 404
    assert "Paste the code" in await response.text()
    # With the state echoed, the right one of the two is found.
    wiz_sim.echo_state = True
    landed = await approve(first["url"])
    response = await http.get(f"{CALLBACK}?{landed.query_string}")
    assert response.status == 200
    result = await hass.config_entries.flow.async_configure(first["flow_id"])
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_rejects_access(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """An error instead of a code ends the flow with the reason."""
    result = await start_linking(hass, wiz_sim)
    http = await hass_client_no_auth()
    response = await http.get(f"{CALLBACK}?error=access_denied")
    assert response.status == 200
    result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "user_rejected_authorize"


async def test_default_server_is_wiz_pro(hass: HomeAssistant) -> None:
    """Left as it is, the server is WiZ's own cloud."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "wiz_pro"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"advanced": {}}
    )
    assert result["type"] is FlowResultType.MENU
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "link_browser"}
    )
    assert result["url"].startswith(
        "https://pro.wizconnected.com/dashboard/#/oauth/authorize?client_id="
    )


async def test_reauth_links_again(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    wiz_loaded: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Reauth asks, links again and stores the new tokens in the same entry."""
    old_token = wiz_loaded.data["token"]["access_token"]
    result = await wiz_loaded.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"]["title"] == "Demo Office"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.MENU
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "link_browser"}
    )
    landed = await approve(result["url"])
    http = await hass_client_no_auth()
    await http.get(f"{CALLBACK}?{landed.query_string}")
    result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert wiz_loaded.data["token"]["access_token"] != old_token
    assert wiz_loaded.data["building_ids"] == [DEMO_BUILDING_ID]


async def test_reauth_with_an_account_missing_the_building(
    hass: HomeAssistant, wiz_sim: WizProSimulator, wiz_loaded: MockConfigEntry
) -> None:
    """Linking an account that no longer grants the building aborts."""
    result = await wiz_loaded.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "link_paste"}
    )
    landed = await approve(result["description_placeholders"]["authorize_url"])
    wiz_sim.granted_buildings = [SECOND_BUILDING_ID]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": landed.query["code"]}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] in {"wrong_account", "no_buildings"}


async def test_reconfigure_changes_buildings(
    hass: HomeAssistant,
    two_building_sim: WizProSimulator,
    setup_entry: Callable[[MockConfigEntry], Awaitable[MockConfigEntry]],
) -> None:
    """Reconfigure lists the account's buildings and updates the entry."""
    result = await paste_link(hass, two_building_sim)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"building_ids": [DEMO_BUILDING_ID]}
    )
    entry = result["result"]
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_RECONFIGURE, "entry_id": entry.entry_id}
    )
    assert result["step_id"] == "wiz_pro_reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"building_ids": []}
    )
    assert result["errors"] == {"building_ids": "no_building_chosen"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"building_ids": [DEMO_BUILDING_ID, SECOND_BUILDING_ID]}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data["building_ids"] == sorted([DEMO_BUILDING_ID, SECOND_BUILDING_ID])
    assert entry.unique_id == (
        f"wiz_pro:{','.join(sorted([DEMO_BUILDING_ID, SECOND_BUILDING_ID]))}"
    )
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def test_reconfigure_when_the_cloud_is_down(
    hass: HomeAssistant, wiz_sim: WizProSimulator, wiz_loaded: MockConfigEntry
) -> None:
    """Reconfigure cannot list buildings: it aborts and changes nothing."""
    wiz_sim.faults.add("server_error", path="/api/graphql")
    result = await wiz_loaded.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"
    wiz_sim.revoke_tokens()
    result = await wiz_loaded.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "invalid_auth"


async def test_options_show_the_webhook_url(
    hass: HomeAssistant, wiz_loaded: MockConfigEntry
) -> None:
    """The options dialog shows the URL to paste into WiZ Pro's Data export."""
    await hass.config.async_update(external_url="https://home.example.com")
    result = await hass.config_entries.options.async_init(wiz_loaded.entry_id)
    assert result["type"] is FlowResultType.FORM
    url = result["description_placeholders"]["webhook_url"]
    assert url == (
        f"https://home.example.com/api/webhook/{wiz_loaded.data[CONF_WEBHOOK_ID]}"
    )
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
