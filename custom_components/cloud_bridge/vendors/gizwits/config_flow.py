"""The Gizwits steps of the config flow: region, AppID and the user's login."""

from collections.abc import Mapping
import logging
from typing import Any

from homeassistant.config_entries import ConfigFlowResult
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from ...compat import probatio
from ...flow import INSECURE_ADDRESS, VendorFlow
from .client import (
    GizwitsAccountMovedError,
    GizwitsAppIdError,
    GizwitsAuthError,
    GizwitsClient,
    GizwitsConnectionError,
    GizwitsError,
)
from .const import (
    CONF_APP_ID,
    CONF_BASE_URL,
    CONF_EXPIRE_AT,
    CONF_REGION,
    CONF_TOKEN,
    CONF_UID,
    REGION_CUSTOM,
    REGIONS,
    VENDOR_ID,
)
from .models import UserSession

_LOGGER = logging.getLogger(__name__)


_PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))


def unique_id_for(app_id: str, uid: str) -> str:
    """Return an entry's unique id: the AppID and the user within it."""
    return f"{VENDOR_ID}:{app_id}:{uid}"


def _server_schema(defaults: Mapping[str, Any]) -> dict[Any, Any]:
    """Return the region, custom address and AppID fields."""
    return {
        probatio.Required(
            CONF_REGION, default=defaults.get(CONF_REGION, "cn")
        ): SelectSelector(
            SelectSelectorConfig(
                options=[*REGIONS, REGION_CUSTOM],
                translation_key=CONF_REGION,
                mode=SelectSelectorMode.DROPDOWN,
            )
        ),
        probatio.Optional(
            CONF_BASE_URL,
            description={"suggested_value": defaults.get(CONF_BASE_URL)},
        ): TextSelector(TextSelectorConfig(type=TextSelectorType.URL)),
        probatio.Required(CONF_APP_ID, default=defaults.get(CONF_APP_ID, "")): str,
    }


