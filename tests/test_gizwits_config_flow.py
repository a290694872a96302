"""The Gizwits config flow: region and AppID, the user's login, reauth, reconfigure."""

from collections.abc import AsyncGenerator, Iterator
import socket
from typing import Any
from unittest.mock import patch

from aiohttp.abc import AbstractResolver, ResolveResult
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType

from custom_components.cloud_bridge.const import DOMAIN
from custom_components.cloud_bridge.vendors.gizwits.aep import aep_url_for
from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import (
    DEMO_APP_ID,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_PHONE,
    DEMO_UID,
    DEMO_USERNAME,
    TV_PLUG_DID,
    demo_data,
)
from simulator.gizwits_model import User, error_body
from simulator.server import SimulatorServer

from .gizwits_helpers import AEP_LOGIN, BINDINGS, LOGIN, make_entry
from .helpers import paths

SECOND_APP_ID = "cloud-bridge-second-app"


@pytest.fixture
async def gizwits_sim(socket_enabled: None) -> AsyncGenerator[GizwitsSimulator]:
    """Run the Gizwits simulator with the demo user owning one plug.

    The flows do not depend on the devices; a small account keeps the entries
    they create quick to set up.
    """
    data = demo_data()
    (user,) = data.users
    user.bindings = {TV_PLUG_DID: "special"}
    user.groups = []
    user.scenes = []
    sim = GizwitsSimulator(data)
    await sim.start()
    sim.state.ws_port = 0  # the entries made poll: no app WebSocket
    yield sim
    await sim.stop()


def form(sim: GizwitsSimulator, **changes: Any) -> dict[str, Any]:
    """Return the Gizwits form filled in for the demo user on the simulator."""
    return {
        "region": "custom",
        "base_url": sim.url,
        "app_id": DEMO_APP_ID,
        "username": DEMO_USERNAME,
        "password": DEMO_PASSWORD,
        **changes,
    }


async def start(hass: HomeAssistant) -> FlowResult:
    """Choose Gizwits in the first step; return its form."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "user"
    assert result["menu_options"] == ["wiz_pro", "gizwits", "wegnology"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "gizwits"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "gizwits"
    assert result["errors"] == {}
    return result


async def submit(hass: HomeAssistant, user_input: dict[str, Any]) -> FlowResult:
    """Fill in the Gizwits form of a new flow."""
    result = await start(hass)
    return await hass.config_entries.flow.async_configure(result["flow_id"], user_input)


async def refused(
    hass: HomeAssistant, user_input: dict[str, Any], errors: dict[str, str]
) -> FlowResult:
    """Fill in the form of a new flow: it comes back with errors, no entry made."""
    result = await submit(hass, user_input)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert hass.config_entries.async_entries(DOMAIN) == []
    return result


async def corrected(
    hass: HomeAssistant, flow_id: str, user_input: dict[str, Any]
) -> FlowResult:
    """Fill in the form shown again, corrected: the entry is made."""
    result = await hass.config_entries.flow.async_configure(flow_id, user_input)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    return result


async def reconfigured(
    hass: HomeAssistant, flow_id: str, user_input: dict[str, Any]
) -> None:
    """Submit the reconfigure form: it ends, and the entry is reloaded."""
    result = await hass.config_entries.flow.async_configure(flow_id, user_input)
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"


async def login_fails(
    hass: HomeAssistant, sim: GizwitsSimulator, fault: dict[str, Any], error: str
) -> None:
    """Have the cloud answer the sign-in with a fault: the form shows an error."""
    options = dict(fault)
    sim.faults.add(options.pop("kind"), path=LOGIN, **options)
    await refused(hass, form(sim), {"base": error})


# --- a new entry ----------------------------------------------------------------


@pytest.mark.parametrize("login", [DEMO_USERNAME, DEMO_EMAIL, DEMO_PHONE])
async def test_login_creates_entry(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, login: str
) -> None:
    """Username, e-mail or phone and password make an entry with the session."""
    result = await submit(
        hass, form(gizwits_sim, username=login, app_id=" " + DEMO_APP_ID)
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"Gizwits {login}"
    data = dict(result["data"])
    token = gizwits_sim.tokens[data.pop("token")]
    assert (token.uid, token.app_id) == (DEMO_UID, DEMO_APP_ID)
    assert data == {
        "vendor": "gizwits",
        "region": "custom",
        "base_url": gizwits_sim.url,
        "app_id": DEMO_APP_ID,
        "username": login,
        "password": DEMO_PASSWORD,
        "uid": DEMO_UID,
        "expire_at": token.expire_at,
        "refresh_token": "",
        "login": "classic",
        "aep_url": "",
    }
    entry = result["result"]
    assert entry.unique_id == f"gizwits:{DEMO_APP_ID}:{DEMO_UID}"
    login_request = gizwits_sim.requests[0]
    assert login_request.path == LOGIN
    assert login_request.json == {"username": login, "password": DEMO_PASSWORD}
    assert login_request.headers["X-Gizwits-Application-Id"] == DEMO_APP_ID
    # The entry starts with the flow's token: no second login.
    assert entry.state is ConfigEntryState.LOADED
    assert paths(gizwits_sim).count(LOGIN) == 1
    assert BINDINGS in paths(gizwits_sim)


async def test_base_url_trailing_slash(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator
) -> None:
    """A server address typed with a trailing slash is stored without it."""
    result = await submit(hass, form(gizwits_sim, base_url=gizwits_sim.url + "/"))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["base_url"] == gizwits_sim.url


class UnreachableDNS(AbstractResolver):
    """A resolver that notes which hosts are looked up and finds none of them."""

    def __init__(self) -> None:
        """Start with nothing looked up."""
        self.asked: list[tuple[str, int]] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Fail the lookup as a network without DNS would."""
        self.asked.append((host, port))
        raise OSError(f"cannot resolve {host}")

    async def close(self) -> None:
        """Nothing to close."""

    async def real_close(self) -> None:
        """Nothing to close (Home Assistant closes its resolver with this)."""


