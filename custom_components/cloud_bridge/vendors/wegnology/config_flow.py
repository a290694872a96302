"""The WEGnology steps of the config flow: server, login or API token, application.

Which applications a sign-in reaches comes from ``GET /applications``. That list is
a user's ("the set of Applications that the currently authenticated user has
access to"); an application API token "will only ever be able to access and manage
resources within the application" it was made in, and Losant's API — which
WEGnology's follows; its documents are silent on this — refuses it the list with
403. So a pasted token the list refuses is asked for its application's id, which
``GET /applications/{id}`` (Application Get) then confirms and names. Reauth and
reconfigure confirm the entry's application the same way, whatever the sign-in.
"""

from collections.abc import Awaitable, Callable, Mapping
from functools import partial
import logging
import re
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigFlowResult
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from ...compat import probatio
from ...flow import INSECURE_ADDRESS, VendorFlow
from .client import (
    WegnologyApiError,
    WegnologyAuthError,
    WegnologyClient,
    WegnologyConnectionError,
    WegnologyError,
)
from .const import (
    AUTH_LOGIN,
    AUTH_TOKEN,
    CONF_API_TOKEN,
    CONF_APPLICATION_ID,
    CONF_AUTH,
    CONF_BASE_URL,
    CONF_USER_TOKEN,
    DEFAULT_BASE_URL,
    VENDOR_ID,
)
from .models import Application

_LOGGER = logging.getLogger(__name__)

_PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
_URL = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
_LOGIN_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_EMAIL): TextSelector(
            TextSelectorConfig(type=TextSelectorType.EMAIL)
        ),
        probatio.Required(CONF_PASSWORD): _PASSWORD,
    }
)
_TOKEN_SCHEMA = probatio.Schema({probatio.Required(CONF_API_TOKEN): _PASSWORD})
_APPLICATION_ID_SCHEMA = probatio.Schema(
    {probatio.Required(CONF_APPLICATION_ID): TextSelector()}
)
_SECRETS = (CONF_EMAIL, CONF_PASSWORD, CONF_USER_TOKEN, CONF_API_TOKEN)
# Outcomes of a refused request that are not form errors.
_ASK_APPLICATION_ID = "ask_application_id"
_WRONG_ACCOUNT = "wrong_account"
# The address of an application in the web app: …/applications/<id>/….
_APPLICATION_IN_ADDRESS = re.compile(r"/applications/([^/?#\s]+)")


def application_id_from(text: str) -> str:
    """Return the application id typed, or the one in a pasted web app address."""
    if match := _APPLICATION_IN_ADDRESS.search(text):
        return match.group(1)
    return text.strip().strip("/")


def _base_url(text: str) -> str:
    """Return an API address as typed, without spaces or a trailing slash."""
    return text.strip().rstrip("/")


async def _attempt[T](
    request: Callable[[], Awaitable[T]], refused: Mapping[int, str] | None = None
) -> tuple[T | None, str | None]:
    """Send a request of the flow; return its result, or why it failed.

    ``refused`` names the outcome of a refusal status the step expects (401
    included: a server may refuse a good token something it may not do).
    """
    try:
        return await request(), None
    except WegnologyAuthError:
        return None, (refused or {}).get(401, "invalid_auth")
    except WegnologyConnectionError:
        return None, "cannot_connect"
    except WegnologyError as err:
        if isinstance(err, WegnologyApiError) and err.status in (refused or {}):
            return None, (refused or {})[err.status]
        # The client's messages hold WEGnology's answer, never a secret.
        _LOGGER.exception("WEGnology answered the set-up unexpectedly")
        return None, "unknown"


