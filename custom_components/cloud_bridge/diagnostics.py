"""Diagnostics: what the entry holds and sees, with every secret redacted."""

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import REDACTED, async_redact_data
from homeassistant.const import (
    CONF_ACCESS_TOKEN,
    CONF_CLIENT_SECRET,
    CONF_EMAIL,
    CONF_PASSWORD,
    CONF_TOKEN,
    CONF_USERNAME,
    CONF_WEBHOOK_ID,
)
from homeassistant.core import HomeAssistant

from .coordinator import CloudBridgeConfigEntry
from .model import Snapshot

# Every cloud's: its own keys come from its Vendor.
COMMON_REDACT = frozenset(
    {
        CONF_ACCESS_TOKEN,
        "refresh_token",
        CONF_CLIENT_SECRET,
        CONF_PASSWORD,
        CONF_TOKEN,
        CONF_USERNAME,
        CONF_EMAIL,
        CONF_WEBHOOK_ID,
    }
)


def _plain(value: Any) -> Any:
    """Return a value JSON can hold: sets and tuples become sorted lists."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(_plain(item) for item in value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def snapshot_as_dict(snapshot: Snapshot) -> dict[str, Any]:
    """Return a Snapshot as plain data, private values redacted."""
    devices = {}
    for key, device in snapshot.devices.items():
        plain = _plain(asdict(device))
        for point_key, point in device.points.items():
            plain["points"][point_key]["spec"]["kind"] = point.spec.kind.value
            if point.spec.private and point.value is not None:
                plain["points"][point_key]["value"] = REDACTED
        devices[key] = plain
    return devices


def _redacted_url(url: str | None, secret: str | None) -> str | None:
    """Show where pushes go without the webhook id that authorises them."""
    if url is None or not secret:
        return url
    return url.replace(secret, REDACTED)


def _scrubbed(value: Any, secrets: tuple[str, ...]) -> Any:
    """Return value with each secret replaced wherever it appears (titles, ids)."""
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, REDACTED)
        return value
    if isinstance(value, dict):
        return {
            _scrubbed(key, secrets): _scrubbed(item, secrets)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_scrubbed(item, secrets) for item in value]
    return value


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: CloudBridgeConfigEntry
) -> dict[str, Any]:
    """Return diagnostics for an entry."""
    runtime = entry.runtime_data
    coordinator = runtime.coordinator
    vendor = runtime.vendor
    push_url = vendor.push_url(hass, entry) if vendor.push_url else None
    redact = COMMON_REDACT | vendor.redact
    # Longest first, so a secret inside another (a username in an AppID) goes too.
    secrets = tuple(
        sorted(
            {
                value
                for key, value in entry.data.items()
                if key in redact and isinstance(value, str) and value
            },
            key=len,
            reverse=True,
        )
    )
    diagnostics = {
        "entry": {
            "title": entry.title,
            "unique_id": entry.unique_id,
            "data": async_redact_data(dict(entry.data), redact),
            "options": async_redact_data(dict(entry.options), redact),
        },
        "push": {
            "webhook_url": _redacted_url(push_url, entry.data.get(CONF_WEBHOOK_ID)),
            "https": push_url.startswith("https://") if push_url else None,
        },
        "poll": {
            "last_update_success": coordinator.last_update_success,
            "last_exception": repr(coordinator.last_exception)
            if coordinator.last_exception
            else None,
        },
        "adapter": async_redact_data(coordinator.adapter.diagnostics(), redact),
        "snapshot": snapshot_as_dict(coordinator.data),
    }
    return dict(_scrubbed(diagnostics, secrets))
