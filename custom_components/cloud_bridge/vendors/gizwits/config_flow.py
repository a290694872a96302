"""The Gizwits steps of the config flow: region, AppID and the user's login.

Accounts on Gizwits' newer app login sign in with the same form: the client
moves to that login when the classic one answers 9026, and the entry keeps
which login the account uses. For "another address", the newer login is the
same address unless the collapsed advanced section gives a second one.
"""

from collections.abc import Mapping
import logging
from typing import Any

from homeassistant.config_entries import ConfigFlowResult
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.data_entry_flow import section
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)

from ...compat import probatio
from ...flow import (
    INSECURE_ADDRESS,
    PASSWORD_FIELD,
    PASSWORD_FORM,
    URL_FIELD,
    VendorFlow,
    form_error,
)
from ..http import VendorAuthError, VendorClientError
from .aep import aep_url_for
from .client import (
    GizwitsApiError,
    GizwitsAppIdError,
    GizwitsClient,
)
from .const import (
    AEP_HOSTS,
    CONF_AEP_URL,
    CONF_APP_ID,
    CONF_BASE_URL,
    CONF_EXPIRE_AT,
    CONF_LOGIN,
    CONF_REFRESH_TOKEN,
    CONF_REGION,
    CONF_TOKEN,
    CONF_UID,
    LOGIN_CLASSIC,
    REGION_CUSTOM,
    REGIONS,
    SECTION_ADVANCED,
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
        ): URL_FIELD,
        probatio.Required(CONF_APP_ID, default=defaults.get(CONF_APP_ID, "")): str,
    }


def _advanced_schema(defaults: Mapping[str, Any]) -> dict[Any, Any]:
    """Return the collapsed section with the newer login's second address."""
    given = defaults.get(SECTION_ADVANCED, {}).get(CONF_AEP_URL) or defaults.get(
        CONF_AEP_URL
    )
    return {
        probatio.Required(SECTION_ADVANCED, default={}): section(
            probatio.Schema(
                {
                    probatio.Optional(
                        CONF_AEP_URL, description={"suggested_value": given}
                    ): URL_FIELD
                }
            ),
            {"collapsed": True},
        )
    }


