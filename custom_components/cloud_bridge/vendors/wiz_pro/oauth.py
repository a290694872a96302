"""WiZ Pro account linking: OAuth 2 with PKCE against WiZ's own token endpoint."""

import asyncio
from datetime import UTC, datetime
import secrets
from typing import Any, Self, override

from aiohttp import RequestInfo
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from homeassistant.components.application_credentials import ClientCredential
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import (
    OAuth2TokenRequestError,
    OAuth2TokenRequestReauthError,
)
from homeassistant.helpers import config_entry_oauth2_flow
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.network import get_url
from homeassistant.util.hass_dict import HassKey

from ...compat import OAuth2TokenRequestConnectionError
from ...errors import CloudAuthError, CloudUnavailableError
from .client import (
    API_URL,
    DASHBOARD_URL,
    WizProAuthClient,
    WizProAuthError,
    WizProClient,
    WizProError,
    authorize_url,
)
from .const import CONF_API_URL
from .models import TokenSet

CALLBACK_PATH = "/api/cloud_bridge/oauth/callback"
PENDING_LINKS: HassKey[dict[str, str]] = HassKey("cloud_bridge_pending_links")


def dashboard_url_for(api_url: str) -> str:
    """Return the dashboard that belongs to an API server.

    WiZ's own cloud splits them over two hosts; any other server (a test server
    or the simulator) serves both from one origin.
    """
    return DASHBOARD_URL if api_url.rstrip("/") == API_URL else api_url.rstrip("/")


def redirect_uri(hass: HomeAssistant) -> str:
    """Return where WiZ sends the browser back to: our callback on HA's own URL.

    The one address for both the credentials dialog (the URI the user gives
    WiZ) and the authorize link, so the URI sent is always the one registered.
    Not the address the browser happens to use: WiZ only accepts the URI it
    was given. Raises NoURLAvailableError when Home Assistant has no URL.
    """
    return f"{get_url(hass, allow_cloud=False, prefer_external=True)}{CALLBACK_PATH}"


def token_dict(tokens: TokenSet) -> dict[str, Any]:
    """Return tokens in the shape Home Assistant stores (it needs expires_in)."""
    expires_in = (tokens.expires_at - datetime.now(UTC)).total_seconds()
    return {
        "access_token": tokens.access_token,
        "refresh_token": tokens.refresh_token,
        "token_type": "Bearer",
        "expires_in": max(0, int(expires_in)),
    }


