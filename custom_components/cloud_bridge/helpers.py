"""Turns the core's neutral errors into translated Home Assistant errors."""

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Concatenate

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .const import DOMAIN
from .errors import (
    CloudAccountError,
    CloudAuthError,
    CloudInvalidValueError,
    CloudPartialError,
    CloudRateLimitedError,
    CloudRejectedError,
    CloudUnavailableError,
    DeviceGoneError,
    DeviceOfflineError,
)

if TYPE_CHECKING:
    from .coordinator import CloudBridgeCoordinator


def cloud_exception_handler[CoordinatorT: CloudBridgeCoordinator, **P](
    func: Callable[Concatenate[CoordinatorT, P], Coroutine[Any, Any, None]],
) -> Callable[Concatenate[CoordinatorT, P], Coroutine[Any, Any, None]]:
    """Decorate a command so a failure reaches the user as a translated error."""

    async def handler(self: CoordinatorT, /, *args: P.args, **kwargs: P.kwargs) -> None:
        try:
            await func(self, *args, **kwargs)
        except CloudInvalidValueError as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_value",
                translation_placeholders={"error": str(err)},
            ) from err
        except CloudPartialError as err:
            # What the other devices took stays shown; the user hears who failed.
            self.async_apply(err.updates)
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="partial_failure",
                translation_placeholders={"devices": ", ".join(err.failed)},
            ) from err
        except DeviceOfflineError as err:
            # Ask the cloud again soon, so the device shows as it really is.
            await self.async_confirm()
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="device_offline",
                translation_placeholders={"error": str(err)},
            ) from err
        except DeviceGoneError as err:
            # The poll re-reads the account, and the device leaves.
            await self.async_confirm()
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="device_gone",
                translation_placeholders={"error": str(err)},
            ) from err
        except CloudRejectedError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="command_rejected",
                translation_placeholders={"error": str(err)},
            ) from err
        except CloudAuthError as err:
            self.config_entry.async_start_reauth(self.hass)
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from err
        except CloudAccountError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key=err.issue
            ) from err
        except CloudRateLimitedError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="rate_limited"
            ) from err
        except CloudUnavailableError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="cloud_unavailable",
                translation_placeholders={"error": str(err)},
            ) from err

    return handler
