"""The clouds Cloud Bridge speaks to, by vendor id."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry, OptionsFlow
from homeassistant.core import HomeAssistant

from . import gizwits, wegnology, wiz_pro
from .base import VendorAdapter
from .wiz_pro.options_flow import WebhookOptionsFlow

if TYPE_CHECKING:
    from ..coordinator import CloudBridgeConfigEntry, CloudBridgeCoordinator


@dataclass(frozen=True, kw_only=True)
class Vendor:
    """How the core sets up one cloud."""

    id: str
    async_create_adapter: Callable[
        [HomeAssistant, CloudBridgeConfigEntry], Awaitable[VendorAdapter]
    ]
    async_setup_entry: (
        Callable[[HomeAssistant, CloudBridgeConfigEntry, CloudBridgeCoordinator], None]
        | None
    ) = None
    push_url: Callable[[HomeAssistant, ConfigEntry], str | None] | None = None
    options_flow: Callable[[], OptionsFlow] | None = None
    async_setup_services: Callable[[HomeAssistant], None] | None = None


VENDORS: dict[str, Vendor] = {
    wiz_pro.VENDOR_ID: Vendor(
        id=wiz_pro.VENDOR_ID,
        async_create_adapter=wiz_pro.async_create_adapter,
        async_setup_entry=wiz_pro.async_setup_entry,
        push_url=wiz_pro.push_url,
        options_flow=WebhookOptionsFlow,
    ),
    gizwits.VENDOR_ID: Vendor(
        id=gizwits.VENDOR_ID,
        async_create_adapter=gizwits.async_create_adapter,
        async_setup_entry=gizwits.async_setup_entry,
    ),
    wegnology.VENDOR_ID: Vendor(
        id=wegnology.VENDOR_ID,
        async_create_adapter=wegnology.async_create_adapter,
        options_flow=wegnology.WegnologyOptionsFlow,
        async_setup_services=wegnology.async_setup_services,
    ),
}