@pytest.fixture
def dns() -> Iterator[UnreachableDNS]:
    """Give Home Assistant's HTTP session a DNS that reaches no Gizwits host."""
    resolver = UnreachableDNS()
    with patch(
        "homeassistant.helpers.aiohttp_client._async_make_resolver",
        return_value=resolver,
    ):
        yield resolver


@pytest.mark.parametrize(
    ("region", "host"),
    [
        ("cn", "api.gizwits.com"),
        ("us", "usapi.gizwits.com"),
        ("eu", "euapi.gizwits.com"),
    ],
)
async def test_regions_use_the_documented_hosts(
    hass: HomeAssistant, dns: UnreachableDNS, region: str, host: str
) -> None:
    """Each region logs in at its documented host over HTTPS; unreachable here.

    The tests have no network: the login fails to resolve the host, which
    shows which host the flow went to, and that a cloud out of reach is told
    as cannot_connect with no entry made.
    """
    await refused(
        hass,
        {
            "region": region,
            "base_url": "http://ignored.example",
            "app_id": DEMO_APP_ID,
            "username": DEMO_USERNAME,
            "password": DEMO_PASSWORD,
        },
        {"base": "cannot_connect"},
    )
    assert dns.asked == [(host, 443)]


async def test_region_defaults_to_china(hass: HomeAssistant) -> None:
    """The form offers the three regions and another address; China first."""
    result = await start(hass)
    schema = result["data_schema"].schema
    region = next(key for key in schema if key == "region")
    assert region.default() == "cn"
    assert schema[region].config["options"] == ["cn", "us", "eu", "custom"]


