"""WiZ Pro's OAuth implementation and the entry's token source."""

import asyncio
from datetime import UTC, datetime, timedelta
import time
from typing import Any

from aiohttp.test_utils import make_mocked_request
from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from yarl import URL

from homeassistant.components.application_credentials import ClientCredential
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    ConfigEntryNotReady,
    OAuth2TokenRequestReauthError,
)
from homeassistant.helpers import http
from homeassistant.helpers.config_entry_oauth2_flow import HEADER_FRONTEND_BASE

from custom_components.cloud_bridge.compat import OAuth2TokenRequestConnectionError
from custom_components.cloud_bridge.errors import CloudAuthError, CloudUnavailableError
from custom_components.cloud_bridge.vendors.wiz_pro.models import TokenSet
from custom_components.cloud_bridge.vendors.wiz_pro.oauth import (
    CALLBACK_PATH,
    PENDING_LINKS,
    WizProImplementation,
    async_entry_client,
    redirect_uri,
    token_dict,
)
from simulator.wiz_pro import WizProSimulator

from .conftest import AUTH_DOMAIN, CLIENT_ID
from .wiz_helpers import TOKEN

CREDENTIAL = ClientCredential(CLIENT_ID, "none", "WiZ Pro demo")


def implementation(hass: HomeAssistant, sim: WizProSimulator) -> WizProImplementation:
    """Return the implementation bound to the simulated cloud."""
    return WizProImplementation(hass, AUTH_DOMAIN, CREDENTIAL, sim.url + "/")


def stored(reply: dict[str, str]) -> dict[str, Any]:
    """Return a token reply as Home Assistant stores it."""
    token = token_dict(TokenSet.from_json(reply))
    token["expires_at"] = time.time() + token["expires_in"]
    return token


async def test_token_dict_expires_in(
    freezer: FrozenDateTimeFactory, wiz_sim: WizProSimulator
) -> None:
    """Home Assistant's expires_in comes from WiZ's expiresAt."""
    now = datetime.now(UTC)
    token = token_dict(TokenSet("access", "refresh", now + timedelta(hours=3)))
    assert token == {
        "access_token": "access",
        "refresh_token": "refresh",
        "token_type": "Bearer",
        "expires_in": 3 * 3600,
    }
    expired = token_dict(TokenSet("access", "refresh", now - timedelta(minutes=5)))
    assert expired["expires_in"] == 0
    # WiZ writes milliseconds: 3 h less at most one second.
    issued = token_dict(TokenSet.from_json(wiz_sim.issue_tokens()))
    assert 3 * 3600 - 1 <= issued["expires_in"] <= 3 * 3600


