"""The WEGnology config flow: server, sign-in, application; reauth, reconfigure."""

from collections.abc import AsyncGenerator
import logging
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType, InvalidData
from homeassistant.helpers.translation import async_get_translations

from custom_components.cloud_bridge.const import DOMAIN
from simulator.wegnology import WegnologySimulator
from simulator.wegnology_demo import (
    BOILER_RELAY_ID,
    DEMO_API_TOKEN,
    DEMO_APPLICATION_ID,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_USER_API_TOKEN,
    DEMO_USER_ID,
    PUMP_GATEWAY_ID,
    TANK_LEVEL_ID,
    TEST_BENCH_APPLICATION_ID,
    demo_data,
)
from simulator.wegnology_model import User

from .helpers import paths
from .wegnology_helpers import (
    APPLICATIONS,
    AUTH_USER,
    bench_entry,
    devices_path,
    make_entry,
)

NEW_PASSWORD = "new-demo-password"
LOGIN_SECRETS = ("email", "password", "user_token")


@pytest.fixture
async def wegnology_sim(socket_enabled: None) -> AsyncGenerator[WegnologySimulator]:
    """Run the WEGnology simulator with a small Demo Plant (a gateway, a relay).

    The flows do not depend on the devices; a small plant keeps the entries
    they create quick to set up.
    """
    data = demo_data()
    plant = next(app for app in data.applications if app.id == DEMO_APPLICATION_ID)
    keep = {PUMP_GATEWAY_ID, TANK_LEVEL_ID, BOILER_RELAY_ID}
    plant.devices = {key: plant.devices[key] for key in keep}
    sim = WegnologySimulator(data)
    await sim.start()
    yield sim
    await sim.stop()


def login(**changes: str) -> dict[str, str]:
    """Return the login form filled in for the demo user."""
    return {"email": DEMO_EMAIL, "password": DEMO_PASSWORD, **changes}


async def start(hass: HomeAssistant) -> FlowResult:
    """Choose WEGnology in the first step; return the server form."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "user"
    assert "wegnology" in result["menu_options"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "wegnology"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "wegnology"
    return result


async def sign_in_step(hass: HomeAssistant, base_url: str, method: str) -> FlowResult:
    """Give the server and choose a way to sign in; return that form."""
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"base_url": base_url}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "wegnology_auth"
    assert result["menu_options"] == ["wegnology_login", "wegnology_token"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": f"wegnology_{method}"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == f"wegnology_{method}"
    assert result["errors"] == {}
    return result


async def submit_login(
    hass: HomeAssistant, sim: WegnologySimulator, user_input: dict[str, str]
) -> FlowResult:
    """Sign in with an e-mail and password in a new flow."""
    result = await sign_in_step(hass, sim.url, "login")
    return await hass.config_entries.flow.async_configure(result["flow_id"], user_input)


async def submit_token(
    hass: HomeAssistant, sim: WegnologySimulator, token: str
) -> FlowResult:
    """Sign in with an API token in a new flow."""
    result = await sign_in_step(hass, sim.url, "token")
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_token": token}
    )


def application_choices(result: FlowResult) -> list[tuple[str, str]]:
    """Return the (id, label) of each application the choice step offers."""
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "wegnology_application"
    schema = result["data_schema"].schema
    (key,) = schema
    assert key == "application_id"
    return [
        (option["value"], option["label"]) for option in schema[key].config["options"]
    ]


def add_user_without_applications(sim: WegnologySimulator) -> User:
    """Add a user who owns no application."""
    user = User("0" * 24, "empty@wegnology.example", "empty-password")
    sim.users.append(user)
    return user


def only_keys(entry: MockConfigEntry) -> set[str]:
    """Return the keys of an entry's data."""
    return set(entry.data)


# --- the first steps ---------------------------------------------------------------


async def test_server_defaults_to_the_wegnology_api(hass: HomeAssistant) -> None:
    """The server form offers WEGnology's own API address."""
    result = await start(hass)
    (key,) = result["data_schema"].schema
    assert key == "base_url"
    assert key.default() == "https://api.app.wnology.io"