class GizwitsFlow(VendorFlow):
    """Logs a Gizwits user in and creates, reauthenticates or reconfigures."""

    vendor_id = VENDOR_ID
    # Where Reconfigure moves the entry: region, address and AppID.
    _moved_to: dict[str, Any]

    # The cloud's own words for a refused sign-in, shown with login_refused.
    _refusal = ""

    def _server(
        self, form: Mapping[str, Any]
    ) -> tuple[dict[str, Any] | None, dict[str, str]]:
        """Return the addresses a form names (Open API, newer login), or its errors.

        The newer login's second address counts only with "another address".
        """
        if form[CONF_REGION] != REGION_CUSTOM:
            region = form[CONF_REGION]
            return {CONF_BASE_URL: REGIONS[region], CONF_AEP_URL: AEP_HOSTS[region]}, {}
        base_url = str(form.get(CONF_BASE_URL) or "").strip().rstrip("/")
        if not base_url:
            return None, {CONF_BASE_URL: "base_url_required"}
        if self.insecure_warning(base_url):
            return None, {CONF_BASE_URL: INSECURE_ADDRESS}
        second = form.get(SECTION_ADVANCED, {}).get(CONF_AEP_URL)
        aep_url = str(second or "").strip().rstrip("/")
        if aep_url and self.insecure_warning(aep_url):
            return None, {"base": INSECURE_ADDRESS}
        return {CONF_BASE_URL: base_url, CONF_AEP_URL: aep_url or base_url}, {}

    async def _login(
        self,
        server: Mapping[str, Any],
        app_id: str,
        username: str,
        password: str,
        login_kind: str = LOGIN_CLASSIC,
    ) -> tuple[dict[str, Any] | None, dict[str, str]]:
        """Sign in; return what the entry keeps of the session, or the form errors."""
        client = GizwitsClient(
            async_get_clientsession(self.hass),
            base_url=server[CONF_BASE_URL],
            app_id=app_id,
            username=username,
            password=password,
            aep_url=server[CONF_AEP_URL],
            login_kind=login_kind,
        )
        try:
            user = await client.login()
        except GizwitsAppIdError:
            return None, {CONF_APP_ID: "invalid_app_id"}
        except GizwitsApiError as err:
            if isinstance(err, VendorAuthError):
                return None, {"base": "invalid_auth"}
            # Gizwits' own words for a sign-in refused for another reason.
            _LOGGER.debug("Gizwits refused the login: %s", err)
            self._refusal = str(err)
            return None, {"base": "login_refused"}
        except VendorClientError as err:
            _LOGGER.debug("Gizwits sign-in failed: %s", err)
            return None, {"base": form_error(err)}
        return self._session_data(user, client.login_kind), {}

    @staticmethod
    def _session_data(user: UserSession, login_kind: str) -> dict[str, Any]:
        """Return what an entry keeps of a session, and the login it came from."""
        return {
            CONF_UID: user.uid,
            CONF_TOKEN: user.token,
            CONF_EXPIRE_AT: user.expire_at,
            CONF_REFRESH_TOKEN: user.refresh_token,
            CONF_LOGIN: login_kind,
        }

    def _placeholders(self, **others: str) -> dict[str, str] | None:
        """Return a form's placeholders, with the cloud's words for a refusal."""
        placeholders = {**others, "error": self._refusal} if self._refusal else others
        return placeholders or None

    @staticmethod
    def _second_address(server: Mapping[str, Any]) -> str:
        """Return the newer login's address to keep: only a second one given."""
        aep_url = str(server[CONF_AEP_URL])
        if aep_url in (server[CONF_BASE_URL], *AEP_HOSTS.values()):
            return ""
        return aep_url

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the region, the AppID and the user's login."""
        errors: dict[str, str] = {}
        if user_input is not None:
            server, errors = self._server(user_input)
            if server is not None:
                app_id = user_input[CONF_APP_ID].strip()
                session, errors = await self._login(
                    server,
                    app_id,
                    user_input[CONF_USERNAME],
                    user_input[CONF_PASSWORD],
                )
                if session is not None:
                    return await self.async_create_entry(
                        unique_id_for(app_id, session[CONF_UID]),
                        f"Gizwits {user_input[CONF_USERNAME]}",
                        {
                            CONF_REGION: user_input[CONF_REGION],
                            CONF_BASE_URL: server[CONF_BASE_URL],
                            CONF_AEP_URL: self._second_address(server),
                            CONF_APP_ID: app_id,
                            CONF_USERNAME: user_input[CONF_USERNAME],
                            CONF_PASSWORD: user_input[CONF_PASSWORD],
                            **session,
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
                    probatio.Required(CONF_PASSWORD): PASSWORD_FIELD,
                    **_advanced_schema(defaults),
                }
            ),
            errors=errors,
            placeholders=self._placeholders(),
        )

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Ask for the password again."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Sign in with the new password, on the login the account uses."""
        entry = self.flow.reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            session, errors = await self._login(
                {
                    CONF_BASE_URL: entry.data[CONF_BASE_URL],
                    CONF_AEP_URL: aep_url_for(entry.data),
                },
                entry.data[CONF_APP_ID],
                entry.data[CONF_USERNAME],
                user_input[CONF_PASSWORD],
                entry.data.get(CONF_LOGIN, LOGIN_CLASSIC),
            )
            if session is not None:
                if session[CONF_UID] != entry.data[CONF_UID]:
                    return self.flow.async_abort(reason="wrong_account")
                return self.flow.async_update_reload_and_abort(
                    entry,
                    data_updates={CONF_PASSWORD: user_input[CONF_PASSWORD], **session},
                )
        return self.show_form(
            "reauth_confirm",
            PASSWORD_FORM,
            placeholders=self._placeholders(
                username=entry.data[CONF_USERNAME], title=entry.title
            ),
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the region or the AppID; the stored login is tried there.

        The stored password goes to the entry's own servers only: new
        addresses ask for it again.
        """
        entry = self.flow.reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            server, errors = self._server(user_input)
            if server is not None:
                self._moved_to = {**user_input, **server}
                if self._new_addresses():
                    return await self.async_step_reconfigure_password()
                return await self._reconfigure(entry.data[CONF_PASSWORD])
        return self.show_form(
            "reconfigure",
            probatio.Schema(
                {
                    **_server_schema(user_input or entry.data),
                    **_advanced_schema(user_input or entry.data),
                }
            ),
            errors=errors,
            placeholders=self._placeholders(),
        )

    async def async_step_reconfigure_password(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the password before it goes to another server."""
        if user_input is not None:
            return await self._reconfigure(user_input[CONF_PASSWORD])
        return self._password_form()

    def _new_addresses(self) -> bool:
        """Tell whether the form names an address the password never went to."""
        entry = self.flow.reconfigure_entry()
        known = {entry.data[CONF_BASE_URL], aep_url_for(entry.data)}
        return bool(
            {self._moved_to[CONF_BASE_URL], self._moved_to[CONF_AEP_URL]} - known
        )

    def _password_form(self, errors: dict[str, str] | None = None) -> ConfigFlowResult:
        """Show the password form for the new server."""
        entry = self.flow.reconfigure_entry()
        return self.show_form(
            "reconfigure_password",
            PASSWORD_FORM,
            placeholders=self._placeholders(
                username=entry.data[CONF_USERNAME],
                base_url=self._moved_to[CONF_BASE_URL],
            ),
            # The form has no server fields: every error is the form's own.
            errors={"base": next(iter(errors.values()))} if errors else None,
        )

    async def _reconfigure(self, password: str) -> ConfigFlowResult:
        """Sign in where the form points; move the entry there if that works.

        The classic login is tried first there: the account may use either.
        """
        entry = self.flow.reconfigure_entry()
        server = self._moved_to
        app_id = server[CONF_APP_ID].strip()
        session, errors = await self._login(
            server, app_id, entry.data[CONF_USERNAME], password
        )
        if session is None:
            if self._new_addresses():
                return self._password_form(errors)
            return self.show_form(
                "reconfigure",
                probatio.Schema({**_server_schema(server), **_advanced_schema(server)}),
                errors=errors,
                placeholders=self._placeholders(),
            )
        unique_id = unique_id_for(app_id, session[CONF_UID])
        if self.unique_id_taken(unique_id, entry):
            return self.flow.async_abort(reason="already_configured")
        return self.flow.async_update_reload_and_abort(
            entry,
            unique_id=unique_id,
            data_updates={
                CONF_REGION: server[CONF_REGION],
                CONF_BASE_URL: server[CONF_BASE_URL],
                CONF_AEP_URL: self._second_address(server),
                CONF_APP_ID: app_id,
                CONF_PASSWORD: password,
                **session,
            },
        )
