"""The WiZ Pro steps of the config flow: link the account, choose buildings."""

import asyncio
from collections.abc import Mapping
import re
import time
from typing import Any, override
from urllib.parse import parse_qs, urlsplit

from aiohttp import ClientError

from homeassistant.components import webhook
from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlowResult,
)
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.data_entry_flow import section
from homeassistant.exceptions import (
    OAuth2TokenRequestError,
    OAuth2TokenRequestReauthError,
)
from homeassistant.helpers import config_entry_oauth2_flow
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from ...compat import (
    ImplementationUnavailableError,
    UnknownImplementationError,
    probatio,
)
from ...const import CONF_VENDOR, LOGGER
from ...errors import CloudAuthError, CloudError
from .client import API_URL, WizProAuthError, WizProClient, WizProError
from .const import CONF_API_URL, CONF_BUILDINGS, VENDOR_ID
from .models import BuildingMeta
from .oauth import WizProImplementation, async_entry_client, redirect_uri
from .push import async_webhook_url

CONF_CODE = "code"
SECTION_ADVANCED = "advanced"
NO_URL_DOCS = "https://www.home-assistant.io/more-info/no-url-available"
# As long as Home Assistant's own creation step waits for the token endpoint.
TOKEN_TIMEOUT = config_entry_oauth2_flow.OAUTH_TOKEN_TIMEOUT_SEC
_CODE = re.compile(r"[A-Za-z0-9._~-]{6,}")


def code_from(text: str) -> str | None:
    """Return the authorization code in a pasted code, query or redirected address.

    Users paste the whole address, its query alone (``code=…&expires_at=…``,
    with or without the ``?``), or the bare code.
    """
    text = text.strip()
    if "code=" in text:
        parts = urlsplit(text)
        for query in (
            parts.query,
            parts.fragment,
            parts.fragment.partition("?")[2],
            # No scheme and no "?": the query was pasted on its own.
            text if not parts.scheme else "",
        ):
            if codes := parse_qs(query).get("code"):
                return codes[0] if _CODE.fullmatch(codes[0]) else None
        return None
    return text if _CODE.fullmatch(text) else None


def unique_id_for(building_ids: list[str]) -> str:
    """Return an entry's unique id: its vendor and its buildings."""
    return f"{VENDOR_ID}:{','.join(sorted(building_ids))}"


