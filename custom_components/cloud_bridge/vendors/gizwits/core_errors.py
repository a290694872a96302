"""Gizwits' own error codes as the core's errors, and requests sent with them."""

from collections.abc import Awaitable, Callable

from ...errors import (
    CloudAccountError,
    CloudError,
    CloudInvalidValueError,
    DeviceOfflineError,
)
from ..base import call_neutral
from ..http import VendorClientError
from .errors import (
    GizwitsAppIdError,
    GizwitsDeviceOfflineError,
    GizwitsInvalidAttrError,
)


def core_error(err: VendorClientError) -> CloudError | None:
    """Return the core's error for Gizwits' own codes; None for the common kinds."""
    match err:
        case GizwitsAppIdError():
            # The AppID was refused (9003): nothing works until it is changed.
            return CloudAccountError(str(err), "invalid_app_id")
        case GizwitsDeviceOfflineError():
            return DeviceOfflineError(str(err))
        case GizwitsInvalidAttrError():
            return CloudInvalidValueError(str(err))
    return None


async def call[T](request: Callable[[], Awaitable[T]]) -> T:
    """Send a request with Gizwits' errors made the core's."""
    return await call_neutral(request, core_error)
