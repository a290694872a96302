"""The Gizwits steps of the config flow: region, AppID and the user's login."""

from collections.abc import Mapping
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigFlow, ConfigFlowResult
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
from ...const import CONF_VENDOR
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


class GizwitsFlowMixin(ConfigFlow):
    """Logs a Gizwits user in and creates, reauthenticates or reconfigures."""

    async def _login(
        self, server: Mapping[str, Any], username: str, password: str
    ) -> tuple[UserSession | None, dict[str, str], str]:
        """Log in; return the session or the form errors, and the base URL used."""
        region = server[CONF_REGION]
        base_url = (
            str(server.get(CONF_BASE_URL) or "").strip().rstrip("/")
            if region == REGION_CUSTOM
            else REGIONS[region]
        )
        if not base_url:
            return None, {CONF_BASE_URL: "base_url_required"}, base_url
        client = GizwitsClient(
            async_get_clientsession(self.hass),
            base_url=base_url,
            app_id=server[CONF_APP_ID].strip(),
            username=username,
            password=password,
        )
        try:
            return await client.login(), {}, base_url
        except GizwitsAuthError:
            return None, {"base": "invalid_auth"}, base_url
        except GizwitsAppIdError:
            return None, {CONF_APP_ID: "invalid_app_id"}, base_url
        except GizwitsAccountMovedError:
            return None, {"base": "account_moved"}, base_url
        except GizwitsConnectionError:
            return None, {"base": "cannot_connect"}, base_url
        except GizwitsError as err:
            _LOGGER.debug("Gizwits refused the login: %s", err)
            return None, {"base": "unknown"}, base_url

    @staticmethod
    def _session_data(user: UserSession) -> dict[str, Any]:
        """Return what an entry keeps of a session."""
        return {
            CONF_UID: user.uid,
            CONF_TOKEN: user.token,
            CONF_EXPIRE_AT: user.expire_at,
        }

    async def async_step_gizwits(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the region, the AppID and the user's login."""
        errors: dict[str, str] = {}
        if user_input is not None:
            user, errors, base_url = await self._login(
                user_input, user_input[CONF_USERNAME], user_input[CONF_PASSWORD]
            )
            if user is not None:
                app_id = user_input[CONF_APP_ID].strip()
                await self.async_set_unique_id(unique_id_for(app_id, user.uid))
                self._abort_if_unique_id_configured()
                return self.async_create_entry(
                    title=f"Gizwits {user_input[CONF_USERNAME]}",
                    data={
                        CONF_VENDOR: VENDOR_ID,
                        CONF_REGION: user_input[CONF_REGION],
                        CONF_BASE_URL: base_url,
                        CONF_APP_ID: app_id,
                        CONF_USERNAME: user_input[CONF_USERNAME],
                        CONF_PASSWORD: user_input[CONF_PASSWORD],
                        **self._session_data(user),
                    },
                )
        defaults = user_input or {}
        return self.async_show_form(
            step_id="gizwits",
            data_schema=probatio.Schema(
                {
                    **_server_schema(defaults),
                    probatio.Required(
                        CONF_USERNAME, default=defaults.get(CONF_USERNAME, "")
                    ): str,
                    probatio.Required(CONF_PASSWORD): TextSelector(
                        TextSelectorConfig(type=TextSelectorType.PASSWORD)
                    ),
                }
            ),
            errors=errors,
        )

    async def async_step_gizwits_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Ask for the password again."""
        return await self.async_step_gizwits_reauth_confirm()

    async def async_step_gizwits_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Log in with the new password; it must be the same user."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            user, errors, _ = await self._login(
                entry.data, entry.data[CONF_USERNAME], user_input[CONF_PASSWORD]
            )
            if user is not None:
                if user.uid != entry.data[CONF_UID]:
                    return self.async_abort(reason="wrong_account")
                return self.async_update_reload_and_abort(
                    entry,
                    data_updates={
                        CONF_PASSWORD: user_input[CONF_PASSWORD],
                        **self._session_data(user),
                    },
                )
        return self.async_show_form(
            step_id="gizwits_reauth_confirm",
            data_schema=probatio.Schema(
                {
                    probatio.Required(CONF_PASSWORD): TextSelector(
                        TextSelectorConfig(type=TextSelectorType.PASSWORD)
                    )
                }
            ),
            description_placeholders={
                "username": entry.data[CONF_USERNAME],
                "title": entry.title,
            },
            errors=errors,
        )

    async def async_step_gizwits_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the region or the AppID; the stored login is tried there."""
        entry: ConfigEntry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            user, errors, base_url = await self._login(
                user_input, entry.data[CONF_USERNAME], entry.data[CONF_PASSWORD]
            )
            if user is not None:
                app_id = user_input[CONF_APP_ID].strip()
                unique_id = unique_id_for(app_id, user.uid)
                if any(
                    other.unique_id == unique_id and other.entry_id != entry.entry_id
                    for other in self._async_current_entries(include_ignore=False)
                ):
                    return self.async_abort(reason="already_configured")
                return self.async_update_reload_and_abort(
                    entry,
                    unique_id=unique_id,
                    data_updates={
                        CONF_REGION: user_input[CONF_REGION],
                        CONF_BASE_URL: base_url,
                        CONF_APP_ID: app_id,
                        **self._session_data(user),
                    },
                )
        return self.async_show_form(
            step_id="gizwits_reconfigure",
            data_schema=probatio.Schema(_server_schema(user_input or entry.data)),
            errors=errors,
        )
