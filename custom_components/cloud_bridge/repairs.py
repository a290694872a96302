"""Repairs that a user completes in Home Assistant: each cloud fixes its own issues."""

from homeassistant.components.repairs import RepairsFlow
from homeassistant.core import HomeAssistant

from .vendors import VENDORS


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """Return the flow that fixes an issue, from the cloud whose id starts it."""
    for vendor in sorted(VENDORS.values(), key=lambda v: len(v.id), reverse=True):
        if issue_id.startswith(f"{vendor.id}_") and vendor.async_create_fix_flow:
            return await vendor.async_create_fix_flow(hass, issue_id, data or {})
    raise ValueError(f"no repair flow for {issue_id}")
