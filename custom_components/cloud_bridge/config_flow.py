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
from .vendors.wiz_pro.config_flow import WizProFlowMixin


class CloudBridgeConfigFlow(GizwitsFlowMixin, WizProFlowMixin, domain=DOMAIN):
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
        return await self.async_step_wiz_pro_reauth(entry_data)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change what the entry covers, or where it connects."""
        if self._get_reconfigure_entry().data.get(CONF_VENDOR) == GIZWITS:
            return await self.async_step_gizwits_reconfigure()
        return await self.async_step_wiz_pro_reconfigure()

    @classmethod
    @callback
    @override
    def async_supports_options_flow(cls, config_entry: ConfigEntry) -> bool:
        """Offer options only to clouds that push through a webhook."""
        vendor = VENDORS.get(config_entry.data.get(CONF_VENDOR, ""))
        return vendor is not None and vendor.push_url is not None

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """Return the options flow."""
        return PushOptionsFlow()


class PushOptionsFlow(OptionsFlow):
    """Shows the address the cloud pushes to, with how to enter it there."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the webhook address."""
        if user_input is not None:
            return self.async_create_entry(data=dict(self.config_entry.options))
        vendor = VENDORS[self.config_entry.data[CONF_VENDOR]]
        push_url = (
            vendor.push_url(self.hass, self.config_entry) if vendor.push_url else None
        )
        return self.async_show_form(
            step_id="init", description_placeholders={"webhook_url": push_url or "-"}
        )
