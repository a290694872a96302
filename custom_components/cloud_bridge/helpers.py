"""Turns the core's neutral errors into translated Home Assistant errors."""

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Concatenate

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .const import DOMAIN
from .errors import (
    CloudAccountError,
    CloudAuthError,
    CloudError,
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

# (error, translation key, whether the message says the cloud's words): the
# first that matches wins, so narrower errors come first.
_TRANSLATIONS: tuple[tuple[type[CloudError], str, bool], ...] = (
    (DeviceOfflineError, "device_offline", True),
    (DeviceGoneError, "device_gone", True),
    (CloudRejectedError, "command_rejected", True),
    (CloudAuthError, "auth_failed", False),
    (CloudRateLimitedError, "rate_limited", False),
    (CloudUnavailableError, "cloud_unavailable", True),
)


def translated_error(err: CloudError) -> HomeAssistantError:
    """Return the translated error a user sees for a cloud's failure."""
    if isinstance(err, CloudInvalidValueError):
        return ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_value",
            translation_placeholders={"error": str(err)},
        )
    if isinstance(err, CloudPartialError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="partial_failure",
            translation_placeholders={"devices": ", ".join(err.failed)},
        )
    if isinstance(err, CloudAccountError):
        return HomeAssistantError(translation_domain=DOMAIN, translation_key=err.issue)
    key, says = next(
        ((key, says) for kind, key, says in _TRANSLATIONS if isinstance(err, kind)),
        ("cloud_unavailable", True),
    )
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"error": str(err)} if says else None,
    )


def cloud_exception_handler[CoordinatorT: CloudBridgeCoordinator, **P](
    func: Callable[Concatenate[CoordinatorT, P], Coroutine[Any, Any, None]],
) -> Callable[Concatenate[CoordinatorT, P], Coroutine[Any, Any, None]]:
    """Decorate a command so a failure reaches the user as a translated error.

    What the failure means for the entry happens first: devices that took a
    partial command show it, a device offline or gone is looked at again at
    once, a refused sign-in starts reauthentication.
    """

    async def handler(self: CoordinatorT, /, *args: P.args, **kwargs: P.kwargs) -> None:
        try:
            await func(self, *args, **kwargs)
        except CloudError as err:
            if isinstance(err, CloudPartialError):
                self.async_apply(err.updates)
            elif isinstance(err, DeviceOfflineError | DeviceGoneError):
                await self.async_confirm()
            elif isinstance(err, CloudAuthError):
                self.config_entry.async_start_reauth(self.hass)
            raise translated_error(err) from err

    return handler