async def test_refresh_rotates_the_refresh_token(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """A refresh stores new tokens and keeps what else the token held."""
    old = stored(wiz_sim.issue_tokens())
    new = await implementation(hass, wiz_sim).async_refresh_token(
        {**old, "extra": "kept"}
    )
    assert new["refresh_token"] != old["refresh_token"]
    assert new["access_token"] != old["access_token"]
    assert new["extra"] == "kept"
    assert new["expires_at"] == pytest.approx(time.time() + 3 * 3600, abs=5)
    assert wiz_sim.requests[-1].json == {
        "grantType": "refreshToken",
        "refreshToken": old["refresh_token"],
    }
    with pytest.raises(OAuth2TokenRequestReauthError):
        await implementation(hass, wiz_sim).async_refresh_token(old)


async def test_refused_refresh_needs_reauth(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """A refresh token WiZ refuses (400) can only be replaced by linking again."""
    token = stored(wiz_sim.issue_tokens())
    wiz_sim.revoke_tokens()
    with pytest.raises(OAuth2TokenRequestReauthError) as raised:
        await implementation(hass, wiz_sim).async_refresh_token(token)
    assert raised.value.status == 400
    assert "Invalid refresh token" in raised.value.message


@pytest.mark.parametrize(
    ("fault", "params"),
    [
        ("server_error", {}),
        ("server_error", {"status": 502}),
        ("disconnect", {}),
        ("malformed_json", {}),
    ],
    ids=["500", "502", "disconnect", "malformed_json"],
)
async def test_failed_refresh_is_recoverable(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    fault: Any,
    params: dict[str, Any],
) -> None:
    """A token endpoint that fails is retried later, with no reauth."""
    token = stored(wiz_sim.issue_tokens())
    wiz_sim.faults.add(fault, path=TOKEN, **params)
    with pytest.raises(OAuth2TokenRequestConnectionError) as raised:
        await implementation(hass, wiz_sim).async_refresh_token(token)
    assert isinstance(raised.value, ConfigEntryNotReady)
    assert not isinstance(raised.value, ConfigEntryAuthFailed)


async def test_for_server_keeps_the_credential(hass: HomeAssistant) -> None:
    """Binding to another server keeps the client id and the credential's name."""
    default = WizProImplementation(hass, AUTH_DOMAIN, CREDENTIAL)
    assert default.token_url == "https://api.pro.wizconnected.com/api/oauth/token"
    assert default.authorize_url == "https://pro.wizconnected.com/dashboard/"

    other = default.for_server("http://127.0.0.1:8765/")
    assert isinstance(other, WizProImplementation)
    assert other.client_id == CLIENT_ID
    assert other.name == "WiZ Pro demo"
    assert other.domain == AUTH_DOMAIN
    assert other.api_url == "http://127.0.0.1:8765"
    assert other.token_url == "http://127.0.0.1:8765/api/oauth/token"
    # A test server serves the dashboard from the same origin.
    assert other.authorize_url == "http://127.0.0.1:8765/dashboard/"

    unnamed = WizProImplementation(
        hass, AUTH_DOMAIN, ClientCredential(CLIENT_ID, "none")
    )
    assert unnamed.for_server("http://127.0.0.1:8765").name == CLIENT_ID


async def test_redirect_uri_is_home_assistants_url(hass: HomeAssistant) -> None:
    """The redirect URI is HA's own URL, whatever address the browser uses."""
    await hass.config.async_update(
        external_url="https://home.example.com", internal_url="http://10.0.0.2:8123"
    )
    assert redirect_uri(hass) == f"https://home.example.com{CALLBACK_PATH}"

    request = make_mocked_request(
        "GET", "/", headers={HEADER_FRONTEND_BASE: "http://homeassistant.local:8123/"}
    )
    context = http.current_request.set(request)
    try:
        # WiZ accepts only the URI registered with it, not the one in use.
        assert redirect_uri(hass) == f"https://home.example.com{CALLBACK_PATH}"
    finally:
        http.current_request.reset(context)
    await hass.config.async_update(external_url=None)
    assert redirect_uri(hass) == f"http://10.0.0.2:8123{CALLBACK_PATH}"


@pytest.mark.usefixtures("credential", "current_request_with_host")
async def test_authorize_url(hass: HomeAssistant, wiz_sim: WizProSimulator) -> None:
    """The authorize link carries an S256 challenge of a 128-character verifier."""
    await hass.config.async_update(external_url="https://example.com")
    impl = implementation(hass, wiz_sim)
    url = URL(await impl.async_generate_authorize_url("flow-1"))
    assert url.with_fragment(None) == URL(f"{wiz_sim.url}/dashboard/")
    query = URL(f"/?{url.fragment.partition('?')[2]}").query
    assert len(impl.code_verifier) == 128
    assert query["code_challenge"] == impl.compute_code_challenge(impl.code_verifier)
    assert query["code_challenge_method"] == "S256"
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == f"https://example.com{CALLBACK_PATH}"
    assert hass.data[PENDING_LINKS][query["state"]] == "flow-1"
    # Each link gets its own state.
    again = URL(await impl.async_generate_authorize_url("flow-2"))
    assert (
        URL(f"/?{again.fragment.partition('?')[2]}").query["state"] != (query["state"])
    )


# --- the entry's tokens ---------------------------------------------------------------


def token_requests(sim: WizProSimulator) -> int:
    """Return how many requests reached the token endpoint."""
    return sum(request.path == TOKEN for request in sim.requests)


@pytest.mark.usefixtures("credential")
async def test_concurrent_renewals_refresh_once(
    hass: HomeAssistant, wiz_sim: WizProSimulator, wiz_entry: MockConfigEntry
) -> None:
    """Requests refused together renew the token once, under a lock."""
    old = dict(wiz_entry.data["token"])
    _, tokens = await async_entry_client(hass, wiz_entry)
    assert await tokens.access_token() == old["access_token"]
    assert token_requests(wiz_sim) == 0

    await asyncio.gather(tokens.renew(), tokens.renew(), tokens.renew())
    assert token_requests(wiz_sim) == 1
    new = wiz_entry.data["token"]
    assert new["refresh_token"] != old["refresh_token"]
    assert await tokens.access_token() == new["access_token"]
    assert token_requests(wiz_sim) == 1


@pytest.mark.usefixtures("credential")
async def test_token_source_errors(
    hass: HomeAssistant, wiz_sim: WizProSimulator, wiz_entry: MockConfigEntry
) -> None:
    """A token that cannot be renewed now is unavailability; a dead one is auth."""
    _, tokens = await async_entry_client(hass, wiz_entry)
    hass.config_entries.async_update_entry(
        wiz_entry,
        data={**wiz_entry.data, "token": {**wiz_entry.data["token"], "expires_at": 0}},
    )
    wiz_sim.faults.add("server_error", path=TOKEN)
    with pytest.raises(CloudUnavailableError):
        await tokens.access_token()
    wiz_sim.revoke_tokens()
    with pytest.raises(CloudAuthError):
        await tokens.access_token()