class WegnologyFlow(VendorFlow):
    """Signs in to WEGnology and picks the application an entry covers."""

    vendor_id = VENDOR_ID
    _url: str = DEFAULT_BASE_URL
    _auth: dict[str, Any]
    _applications: list[Application]

    def _client(self, base_url: str, credentials: Mapping[str, Any]) -> WegnologyClient:
        """Return a client for credentials or an entry's sign-in data."""
        return WegnologyClient(
            async_get_clientsession(self.hass),
            base_url=base_url,
            token=credentials.get(CONF_API_TOKEN) or credentials.get(CONF_USER_TOKEN),
            email=credentials.get(CONF_EMAIL),
            password=credentials.get(CONF_PASSWORD),
        )

    async def _sign_in(
        self, base_url: str, credentials: Mapping[str, Any]
    ) -> tuple[WegnologyClient | None, dict[str, Any], str | None]:
        """Log in with an e-mail and password, or take a token as it is.

        Return the client, the entry data of the sign-in, or the form error.
        """
        if CONF_API_TOKEN in credentials:
            auth = {CONF_AUTH: AUTH_TOKEN, CONF_API_TOKEN: credentials[CONF_API_TOKEN]}
            return self._client(base_url, auth), auth, None
        client = self._client(base_url, credentials)
        token, error = await _attempt(client.login)
        if token is None:
            return None, {}, error
        auth = {
            CONF_AUTH: AUTH_LOGIN,
            CONF_EMAIL: credentials[CONF_EMAIL],
            CONF_PASSWORD: credentials[CONF_PASSWORD],
            CONF_USER_TOKEN: token,
        }
        return client, auth, None

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask where the WEGnology API is."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._url = _base_url(user_input[CONF_BASE_URL])
            if not self.insecure_warning(self._url):
                return await self.async_step_auth()
            errors[CONF_BASE_URL] = INSECURE_ADDRESS
        return self.show_form(
            "user",
            self.flow.add_suggested_values_to_schema(
                probatio.Schema(
                    {probatio.Required(CONF_BASE_URL, default=DEFAULT_BASE_URL): _URL}
                ),
                user_input or {},
            ),
            errors=errors,
        )

    async def async_step_auth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask how to sign in: e-mail and password, or an API token."""
        return self.show_menu("auth", ["login", "token"])

    async def async_step_login(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Sign in with an e-mail and password."""
        return await self._credentials("login", _LOGIN_SCHEMA, user_input)

    async def async_step_token(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Sign in with a pasted API token."""
        return await self._credentials("token", _TOKEN_SCHEMA, user_input)

    async def _credentials(
        self, step: str, schema: probatio.Schema, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Take credentials, then list the applications they reach."""
        errors: dict[str, str] = {}
        if user_input is not None:
            client, auth, error = await self._sign_in(self._url, user_input)
            if client is not None:
                # A pasted token the list refuses may be an application's token:
                # some servers refuse it with 403, others with 401. Application
                # Get on the next step tells a good token from a bad one.
                refused = (
                    {401: _ASK_APPLICATION_ID, 403: _ASK_APPLICATION_ID}
                    if CONF_API_TOKEN in auth
                    else None
                )
                applications, error = await _attempt(client.applications, refused)
                self._auth = auth
                if error == _ASK_APPLICATION_ID:
                    return await self.async_step_application_id()
                if applications is not None:
                    return await self._choose(applications)
            errors = {"base": error or "unknown"}
        return self.show_form(
            step,
            self.flow.add_suggested_values_to_schema(
                schema, {CONF_EMAIL: (user_input or {}).get(CONF_EMAIL)}
            ),
            errors=errors,
        )

    def _configured(self) -> dict[str, str]:
        """Return the applications already set up: title by application id."""
        return {
            entry.data[CONF_APPLICATION_ID]: entry.title
            for entry in self.entries()
            if CONF_APPLICATION_ID in entry.data
        }

    async def _choose(self, applications: list[Application]) -> ConfigFlowResult:
        """Create the entry of the only application left, or let the user choose."""
        if not applications:
            return self.flow.async_abort(reason="no_applications")
        configured = self._configured()
        self._applications = [a for a in applications if a.id not in configured]
        if not self._applications:
            return self.flow.async_abort(
                reason="already_configured"
                if len(applications) == 1
                else "all_applications_configured"
            )
        if len(applications) == 1:
            return await self._create(self._applications[0])
        return await self.async_step_application()

    async def async_step_application(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Let the user choose among the applications not set up yet."""
        if user_input is not None:
            chosen = next(
                app
                for app in self._applications
                if app.id == user_input[CONF_APPLICATION_ID]
            )
            return await self._create(chosen)
        configured = sorted(self._configured().values())
        return self.show_form(
            "application",
            probatio.Schema(
                {
                    probatio.Required(
                        CONF_APPLICATION_ID, default=self._applications[0].id
                    ): SelectSelector(
                        SelectSelectorConfig(
                            options=[
                                SelectOptionDict(value=app.id, label=app.name)
                                for app in self._applications
                            ]
                        )
                    )
                }
            ),
            placeholders={"configured": ", ".join(configured) or "-"},
        )

    async def async_step_application_id(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask which application an application API token belongs to."""
        errors: dict[str, str] = {}
        if user_input is not None:
            application_id = application_id_from(user_input[CONF_APPLICATION_ID])
            client = self._client(self._url, self._auth)
            application: Application | None = None
            error: str | None = "application_not_found"
            if application_id:
                application, error = await _attempt(
                    partial(client.application, application_id),
                    {403: "application_not_found", 404: "application_not_found"},
                )
            if application is not None:
                if application.id in self._configured():
                    return self.flow.async_abort(reason="already_configured")
                return await self._create(application)
            if error == "invalid_auth":
                # The list's 401 was the token's own: paste another.
                return self.show_form(
                    "token", _TOKEN_SCHEMA, errors={"base": "invalid_auth"}
                )
            errors = {"base": error or "unknown"}
        return self.show_form(
            "application_id",
            self.flow.add_suggested_values_to_schema(
                _APPLICATION_ID_SCHEMA, user_input or {}
            ),
            errors=errors,
        )

    async def _create(self, application: Application) -> ConfigFlowResult:
        """Create the entry for one application: its id is the entry's unique id."""
        return await self.async_create_entry(
            application.id,
            application.name,
            {
                CONF_BASE_URL: self._url,
                CONF_APPLICATION_ID: application.id,
                **self._auth,
            },
        )

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Sign in again the way the entry signs in."""
        if entry_data[CONF_AUTH] == AUTH_LOGIN:
            return await self.async_step_reauth_confirm()
        return await self.async_step_reauth_token()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the password again."""
        entry = self.flow.reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            result, errors = await self._update(
                entry,
                entry.data[CONF_BASE_URL],
                {CONF_EMAIL: entry.data[CONF_EMAIL], **user_input},
            )
            if result is not None:
                return result
        return self.show_form(
            "reauth_confirm",
            probatio.Schema({probatio.Required(CONF_PASSWORD): _PASSWORD}),
            placeholders={"title": entry.title, "email": entry.data[CONF_EMAIL]},
            errors=errors,
        )

    async def async_step_reauth_token(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a new API token."""
        entry = self.flow.reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            result, errors = await self._update(
                entry, entry.data[CONF_BASE_URL], user_input
            )
            if result is not None:
                return result
        return self.show_form(
            "reauth_token",
            _TOKEN_SCHEMA,
            placeholders={"title": entry.title},
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose how the entry signs in from now on."""
        return self.show_menu("reconfigure", ["reconfigure_login", "reconfigure_token"])

    async def async_step_reconfigure_login(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Sign in with an e-mail and password from now on."""
        return await self._reconfigure("reconfigure_login", _LOGIN_SCHEMA, user_input)

    async def async_step_reconfigure_token(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Sign in with an API token from now on."""
        return await self._reconfigure("reconfigure_token", _TOKEN_SCHEMA, user_input)

    async def _reconfigure(
        self, step: str, schema: probatio.Schema, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Take the API address (the current one by default) and new credentials."""
        entry = self.flow.reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            credentials = dict(user_input)
            base_url = _base_url(credentials.pop(CONF_BASE_URL))
            if self.insecure_warning(base_url):
                errors = {CONF_BASE_URL: INSECURE_ADDRESS}
            else:
                result, errors = await self._update(entry, base_url, credentials)
                if result is not None:
                    return result
        typed = user_input or {}
        return self.show_form(
            step,
            self.flow.add_suggested_values_to_schema(
                probatio.Schema(
                    {
                        probatio.Required(
                            CONF_BASE_URL, default=entry.data[CONF_BASE_URL]
                        ): _URL,
                        **schema.schema,
                    }
                ),
                {
                    key: typed[key]
                    for key in (CONF_BASE_URL, CONF_EMAIL)
                    if key in typed
                },
            ),
            errors=errors,
        )

    async def _update(
        self, entry: ConfigEntry, base_url: str, credentials: Mapping[str, Any]
    ) -> tuple[ConfigFlowResult | None, dict[str, str]]:
        """Sign in anew; Application Get must still reach the entry's application."""
        client, auth, error = await self._sign_in(base_url, credentials)
        if client is not None:
            application, error = await _attempt(
                partial(client.application, entry.data[CONF_APPLICATION_ID]),
                {403: _WRONG_ACCOUNT, 404: _WRONG_ACCOUNT},
            )
            if error == _WRONG_ACCOUNT:
                return self.flow.async_abort(reason="wrong_account"), {}
            if application is not None:
                # Switching method drops the other method's secrets.
                data = {
                    key: value
                    for key, value in entry.data.items()
                    if key not in _SECRETS
                }
                return self.flow.async_update_reload_and_abort(
                    entry, data={**data, CONF_BASE_URL: base_url, **auth}
                ), {}
        return None, {"base": error or "unknown"}