async def test_custom_region_needs_an_address(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator
) -> None:
    """Another address chosen but not given: the form says so, nothing is sent."""
    user_input = form(gizwits_sim)
    del user_input["base_url"]
    result = await submit(hass, user_input)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base_url": "base_url_required"}
    assert gizwits_sim.requests == []

    # The form keeps what was typed.
    keys = {key: key for key in result["data_schema"].schema}
    assert keys["username"].default() == DEMO_USERNAME
    assert keys["app_id"].default() == DEMO_APP_ID

    await corrected(hass, result["flow_id"], form(gizwits_sim))


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        pytest.param({"password": "wrong"}, {"base": "invalid_auth"}, id="9020"),
        pytest.param({"username": "nobody"}, {"base": "invalid_auth"}, id="9005"),
        pytest.param(
            {"app_id": "no-such-app"}, {"app_id": "invalid_app_id"}, id="9003"
        ),
    ],
)
async def test_login_refused(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    change: dict[str, str],
    errors: dict[str, str],
) -> None:
    """A refused login shows why on the form; corrected, it creates the entry."""
    result = await refused(hass, form(gizwits_sim, **change), errors)
    assert paths(gizwits_sim) == [LOGIN]

    await corrected(hass, result["flow_id"], form(gizwits_sim))


async def test_moved_account_signs_in_on_the_newer_login(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator
) -> None:
    """An account moved to the newer app login (9026) signs in there; it is kept."""
    gizwits_sim.user().moved = True
    result = await submit(hass, form(gizwits_sim, username=DEMO_EMAIL))

    assert result["type"] is FlowResultType.CREATE_ENTRY
    data = result["data"]
    assert data["login"] == "aep"
    assert data["uid"] == DEMO_UID
    token = gizwits_sim.tokens[data["token"]]
    assert (token.uid, token.kind) == (DEMO_UID, "aep")
    assert data["expire_at"] == token.expire_at
    assert data["refresh_token"] in gizwits_sim.aep.refresh_tokens
    assert paths(gizwits_sim)[:2] == [LOGIN, AEP_LOGIN]
    aep_request = gizwits_sim.requests[1]
    assert aep_request.headers["X-Gizwits-Application-Id"] == DEMO_APP_ID
    assert aep_request.json == {
        "appKey": DEMO_APP_ID,
        "version": "1.0",
        "data": {
            "account": DEMO_EMAIL,
            "password": DEMO_PASSWORD,
            "lang": "en",
            "refreshToken": True,
        },
    }
    # The newer token works on the Open API like a classic one.
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    assert paths(gizwits_sim).count(LOGIN) == 1
    assert BINDINGS in paths(gizwits_sim)


@pytest.mark.parametrize("numeric", [False, True], ids=["text codes", "number codes"])
@pytest.mark.parametrize("code", [1000033, 1000000], ids=["password", "no user"])
async def test_moved_account_refused_on_the_newer_login(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, numeric: bool, code: int
) -> None:
    """A wrong password or no such user there, as text or number: invalid_auth."""
    gizwits_sim.user().moved = True
    gizwits_sim.aep.numeric_codes = numeric
    if code == 1000000:
        # Unknown to the newer login (the simulator's moved users are known).
        gizwits_sim.faults.add(
            "patch_response",
            path=AEP_LOGIN,
            patch=lambda _: {
                "code": code if numeric else str(code),
                "message": "user not exist",
                "data": None,
                "error": True,
            },
        )
    result = await refused(
        hass, form(gizwits_sim, password="wrong"), {"base": "invalid_auth"}
    )
    assert paths(gizwits_sim) == [LOGIN, AEP_LOGIN]

    await corrected(hass, result["flow_id"], form(gizwits_sim))


async def test_newer_login_refusal_is_readable(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator
) -> None:
    """Any other code of the newer login shows the cloud's own words."""
    gizwits_sim.user().moved = True
    gizwits_sim.faults.add(
        "patch_response",
        path=AEP_LOGIN,
        patch=lambda _: {
            "code": 1000099,
            "message": "account locked",
            "data": None,
            "error": True,
        },
    )
    result = await submit(hass, form(gizwits_sim))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "login_refused"}
    assert result["description_placeholders"] == {"error": "account locked (1000099)"}


async def test_second_address_for_the_newer_login(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, elsewhere: SimulatorServer
) -> None:
    """With another address, the advanced section's second address is signed in at."""
    gizwits_sim.user().moved = True
    result = await submit(
        hass, form(gizwits_sim, advanced={"aep_url": elsewhere.url + "/"})
    )
    # The stand-in answers {}: no envelope, no sign-in.
    assert result["errors"] == {"base": "cannot_connect"}
    assert paths(gizwits_sim) == [LOGIN]
    assert [r.path for r in elsewhere.requests] == [AEP_LOGIN]

    result = await corrected(
        hass,
        result["flow_id"],
        form(gizwits_sim, advanced={"aep_url": gizwits_sim.url}),
    )
    assert result["data"]["login"] == "aep"
    # The same address as the server's is no second address.
    assert result["data"]["aep_url"] == ""