class GizwitsFlow(VendorFlow):
    """Logs a Gizwits user in and creates, reauthenticates or reconfigures."""

    vendor_id = VENDOR_ID
    # Where Reconfigure moves the entry: region, address and AppID.
    _moved_to: dict[str, Any]

    def _base_url(self, server: Mapping[str, Any]) -> tuple[str | None, dict[str, str]]:
        """Return the Open API address a form names, or the form's errors."""
        if server[CONF_REGION] != REGION_CUSTOM:
            return REGIONS[server[CONF_REGION]], {}
        base_url = str(server.get(CONF_BASE_URL) or "").strip().rstrip("/")
        if not base_url:
            return None, {CONF_BASE_URL: "base_url_required"}
        if self.insecure_warning(base_url):
            return None, {CONF_BASE_URL: INSECURE_ADDRESS}
        return base_url, {}

    async def _login(
        self, base_url: str, app_id: str, username: str, password: str
    ) -> tuple[UserSession | None, dict[str, str]]:
        """Log in; return the session or the form errors."""
        client = GizwitsClient(
            async_get_clientsession(self.hass),
            base_url=base_url,
            app_id=app_id,
            username=username,
            password=password,
        )
        try:
            return await client.login(), {}
        except GizwitsAuthError:
            return None, {"base": "invalid_auth"}
        except GizwitsAppIdError:
            return None, {CONF_APP_ID: "invalid_app_id"}
        except GizwitsAccountMovedError:
            return None, {"base": "account_moved"}
        except GizwitsConnectionError:
            return None, {"base": "cannot_connect"}
        except GizwitsError as err:
            _LOGGER.debug("Gizwits refused the login: %s", err)
            return None, {"base": "unknown"}

    @staticmethod
    def _session_data(user: UserSession) -> dict[str, Any]:
        """Return what an entry keeps of a session."""
        return {
            CONF_UID: user.uid,
            CONF_TOKEN: user.token,
            CONF_EXPIRE_AT: user.expire_at,
        }

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the region, the AppID and the user's login."""
        errors: dict[str, str] = {}
        if user_input is not None:
            base_url, errors = self._base_url(user_input)
            if base_url is not None:
                app_id = user_input[CONF_APP_ID].strip()
                user, errors = await self._login(
                    base_url,
                    app_id,
                    user_input[CONF_USERNAME],
                    user_input[CONF_PASSWORD],
                )
                if user is not None:
                    return await self.async_create_entry(
                        unique_id_for(app_id, user.uid),
                        f"Gizwits {user_input[CONF_USERNAME]}",
                        {
                            CONF_REGION: user_input[CONF_REGION],
                            CONF_BASE_URL: base_url,
                            CONF_APP_ID: app_id,
                            CONF_USERNAME: user_input[CONF_USERNAME],
                            CONF_PASSWORD: user_input[CONF_PASSWORD],
                            **self._session_data(user),
                        },
                    )
        defaults = user_input or {}
        return self.show_form(
            "user",
            probatio.Schema(
                {
                    **_server_schema(defaults),
                    probatio.Required(
                        CONF_USERNAME, default=defaults.get(CONF_USERNAME, "")
                    ): str,
                    probatio.Required(CONF_PASSWORD): _PASSWORD,
                }
            ),
            errors=errors,
        )

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Ask for the password again."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Log in with the new password; it must be the same user."""
        entry = self.flow.reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            user, errors = await self._login(
                entry.data[CONF_BASE_URL],
                entry.data[CONF_APP_ID],
                entry.data[CONF_USERNAME],
                user_input[CONF_PASSWORD],
            )
            if user is not None:
                if user.uid != entry.data[CONF_UID]:
                    return self.flow.async_abort(reason="wrong_account")
                return self.flow.async_update_reload_and_abort(
                    entry,
                    data_updates={
                        CONF_PASSWORD: user_input[CONF_PASSWORD],
                        **self._session_data(user),
                    },
                )
        return self.show_form(
            "reauth_confirm",
            probatio.Schema({probatio.Required(CONF_PASSWORD): _PASSWORD}),
            placeholders={
                "username": entry.data[CONF_USERNAME],
                "title": entry.title,
            },
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the region or the AppID; the stored login is tried there.

        The stored password goes to the entry's own server only: a new address
        asks for it again.
        """
        entry = self.flow.reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            base_url, errors = self._base_url(user_input)
            if base_url is not None:
                self._moved_to = {**user_input, CONF_BASE_URL: base_url}
                if base_url != entry.data[CONF_BASE_URL]:
                    return await self.async_step_reconfigure_password()
                return await self._reconfigure(entry.data[CONF_PASSWORD])
        return self.show_form(
            "reconfigure",
            probatio.Schema(_server_schema(user_input or entry.data)),
            errors=errors,
        )

    async def async_step_reconfigure_password(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the password before it goes to another server."""
        if user_input is not None:
            return await self._reconfigure(user_input[CONF_PASSWORD])
        return self._password_form()

    def _password_form(self, errors: dict[str, str] | None = None) -> ConfigFlowResult:
        """Show the password form for the new server."""
        entry = self.flow.reconfigure_entry()
        return self.show_form(
            "reconfigure_password",
            probatio.Schema({probatio.Required(CONF_PASSWORD): _PASSWORD}),
            placeholders={
                "username": entry.data[CONF_USERNAME],
                "base_url": self._moved_to[CONF_BASE_URL],
            },
            # The form has no server fields: every error is the form's own.
            errors={"base": next(iter(errors.values()))} if errors else None,
        )

    async def _reconfigure(self, password: str) -> ConfigFlowResult:
        """Log in where the form points; move the entry there if that works."""
        entry = self.flow.reconfigure_entry()
        server = self._moved_to
        app_id = server[CONF_APP_ID].strip()
        user, errors = await self._login(
            server[CONF_BASE_URL], app_id, entry.data[CONF_USERNAME], password
        )
        if user is None:
            if server[CONF_BASE_URL] != entry.data[CONF_BASE_URL]:
                return self._password_form(errors)
            return self.show_form(
                "reconfigure", probatio.Schema(_server_schema(server)), errors=errors
            )
        unique_id = unique_id_for(app_id, user.uid)
        if self.unique_id_taken(unique_id, entry):
            return self.flow.async_abort(reason="already_configured")
        return self.flow.async_update_reload_and_abort(
            entry,
            unique_id=unique_id,
            data_updates={
                CONF_REGION: server[CONF_REGION],
                CONF_BASE_URL: server[CONF_BASE_URL],
                CONF_APP_ID: app_id,
                CONF_PASSWORD: password,
                **self._session_data(user),
            },
        )