async def test_login_lists_applications_and_creates_entry(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator
) -> None:
    """E-mail and password: the user's applications; the chosen one is the entry."""
    result = await submit_login(hass, wegnology_sim, login())
    assert sorted(application_choices(result)) == sorted(
        [
            (DEMO_APPLICATION_ID, "Demo Plant"),
            (TEST_BENCH_APPLICATION_ID, "Test Bench"),
        ]
    )
    assert paths(wegnology_sim) == [AUTH_USER, APPLICATIONS]
    login_request, listing = wegnology_sim.requests
    assert login_request.json == {"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
    token = listing.headers["Authorization"].removeprefix("Bearer ")
    assert wegnology_sim.user_tokens[token].user_id == DEMO_USER_ID

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"application_id": DEMO_APPLICATION_ID}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Demo Plant"
    assert result["data"] == {
        "vendor": "wegnology",
        "base_url": wegnology_sim.url,
        "application_id": DEMO_APPLICATION_ID,
        "auth": "login",
        "email": DEMO_EMAIL,
        "password": DEMO_PASSWORD,
        "user_token": token,
    }
    entry = result["result"]
    assert entry.unique_id == DEMO_APPLICATION_ID
    # The entry starts with the flow's token: no second login.
    assert entry.state is ConfigEntryState.LOADED
    assert paths(wegnology_sim).count(AUTH_USER) == 1
    (devices,) = [r for r in wegnology_sim.requests if r.path == devices_path()]
    assert devices.headers["Authorization"] == f"Bearer {token}"


async def test_choose_the_other_application(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator
) -> None:
    """Choosing Test Bench makes its entry, named after it."""
    result = await submit_login(hass, wegnology_sim, login())
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"application_id": TEST_BENCH_APPLICATION_ID}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Test Bench"
    assert result["data"]["application_id"] == TEST_BENCH_APPLICATION_ID
    assert result["result"].unique_id == TEST_BENCH_APPLICATION_ID
    assert devices_path(TEST_BENCH_APPLICATION_ID) in paths(wegnology_sim)


async def test_base_url_typed_loosely(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator
) -> None:
    """Spaces and a trailing slash around the address are not kept."""
    result = await sign_in_step(hass, f"  {wegnology_sim.url}/ ", "token")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_token": DEMO_USER_API_TOKEN}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"application_id": DEMO_APPLICATION_ID}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["base_url"] == wegnology_sim.url


async def test_application_token_asks_for_its_application(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator
) -> None:
    """An application token may not list applications: the user names its own.

    The form says where the id is; a wrong id is said so; the application's
    address, pasted whole, is as good as its id.
    """
    result = await submit_token(hass, wegnology_sim, DEMO_API_TOKEN)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "wegnology_application_id"
    assert result["errors"] == {}
    assert [str(key) for key in result["data_schema"].schema] == ["application_id"]
    assert paths(wegnology_sim) == [APPLICATIONS]
    texts = await async_get_translations(hass, "en", "config", [DOMAIN])
    step = f"component.{DOMAIN}.config.step.wegnology_application_id"
    assert "after `/applications/`" in texts[f"{step}.description"]

    for wrong in ("0" * 24, TEST_BENCH_APPLICATION_ID, " / "):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"application_id": wrong}
        )
        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == "wegnology_application_id"
        assert result["errors"] == {"base": "application_not_found"}
        error = texts[f"component.{DOMAIN}.config.error.application_not_found"]
        assert error.startswith("This token does not reach an application")

    wegnology_sim.clear_requests()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "application_id": f"https://app.wnology.io/applications/{DEMO_APPLICATION_ID}/devices"
        },
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Demo Plant"
    assert result["data"] == {
        "vendor": "wegnology",
        "base_url": wegnology_sim.url,
        "application_id": DEMO_APPLICATION_ID,
        "auth": "token",
        "api_token": DEMO_API_TOKEN,
    }
    assert result["result"].unique_id == DEMO_APPLICATION_ID
    assert result["result"].state is ConfigEntryState.LOADED
    assert paths(wegnology_sim)[0] == f"{APPLICATIONS}/{DEMO_APPLICATION_ID}"
    assert AUTH_USER not in paths(wegnology_sim)
    assert {r.headers["Authorization"] for r in wegnology_sim.requests} == {
        f"Bearer {DEMO_API_TOKEN}"
    }


