"""Vendor-neutral errors that adapters raise and the core turns into HA errors."""


class CloudError(Exception):
    """A cloud could not do what was asked."""


class CloudAuthError(CloudError):
    """The cloud no longer accepts the stored credentials."""


class CloudUnavailableError(CloudError):
    """The cloud could not be reached, timed out or failed on its side."""


class CloudRateLimitedError(CloudUnavailableError):
    """The cloud asked us to slow down."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        """Remember how long the cloud asked us to wait."""
        super().__init__(message)
        self.retry_after = retry_after


class CloudRejectedError(CloudError):
    """The cloud refused a command (an API error, or the device did not take it)."""


class CloudInvalidValueError(CloudRejectedError):
    """The cloud refused a value as out of range or not allowed."""


class DeviceOfflineError(CloudRejectedError):
    """The device a command was for is offline."""