async def test_second_address_in_plain_http_warns(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator
) -> None:
    """A second address without TLS warns once, like the server address."""
    result = await submit(
        hass, form(gizwits_sim, advanced={"aep_url": "http://aep.example.com"})
    )
    assert result["errors"] == {"base": "insecure_address"}
    assert gizwits_sim.requests == []


@pytest.mark.parametrize(
    ("region", "host"),
    [
        ("cn", "aep-app.gizwits.com"),
        ("us", "usaepapp.gizwits.com"),
        ("eu", "euaepapp.gizwits.com"),
    ],
)
def test_regions_have_their_newer_login_host(region: str, host: str) -> None:
    """Each region signs moved accounts in at its own newer login host."""
    assert aep_url_for({"region": region, "base_url": "x"}) == f"https://{host}"
    assert (
        aep_url_for({"region": region, "base_url": "x", "aep_url": "https://y"})
        == f"https://{host}"
    )


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "server_error"},
        {"kind": "disconnect"},
        {"kind": "malformed_json"},
        {"kind": "patch_response", "patch": lambda _: error_body(9008)},
        {"kind": "patch_response", "patch": lambda _: {"uid": DEMO_UID}},
    ],
    ids=["500", "disconnect", "malformed JSON", "9008", "no token"],
)
async def test_cloud_down(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, fault: dict[str, Any]
) -> None:
    """The cloud failing or answering garbage: cannot_connect, no entry."""
    await login_fails(hass, gizwits_sim, fault, "cannot_connect")


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "rate_limit"},
        {"kind": "patch_response", "patch": lambda _: error_body(9041)},
    ],
    ids=["429", "9041"],
)
async def test_throttled_sign_in(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, fault: dict[str, Any]
) -> None:
    """Gizwits throttling the sign-in says so, not that it cannot be reached."""
    await login_fails(hass, gizwits_sim, fault, "rate_limited")


async def test_redirected_sign_in(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator
) -> None:
    """An address that redirects says so: the user checks the address."""
    gizwits_sim.faults.add(
        "redirect", path=LOGIN, location="https://elsewhere.test/app/login"
    )
    await refused(hass, form(gizwits_sim), {"base": "redirected"})


async def test_unexpected_code(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator
) -> None:
    """An error code the flow has no words for is shown with the cloud's words."""
    gizwits_sim.faults.add(
        "patch_response", path=LOGIN, patch=lambda _: error_body(9999)
    )
    result = await submit(hass, form(gizwits_sim))
    assert result["errors"] == {"base": "login_refused"}
    assert "(9999)" in result["description_placeholders"]["error"]


@pytest.mark.parametrize("login", [DEMO_USERNAME, DEMO_EMAIL])
async def test_same_account_twice_aborts(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_entry: MockConfigEntry,
    login: str,
) -> None:
    """The same user of the same AppID, by any login name, is refused."""
    result = await submit(hass, form(gizwits_sim, username=login))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert hass.config_entries.async_entries(DOMAIN) == [gizwits_entry]


async def test_same_user_of_another_app_is_another_entry(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, gizwits_entry: MockConfigEntry
) -> None:
    """The AppID is part of the account: the same user in another app is new."""
    gizwits_sim.app_ids.add(SECOND_APP_ID)
    gizwits_sim.super_app_ids.add(SECOND_APP_ID)
    result = await submit(hass, form(gizwits_sim, app_id=SECOND_APP_ID))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == f"gizwits:{SECOND_APP_ID}:{DEMO_UID}"


# --- reauth -----------------------------------------------------------------------


