"""The config flow: choosing WiZ Pro, linking with and without state, buildings."""

from datetime import timedelta
import re
import time
from typing import Any

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)
from yarl import URL

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    SOURCE_USER,
    ConfigEntryState,
)
from homeassistant.const import CONF_WEBHOOK_ID, MAJOR_VERSION, MINOR_VERSION
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.helpers import config_entry_oauth2_flow, issue_registry as ir

from custom_components.cloud_bridge.compat import ImplementationUnavailableError
from custom_components.cloud_bridge.const import CONF_VENDOR, DOMAIN
from custom_components.cloud_bridge.vendors.wiz_pro.const import (
    CONF_API_URL,
    CONF_BUILDINGS,
)
from custom_components.cloud_bridge.vendors.wiz_pro.link_flow import code_from
from custom_components.cloud_bridge.vendors.wiz_pro.oauth import PENDING_LINKS
from simulator.wiz_pro import WizProSimulator
from simulator.wiz_pro_demo import DEMO_BUILDING_ID, SECOND_BUILDING_ID, demo_data

from .conftest import AUTH_DOMAIN, WEBHOOK_ID, wiz_pro_entry, wiz_token
from .helpers import SetupEntry
from .wiz_helpers import approve, leave_without_url

CALLBACK = "/api/cloud_bridge/oauth/callback"

pytestmark = pytest.mark.usefixtures("credential", "current_request_with_host")


@pytest.fixture(autouse=True)
async def home_assistant_url(hass: HomeAssistant) -> None:
    """Give Home Assistant the external URL the redirect URI is built on."""
    await hass.config.async_update(external_url="https://example.com")