async def test_token_of_a_deleted_application(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator
) -> None:
    """The token of an application deleted since finds no application."""
    token = wegnology_sim.add_api_token(application_id=TEST_BENCH_APPLICATION_ID)
    del wegnology_sim.applications[TEST_BENCH_APPLICATION_ID]
    result = await submit_token(hass, wegnology_sim, token.token)
    assert result["step_id"] == "wegnology_application_id"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"application_id": TEST_BENCH_APPLICATION_ID}
    )
    assert result["errors"] == {"base": "application_not_found"}
    assert hass.config_entries.async_entries(DOMAIN) == []


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "server_error"},
        {"kind": "patch_response", "patch": lambda _: {"name": "x"}},
    ],
    ids=["Application Get 500", "Application Get without id"],
)
async def test_application_id_when_the_cloud_fails(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator, fault: dict[str, Any]
) -> None:
    """The cloud failing on Application Get: cannot_connect; a retry works."""
    result = await submit_token(hass, wegnology_sim, DEMO_API_TOKEN)
    options = dict(fault)
    wegnology_sim.faults.add(
        options.pop("kind"), path=f"{APPLICATIONS}/{DEMO_APPLICATION_ID}", **options
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"application_id": DEMO_APPLICATION_ID}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"application_id": DEMO_APPLICATION_ID}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_token_offers_the_choice(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator
) -> None:
    """A user API token reaches the user's applications: the user chooses."""
    result = await submit_token(hass, wegnology_sim, DEMO_USER_API_TOKEN)
    assert len(application_choices(result)) == 2
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"application_id": TEST_BENCH_APPLICATION_ID}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Test Bench"
    assert result["data"] == {
        "vendor": "wegnology",
        "base_url": wegnology_sim.url,
        "application_id": TEST_BENCH_APPLICATION_ID,
        "auth": "token",
        "api_token": DEMO_USER_API_TOKEN,
    }


# --- refused and failing ---------------------------------------------------------


@pytest.mark.parametrize(
    "user_input",
    [login(password="wrong"), login(email="nobody@wegnology.example")],
    ids=["wrong password", "unknown e-mail"],
)
async def test_login_refused(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator, user_input: dict[str, str]
) -> None:
    """A refused login shows invalid_auth and keeps the e-mail; then it works."""
    result = await submit_login(hass, wegnology_sim, user_input)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "wegnology_login"
    assert result["errors"] == {"base": "invalid_auth"}
    assert paths(wegnology_sim) == [AUTH_USER]
    schema = result["data_schema"].schema
    email = next(key for key in schema if key == "email")
    assert email.description == {"suggested_value": user_input["email"]}
    assert hass.config_entries.async_entries(DOMAIN) == []

    result = await hass.config_entries.flow.async_configure(result["flow_id"], login())
    assert len(application_choices(result)) == 2


@pytest.mark.parametrize("token", ["revoked", "made-up"])
async def test_token_refused(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator, token: str
) -> None:
    """A revoked or unknown API token: invalid_auth on the token form.

    The list's 401 may be a good application token's on some servers, so its
    application's id is asked for first; Application Get's 401 then says the
    token itself is refused, and the token form comes back.
    """
    if token == "revoked":
        wegnology_sim.revoke_api_token(DEMO_API_TOKEN)
        token = DEMO_API_TOKEN
    result = await submit_token(hass, wegnology_sim, token)
    assert result["step_id"] == "wegnology_application_id"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"application_id": DEMO_APPLICATION_ID}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "wegnology_token"
    assert result["errors"] == {"base": "invalid_auth"}
    assert paths(wegnology_sim) == [
        APPLICATIONS,
        f"{APPLICATIONS}/{DEMO_APPLICATION_ID}",
    ]
    assert hass.config_entries.async_entries(DOMAIN) == []

    # A good token in the same form goes on.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_token": DEMO_USER_API_TOKEN}
    )
    assert len(application_choices(result)) == 2


