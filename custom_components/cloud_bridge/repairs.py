"""Repairs that a user completes in Home Assistant."""

from homeassistant.components.repairs import RepairsFlow
from homeassistant.core import HomeAssistant

from .vendors.gizwits.repair import DefinitionRepairFlow


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """Return the flow that fixes an issue: pasting a Gizwits product definition."""
    issue = data or {}
    return DefinitionRepairFlow(str(issue["entry_id"]), str(issue["product_key"]))