async def start_linking(
    hass: HomeAssistant, sim: WizProSimulator, method: str = "wiz_pro_link_browser"
) -> FlowResult:
    """Choose WiZ Pro on the simulator's address and pick a linking method."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["wiz_pro", "gizwits", "wegnology"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "wiz_pro"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "wiz_pro"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"advanced": {"api_url": sim.url + "/"}}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "wiz_pro_link"
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": method}
    )


def confirmation_on(page: str) -> str:
    """Return the characters a callback page asks the user to enter."""
    found = re.search(r"<p style='font-size: 2em'><code>([^<]+)</code>", page)
    assert found is not None, page
    return found.group(1)


async def finish_in_browser(
    hass: HomeAssistant,
    flow: FlowResult,
    client: ClientSessionGenerator,
    *,
    state_echoed: bool,
) -> FlowResult:
    """Approve in the browser and come back; confirm the code when WiZ dropped state."""
    assert flow["type"] is FlowResultType.EXTERNAL_STEP
    landed = await approve(flow["url"])
    assert landed.path == CALLBACK
    assert ("state" in landed.query) is state_echoed
    http = await client()
    response = await http.get(f"{CALLBACK}?{landed.query_string}")
    assert response.status == 200, await response.text()
    page = await response.text()
    result = await hass.config_entries.flow.async_configure(flow["flow_id"])
    if state_echoed:
        assert "WiZ Pro is linked" in page
        return result
    # Without state, the flow waits for the characters only that page showed.
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "wiz_pro_confirm"
    assert confirmation_on(page) == landed.query["code"][-6:]
    return await hass.config_entries.flow.async_configure(
        flow["flow_id"], {"confirmation": confirmation_on(page)}
    )


@pytest.mark.parametrize("echo_state", [False, True])
async def test_link_in_browser_creates_entry(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    hass_client_no_auth: ClientSessionGenerator,
    echo_state: bool,
) -> None:
    """Linking works whether or not WiZ sends the state back.

    Without it, the user confirms the code with the characters the page shows.
    """
    wiz_sim.echo_state = echo_state
    result = await start_linking(hass, wiz_sim)
    authorize = URL(result["url"])
    assert authorize.path == "/dashboard/"
    query = URL(f"/?{authorize.fragment.partition('?')[2]}").query
    assert query["client_id"] == "cloud-bridge-demo"
    assert query["code_challenge_method"] == "S256"
    assert query["redirect_uri"] == f"https://example.com{CALLBACK}"

    result = await finish_in_browser(
        hass, result, hass_client_no_auth, state_echoed=echo_state
    )

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
    result = await start_linking(hass, wiz_sim, "wiz_pro_link_paste")
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "wiz_pro_link_paste"
    placeholders = result["description_placeholders"]
    assert placeholders["redirect_uri"] == f"https://example.com{CALLBACK}"
    landed = await approve(placeholders["authorize_url"])

    # The browser lands on the callback, which shows the code to paste; the
    # paste step does not wait for the browser and stays where it is.
    http = await hass_client_no_auth()
    response = await http.get(f"{CALLBACK}?{landed.query_string}")
    assert response.status == 200
    assert landed.query["code"] in await response.text()
    (progress,) = hass.config_entries.flow.async_progress()
    assert progress["step_id"] == "wiz_pro_link_paste"

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
    result = await start_linking(hass, wiz_sim, "wiz_pro_link_paste")
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
        ("https://x.example/#code=frag456&expires_at=1", "frag456"),
        # The query alone, with or without its "?".
        (
            "code=712cf1fd-3fd2-4b24-beb4-5bd980ad0c24&expires_at=2019-09-19T11:10:59Z",
            "712cf1fd-3fd2-4b24-beb4-5bd980ad0c24",
        ),
        (
            "code=712cf1fd-3fd2-4b24-beb4-5bd980ad0c24",
            "712cf1fd-3fd2-4b24-beb4-5bd980ad0c24",
        ),
        ("?code=abc123&expires_at=x", "abc123"),
        ("  expires_at=x&code=abc123  ", "abc123"),
        ("code=not a code!", None),
        ("https://x.example/?expires_at=1&code=", None),
        ("two words", None),
        ("", None),
    ],
)
def test_code_from_pasted_text(text: str, code: str | None) -> None:
    """The paste step finds the code in what users paste."""
    assert code_from(text) == code


async def test_wrong_code_asks_again(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """A code WiZ refuses shows the paste form again; the right one then links."""
    result = await start_linking(hass, wiz_sim, "wiz_pro_link_paste")
    landed = await approve(result["description_placeholders"]["authorize_url"])
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": "0f0f0f0f-dead-beef-0000-000000000000"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "wiz_pro_link_paste"
    assert result["errors"] == {"code": "code_refused"}
    # WiZ was asked, and said no.
    assert [r.path for r in wiz_sim.requests].count("/api/oauth/token") == 1
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": landed.query["code"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["building_ids"] == [DEMO_BUILDING_ID]
    assert result["data"]["token"]["expires_at"] > time.time()


async def test_token_endpoint_down_lets_the_user_retry(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """WiZ failing to answer the code exchange asks to try the same code again."""
    result = await start_linking(hass, wiz_sim, "wiz_pro_link_paste")
    landed = await approve(result["description_placeholders"]["authorize_url"])
    wiz_sim.faults.add("server_error", path="/api/oauth/token")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": landed.query["code"]}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": landed.query["code"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_paste_without_a_home_assistant_url_aborts(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """With no address to send WiZ back to, pasting aborts as the browser path does."""
    leave_without_url(hass)
    for method in ("wiz_pro_link_paste", "wiz_pro_link_browser"):
        result = await start_linking(hass, wiz_sim, method)
        assert result["type"] is FlowResultType.ABORT, method
        assert result["reason"] == "no_url_available"
        assert result["description_placeholders"] == {
            "docs_url": "https://www.home-assistant.io/more-info/no-url-available"
        }


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("server_error", "cannot_connect"),
        ("malformed_json", "cannot_connect"),
        ("rate_limit", "rate_limited"),
        ("redirect", "redirected"),
    ],
)
async def test_building_list_failure_aborts(
    hass: HomeAssistant, wiz_sim: WizProSimulator, fault: str, reason: str
) -> None:
    """The buildings cannot be listed after linking: the flow says why."""
    result = await start_linking(hass, wiz_sim, "wiz_pro_link_paste")
    landed = await approve(result["description_placeholders"]["authorize_url"])
    options = (
        {"location": "https://elsewhere.test/graphql"} if fault == "redirect" else {}
    )
    wiz_sim.faults.add(fault, path="/api/graphql", **options)
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
    result = await start_linking(hass, wiz_sim, "wiz_pro_link_paste")
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
    result = await start_linking(hass, sim, "wiz_pro_link_paste")
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
    assert result["step_id"] == "wiz_pro_buildings"
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
    """A stray or replayed callback shows its code and finishes no flow."""
    result = await start_linking(hass, wiz_sim, "wiz_pro_link_paste")
    http = await hass_client_no_auth()
    for query in ("code=abc123&expires_at=x", "code=abc123&state=unknown"):
        response = await http.get(f"{CALLBACK}?{query}")
        assert response.status == 200
        page = await response.text()
        assert confirmation_on(page) == "abc123"
        assert "<pre>abc123</pre>" in page
    response = await http.get(CALLBACK)
    assert response.status == 400
    progress = hass.config_entries.flow.async_progress()
    assert [flow["step_id"] for flow in progress] == ["wiz_pro_link_paste"]
    assert progress[0]["flow_id"] == result["flow_id"]
    assert [r.path for r in wiz_sim.requests].count("/api/oauth/token") == 0


async def test_callback_with_two_waiting_flows_and_no_state(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Without state, each waiting flow asks; only its user's characters take a code."""
    first = await start_linking(hass, wiz_sim)
    second = await start_linking(hass, wiz_sim)
    landed = await approve(second["url"])
    http = await hass_client_no_auth()
    response = await http.get(f"{CALLBACK}?{landed.query_string}")
    assert response.status == 200
    confirmation = confirmation_on(await response.text())
    # Both flows now ask; neither took the code by itself.
    for flow in (first, second):
        result = await hass.config_entries.flow.async_configure(flow["flow_id"])
        assert result["step_id"] == "wiz_pro_confirm"
    assert [r.path for r in wiz_sim.requests].count("/api/oauth/token") == 0
    result = await hass.config_entries.flow.async_configure(
        first["flow_id"], {"confirmation": "zzzzzz"}
    )
    assert result["errors"] == {"confirmation": "confirmation_mismatch"}
    result = await hass.config_entries.flow.async_configure(
        second["flow_id"], {"confirmation": confirmation}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    # A code is taken once: the other flow cannot take it again.
    result = await hass.config_entries.flow.async_configure(
        first["flow_id"], {"confirmation": confirmation}
    )
    assert result["errors"] == {"confirmation": "confirmation_mismatch"}


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        ("access_denied", "link_denied"),
        ("temporarily_unavailable", "link_unavailable"),
        ("invalid_scope", "link_refused"),
        ("<b>Your account is locked: call +1 555 0100</b>", "link_failed"),
    ],
)
async def test_user_rejects_access(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    hass_client_no_auth: ClientSessionGenerator,
    error: str,
    reason: str,
) -> None:
    """An error with the flow's state ends it with a reason of our own words.

    Without the state it ends nothing; WiZ's text is never shown as it came.
    """
    result = await start_linking(hass, wiz_sim)
    state = URL(f"/?{URL(result['url']).fragment.partition('?')[2]}").query["state"]
    http = await hass_client_no_auth()
    response = await http.get(CALLBACK, params={"error": error})
    assert response.status == 200
    assert error not in await response.text()
    assert hass.config_entries.flow.async_get(result["flow_id"])["step_id"] == (
        "wiz_pro_link_browser"
    )
    response = await http.get(CALLBACK, params={"error": error, "state": state})
    assert error not in await response.text()
    result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == reason
    assert result["description_placeholders"] is None


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
        result["flow_id"], {"next_step_id": "wiz_pro_link_browser"}
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
    assert result["step_id"] == "wiz_pro_reauth_confirm"
    assert result["description_placeholders"]["title"] == "Demo Office"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.MENU
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "wiz_pro_link_browser"}
    )
    result = await finish_in_browser(
        hass, result, hass_client_no_auth, state_echoed=False
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert wiz_loaded.data["token"]["access_token"] != old_token
    assert wiz_loaded.data["building_ids"] == [DEMO_BUILDING_ID]


def office_entry(hass: HomeAssistant, sim: WizProSimulator) -> MockConfigEntry:
    """Add an entry for the demo office alone on a simulator, not set up."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Demo Office",
        unique_id=f"wiz_pro:{DEMO_BUILDING_ID}",
        data={
            CONF_VENDOR: "wiz_pro",
            "auth_implementation": AUTH_DOMAIN,
            "token": wiz_token(sim),
            CONF_API_URL: sim.url,
            CONF_BUILDINGS: [DEMO_BUILDING_ID],
            CONF_WEBHOOK_ID: WEBHOOK_ID,
        },
    )
    entry.add_to_hass(hass)
    return entry


@pytest.mark.parametrize(
    ("granted", "reason"),
    [([SECOND_BUILDING_ID], "wrong_account"), ([], "no_buildings")],
    ids=["another_building", "no_building"],
)
async def test_reauth_with_an_account_missing_the_building(
    hass: HomeAssistant,
    two_building_sim: WizProSimulator,
    granted: list[str],
    reason: str,
) -> None:
    """Linking an account that does not grant the entry's building aborts.

    The account grants the warehouse but not the office: that is the wrong
    account, not an account without buildings; the entry keeps its tokens.
    """
    entry = office_entry(hass, two_building_sim)
    old_token = dict(entry.data["token"])
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "wiz_pro_link_paste"}
    )
    landed = await approve(result["description_placeholders"]["authorize_url"])
    two_building_sim.granted_buildings = granted
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": landed.query["code"]}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == reason
    assert entry.data["token"] == old_token
    assert entry.data[CONF_BUILDINGS] == [DEMO_BUILDING_ID]


async def test_reconfigure_changes_buildings(
    hass: HomeAssistant,
    two_building_sim: WizProSimulator,
    setup_entry: SetupEntry,
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


def office_and_warehouse_entry(
    hass: HomeAssistant, sim: WizProSimulator
) -> MockConfigEntry:
    """Add an entry for both demo buildings, not set up."""
    buildings = [DEMO_BUILDING_ID, SECOND_BUILDING_ID]
    return wiz_pro_entry(hass, sim, buildings, "Demo Office, Demo Warehouse")


async def test_reconfigure_leaves_a_lost_building_out(
    hass: HomeAssistant,
    two_building_sim: WizProSimulator,
    setup_entry: SetupEntry,
) -> None:
    """A building WiZ no longer grants: Reconfigure offers to leave it out."""
    entry = await setup_entry(office_and_warehouse_entry(hass, two_building_sim))
    two_building_sim.granted_buildings = [DEMO_BUILDING_ID]
    await entry.runtime_data.coordinator.async_refresh()
    issue_id = f"wiz_pro_lost_buildings_{entry.entry_id}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None

    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "wiz_pro_reconfigure_lost"
    assert result["menu_options"] == ["wiz_pro_relink", "wiz_pro_reconfigure"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "wiz_pro_reconfigure"}
    )
    assert result["step_id"] == "wiz_pro_reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"building_ids": [DEMO_BUILDING_ID]}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.data[CONF_BUILDINGS] == [DEMO_BUILDING_ID]
    assert entry.state is ConfigEntryState.LOADED
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_reconfigure_links_again_to_grant_a_lost_building(
    hass: HomeAssistant,
    two_building_sim: WizProSimulator,
    setup_entry: SetupEntry,
) -> None:
    """Linking again from Reconfigure stores the new tokens and the buildings."""
    entry = await setup_entry(office_and_warehouse_entry(hass, two_building_sim))
    old_token = entry.data["token"]["access_token"]
    two_building_sim.granted_buildings = [DEMO_BUILDING_ID]
    await entry.runtime_data.coordinator.async_refresh()

    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "wiz_pro_relink"}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "wiz_pro_link"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "wiz_pro_link_paste"}
    )
    landed = await approve(result["description_placeholders"]["authorize_url"])
    # The user grants the warehouse again while linking.
    two_building_sim.granted_buildings = [DEMO_BUILDING_ID, SECOND_BUILDING_ID]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": landed.query["code"]}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "wiz_pro_reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"building_ids": [DEMO_BUILDING_ID, SECOND_BUILDING_ID]}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.data["token"]["access_token"] != old_token
    assert entry.data[CONF_BUILDINGS] == sorted([DEMO_BUILDING_ID, SECOND_BUILDING_ID])
    assert entry.state is ConfigEntryState.LOADED
    issue_id = f"wiz_pro_lost_buildings_{entry.entry_id}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


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


@pytest.mark.parametrize(
    ("provider_down", "reason"),
    [
        pytest.param(False, "missing_credentials", id="credential_deleted"),
        pytest.param(
            True,
            "oauth_implementation_unavailable",
            id="provider_down",
            marks=pytest.mark.skipif(
                (MAJOR_VERSION, MINOR_VERSION) < (2026, 10),
                reason="before 2026.10 Home Assistant reports a provider that is "
                "down as a credential that is gone",
            ),
        ),
    ],
)
async def test_reconfigure_without_the_credential(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    provider_down: bool,
    reason: str,
) -> None:
    """The credential the entry was linked with is gone: a translated abort."""
    entry = office_entry(hass, wiz_sim)
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, "auth_implementation": "deleted_credential"}
    )
    if provider_down:

        async def unavailable(
            hass: HomeAssistant, domain: str
        ) -> list[config_entry_oauth2_flow.AbstractOAuth2Implementation]:
            raise ImplementationUnavailableError("provider down")

        config_entry_oauth2_flow.async_add_implementation_provider(
            hass, "test_provider", unavailable
        )
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == reason
    assert entry.data[CONF_BUILDINGS] == [DEMO_BUILDING_ID]


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


async def test_linked_tokens_refused_when_listing_buildings(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """Tokens the cloud refuses right after handing them out: invalid_auth."""
    result = await start_linking(hass, wiz_sim, "wiz_pro_link_paste")
    landed = await approve(result["description_placeholders"]["authorize_url"])
    # Every access token from now on is born expired.
    wiz_sim.access_token_lifetime = timedelta(0)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": landed.query["code"]}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "invalid_auth"
    assert [r.path for r in wiz_sim.requests][-2:] == [
        "/api/oauth/token",
        "/api/graphql",
    ]
    assert hass.config_entries.async_entries(DOMAIN) == []


async def test_callback_for_a_set_up_that_was_closed(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """The user closed the dialog before WiZ came back: the code waits, unused."""
    wiz_sim.echo_state = True
    result = await start_linking(hass, wiz_sim)
    assert result["type"] is FlowResultType.EXTERNAL_STEP
    query = URL(f"/?{URL(result['url']).fragment.partition('?')[2]}").query
    state = query["state"]
    assert hass.data[PENDING_LINKS][state] == result["flow_id"]
    hass.config_entries.flow.async_abort(result["flow_id"])

    landed = await approve(result["url"])
    assert landed.query["state"] == state
    http = await hass_client_no_auth()
    response = await http.get(f"{CALLBACK}?{landed.query_string}")
    assert response.status == 200
    text = await response.text()
    assert confirmation_on(text) == landed.query["code"][-6:]
    assert landed.query["code"] in text
    # The closed set-up's link is forgotten, and nothing was set up.
    assert state not in hass.data[PENDING_LINKS]
    assert hass.config_entries.flow.async_progress() == []
    assert hass.config_entries.async_entries(DOMAIN) == []


async def test_options_without_a_home_assistant_url(
    hass: HomeAssistant, wiz_loaded: MockConfigEntry
) -> None:
    """With no address for Home Assistant yet, the dialog shows "-" for the URL."""
    leave_without_url(hass)
    result = await hass.config_entries.options.async_init(wiz_loaded.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["description_placeholders"] == {"webhook_url": "-"}


async def test_only_clouds_that_push_offer_options(
    hass: HomeAssistant, wiz_entry: MockConfigEntry
) -> None:
    """A WiZ Pro entry has options (its webhook URL); an unknown cloud's has none."""
    assert wiz_entry.supports_options is True
    unknown = MockConfigEntry(
        domain=DOMAIN, title="Elsewhere", data={CONF_VENDOR: "no_such_cloud"}
    )
    unknown.add_to_hass(hass)
    assert unknown.supports_options is False


@pytest.mark.parametrize(
    ("external_url", "redirect_uri"),
    [
        ("https://home.example.com", f"https://home.example.com{CALLBACK}"),
        (None, f"https://<your Home Assistant address>{CALLBACK}"),
    ],
    ids=["external_url", "no_url"],
)
async def test_credentials_dialog_shows_the_redirect_uri(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    external_url: str | None,
    redirect_uri: str,
) -> None:
    """The application credentials dialog says which redirect URI to register."""
    client = await hass_ws_client(hass)
    if external_url is not None:
        await hass.config.async_update(external_url=external_url)
    else:
        leave_without_url(hass)
    await client.send_json_auto_id({"type": "application_credentials/config"})
    response = await client.receive_json()
    assert response["success"], response
    assert DOMAIN in response["result"]["domains"]
    assert response["result"]["integrations"][DOMAIN] == {
        "description_placeholders": {
            "redirect_uri": redirect_uri,
            "more_info_url": "https://github.com/cloud-bridge/cloud-bridge#wiz-pro",
        }
    }


async def test_redirect_uri_registered_is_the_one_sent(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """The credentials dialog and the authorize link name the same redirect URI.

    The browser here uses another address (https://example.com) than Home
    Assistant's external URL: WiZ would refuse a URI it was not given.
    """
    await hass.config.async_update(external_url="https://home.example.com")
    browser = await start_linking(hass, wiz_sim)
    paste = await start_linking(hass, wiz_sim, "wiz_pro_link_paste")
    placeholders = paste["description_placeholders"]

    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "application_credentials/config"})
    response = await client.receive_json()
    dialog = response["result"]["integrations"][DOMAIN]["description_placeholders"]
    registered = dialog["redirect_uri"]
    assert registered == f"https://home.example.com{CALLBACK}"

    for authorize_url in (browser["url"], placeholders["authorize_url"]):
        query = URL(f"/?{URL(authorize_url).fragment.partition('?')[2]}").query
        assert query["redirect_uri"] == registered
    assert placeholders["redirect_uri"] == registered