async def test_reauth_with_the_new_password(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, gizwits_loaded: MockConfigEntry
) -> None:
    """The wrong password is refused on the form; the right one is stored."""
    gizwits_sim.user().password = "new-password"
    old_token = gizwits_loaded.data["token"]
    result = await gizwits_loaded.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "gizwits_reauth_confirm"
    placeholders = result["description_placeholders"]
    assert placeholders is not None
    assert placeholders["username"] == DEMO_USERNAME
    assert placeholders["title"] == gizwits_loaded.title

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": DEMO_PASSWORD}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    assert gizwits_loaded.data["password"] == DEMO_PASSWORD

    gizwits_sim.clear_requests()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": "new-password"}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert gizwits_loaded.data["password"] == "new-password"
    new_token = gizwits_loaded.data["token"]
    assert new_token != old_token
    assert gizwits_sim.tokens[new_token].expire_at == gizwits_loaded.data["expire_at"]
    assert gizwits_sim.requests[0].json == {
        "username": DEMO_USERNAME,
        "password": "new-password",
    }
    # Reloaded: set up again with the new token, without another login.
    assert gizwits_loaded.state is ConfigEntryState.LOADED
    assert paths(gizwits_sim).count(LOGIN) == 1
    bindings = next(r for r in gizwits_sim.requests if r.path == BINDINGS)
    assert bindings.headers["X-Gizwits-User-token"] == new_token


async def test_reauth_with_another_account(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, gizwits_loaded: MockConfigEntry
) -> None:
    """The username now belongs to another user (another uid): refused."""
    data = dict(gizwits_loaded.data)
    gizwits_sim.user().uid = "e" * 32  # the account was deleted and made again
    result = await gizwits_loaded.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": DEMO_PASSWORD}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert dict(gizwits_loaded.data) == data


async def test_reauth_when_the_cloud_is_down(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, gizwits_loaded: MockConfigEntry
) -> None:
    """The cloud down during reauth: the form says so and can be tried again."""
    gizwits_sim.faults.add("server_error", path=LOGIN)
    result = await gizwits_loaded.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": DEMO_PASSWORD}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": DEMO_PASSWORD}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"


# --- reconfigure -----------------------------------------------------------------


async def test_reconfigure_to_another_app_id(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, gizwits_loaded: MockConfigEntry
) -> None:
    """Another AppID: the stored login is tried there; unique id and data follow."""
    gizwits_sim.app_ids.add(SECOND_APP_ID)
    gizwits_sim.super_app_ids.add(SECOND_APP_ID)
    result = await gizwits_loaded.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "gizwits_reconfigure"
    keys = {key: key for key in result["data_schema"].schema}
    assert keys["app_id"].default() == DEMO_APP_ID
    assert keys["region"].default() == "custom"
    assert "password" not in keys

    gizwits_sim.clear_requests()
    await reconfigured(
        hass,
        result["flow_id"],
        {"region": "custom", "base_url": gizwits_sim.url, "app_id": SECOND_APP_ID},
    )
    assert gizwits_loaded.unique_id == f"gizwits:{SECOND_APP_ID}:{DEMO_UID}"
    assert gizwits_loaded.data["app_id"] == SECOND_APP_ID
    token = gizwits_sim.tokens[gizwits_loaded.data["token"]]
    assert token.app_id == SECOND_APP_ID
    assert gizwits_loaded.data["expire_at"] == token.expire_at
    assert gizwits_loaded.data["password"] == DEMO_PASSWORD
    login = gizwits_sim.requests[0]
    assert login.path == LOGIN
    assert login.headers["X-Gizwits-Application-Id"] == SECOND_APP_ID
    assert login.json == {"username": DEMO_USERNAME, "password": DEMO_PASSWORD}
    # Reloaded, and talking as the new AppID.
    assert gizwits_loaded.state is ConfigEntryState.LOADED
    after = [r for r in gizwits_sim.requests if r.path == BINDINGS]
    assert after
    assert {r.headers["X-Gizwits-Application-Id"] for r in after} == {SECOND_APP_ID}


