"""Config flow: choose a cloud, then that cloud's own steps."""

from collections.abc import Mapping
import logging
from typing import Any, override

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.core import callback

from .const import CONF_VENDOR, DOMAIN, LOGGER
from .vendors import VENDORS
from .vendors.gizwits.config_flow import GizwitsFlowMixin
from .vendors.gizwits.const import VENDOR_ID as GIZWITS
from .vendors.wegnology.config_flow import WegnologyFlowMixin
from .vendors.wegnology.const import VENDOR_ID as WEGNOLOGY
from .vendors.wiz_pro.config_flow import WizProFlowMixin


class CloudBridgeConfigFlow(
    WegnologyFlowMixin, GizwitsFlowMixin, WizProFlowMixin, domain=DOMAIN
):
    """Set up one account of one cloud."""

    DOMAIN = DOMAIN
    VERSION = 1

    @property
    @override
    def logger(self) -> logging.Logger:
        """Return the logger of the OAuth steps."""
        return LOGGER

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
        if entry_data.get(CONF_VENDOR) == GIZWITS:
            return await self.async_step_gizwits_reauth(entry_data)
        if entry_data.get(CONF_VENDOR) == WEGNOLOGY:
            return await self.async_step_wegnology_reauth(entry_data)
        return await self.async_step_wiz_pro_reauth(entry_data)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change what the entry covers, or where it connects."""
        vendor = self._get_reconfigure_entry().data.get(CONF_VENDOR)
        if vendor == GIZWITS:
            return await self.async_step_gizwits_reconfigure()
        if vendor == WEGNOLOGY:
            return await self.async_step_wegnology_reconfigure()
        return await self.async_step_wiz_pro_reconfigure()

    @classmethod
    @callback
    @override
    def async_supports_options_flow(cls, config_entry: ConfigEntry) -> bool:
        """Offer options only to clouds that push through a webhook."""
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