async def link_own_approval(
    hass: HomeAssistant, sim: WizProSimulator, flow: FlowResult, http: TestClient
) -> None:
    """Approve the flow's link and confirm it: its own code, and no other, links."""
    landed = await approve(flow["url"])
    response = await http.get(f"{CALLBACK}?{landed.query_string}")
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {"confirmation": confirmation_on(await response.text())}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (exchange,) = [r for r in sim.requests if r.path == "/api/oauth/token"]
    assert exchange.json["authorizationCode"] == landed.query["code"]


async def test_a_stranger_code_never_finishes_a_flow(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Anyone can call the callback; without state their code only waits.

    The page reads the same whether a flow waits or not, and the user's own
    characters take the user's own code, never the stranger's.
    """
    # A paste flow sets the integration up but does not wait for the browser.
    await start_linking(hass, wiz_sim, "wiz_pro_link_paste")
    http = await hass_client_no_auth()
    response = await http.get(CALLBACK, params={"code": "stranger-code-1"})
    page_without_flow = await response.text()
    flow = await start_linking(hass, wiz_sim)
    response = await http.get(CALLBACK, params={"code": "stranger-code-1"})
    assert await response.text() == page_without_flow
    assert [r.path for r in wiz_sim.requests].count("/api/oauth/token") == 0
    result = await hass.config_entries.flow.async_configure(flow["flow_id"])
    assert result["step_id"] == "wiz_pro_confirm"

    # The user's own approval comes back (WiZ drops the state) and is confirmed.
    await link_own_approval(hass, wiz_sim, flow, http)


async def test_plain_http_server_warns_once(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """An http WiZ Pro server (not a local test server) warns; again, it is used."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "wiz_pro"}
    )
    user_input = {"advanced": {"api_url": "http://wiz.example.com"}}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "insecure_address"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input
    )
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "wiz_pro_link"