async def test_reconfigure_to_a_region(
    hass: HomeAssistant,
    dns: UnreachableDNS,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
) -> None:
    """Moving to a region asks for the password, then logs in at the region's host.

    Out of reach, nothing changes.
    """
    data = dict(gizwits_loaded.data)
    result = await gizwits_loaded.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"region": "eu", "app_id": DEMO_APP_ID}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "gizwits_reconfigure_password"
    assert result["description_placeholders"] == {
        "username": DEMO_USERNAME,
        "base_url": "https://euapi.gizwits.com",
    }
    assert dns.asked == []
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": DEMO_PASSWORD}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    # The simulator, at an IP address, needed no lookup; the region did.
    assert dns.asked == [("euapi.gizwits.com", 443)]
    assert dict(gizwits_loaded.data) == data


@pytest.mark.parametrize(
    ("user_input", "errors"),
    [
        pytest.param(
            {"region": "custom", "app_id": DEMO_APP_ID},
            {"base_url": "base_url_required"},
            id="no address",
        ),
        pytest.param(
            {"region": "custom", "app_id": "no-such-app"},
            {"app_id": "invalid_app_id"},
            id="unknown AppID",
        ),
    ],
)
async def test_reconfigure_errors_on_the_form(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    user_input: dict[str, str],
    errors: dict[str, str],
) -> None:
    """Login errors show on the reconfigure form; the entry stays as it was."""
    if "no-such-app" in user_input.values():
        user_input = {**user_input, "base_url": gizwits_sim.url}
    data = dict(gizwits_loaded.data)
    result = await gizwits_loaded.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "gizwits_reconfigure"
    assert result["errors"] == errors
    assert dict(gizwits_loaded.data) == data
    assert gizwits_loaded.unique_id == f"gizwits:{DEMO_APP_ID}:{DEMO_UID}"


@pytest.mark.parametrize("problem", ["password", "down"])
async def test_reconfigure_login_refused(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    problem: str,
) -> None:
    """The stored login refused or the cloud down: shown on the form."""
    if problem == "password":
        gizwits_sim.user().password = "changed"
    else:
        gizwits_sim.faults.add("disconnect", path=LOGIN)
    result = await gizwits_loaded.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"region": "custom", "base_url": gizwits_sim.url, "app_id": DEMO_APP_ID},
    )
    assert (
        result["errors"]
        == {
            "password": {"base": "invalid_auth"},
            "down": {"base": "cannot_connect"},
        }[problem]
    )


async def test_reconfigure_onto_another_entry(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, gizwits_loaded: MockConfigEntry
) -> None:
    """Reconfiguring onto the AppID and user of another entry is refused."""
    gizwits_sim.app_ids.add(SECOND_APP_ID)
    other = MockConfigEntry(
        domain=DOMAIN,
        title="Gizwits demo (second app)",
        unique_id=f"gizwits:{SECOND_APP_ID}:{DEMO_UID}",
        data={**gizwits_loaded.data, "app_id": SECOND_APP_ID},
    )
    other.add_to_hass(hass)
    data = dict(gizwits_loaded.data)

    result = await gizwits_loaded.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"region": "custom", "base_url": gizwits_sim.url, "app_id": SECOND_APP_ID},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert gizwits_loaded.unique_id == f"gizwits:{DEMO_APP_ID}:{DEMO_UID}"
    assert dict(gizwits_loaded.data) == data


async def test_reconfigure_keeps_the_entry_of_another_user(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator
) -> None:
    """Another user's entry on the same AppID does not block reconfiguring."""
    gizwits_sim.users.append(
        User(uid="f" * 32, username="neighbour", password="neighbour-password")
    )
    neighbour = MockConfigEntry(
        domain=DOMAIN,
        title="Gizwits neighbour",
        unique_id=f"gizwits:{DEMO_APP_ID}:{'f' * 32}",
        data={"vendor": "gizwits"},
    )
    neighbour.add_to_hass(hass)
    entry = make_entry(hass, gizwits_sim)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"region": "custom", "base_url": gizwits_sim.url + "/", "app_id": DEMO_APP_ID},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data["base_url"] == gizwits_sim.url


