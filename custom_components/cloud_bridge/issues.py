"""Keeps an entry's repair issues in step with what its adapter reports."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN

if TYPE_CHECKING:
    from .coordinator import CloudBridgeConfigEntry, CloudBridgeCoordinator


@dataclass(frozen=True, slots=True, kw_only=True)
class Issue:
    """A repair issue that lasts as long as its cause."""

    translation_key: str
    placeholders: Mapping[str, str] = field(default_factory=dict)
    fixable: bool = False
    severity: ir.IssueSeverity = ir.IssueSeverity.ERROR
    data: Mapping[str, Any] | None = None


@callback
def async_track_issues(
    hass: HomeAssistant,
    entry: CloudBridgeConfigEntry,
    coordinator: CloudBridgeCoordinator,
    prefix: str,
    current: Callable[[], Mapping[str, Issue]],
) -> None:
    """Raise the issues current() names (by id) after each update; drop the rest.

    Every id starts with prefix, which holds the entry id (so removing the
    entry removes them) and sets them apart from the coordinator's own.
    """

    @callback
    def sync() -> None:
        wanted = current()
        for issue_id, issue in wanted.items():
            ir.async_create_issue(
                hass,
                DOMAIN,
                issue_id,
                is_fixable=issue.fixable,
                severity=issue.severity,
                translation_key=issue.translation_key,
                translation_placeholders=dict(issue.placeholders),
                data=dict(issue.data) if issue.data is not None else None,
            )
        for domain, issue_id in list(ir.async_get(hass).issues):
            if (
                domain == DOMAIN
                and issue_id.startswith(prefix)
                and issue_id not in wanted
            ):
                ir.async_delete_issue(hass, DOMAIN, issue_id)

    sync()
    entry.async_on_unload(coordinator.async_add_listener(sync))
