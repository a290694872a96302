"""The WiZ Pro steps of the config flow: link the account, choose buildings."""

from collections.abc import Mapping
from typing import Any

from homeassistant.components import webhook
from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlowResult,
)
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.data_entry_flow import section
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ...compat import (
    ImplementationUnavailableError,
    UnknownImplementationError,
    probatio,
)
from ...const import LOGGER
from ...errors import CloudError
from ...flow import (
    INSECURE_ADDRESS,
    URL_FIELD,
    choice_field,
    form_error,
)
from .client import API_URL, WizProClient, WizProError
from .const import CONF_API_URL, CONF_BUILDINGS, VENDOR_ID
from .link_flow import LinkSteps
from .models import BuildingMeta
from .oauth import async_entry_client
from .push import async_webhook_url

SECTION_ADVANCED = "advanced"


def unique_id_for(building_ids: list[str]) -> str:
    """Return an entry's unique id: its vendor and its buildings."""
    return f"{VENDOR_ID}:{','.join(sorted(building_ids))}"


class WizProFlow(LinkSteps):
    """Links a WiZ Pro account and picks the buildings an entry covers."""

    vendor_id = VENDOR_ID
    _api_url: str = API_URL
    _token_data: dict[str, Any]
    _buildings: list[BuildingMeta]
    _buildings_listed = False

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
                                ): URL_FIELD
                            }
                        ),
                        {"collapsed": not errors},
                    )
                }
            ),
            errors=errors,
        )

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
        except WizProError as err:
            LOGGER.debug("Cannot list WiZ Pro buildings: %s", err)
            return self.flow.async_abort(reason=form_error(err))
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
                probatio.Required(CONF_BUILDINGS, default=default): choice_field(
                    ((b.id, b.name) for b in self._buildings), multiple=True
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
            except (WizProError, CloudError) as err:
                return self.flow.async_abort(reason=form_error(err))
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