class WizProFlowMixin(config_entry_oauth2_flow.AbstractOAuth2FlowHandler):
    """Links a WiZ Pro account and picks the buildings an entry covers."""

    _api_url: str = API_URL
    _link_method_chosen = False
    _token_data: dict[str, Any]
    _buildings: list[BuildingMeta]
    _buildings_listed = False

    def _configured_buildings(self, *, exclude: ConfigEntry | None = None) -> set[str]:
        """Return the buildings other WiZ Pro entries already cover."""
        return {
            building_id
            for entry in self._async_current_entries(include_ignore=False)
            if entry.data.get(CONF_VENDOR) == VENDOR_ID and entry is not exclude
            for building_id in entry.data.get(CONF_BUILDINGS, [])
        }

    async def async_step_wiz_pro(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Start linking; a collapsed section lets a test server stand in."""
        if user_input is None:
            return self.async_show_form(
                step_id="wiz_pro",
                data_schema=probatio.Schema(
                    {
                        probatio.Required(SECTION_ADVANCED): section(
                            probatio.Schema(
                                {
                                    probatio.Required(
                                        CONF_API_URL, default=API_URL
                                    ): TextSelector(
                                        TextSelectorConfig(type=TextSelectorType.URL)
                                    )
                                }
                            ),
                            {"collapsed": True},
                        )
                    }
                ),
            )
        self._api_url = user_input[SECTION_ADVANCED][CONF_API_URL].rstrip("/")
        return await self.async_step_pick_implementation()

    @override
    async def async_step_auth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer to link in the browser or by pasting the code."""
        if user_input is None and not self._link_method_chosen:
            if isinstance(self.flow_impl, WizProImplementation):
                self.flow_impl = self.flow_impl.for_server(self._api_url)
            return await self.async_step_link()
        return await super().async_step_auth(user_input)

    async def async_step_link(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask how to bring WiZ's code back."""
        return self.async_show_menu(
            step_id="link", menu_options=["link_browser", "link_paste"]
        )

    async def async_step_link_browser(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Open WiZ Pro; the callback brings the code back by itself."""
        self._link_method_chosen = True
        return await super().async_step_auth()

    async def async_step_link_paste(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the WiZ Pro link and take the code the user copies back."""
        errors: dict[str, str] = {}
        if user_input is not None:
            if (code := code_from(user_input[CONF_CODE])) is None:
                errors[CONF_CODE] = "invalid_code"
            else:
                token, error = await self._resolve_pasted_code(code)
                if token is not None:
                    return await self.async_oauth_create_entry(
                        {"auth_implementation": self.flow_impl.domain, "token": token}
                    )
                errors[CONF_CODE if error == "code_refused" else "base"] = error
        try:
            placeholders = {
                "authorize_url": await self.async_generate_authorize_url(),
                "redirect_uri": redirect_uri(self.hass),
            }
        except NoURLAvailableError:
            return self.async_abort(
                reason="no_url_available",
                description_placeholders={"docs_url": NO_URL_DOCS},
            )
        return self.async_show_form(
            step_id="link_paste",
            data_schema=probatio.Schema(
                {probatio.Required(CONF_CODE): TextSelector(TextSelectorConfig())}
            ),
            description_placeholders=placeholders,
            errors=errors,
        )

    async def _resolve_pasted_code(
        self, code: str
    ) -> tuple[dict[str, Any] | None, str]:
        """Trade a pasted code for tokens; else name the error to show.

        Done here rather than in Home Assistant's creation step, which aborts
        the whole flow: a mistyped or expired code only needs another paste,
        and a cloud that did not answer leaves the code usable for a retry.
        """
        try:
            async with asyncio.timeout(TOKEN_TIMEOUT):
                token = await self.flow_impl.async_resolve_external_data(
                    {"code": code, "state": None}
                )
        except OAuth2TokenRequestReauthError as err:
            LOGGER.debug("WiZ Pro refused the pasted code: %s", err)
            return None, "code_refused"
        except (TimeoutError, OAuth2TokenRequestError, ClientError) as err:
            LOGGER.debug("Cannot trade the pasted code: %s", err)
            return None, "cannot_connect"
        token["expires_at"] = time.time() + token["expires_in"]
        return token, ""

    @override
    async def async_oauth_create_entry(self, data: dict[str, Any]) -> ConfigFlowResult:
        """List the buildings the new tokens grant, then finish or ask."""
        self._token_data = data
        token = data["token"]["access_token"]

        async def static_token() -> str:
            return str(token)

        client = WizProClient(
            async_get_clientsession(self.hass), static_token, api_url=self._api_url
        )
        try:
            self._buildings = await client.buildings()
        except WizProAuthError:
            return self.async_abort(reason="invalid_auth")
        except WizProError as err:
            LOGGER.debug("Cannot list WiZ Pro buildings: %s", err)
            return self.async_abort(reason="cannot_connect")
        if not self._buildings:
            return self.async_abort(reason="no_buildings")
        if self.source == SOURCE_REAUTH:
            return self._finish_reauth()
        if self.source == SOURCE_RECONFIGURE:
            # Linked again from Reconfigure: choose among what it now grants.
            self._buildings_listed = True
            return await self.async_step_wiz_pro_reconfigure()
        available = [
            building
            for building in self._buildings
            if building.id not in self._configured_buildings()
        ]
        if not available:
            return self.async_abort(reason="already_configured")
        self._buildings = available
        if len(available) == 1:
            return await self._async_create_wiz_pro_entry([available[0].id])
        return await self.async_step_buildings()

    def _finish_reauth(self) -> ConfigFlowResult:
        """Store the new tokens if they still grant the entry's buildings."""
        entry = self._get_reauth_entry()
        granted = {building.id for building in self._buildings}
        if not set(entry.data[CONF_BUILDINGS]) <= granted:
            return self.async_abort(reason="wrong_account")
        return self.async_update_reload_and_abort(entry, data_updates=self._token_data)

    def _building_schema(self, default: list[str]) -> probatio.Schema:
        """Return a form to pick buildings from those listed."""
        return probatio.Schema(
            {
                probatio.Required(CONF_BUILDINGS, default=default): SelectSelector(
                    SelectSelectorConfig(
                        options=[
                            SelectOptionDict(value=building.id, label=building.name)
                            for building in self._buildings
                        ],
                        multiple=True,
                    )
                )
            }
        )

    async def async_step_buildings(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Let the user choose which buildings this entry covers."""
        errors: dict[str, str] = {}
        if user_input is not None:
            if chosen := list(user_input[CONF_BUILDINGS]):
                return await self._async_create_wiz_pro_entry(chosen)
            errors[CONF_BUILDINGS] = "no_building_chosen"
        return self.async_show_form(
            step_id="buildings",
            data_schema=self._building_schema([]),
            errors=errors,
        )

    def _title(self, building_ids: list[str]) -> str:
        """Return an entry title from its buildings' names."""
        names = {building.id: building.name for building in self._buildings}
        return ", ".join(names.get(bid) or bid for bid in sorted(building_ids))

    async def _async_create_wiz_pro_entry(
        self, building_ids: list[str]
    ) -> ConfigFlowResult:
        """Create the entry; its webhook URL is shown on the last page."""
        await self.async_set_unique_id(unique_id_for(building_ids))
        self._abort_if_unique_id_configured()
        webhook_id = webhook.async_generate_id()
        return self.async_create_entry(
            title=self._title(building_ids),
            data={
                **self._token_data,
                CONF_VENDOR: VENDOR_ID,
                CONF_API_URL: self._api_url,
                CONF_BUILDINGS: sorted(building_ids),
                CONF_WEBHOOK_ID: webhook_id,
            },
            description="wiz_pro_webhook",
            description_placeholders={
                "webhook_url": async_webhook_url(self.hass, webhook_id) or "-"
            },
        )

    async def async_step_wiz_pro_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Link the account again when its refresh token stopped working."""
        self._api_url = entry_data[CONF_API_URL]
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Explain, then link again."""
        entry = self._get_reauth_entry()
        if user_input is None:
            return self.async_show_form(
                step_id="reauth_confirm",
                description_placeholders={"title": entry.title},
            )
        return await self.async_step_pick_implementation(
            user_input={"implementation": entry.data["auth_implementation"]}
        )

    async def async_step_wiz_pro_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change which buildings the entry covers."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            chosen = sorted(user_input[CONF_BUILDINGS])
            if not chosen:
                errors[CONF_BUILDINGS] = "no_building_chosen"
            else:
                # The tokens of a link made in this flow (Link WiZ Pro again).
                relinked = getattr(self, "_token_data", {})
                return self.async_update_reload_and_abort(
                    entry,
                    unique_id=unique_id_for(chosen),
                    title=self._title(chosen),
                    data_updates={**relinked, CONF_BUILDINGS: chosen},
                )
        elif not self._buildings_listed:
            try:
                self._buildings = await self._entry_buildings(entry)
            except UnknownImplementationError:
                # The application credential the entry was linked with is gone.
                return self.async_abort(reason="missing_credentials")
            except ImplementationUnavailableError:
                return self.async_abort(reason="oauth_implementation_unavailable")
            except WizProAuthError, CloudAuthError:
                return self.async_abort(reason="invalid_auth")
            except WizProError, CloudError:
                return self.async_abort(reason="cannot_connect")
            self._buildings_listed = True
            granted = {building.id for building in self._buildings}
            if not set(entry.data[CONF_BUILDINGS]) <= granted:
                return await self.async_step_wiz_pro_reconfigure_lost()
        others = self._configured_buildings(exclude=entry)
        self._buildings = [b for b in self._buildings if b.id not in others]
        return self.async_show_form(
            step_id="wiz_pro_reconfigure",
            data_schema=self._building_schema(
                [
                    bid
                    for bid in entry.data[CONF_BUILDINGS]
                    if bid in {b.id for b in self._buildings}
                ]
            ),
            errors=errors,
        )

    async def async_step_wiz_pro_reconfigure_lost(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """WiZ no longer grants some of the buildings: leave out, or link again."""
        return self.async_show_menu(
            step_id="wiz_pro_reconfigure_lost",
            menu_options=["wiz_pro_relink", "wiz_pro_reconfigure"],
            description_placeholders={"title": self._get_reconfigure_entry().title},
        )

    async def async_step_wiz_pro_relink(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Link WiZ Pro again, to grant buildings the entry lost; then choose."""
        entry = self._get_reconfigure_entry()
        self._api_url = entry.data[CONF_API_URL]
        return await self.async_step_pick_implementation(
            user_input={"implementation": entry.data["auth_implementation"]}
        )

    async def _entry_buildings(self, entry: ConfigEntry) -> list[BuildingMeta]:
        """List the buildings with an entry's own, renewed tokens."""
        client, _ = await async_entry_client(self.hass, entry)
        return await client.buildings()
