"""The WiZ Pro steps of the config flow: link the account, choose buildings."""

import asyncio
from collections.abc import Mapping
import re
import time
from typing import Any
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
from ...const import LOGGER
from ...errors import CloudAuthError, CloudError
from ...flow import INSECURE_ADDRESS, VendorFlow
from .client import API_URL, WizProAuthError, WizProClient, WizProError
from .const import CONF_API_URL, CONF_BUILDINGS, VENDOR_ID
from .linking import (
    CONFIRMATION_LENGTH,
    LINK_STEP,
    abort_reason,
    async_claim_code,
)
from .models import BuildingMeta
from .oauth import WizProImplementation, async_entry_client, redirect_uri
from .push import async_webhook_url

CONF_CODE = "code"
CONF_CONFIRMATION = "confirmation"
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


class WizProFlow(VendorFlow):
    """Links a WiZ Pro account and picks the buildings an entry covers."""

    vendor_id = VENDOR_ID
    _api_url: str = API_URL
    _token_data: dict[str, Any]
    _buildings: list[BuildingMeta]
    _buildings_listed = False
    # What WiZ sent back to the browser step: a code, or an error's abort reason.
    _callback: Mapping[str, Any]

    def _configured_buildings(self, *, exclude: ConfigEntry | None = None) -> set[str]:
        """Return the buildings other WiZ Pro entries already cover."""
        return {
            building_id
            for entry in self.entries(exclude=exclude)
            for building_id in entry.data.get(CONF_BUILDINGS, [])
        }

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Start linking; a collapsed section lets a test server stand in."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._api_url = user_input[SECTION_ADVANCED][CONF_API_URL].rstrip("/")
            if not self.insecure_warning(self._api_url):
                return await self.flow.async_step_pick_implementation()
            errors["base"] = INSECURE_ADDRESS
        return self.show_form(
            "user",
            probatio.Schema(
                {
                    probatio.Required(SECTION_ADVANCED): section(
                        probatio.Schema(
                            {
                                probatio.Required(
                                    CONF_API_URL,
                                    default=(user_input or {})
                                    .get(SECTION_ADVANCED, {})
                                    .get(CONF_API_URL, API_URL),
                                ): TextSelector(
                                    TextSelectorConfig(type=TextSelectorType.URL)
                                )
                            }
                        ),
                        {"collapsed": not errors},
                    )
                }
            ),
            errors=errors,
        )

    async def async_step_auth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer to link in the browser or by pasting the code."""
        if isinstance(self.flow.flow_impl, WizProImplementation):
            self.flow.flow_impl = self.flow.flow_impl.for_server(self._api_url)
        return await self.async_step_link()

    async def async_step_link(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask how to bring WiZ's code back."""
        return self.show_menu("link", ["link_browser", "link_paste"])

    async def async_step_link_browser(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Open WiZ Pro; the callback brings back the code, or a sign to confirm.

        The callback page configures this step with what WiZ sent: the code
        and our state, WiZ's error, or (for a code without our state, which
        could come from anyone) only the news that a code is waiting.
        """
        if user_input is not None:
            self._callback = user_input
            if "code" in user_input:
                return self.flow.async_external_step_done(
                    next_step_id=self.step_id("finish")
                )
            if "error" in user_input:
                return self.flow.async_external_step_done(
                    next_step_id=self.step_id("rejected")
                )
            return self.flow.async_external_step_done(
                next_step_id=self.step_id("confirm")
            )
        try:
            url = await self.flow.async_generate_authorize_url()
        except NoURLAvailableError:
            return self._no_url()
        return self.flow.async_external_step(step_id=LINK_STEP, url=url)

    async def async_step_finish(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Trade the code WiZ sent back with our state for tokens."""
        token, error = await self._resolve_code(str(self._callback["code"]))
        if token is None:
            return self.flow.async_abort(
                reason="oauth_unauthorized"
                if error == "code_refused"
                else "oauth_failed"
            )
        return await self._linked(token)

    async def async_step_rejected(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """End the flow with WiZ's error, as one of the reasons we know."""
        return self.flow.async_abort(reason=abort_reason(self._callback.get("error")))

    async def async_step_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the characters the WiZ Pro page showed, to take its code.

        A code that came back without our state finishes nothing by itself:
        only the person who saw the page knows which code is theirs.
        """
        errors: dict[str, str] = {}
        if user_input is not None:
            typed = str(user_input[CONF_CONFIRMATION]).strip()
            code = async_claim_code(self.hass, typed)
            if code is None and len(typed) > CONFIRMATION_LENGTH:
                code = code_from(typed)  # the whole code or address, pasted
            if code is None:
                errors[CONF_CONFIRMATION] = "confirmation_mismatch"
            else:
                token, error = await self._resolve_code(code)
                if token is not None:
                    return await self._linked(token)
                errors[CONF_CONFIRMATION if error == "code_refused" else "base"] = error
        return self.show_form(
            "confirm",
            probatio.Schema(
                {
                    probatio.Required(CONF_CONFIRMATION): TextSelector(
                        TextSelectorConfig()
                    )
                }
            ),
            errors=errors,
        )

    async def async_step_link_paste(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the WiZ Pro link and take the code the user copies back."""
        errors: dict[str, str] = {}
        if user_input is not None:
            if (code := code_from(user_input[CONF_CODE])) is None:
                errors[CONF_CODE] = "invalid_code"
            else:
                token, error = await self._resolve_code(code)
                if token is not None:
                    return await self._linked(token)
                errors[CONF_CODE if error == "code_refused" else "base"] = error
        try:
            placeholders = {
                "authorize_url": await self.flow.async_generate_authorize_url(),
                "redirect_uri": redirect_uri(self.hass),
            }
        except NoURLAvailableError:
            return self._no_url()
        return self.show_form(
            "link_paste",
            probatio.Schema(
                {probatio.Required(CONF_CODE): TextSelector(TextSelectorConfig())}
            ),
            placeholders=placeholders,
            errors=errors,
        )

    def _no_url(self) -> ConfigFlowResult:
        """Abort: Home Assistant has no address for WiZ to send the browser back to."""
        return self.flow.async_abort(
            reason="no_url_available",
            description_placeholders={"docs_url": NO_URL_DOCS},
        )

    async def _resolve_code(self, code: str) -> tuple[dict[str, Any] | None, str]:
        """Trade a code for tokens; else name the error to show.

        A mistyped or expired code only needs another try, and a cloud that did
        not answer leaves the code usable for a retry.
        """
        try:
            async with asyncio.timeout(TOKEN_TIMEOUT):
                token = await self.flow.flow_impl.async_resolve_external_data(
                    {"code": code, "state": None}
                )
        except OAuth2TokenRequestReauthError as err:
            LOGGER.debug("WiZ Pro refused the code: %s", err)
            return None, "code_refused"
        except (TimeoutError, OAuth2TokenRequestError, ClientError) as err:
            LOGGER.debug("Cannot trade the code: %s", err)
            return None, "cannot_connect"
        token["expires_at"] = time.time() + token["expires_in"]
        return token, ""

    async def _linked(self, token: dict[str, Any]) -> ConfigFlowResult:
        """List the buildings the new tokens grant, then finish or ask."""
        self._token_data = {
            "auth_implementation": self.flow.flow_impl.domain,
            "token": token,
        }
        access_token = token["access_token"]

        async def static_token() -> str:
            return str(access_token)

        client = WizProClient(
            async_get_clientsession(self.hass), static_token, api_url=self._api_url
        )
        try:
            self._buildings = await client.buildings()
        except WizProAuthError:
            return self.flow.async_abort(reason="invalid_auth")
        except WizProError as err:
            LOGGER.debug("Cannot list WiZ Pro buildings: %s", err)
            return self.flow.async_abort(reason="cannot_connect")
        if not self._buildings:
            return self.flow.async_abort(reason="no_buildings")
        if self.flow.source == SOURCE_REAUTH:
            return self._finish_reauth()
        if self.flow.source == SOURCE_RECONFIGURE:
            # Linked again from Reconfigure: choose among what it now grants.
            self._buildings_listed = True
            return await self.async_step_reconfigure()
        available = [
            building
            for building in self._buildings
            if building.id not in self._configured_buildings()
        ]
        if not available:
            return self.flow.async_abort(reason="already_configured")
        self._buildings = available
        if len(available) == 1:
            return await self._create([available[0].id])
        return await self.async_step_buildings()

    def _finish_reauth(self) -> ConfigFlowResult:
        """Store the new tokens if they still grant the entry's buildings."""
        entry = self.flow.reauth_entry()
        granted = {building.id for building in self._buildings}
        if not set(entry.data[CONF_BUILDINGS]) <= granted:
            return self.flow.async_abort(reason="wrong_account")
        return self.flow.async_update_reload_and_abort(
            entry, data_updates=self._token_data
        )

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
                return await self._create(chosen)
            errors[CONF_BUILDINGS] = "no_building_chosen"
        return self.show_form("buildings", self._building_schema([]), errors=errors)

    def _title(self, building_ids: list[str]) -> str:
        """Return an entry title from its buildings' names."""
        names = {building.id: building.name for building in self._buildings}
        return ", ".join(names.get(bid) or bid for bid in sorted(building_ids))

    async def _create(self, building_ids: list[str]) -> ConfigFlowResult:
        """Create the entry; its webhook URL is shown on the last page."""
        webhook_id = webhook.async_generate_id()
        return await self.async_create_entry(
            unique_id_for(building_ids),
            self._title(building_ids),
            {
                **self._token_data,
                CONF_API_URL: self._api_url,
                CONF_BUILDINGS: sorted(building_ids),
                CONF_WEBHOOK_ID: webhook_id,
            },
            description="wiz_pro_webhook",
            description_placeholders={
                "webhook_url": async_webhook_url(self.hass, webhook_id) or "-"
            },
        )

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Link the account again when its refresh token stopped working."""
        self._api_url = entry_data[CONF_API_URL]
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Explain, then link again."""
        entry = self.flow.reauth_entry()
        if user_input is None:
            return self.show_form("reauth_confirm", placeholders={"title": entry.title})
        return await self.flow.async_step_pick_implementation(
            user_input={"implementation": entry.data["auth_implementation"]}
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change which buildings the entry covers."""
        entry = self.flow.reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            chosen = sorted(user_input[CONF_BUILDINGS])
            if not chosen:
                errors[CONF_BUILDINGS] = "no_building_chosen"
            else:
                # The tokens of a link made in this flow (Link WiZ Pro again).
                relinked = getattr(self, "_token_data", {})
                return self.flow.async_update_reload_and_abort(
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
                return self.flow.async_abort(reason="missing_credentials")
            except ImplementationUnavailableError:
                return self.flow.async_abort(reason="oauth_implementation_unavailable")
            except WizProAuthError, CloudAuthError:
                return self.flow.async_abort(reason="invalid_auth")
            except WizProError, CloudError:
                return self.flow.async_abort(reason="cannot_connect")
            self._buildings_listed = True
            granted = {building.id for building in self._buildings}
            if not set(entry.data[CONF_BUILDINGS]) <= granted:
                return await self.async_step_reconfigure_lost()
        others = self._configured_buildings(exclude=entry)
        self._buildings = [b for b in self._buildings if b.id not in others]
        return self.show_form(
            "reconfigure",
            self._building_schema(
                [
                    bid
                    for bid in entry.data[CONF_BUILDINGS]
                    if bid in {b.id for b in self._buildings}
                ]
            ),
            errors=errors,
        )

    async def async_step_reconfigure_lost(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """WiZ no longer grants some of the buildings: leave out, or link again."""
        return self.show_menu(
            "reconfigure_lost",
            ["relink", "reconfigure"],
            placeholders={"title": self.flow.reconfigure_entry().title},
        )

    async def async_step_relink(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Link WiZ Pro again, to grant buildings the entry lost; then choose."""
        entry = self.flow.reconfigure_entry()
        self._api_url = entry.data[CONF_API_URL]
        return await self.flow.async_step_pick_implementation(
            user_input={"implementation": entry.data["auth_implementation"]}
        )

    async def _entry_buildings(self, entry: ConfigEntry) -> list[BuildingMeta]:
        """List the buildings with an entry's own, renewed tokens."""
        client, _ = await async_entry_client(self.hass, entry)
        return await client.buildings()