@pytest.mark.parametrize(
    ("fault", "path", "error"),
    [
        ({"kind": "server_error"}, AUTH_USER, "cannot_connect"),
        ({"kind": "disconnect"}, AUTH_USER, "cannot_connect"),
        ({"kind": "malformed_json"}, AUTH_USER, "cannot_connect"),
        (
            {"kind": "patch_response", "patch": lambda _: {"userId": "x"}},
            AUTH_USER,
            "cannot_connect",
        ),
        ({"kind": "rate_limit"}, AUTH_USER, "rate_limited"),
        (
            {"kind": "redirect", "status": 308, "location": "https://elsewhere.test/"},
            AUTH_USER,
            "redirected",
        ),
        ({"kind": "server_error", "status": 503}, APPLICATIONS, "cannot_connect"),
        ({"kind": "disconnect", "count": 2}, APPLICATIONS, "cannot_connect"),
    ],
    ids=[
        "login 500",
        "login dropped",
        "login malformed JSON",
        "login without token",
        "login throttled",
        "login redirected",
        "listing 503",
        "listing dropped",
    ],
)
async def test_cloud_down(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    fault: dict[str, Any],
    path: str,
    error: str,
) -> None:
    """The cloud failing, throttling or answering garbage: said so; a retry works."""
    options = dict(fault)
    wegnology_sim.faults.add(options.pop("kind"), path=path, **options)
    result = await submit_login(hass, wegnology_sim, login())
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    assert hass.config_entries.async_entries(DOMAIN) == []

    result = await hass.config_entries.flow.async_configure(result["flow_id"], login())
    assert len(application_choices(result)) == 2


async def test_nothing_listening(hass: HomeAssistant, socket_enabled: None) -> None:
    """An address where no server answers: cannot_connect."""
    async with WegnologySimulator() as sim:
        url = sim.url
    result = await sign_in_step(hass, url, "token")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_token": DEMO_API_TOKEN}
    )
    assert result["errors"] == {"base": "cannot_connect"}


async def test_application_token_without_the_scope(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator
) -> None:
    """A token that may read devices but not its application: nothing created."""
    token = wegnology_sim.add_api_token(
        application_id=DEMO_APPLICATION_ID, scope=("devices.get",)
    ).token
    result = await submit_token(hass, wegnology_sim, token)
    assert result["step_id"] == "wegnology_application_id"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"application_id": DEMO_APPLICATION_ID}
    )
    assert result["errors"] == {"base": "application_not_found"}
    assert hass.config_entries.async_entries(DOMAIN) == []


