"""The errors of the Gizwits clients (Open API, newer app login, app WebSocket).

Free of Home Assistant, like the clients that raise them.
"""

from .. import http


class GizwitsError(http.VendorClientError):
    """Base error of the Gizwits client."""


class GizwitsConnectionError(GizwitsError, http.VendorConnectionError):
    """The cloud could not be reached, timed out, failed or answered garbage."""


class GizwitsRateLimitError(GizwitsConnectionError, http.VendorThrottledError):
    """The cloud throttled the request (9041)."""


class GizwitsDefinitionError(GizwitsError):
    """A product's definition came back without a datapoint that can be read."""


class GizwitsApiError(GizwitsError, http.VendorRefusedError):
    """The cloud answered with an error code."""

    def __init__(self, code: int, message: str) -> None:
        """Keep the cloud's code with its message."""
        super().__init__(f"{message} ({code})")
        self.code = code


class GizwitsTokenError(GizwitsApiError, http.VendorAuthError):
    """The user token is invalid or expired (9004, 9006)."""


class GizwitsAuthError(GizwitsApiError, http.VendorAuthError):
    """The username or password is refused (9005, 9020)."""


class GizwitsAccountMovedError(GizwitsApiError):
    """The account moved to Gizwits' newer app login (9026)."""


class GizwitsAppIdError(GizwitsApiError):
    """The AppID is not valid (9003)."""


class GizwitsNotBoundError(GizwitsApiError, http.VendorNotFoundError):
    """The device is no longer bound to the user (9017)."""


class GizwitsDeviceOfflineError(GizwitsApiError):
    """The device is offline (9042)."""


class GizwitsInvalidAttrError(GizwitsApiError):
    """A datapoint or its value was refused (9025)."""


class GizwitsRefreshUnavailableError(GizwitsApiError):
    """The newer login cannot refresh this session: sign in again instead."""


class GizwitsSocketError(GizwitsConnectionError):
    """The app WebSocket failed, closed or refused the login."""
