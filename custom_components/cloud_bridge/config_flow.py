"""Config flow: choose a cloud, then that cloud's own steps.

A cloud's steps live in its ``VendorFlow`` (``vendors/<id>/config_flow.py``);
the step ``<vendor id>_<name>`` is its ``async_step_<name>``. Home Assistant's
OAuth steps (``pick_implementation``, ``auth``, ``creation``) stay here, for the
cloud that links with OAuth.
"""

from collections.abc import Awaitable, Callable, Mapping
import logging
from typing import Any, override

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.core import callback
from homeassistant.helpers.config_entry_oauth2_flow import AbstractOAuth2FlowHandler

from .const import CONF_VENDOR, DOMAIN, LOGGER
from .flow import VendorFlow
from .vendors import VENDORS, Vendor

type Step = Callable[[Any], Awaitable[ConfigFlowResult]]

# Longest first, so a vendor id that starts another's is not taken for it.
_BY_LENGTH = sorted(VENDORS.values(), key=lambda vendor: len(vendor.id), reverse=True)


class CloudBridgeConfigFlow(AbstractOAuth2FlowHandler, domain=DOMAIN):
    """Set up one account of one cloud."""

    DOMAIN = DOMAIN
    VERSION = 1

    def __init__(self) -> None:
        """Start with no cloud chosen."""
        super().__init__()
        self._flows: dict[str, VendorFlow] = {}
        self._vendor: Vendor | None = None

    @property
    @override
    def logger(self) -> logging.Logger:
        """Return the logger of the OAuth steps."""
        return LOGGER

    def _vendor_flow(self, vendor: Vendor) -> VendorFlow:
        """Return a cloud's steps for this flow, which now sets that cloud up."""
        self._vendor = vendor
        if (flow := self._flows.get(vendor.id)) is None:
            flow = self._flows[vendor.id] = vendor.flow(self)
        return flow

    def __getattr__(self, name: str) -> Step:
        """Return a cloud's step: async_step_<vendor id>[_<name>]."""
        step_id = name.removeprefix("async_step_")
        for vendor in _BY_LENGTH if step_id != name else ():
            if step_id == vendor.id:
                step = "async_step_user"
            elif step_id.startswith(f"{vendor.id}_"):
                step = f"async_step_{step_id.removeprefix(f'{vendor.id}_')}"
            else:
                continue
            if hasattr(vendor.flow, step):
                method: Step = getattr(self._vendor_flow(vendor), step)
                return method
        raise AttributeError(name)

    @override
    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask which cloud the account is on."""
        return self.async_show_menu(step_id="user", menu_options=list(VENDORS))

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Sign in again with the entry's cloud."""
        vendor = VENDORS[entry_data[CONF_VENDOR]]
        return await self._vendor_flow(vendor).async_step_reauth(entry_data)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change what the entry covers, or where it connects."""
        vendor = VENDORS[self._get_reconfigure_entry().data[CONF_VENDOR]]
        return await self._vendor_flow(vendor).async_step_reconfigure()

    @override
    async def async_step_auth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Link the account the cloud's own way once a credential is picked."""
        return await self._active().async_step_auth(user_input)

    @override
    async def async_oauth_create_entry(self, data: dict[str, Any]) -> ConfigFlowResult:
        """Hand the OAuth tokens to the cloud that asked for them."""
        return await self._active().async_oauth_create_entry(data)

    def _active(self) -> VendorFlow:
        """Return the steps of the cloud this flow sets up."""
        if self._vendor is None:
            raise RuntimeError("no cloud chosen")
        return self._vendor_flow(self._vendor)

    def current_entries(self) -> list[ConfigEntry]:
        """Return the entries of the integration, ignored ones left out."""
        return self._async_current_entries(include_ignore=False)

    def abort_if_configured(self) -> None:
        """Abort when an entry already has this flow's unique id."""
        self._abort_if_unique_id_configured()

    def reauth_entry(self) -> ConfigEntry:
        """Return the entry being signed in again."""
        return self._get_reauth_entry()

    def reconfigure_entry(self) -> ConfigEntry:
        """Return the entry being reconfigured."""
        return self._get_reconfigure_entry()

    @classmethod
    @callback
    @override
    def async_supports_options_flow(cls, config_entry: ConfigEntry) -> bool:
        """Offer options to the clouds that have some."""
        vendor = VENDORS.get(config_entry.data.get(CONF_VENDOR, ""))
        return vendor is not None and vendor.options_flow is not None

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """Return the options flow of the entry's cloud."""
        options_flow = VENDORS[config_entry.data[CONF_VENDOR]].options_flow
        if options_flow is None:
            raise ValueError("no options")
        return options_flow()
