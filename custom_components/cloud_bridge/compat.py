"""What Home Assistant changed since 2026.3, the oldest release Cloud Bridge supports.

Import these names from here, never from Home Assistant: each is the newest
release's own (or does what it wants); on an older release a stand-in takes its
place. CI runs the whole suite on both (scripts/test --minimum). Drop a stand-in
once hacs.json's minimum reaches the release named beside it.
"""

from typing import TYPE_CHECKING

from homeassistant.const import MAJOR_VERSION, MINOR_VERSION
from homeassistant.helpers import device_registry as dr

# 2026.9 validates with probatio, voluptuous's drop-in successor: forms and
# service schemas must be made with the engine Home Assistant serialises. By
# release, not by import: any package may have installed probatio before.
# 2026.9 also gives each device one config entry; before, integrations that
# share a device (a MAC) share one entry of the registry.
if TYPE_CHECKING or (MAJOR_VERSION, MINOR_VERSION) >= (2026, 9):
    import probatio

    def config_entry_ids_of(device: dr.BaseDeviceEntry) -> set[str]:
        """Return the config entries a device belongs to."""
        return {device.config_entry_id}

    def async_remove_entry_device(
        registry: dr.DeviceRegistry, device_id: str, config_entry_id: str
    ) -> None:
        """Remove a config entry's device."""
        registry.async_remove_device(device_id)

else:  # pragma: no cover - run by the minimum's suite
    import voluptuous as probatio

    def config_entry_ids_of(device: dr.DeviceEntry) -> set[str]:
        """Return the config entries a device belongs to."""
        return set(device.config_entries)

    def async_remove_entry_device(
        registry: dr.DeviceRegistry, device_id: str, config_entry_id: str
    ) -> None:
        """Take the entry off a device; the device goes with its last entry."""
        registry.async_update_device(device_id, remove_config_entry_id=config_entry_id)


if TYPE_CHECKING:
    from homeassistant.components.repairs import RepairsFlowResult
    from homeassistant.exceptions import (
        ImplementationUnavailableError,
        OAuth2TokenRequestConnectionError,
        UnknownImplementationError,
    )
else:
    try:  # 2026.6
        from homeassistant.components.repairs import RepairsFlowResult
    except ImportError:  # pragma: no cover - run by the minimum's suite
        from homeassistant.data_entry_flow import FlowResult as RepairsFlowResult

    try:  # 2026.10
        from homeassistant.exceptions import (
            ImplementationUnavailableError,
            OAuth2TokenRequestConnectionError,
            UnknownImplementationError,
        )
    except ImportError:  # pragma: no cover - run by the minimum's suite
        from aiohttp import ClientError

        from homeassistant.exceptions import ConfigEntryNotReady
        from homeassistant.helpers.config_entry_oauth2_flow import (
            ImplementationUnavailableError,
        )

        # What async_get_config_entry_implementation raised for a credential
        # that is gone; 2026.10's UnknownImplementationError is one too.
        UnknownImplementationError = ValueError

        class OAuth2TokenRequestConnectionError(ClientError, ConfigEntryNotReady):
            """A token request that got no usable answer, as 2026.10 defines it."""

            def __init__(self, *, domain: str) -> None:
                """Name the integration whose token request failed."""
                super().__init__(f"The token request for {domain} got no answer")
                self.domain = domain


__all__ = [
    "ImplementationUnavailableError",
    "OAuth2TokenRequestConnectionError",
    "RepairsFlowResult",
    "UnknownImplementationError",
    "async_remove_entry_device",
    "config_entry_ids_of",
    "probatio",
]
