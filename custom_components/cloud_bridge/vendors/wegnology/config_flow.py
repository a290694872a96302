"""The WEGnology steps of the config flow: server, login or API token, application."""

from collections.abc import Mapping
import logging
from typing import Any

import probatio

from homeassistant.config_entries import ConfigEntry, ConfigFlow, ConfigFlowResult
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

from ...const import CONF_VENDOR
from .client import (
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
_LOGIN_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_EMAIL): TextSelector(
            TextSelectorConfig(type=TextSelectorType.EMAIL)
        ),
        probatio.Required(CONF_PASSWORD): _PASSWORD,
    }
)
_TOKEN_SCHEMA = probatio.Schema({probatio.Required(CONF_API_TOKEN): _PASSWORD})


def unique_id_for(application_id: str) -> str:
    """Return an entry's unique id: its application."""
    return f"{VENDOR_ID}:{application_id}"


class WegnologyFlowMixin(ConfigFlow):
    """Signs in to WEGnology and picks the application an entry covers."""

    _wegnology_url: str = DEFAULT_BASE_URL
    _wegnology_auth: dict[str, Any]
    _wegnology_apps: list[Application]

    async def _wegnology_sign_in(
        self, base_url: str, credentials: Mapping[str, Any]
    ) -> tuple[list[Application] | None, dict[str, str], dict[str, Any]]:
        """Sign in and list applications; return them, form errors and the auth data."""
        token: str | None = None
        client = WegnologyClient(
            async_get_clientsession(self.hass),
            base_url=base_url,
            token=credentials.get(CONF_API_TOKEN),
            email=credentials.get(CONF_EMAIL),
            password=credentials.get(CONF_PASSWORD),
        )
        try:
            if CONF_API_TOKEN not in credentials:
                token = await client.login()
            applications = await client.applications()
        except WegnologyAuthError:
            return None, {"base": "invalid_auth"}, {}
        except WegnologyConnectionError:
            return None, {"base": "cannot_connect"}, {}
        except WegnologyError as err:
            _LOGGER.debug("WEGnology refused the sign-in: %s", err)
            return None, {"base": "unknown"}, {}
        if CONF_API_TOKEN in credentials:
            auth = {CONF_AUTH: AUTH_TOKEN, CONF_API_TOKEN: credentials[CONF_API_TOKEN]}
        else:
            auth = {
                CONF_AUTH: AUTH_LOGIN,
                CONF_EMAIL: credentials[CONF_EMAIL],
                CONF_PASSWORD: credentials[CONF_PASSWORD],
                CONF_USER_TOKEN: token,
            }
        return applications, {}, auth

    async def async_step_wegnology(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask where the WEGnology API is."""
        if user_input is not None:
            self._wegnology_url = user_input[CONF_BASE_URL].strip().rstrip("/")
            return await self.async_step_wegnology_auth()
        return self.async_show_form(
            step_id="wegnology",
            data_schema=probatio.Schema(
                {
                    probatio.Required(
                        CONF_BASE_URL, default=DEFAULT_BASE_URL
                    ): TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
                }
            ),
        )

    async def async_step_wegnology_auth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask how to sign in: e-mail and password, or an API token."""
        return self.async_show_menu(
            step_id="wegnology_auth",
            menu_options=["wegnology_login", "wegnology_token"],
        )

    async def async_step_wegnology_login(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Sign in with an e-mail and password."""
        return await self._wegnology_credentials(
            "wegnology_login", _LOGIN_SCHEMA, user_input
        )

    async def async_step_wegnology_token(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Sign in with a pasted API token."""
        return await self._wegnology_credentials(
            "wegnology_token", _TOKEN_SCHEMA, user_input
        )

    async def _wegnology_credentials(
        self, step_id: str, schema: probatio.Schema, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Take credentials, then list the applications they reach."""
        errors: dict[str, str] = {}
        if user_input is not None:
            applications, errors, auth = await self._wegnology_sign_in(
                self._wegnology_url, user_input
            )
            if applications is not None:
                if not applications:
                    return self.async_abort(reason="no_applications")
                self._wegnology_auth = auth
                self._wegnology_apps = applications
                if len(applications) == 1:
                    return await self._async_create_wegnology_entry(applications[0])
                return await self.async_step_wegnology_application()
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                schema, {CONF_EMAIL: (user_input or {}).get(CONF_EMAIL)}
            ),
            errors=errors,
        )

    async def async_step_wegnology_application(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Let the user choose the application."""
        if user_input is not None:
            chosen = next(
                app
                for app in self._wegnology_apps
                if app.id == user_input[CONF_APPLICATION_ID]
            )
            return await self._async_create_wegnology_entry(chosen)
        return self.async_show_form(
            step_id="wegnology_application",
            data_schema=probatio.Schema(
                {
                    probatio.Required(CONF_APPLICATION_ID): SelectSelector(
                        SelectSelectorConfig(
                            options=[
                                SelectOptionDict(value=app.id, label=app.name)
                                for app in self._wegnology_apps
                            ]
                        )
                    )
                }
            ),
        )

    async def _async_create_wegnology_entry(
        self, application: Application
    ) -> ConfigFlowResult:
        """Create the entry for one application."""
        await self.async_set_unique_id(unique_id_for(application.id))
        self._abort_if_unique_id_configured()
        return self.async_create_entry(
            title=application.name,
            data={
                CONF_VENDOR: VENDOR_ID,
                CONF_BASE_URL: self._wegnology_url,
                CONF_APPLICATION_ID: application.id,
                **self._wegnology_auth,
            },
        )

    async def async_step_wegnology_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Sign in again the way the entry signs in."""
        return await self.async_step_wegnology_reauth_confirm()

    async def async_step_wegnology_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the password again, or for a new API token."""
        entry = self._get_reauth_entry()
        login = entry.data[CONF_AUTH] == AUTH_LOGIN
        errors: dict[str, str] = {}
        if user_input is not None:
            credentials = (
                {CONF_EMAIL: entry.data[CONF_EMAIL], **user_input}
                if login
                else user_input
            )
            result, errors = await self._wegnology_update(entry, credentials)
            if result is not None:
                return result
        return self.async_show_form(
            step_id="wegnology_reauth_confirm",
            data_schema=probatio.Schema(
                {probatio.Required(CONF_PASSWORD): _PASSWORD}
                if login
                else _TOKEN_SCHEMA.schema
            ),
            description_placeholders={
                "title": entry.title,
                "email": entry.data.get(CONF_EMAIL, "-"),
            },
            errors=errors,
        )

    async def async_step_wegnology_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose how the entry signs in from now on."""
        return self.async_show_menu(
            step_id="wegnology_reconfigure",
            menu_options=["wegnology_reconfigure_login", "wegnology_reconfigure_token"],
        )

    async def async_step_wegnology_reconfigure_login(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Sign in with an e-mail and password from now on."""
        return await self._wegnology_reconfigure(
            "wegnology_reconfigure_login", _LOGIN_SCHEMA, user_input
        )

    async def async_step_wegnology_reconfigure_token(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Sign in with an API token from now on."""
        return await self._wegnology_reconfigure(
            "wegnology_reconfigure_token", _TOKEN_SCHEMA, user_input
        )

    async def _wegnology_reconfigure(
        self, step_id: str, schema: probatio.Schema, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Take new credentials for the entry."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            result, errors = await self._wegnology_update(entry, user_input)
            if result is not None:
                return result
        return self.async_show_form(step_id=step_id, data_schema=schema, errors=errors)

    async def _wegnology_update(
        self, entry: ConfigEntry, credentials: Mapping[str, Any]
    ) -> tuple[ConfigFlowResult | None, dict[str, str]]:
        """Sign in anew; the credentials must still reach the entry's application."""
        applications, errors, auth = await self._wegnology_sign_in(
            entry.data[CONF_BASE_URL], credentials
        )
        if applications is None:
            return None, errors
        if entry.data[CONF_APPLICATION_ID] not in {app.id for app in applications}:
            return self.async_abort(reason="wrong_account"), {}
        # Switching method drops the other method's secrets.
        data = {
            key: value
            for key, value in entry.data.items()
            if key not in (CONF_EMAIL, CONF_PASSWORD, CONF_USER_TOKEN, CONF_API_TOKEN)
        }
        return self.async_update_reload_and_abort(entry, data={**data, **auth}), {}