async def test_an_unexpected_refusal_is_logged(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A refusal the flow does not expect: "unknown", and the log has the details.

    Here the login hands out a token that may not list applications.
    """
    narrow = wegnology_sim.add_api_token(user_id=DEMO_USER_ID, scope=("devices.get",))
    wegnology_sim.faults.add(
        "patch_response",
        path=AUTH_USER,
        patch=lambda _: {"userId": DEMO_USER_ID, "token": narrow.token},
    )
    result = await submit_login(hass, wegnology_sim, login())
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "wegnology_login"
    assert result["errors"] == {"base": "unknown"}
    (record,) = [r for r in caplog.records if r.name.endswith("wegnology.config_flow")]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert "does not have a scope" in caplog.text
    for secret in (DEMO_PASSWORD, narrow.token):
        assert secret not in caplog.text
    assert hass.config_entries.async_entries(DOMAIN) == []


@pytest.mark.parametrize("method", ["login", "user token"])
async def test_no_applications(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator, method: str
) -> None:
    """Credentials that reach no application: the flow ends and says so."""
    user = add_user_without_applications(wegnology_sim)
    if method == "login":
        result = await submit_login(
            hass, wegnology_sim, {"email": user.email, "password": user.password}
        )
    else:
        token = wegnology_sim.add_api_token(user_id=user.id).token
        result = await submit_token(hass, wegnology_sim, token)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_applications"
    assert hass.config_entries.async_entries(DOMAIN) == []


async def test_same_application_twice_aborts(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator
) -> None:
    """The application of an entry cannot be added again, by login or by token.

    The list offers (and preselects) only the applications not set up yet, and
    names the ones that are.
    """
    entry = make_entry(hass, wegnology_sim)
    assert entry.unique_id == DEMO_APPLICATION_ID
    result = await submit_login(hass, wegnology_sim, login())
    assert result["step_id"] == "wegnology_application"
    assert result["description_placeholders"] == {"configured": entry.title}
    (field,) = result["data_schema"].schema
    assert field.default() == TEST_BENCH_APPLICATION_ID
    options = result["data_schema"].schema[field].config["options"]
    assert [option["value"] for option in options] == [TEST_BENCH_APPLICATION_ID]
    with pytest.raises(InvalidData):
        await hass.config_entries.flow.async_configure(
            result["flow_id"], {"application_id": DEMO_APPLICATION_ID}
        )

    result = await submit_token(hass, wegnology_sim, DEMO_API_TOKEN)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"application_id": DEMO_APPLICATION_ID}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert hass.config_entries.async_entries(DOMAIN) == [entry]


@pytest.mark.parametrize("method", ["login", "user token"])
async def test_every_application_set_up_aborts(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator, method: str
) -> None:
    """With every application reached already set up, no form that can only fail."""
    make_entry(hass, wegnology_sim)
    bench_entry(hass, wegnology_sim)
    if method == "login":
        result = await submit_login(hass, wegnology_sim, login())
    else:
        result = await submit_token(hass, wegnology_sim, DEMO_USER_API_TOKEN)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "all_applications_configured"
    texts = await async_get_translations(hass, "en", "config", [DOMAIN])
    assert texts[f"component.{DOMAIN}.config.abort.all_applications_configured"] == (
        "Every application these credentials reach is already set up."
    )
    assert len(hass.config_entries.async_entries(DOMAIN)) == 2


async def test_the_only_application_set_up_aborts(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator
) -> None:
    """A sign-in that reaches one application, already set up: already configured."""
    del wegnology_sim.applications[TEST_BENCH_APPLICATION_ID]
    make_entry(hass, wegnology_sim)
    result = await submit_login(hass, wegnology_sim, login())
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_application_list_refused_with_401_asks_for_the_id(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator
) -> None:
    """A server that refuses an application token the list with 401, not 403.

    The token is not taken as bad: its application's id is asked for, and
    Application Get confirms it.
    """
    wegnology_sim.app_token_applications_status = 401
    result = await submit_token(hass, wegnology_sim, DEMO_API_TOKEN)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "wegnology_application_id"
    assert result["errors"] == {}
    assert paths(wegnology_sim) == [APPLICATIONS]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"application_id": DEMO_APPLICATION_ID}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Demo Plant"
    assert result["data"]["api_token"] == DEMO_API_TOKEN
    assert result["result"].state is ConfigEntryState.LOADED


async def test_a_server_with_smaller_pages_lists_every_application(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator
) -> None:
    """A server that takes at most one item a page: the list is read in its pages."""
    wegnology_sim.max_per_page = 1
    result = await submit_login(hass, wegnology_sim, login())
    assert sorted(application_choices(result)) == sorted(
        [
            (DEMO_APPLICATION_ID, "Demo Plant"),
            (TEST_BENCH_APPLICATION_ID, "Test Bench"),
        ]
    )
    listings = [r for r in wegnology_sim.requests if r.path == APPLICATIONS]
    assert [r.query for r in listings] == [
        {"page": "0", "perPage": "100"},  # refused: "perPage must be <= 1"
        {"page": "0", "perPage": "1"},
        {"page": "1", "perPage": "1"},
    ]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"application_id": DEMO_APPLICATION_ID}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].state is ConfigEntryState.LOADED


async def test_other_application_of_the_same_user(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_entry: MockConfigEntry,
) -> None:
    """One entry per application: the user's second application is a new entry."""
    result = await submit_login(hass, wegnology_sim, login())
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"application_id": TEST_BENCH_APPLICATION_ID}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert len(hass.config_entries.async_entries(DOMAIN)) == 2