async def test_plain_http_address_warns_once(
    hass: HomeAssistant, dns: UnreachableDNS
) -> None:
    """An http address (not a local test server) warns; submitting again uses it."""
    user_input = {
        "region": "custom",
        "base_url": "http://gizwits.example.com",
        "app_id": DEMO_APP_ID,
        "username": DEMO_USERNAME,
        "password": DEMO_PASSWORD,
    }
    result = await submit(hass, user_input)
    assert result["errors"] == {"base_url": "insecure_address"}
    # Nothing was sent: the password did not travel before the user agreed.
    assert dns.asked == []
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input
    )
    assert result["errors"] == {"base": "cannot_connect"}
    assert dns.asked == [("gizwits.example.com", 80)]


async def test_reconfigure_to_another_address_asks_for_the_password(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, gizwits_loaded: MockConfigEntry
) -> None:
    """The stored password never goes to a newly typed address by itself."""
    other = GizwitsSimulator(demo_data())
    await other.start()
    other.state.ws_port = 0
    try:
        result = await gizwits_loaded.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {"region": "custom", "base_url": other.url, "app_id": DEMO_APP_ID},
        )
        assert result["step_id"] == "gizwits_reconfigure_password"
        assert other.requests == []
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"password": "not-the-password"}
        )
        assert result["step_id"] == "gizwits_reconfigure_password"
        assert result["errors"] == {"base": "invalid_auth"}
        assert [r.json for r in other.requests if r.path == LOGIN] == [
            {"username": DEMO_USERNAME, "password": "not-the-password"}
        ]
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"password": DEMO_PASSWORD}
        )
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "reconfigure_successful"
        assert gizwits_loaded.data["base_url"] == other.url
    finally:
        await other.stop()


async def test_reconfigure_an_account_on_the_newer_login(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, gizwits_loaded: MockConfigEntry
) -> None:
    """The classic login is tried there first; 9026 moves it to the newer one."""
    gizwits_sim.user().moved = True
    gizwits_sim.clear_requests()
    result = await gizwits_loaded.start_reconfigure_flow(hass)
    await reconfigured(
        hass,
        result["flow_id"],
        {"region": "custom", "base_url": gizwits_sim.url, "app_id": DEMO_APP_ID},
    )
    assert paths(gizwits_sim)[:2] == [LOGIN, AEP_LOGIN]
    assert gizwits_loaded.data["login"] == "aep"
    assert gizwits_sim.tokens[gizwits_loaded.data["token"]].kind == "aep"


async def test_reconfigure_to_a_second_address_asks_for_the_password(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_loaded: MockConfigEntry,
    elsewhere: SimulatorServer,
) -> None:
    """A newly given second address gets the password only once it is typed."""
    result = await gizwits_loaded.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "region": "custom",
            "base_url": gizwits_sim.url,
            "app_id": DEMO_APP_ID,
            "advanced": {"aep_url": elsewhere.url},
        },
    )
    assert result["step_id"] == "gizwits_reconfigure_password"
    assert elsewhere.requests == []
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": DEMO_PASSWORD}
    )
    await hass.async_block_till_done()
    # A classic account signs in classic; the second address is kept for later.
    assert result["type"] is FlowResultType.ABORT
    assert gizwits_loaded.data["aep_url"] == elsewhere.url
    assert elsewhere.requests == []


async def test_reconfigure_form_keeps_the_second_address(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, gizwits_loaded: MockConfigEntry
) -> None:
    """The reconfigure form suggests the stored second address."""
    hass.config_entries.async_update_entry(
        gizwits_loaded, data={**gizwits_loaded.data, "aep_url": "https://aep.test"}
    )
    result = await gizwits_loaded.start_reconfigure_flow(hass)
    schema = result["data_schema"].schema
    advanced = next(key for key in schema if key == "advanced")
    inner = schema[advanced].schema.schema
    (aep_url,) = inner
    assert aep_url.description == {"suggested_value": "https://aep.test"}
    # Left out, the server's own address serves the newer login: the stored
    # password went there already, so it is tried at once.
    gizwits_sim.user().password = "changed"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"region": "custom", "base_url": gizwits_sim.url, "app_id": DEMO_APP_ID},
    )
    assert result["step_id"] == "gizwits_reconfigure"
    assert result["errors"] == {"base": "invalid_auth"}