class WizProImplementation(config_entry_oauth2_flow.LocalOAuth2ImplementationWithPkce):
    """Application credentials for WiZ Pro: a client id and no secret."""

    def __init__(
        self,
        hass: HomeAssistant,
        auth_domain: str,
        credential: ClientCredential,
        api_url: str = API_URL,
    ) -> None:
        """Bind the credential to a WiZ Pro server."""
        self.api_url = api_url.rstrip("/")
        self._credential = credential
        super().__init__(
            hass,
            auth_domain,
            credential.client_id,
            authorize_url=f"{dashboard_url_for(self.api_url)}/dashboard/",
            token_url=f"{self.api_url}/api/oauth/token",
        )

    def for_server(self, api_url: str) -> Self:
        """Return the same credential bound to another server."""
        return type(self)(self.hass, self.domain, self._credential, api_url)

    @property
    @override
    def name(self) -> str:
        """Return the name the user gave the credential."""
        return self._credential.name or self.client_id

    @property
    @override
    def redirect_uri(self) -> str:
        """Return our callback, which also works when WiZ drops the state."""
        return redirect_uri(self.hass)

    @override
    async def async_generate_authorize_url(self, flow_id: str) -> str:
        """Return WiZ's authorize page; remember which flow waits for it."""
        # Imported here: the view module needs this one's constants.
        from .oauth_callback import async_register_callback_view  # noqa: PLC0415

        async_register_callback_view(self.hass)
        state = secrets.token_urlsafe(32)
        self.hass.data.setdefault(PENDING_LINKS, {})[state] = flow_id
        return authorize_url(
            dashboard_url=dashboard_url_for(self.api_url),
            client_id=self.client_id,
            code_challenge=self.compute_code_challenge(self.code_verifier),
            redirect_uri=self.redirect_uri,
            state=state,
        )

    @override
    async def async_resolve_external_data(self, external_data: Any) -> dict[str, Any]:
        """Trade the authorization code for tokens."""
        return await self._token_call(
            self._auth_client().exchange_code(
                client_id=self.client_id,
                code=external_data["code"],
                code_verifier=self.code_verifier,
            )
        )

    @override
    async def _async_refresh_token(self, token: dict[str, Any]) -> dict[str, Any]:
        """Trade the refresh token for new tokens."""
        new_token = await self._token_call(
            self._auth_client().refresh(token["refresh_token"])
        )
        return {**token, **new_token}

    def _auth_client(self) -> WizProAuthClient:
        """Return a client for the token endpoint."""
        return WizProAuthClient(
            async_get_clientsession(self.hass), api_url=self.api_url
        )

    async def _token_call(self, call: Any) -> dict[str, Any]:
        """Run a token request; map its failures to Home Assistant's OAuth errors."""
        try:
            return token_dict(await call)
        except WizProAuthError as err:
            raise OAuth2TokenRequestReauthError(
                domain=self.domain,
                request_info=RequestInfo(
                    URL(self.token_url), "POST", CIMultiDictProxy(CIMultiDict())
                ),
                status=400,
                message=str(err),
            ) from err
        except WizProError as err:
            raise OAuth2TokenRequestConnectionError(domain=self.domain) from err


class OAuthTokens:
    """Valid access tokens for the client, from the entry's OAuth2Session."""

    def __init__(self, session: config_entry_oauth2_flow.OAuth2Session) -> None:
        """Use the entry's session; renewals are serialised."""
        self._session = session
        self._renew_lock = asyncio.Lock()

    async def access_token(self) -> str:
        """Return an access token, refreshed ahead of its expiry."""
        try:
            await self._session.async_ensure_token_valid()
        except OAuth2TokenRequestReauthError as err:
            raise CloudAuthError("WiZ Pro no longer accepts the refresh token") from err
        except (OAuth2TokenRequestError, OAuth2TokenRequestConnectionError) as err:
            # The client's own words (a redirect, a timeout) say what to check.
            why = f": {err.__cause__}" if err.__cause__ is not None else ""
            raise CloudUnavailableError(
                f"WiZ Pro could not renew the token{why}"
            ) from err
        return str(self._session.token["access_token"])

    async def renew(self) -> None:
        """Renew the token now, once, after the cloud refused it early."""
        refused = self._session.token.get("access_token")
        async with self._renew_lock:
            if self._session.token.get("access_token") != refused:
                return
            entry = self._session.config_entry
            self._session.hass.config_entries.async_update_entry(
                entry,
                data={**entry.data, "token": {**entry.data["token"], "expires_at": 0}},
            )
            await self.access_token()


async def async_entry_client(
    hass: HomeAssistant, entry: ConfigEntry
) -> tuple[WizProClient, OAuthTokens]:
    """Return a GraphQL client that uses and renews an entry's tokens.

    Raises UnknownImplementationError when the entry's application credential
    was deleted, ImplementationUnavailableError when its provider is down.
    """
    implementation = (
        await config_entry_oauth2_flow.async_get_config_entry_implementation(
            hass, entry
        )
    )
    if isinstance(implementation, WizProImplementation):
        implementation = implementation.for_server(entry.data[CONF_API_URL])
    tokens = OAuthTokens(
        config_entry_oauth2_flow.OAuth2Session(hass, entry, implementation)
    )
    client = WizProClient(
        async_get_clientsession(hass),
        tokens.access_token,
        api_url=entry.data[CONF_API_URL],
    )
    return client, tokens