# --- reauth -----------------------------------------------------------------------


async def description(hass: HomeAssistant, result: FlowResult) -> str:
    """Return a form's description as the user reads it in English."""
    texts = await async_get_translations(hass, "en", "config", [DOMAIN])
    text = texts[f"component.{DOMAIN}.config.step.{result['step_id']}.description"]
    return text.format(**(result["description_placeholders"] or {}))


async def test_reauth_login_with_the_new_password(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """The password form names the entry; wrong is refused, right is stored."""
    wegnology_sim.user().password = NEW_PASSWORD
    old_token = wegnology_loaded.data["user_token"]
    result = await wegnology_loaded.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "wegnology_reauth_confirm"
    assert await description(hass, result) == (
        f"WEGnology no longer accepts the password of {DEMO_EMAIL} for Demo Plant. "
        "Enter the current one."
    )
    assert [str(key) for key in result["data_schema"].schema] == ["password"]

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": DEMO_PASSWORD}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    assert wegnology_loaded.data["password"] == DEMO_PASSWORD

    wegnology_sim.clear_requests()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": NEW_PASSWORD}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert wegnology_sim.requests[0].json == {
        "email": DEMO_EMAIL,
        "password": NEW_PASSWORD,
    }
    # The entry's application is confirmed as such, not looked for in a list.
    assert paths(wegnology_sim)[1] == f"{APPLICATIONS}/{DEMO_APPLICATION_ID}"
    assert APPLICATIONS not in paths(wegnology_sim)
    assert wegnology_loaded.data["password"] == NEW_PASSWORD
    new_token = wegnology_loaded.data["user_token"]
    assert new_token != old_token
    assert wegnology_sim.user_tokens[new_token].user_id == DEMO_USER_ID
    assert wegnology_loaded.data["email"] == DEMO_EMAIL
    assert wegnology_loaded.data["auth"] == "login"
    # Reloaded with the new token, without another login.
    assert wegnology_loaded.state is ConfigEntryState.LOADED
    assert paths(wegnology_sim).count(AUTH_USER) == 1
    devices = next(r for r in wegnology_sim.requests if r.path == devices_path())
    assert devices.headers["Authorization"] == f"Bearer {new_token}"


