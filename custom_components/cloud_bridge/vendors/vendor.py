"""What the core needs to know of one cloud: every vendor decision goes through it."""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from homeassistant.components.application_credentials import ClientCredential
from homeassistant.components.repairs import RepairsFlow
from homeassistant.config_entries import ConfigEntry, OptionsFlow
from homeassistant.core import HomeAssistant
from homeassistant.helpers.config_entry_oauth2_flow import AbstractOAuth2Implementation

from .base import VendorAdapter

if TYPE_CHECKING:
    from ..coordinator import CloudBridgeConfigEntry, CloudBridgeCoordinator
    from ..flow import VendorFlow

type IotClass = Literal["cloud_polling", "cloud_push"]


@dataclass(frozen=True, kw_only=True)
class OAuthLinking:
    """How a cloud that links accounts with OAuth takes application credentials.

    Application credentials belong to the integration, not to one cloud: one
    cloud at most may link with OAuth.
    """

    async_get_auth_implementation: Callable[
        [HomeAssistant, str, ClientCredential],
        Awaitable[AbstractOAuth2Implementation],
    ]
    async_get_description_placeholders: Callable[
        [HomeAssistant], Awaitable[dict[str, str]]
    ]


@dataclass(frozen=True, kw_only=True)
class Vendor:
    """How the core sets up, links, repairs and describes one cloud."""

    id: str
    # The config flow's steps of this cloud: set up, reauth, reconfigure.
    flow: type[VendorFlow]
    async_create_adapter: Callable[
        [HomeAssistant, CloudBridgeConfigEntry], Awaitable[VendorAdapter]
    ]
    # How state reaches Home Assistant: polled, or pushed by the cloud.
    iot_class: IotClass
    # Requests the adapter sends at once, at most (reads and commands).
    max_parallel_requests: int
    # Entry data and adapter diagnostics keys that hold secrets or personal data.
    redact: frozenset[str] = frozenset()
    # Called once the coordinator has its first Snapshot (push, repair issues).
    async_setup_entry: (
        Callable[[HomeAssistant, CloudBridgeConfigEntry, CloudBridgeCoordinator], None]
        | None
    ) = None
    options_flow: Callable[[], OptionsFlow] | None = None
    # The flow that fixes one of this cloud's repair issues (ids start with its id).
    async_create_fix_flow: (
        Callable[[HomeAssistant, str, Mapping[str, Any]], Awaitable[RepairsFlow]] | None
    ) = None
    async_setup_services: Callable[[HomeAssistant], None] | None = None
    # Where the cloud pushes to, shown in diagnostics.
    push_url: Callable[[HomeAssistant, ConfigEntry], str | None] | None = None
    oauth: OAuthLinking | None = None
