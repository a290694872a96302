"""Vendor-neutral errors that adapters raise and the core turns into HA errors."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import PointUpdate


class CloudError(Exception):
    """A cloud could not do what was asked."""


class CloudAuthError(CloudError):
    """The cloud no longer accepts the stored credentials."""


class CloudAccountError(CloudError):
    """The account cannot be used until its owner acts outside Home Assistant.

    ``issue`` names the repair issue (a translation key) that explains what to do.
    """

    def __init__(self, message: str, issue: str) -> None:
        """Remember which repair issue explains the problem."""
        super().__init__(message)
        self.issue = issue


class CloudUnavailableError(CloudError):
    """The cloud could not be reached, timed out or failed on its side."""


class CloudRedirectedError(CloudUnavailableError):
    """The cloud's address answered with a redirect, which is never followed."""


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


class DeviceGoneError(CloudRejectedError):
    """The device a command was for left the account (unbound, deleted).

    The adapter re-reads its topology at the next poll, which the core asks
    for at once, so the device leaves Home Assistant.
    """


class CloudPartialError(CloudRejectedError):
    """Some of the devices a command was for did not take it; the rest did."""

    def __init__(
        self, message: str, failed: list[str], updates: list[PointUpdate]
    ) -> None:
        """Remember who failed and what the others now show."""
        super().__init__(message)
        self.failed = failed
        self.updates = updates