async def test_reauth_token_with_a_new_token(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator
) -> None:
    """A token entry asks for a new token; a refused one is said so on the form."""
    entry = make_entry(hass, wegnology_sim, login=False)
    wegnology_sim.revoke_api_token(DEMO_API_TOKEN)
    new_token = wegnology_sim.add_api_token(application_id=DEMO_APPLICATION_ID).token

    result = await entry.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "wegnology_reauth_token"
    # A token entry has no e-mail: the application alone is named.
    assert await description(hass, result) == (
        "WEGnology no longer accepts the API token of Demo Plant. Paste a new one."
    )
    assert [str(key) for key in result["data_schema"].schema] == ["api_token"]

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_token": DEMO_API_TOKEN}
    )
    assert result["errors"] == {"base": "invalid_auth"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_token": new_token}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data["api_token"] == new_token
    assert entry.data["auth"] == "token"
    assert not only_keys(entry) & set(LOGIN_SECRETS)
    assert entry.state is ConfigEntryState.LOADED


async def test_reauth_login_that_lost_the_application(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """The user no longer has the application: wrong_account, nothing changed."""
    data = dict(wegnology_loaded.data)
    wegnology_sim.application(DEMO_APPLICATION_ID).owner_id = "f" * 24
    result = await wegnology_loaded.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": DEMO_PASSWORD}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert dict(wegnology_loaded.data) == data


async def test_reauth_token_of_another_application(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator
) -> None:
    """A token of Test Bench cannot stand in for Demo Plant's: wrong_account."""
    entry = make_entry(hass, wegnology_sim, login=False)
    data = dict(entry.data)
    other = wegnology_sim.add_api_token(application_id=TEST_BENCH_APPLICATION_ID)
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_token": other.token}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert dict(entry.data) == data


async def test_reauth_when_the_cloud_is_down(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """The cloud down during reauth: the form says so and can be tried again."""
    wegnology_sim.faults.add("server_error", path=AUTH_USER)
    result = await wegnology_loaded.start_reauth_flow(hass)
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


async def reconfigure(
    hass: HomeAssistant, entry: MockConfigEntry, method: str
) -> FlowResult:
    """Start reconfiguring an entry and choose how it signs in."""
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "wegnology_reconfigure"
    assert result["menu_options"] == [
        "wegnology_reconfigure_login",
        "wegnology_reconfigure_token",
    ]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": f"wegnology_reconfigure_{method}"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == f"wegnology_reconfigure_{method}"
    # The API address comes first, the entry's own by default.
    base_url, *_ = result["data_schema"].schema
    assert base_url == "base_url"
    assert base_url.default() == entry.data["base_url"]
    return result


async def test_reconfigure_login_to_token_and_back(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """Switching the method drops the other method's secrets; the entry reloads."""
    entry = wegnology_loaded
    result = await reconfigure(hass, entry, "token")
    wegnology_sim.clear_requests()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_token": DEMO_API_TOKEN}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert dict(entry.data) == {
        "vendor": "wegnology",
        "base_url": wegnology_sim.url,
        "application_id": DEMO_APPLICATION_ID,
        "auth": "token",
        "api_token": DEMO_API_TOKEN,
    }
    assert entry.state is ConfigEntryState.LOADED
    devices = next(r for r in wegnology_sim.requests if r.path == devices_path())
    assert devices.headers["Authorization"] == f"Bearer {DEMO_API_TOKEN}"

    result = await reconfigure(hass, entry, "login")
    wegnology_sim.clear_requests()
    result = await hass.config_entries.flow.async_configure(result["flow_id"], login())
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    token = entry.data["user_token"]
    assert dict(entry.data) == {
        "vendor": "wegnology",
        "base_url": wegnology_sim.url,
        "application_id": DEMO_APPLICATION_ID,
        "auth": "login",
        "email": DEMO_EMAIL,
        "password": DEMO_PASSWORD,
        "user_token": token,
    }
    assert wegnology_sim.user_tokens[token].user_id == DEMO_USER_ID
    assert entry.state is ConfigEntryState.LOADED
    devices = next(r for r in wegnology_sim.requests if r.path == devices_path())
    assert devices.headers["Authorization"] == f"Bearer {token}"
    assert paths(wegnology_sim).count(AUTH_USER) == 1
    assert f"{APPLICATIONS}/{DEMO_APPLICATION_ID}" in paths(wegnology_sim)
    assert APPLICATIONS not in paths(wegnology_sim)


async def test_reconfigure_to_a_user_token(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator
) -> None:
    """A user API token that reaches the application among others is accepted."""
    entry = make_entry(hass, wegnology_sim, login=False)
    result = await reconfigure(hass, entry, "token")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_token": DEMO_USER_API_TOKEN}
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.data["api_token"] == DEMO_USER_API_TOKEN
    assert entry.data["application_id"] == DEMO_APPLICATION_ID


@pytest.mark.parametrize(
    ("method", "user_input", "fault", "errors"),
    [
        ("login", login(password="wrong"), None, {"base": "invalid_auth"}),
        ("token", {"api_token": "made-up"}, None, {"base": "invalid_auth"}),
        ("login", login(), "disconnect", {"base": "cannot_connect"}),
        ("token", {"api_token": DEMO_API_TOKEN}, "server_error", None),
    ],
    ids=["wrong password", "unknown token", "login dropped", "Application Get 500"],
)
async def test_reconfigure_errors_on_the_form(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_entry: MockConfigEntry,
    *,
    method: str,
    user_input: dict[str, str],
    fault: Any,
    errors: dict[str, str] | None,
) -> None:
    """Refusals and failures show on the form; the entry stays as it was."""
    if fault is not None:
        path = (
            AUTH_USER if method == "login" else f"{APPLICATIONS}/{DEMO_APPLICATION_ID}"
        )
        wegnology_sim.faults.add(fault, path=path, count=2)
    data = dict(wegnology_entry.data)
    result = await reconfigure(hass, wegnology_entry, method)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == f"wegnology_reconfigure_{method}"
    assert result["errors"] == (errors or {"base": "cannot_connect"})
    assert dict(wegnology_entry.data) == data


async def test_reconfigure_to_another_application_token(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_entry: MockConfigEntry,
) -> None:
    """A token of another application is refused: wrong_account, data kept."""
    data = dict(wegnology_entry.data)
    other = wegnology_sim.add_api_token(application_id=TEST_BENCH_APPLICATION_ID)
    result = await reconfigure(hass, wegnology_entry, "token")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_token": other.token}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert dict(wegnology_entry.data) == data


async def test_reconfigure_to_another_user(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_entry: MockConfigEntry,
) -> None:
    """Another user's login does not reach the application: wrong_account."""
    user = add_user_without_applications(wegnology_sim)
    data = dict(wegnology_entry.data)
    result = await reconfigure(hass, wegnology_entry, "login")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"email": user.email, "password": user.password}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert dict(wegnology_entry.data) == data


async def test_reconfigure_to_another_address(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """The application moved to another server: the entry follows it there."""
    async with WegnologySimulator(demo_data()) as moved:
        entry = wegnology_loaded
        result = await reconfigure(hass, entry, "token")
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {"base_url": f" {moved.url}/", "api_token": DEMO_API_TOKEN},
        )
        await hass.async_block_till_done()
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "reconfigure_successful"
        assert entry.data["base_url"] == moved.url
        assert entry.data["api_token"] == DEMO_API_TOKEN
        assert entry.state is ConfigEntryState.LOADED
        assert paths(moved)[:2] == [
            f"{APPLICATIONS}/{DEMO_APPLICATION_ID}",
            devices_path(),
        ]
        await hass.config_entries.async_unload(entry.entry_id)


async def test_reconfigure_to_an_address_that_does_not_answer(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_entry: MockConfigEntry,
) -> None:
    """An address where nothing answers: cannot_connect; the typed address stays."""
    async with WegnologySimulator() as gone:
        url = gone.url
    data = dict(wegnology_entry.data)
    result = await reconfigure(hass, wegnology_entry, "login")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"base_url": url, **login()}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    base_url, *_ = result["data_schema"].schema
    assert base_url.description == {"suggested_value": url}
    assert dict(wegnology_entry.data) == data


async def test_plain_http_address_warns_once(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator
) -> None:
    """An http address warns before any secret goes there; again, it is used."""
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"base_url": "http://wegnology.example.com"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base_url": "insecure_address"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"base_url": "http://wegnology.example.com"}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "wegnology_auth"


async def test_reconfigure_to_a_plain_http_address_warns(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator
) -> None:
    """Reconfigure warns of an http address before signing in there."""
    entry = make_entry(hass, wegnology_sim)
    data = dict(entry.data)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "wegnology_reconfigure_token"}
    )
    user_input = {"base_url": "http://10.0.0.9:8303", "api_token": DEMO_API_TOKEN}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input
    )
    assert result["errors"] == {"base_url": "insecure_address"}
    assert dict(entry.data) == data
