"""What WiZ sends back to the browser, matched to the set-up it belongs to.

A callback that carries our ``state`` belongs to the set-up that sent it. One
without (WiZ's documented callback has none) could come from anyone who can
reach Home Assistant: its code is kept unclaimed, and a set-up takes it only
when the user types the characters the callback page showed them.
"""

from dataclasses import dataclass
import time

from homeassistant.core import HomeAssistant, callback
from homeassistant.util.hass_dict import HassKey

# The step a set-up waits in while the user links in the browser.
LINK_STEP = "wiz_pro_link_browser"
# Codes kept for a set-up to claim, at most, and for how long.
MAX_UNCLAIMED = 20
UNCLAIMED_SECONDS = 600.0
CONFIRMATION_LENGTH = 6
UNCLAIMED: HassKey[list[UnclaimedCode]] = HassKey("cloud_bridge_unclaimed_codes")

# OAuth 2's error codes (RFC 6749, 4.1.2.1) as abort reasons we translate;
# WiZ's text is never shown as it came.
_ERROR_REASONS = {
    "access_denied": "link_denied",
    "invalid_request": "link_refused",
    "unauthorized_client": "link_refused",
    "unsupported_response_type": "link_refused",
    "invalid_scope": "link_refused",
    "server_error": "link_unavailable",
    "temporarily_unavailable": "link_unavailable",
}
LINK_FAILED = "link_failed"


@dataclass(frozen=True, slots=True)
class UnclaimedCode:
    """A code that came back without our state, waiting to be confirmed."""

    code: str
    received: float


def abort_reason(error: object) -> str:
    """Return the translated abort reason for an OAuth error code from WiZ."""
    return (
        _ERROR_REASONS.get(error, LINK_FAILED)
        if isinstance(error, str)
        else LINK_FAILED
    )


def confirmation_of(code: str) -> str:
    """Return what the user types to claim a code: its last characters."""
    return code[-CONFIRMATION_LENGTH:]


@callback
def async_keep_unclaimed(hass: HomeAssistant, code: str) -> str:
    """Keep a code for a set-up to claim; return its confirmation."""
    now = time.monotonic()
    kept = [
        unclaimed
        for unclaimed in hass.data.get(UNCLAIMED, [])
        if now - unclaimed.received < UNCLAIMED_SECONDS and unclaimed.code != code
    ]
    hass.data[UNCLAIMED] = [*kept, UnclaimedCode(code, now)][-MAX_UNCLAIMED:]
    return confirmation_of(code)


@callback
def async_claim_code(hass: HomeAssistant, typed: str) -> str | None:
    """Return (and forget) the newest kept code the typed confirmation names."""
    typed = typed.strip()
    now = time.monotonic()
    kept = hass.data.get(UNCLAIMED, [])
    for unclaimed in reversed(kept):
        if (
            now - unclaimed.received < UNCLAIMED_SECONDS
            and len(typed) >= min(CONFIRMATION_LENGTH, len(unclaimed.code))
            and confirmation_of(unclaimed.code) == typed
        ):
            kept.remove(unclaimed)
            return unclaimed.code
    return None