async def test_kept_codes_are_few_and_short_lived(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    hass_client_no_auth: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """At most 20 codes without state wait for their characters, each 10 minutes."""
    flow = await start_linking(hass, wiz_sim)
    http = await hass_client_no_auth()
    confirmations = []
    for number in range(21):
        response = await http.get(CALLBACK, params={"code": f"stray-{number:06d}"})
        confirmations.append(confirmation_on(await response.text()))
    await hass.config_entries.flow.async_configure(flow["flow_id"])

    async def confirm(confirmation: str) -> dict[str, str]:
        result = await hass.config_entries.flow.async_configure(
            flow["flow_id"], {"confirmation": confirmation}
        )
        assert result["step_id"] == "wiz_pro_confirm"
        return result["errors"] or {}

    # The oldest of 21 is gone; the second is still kept (WiZ refuses it).
    assert await confirm(confirmations[0]) == {"confirmation": "confirmation_mismatch"}
    assert await confirm(confirmations[1]) != {"confirmation": "confirmation_mismatch"}
    exchanged = [
        r.json["authorizationCode"]
        for r in wiz_sim.requests
        if r.path == "/api/oauth/token"
    ]
    assert exchanged == ["stray-000001"]
    freezer.tick(timedelta(minutes=10))
    assert await confirm(confirmations[20]) == {"confirmation": "confirmation_mismatch"}


async def test_a_forged_state_finishes_nothing(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A callback whose state no set-up sent is one without state: it only waits."""
    flow = await start_linking(hass, wiz_sim)
    http = await hass_client_no_auth()
    response = await http.get(
        CALLBACK, params={"code": "forged-code-1", "state": "not-the-flows-state"}
    )
    assert response.status == 200
    assert "WiZ Pro is linked" not in await response.text()
    result = await hass.config_entries.flow.async_configure(flow["flow_id"])
    assert result["step_id"] == "wiz_pro_confirm"
    assert [r.path for r in wiz_sim.requests].count("/api/oauth/token") == 0
    # The user's own approval then links, with the characters its page shows.
    await link_own_approval(hass, wiz_sim, flow, http)
