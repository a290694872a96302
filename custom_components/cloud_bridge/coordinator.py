"""One coordinator per entry: polls the adapter, applies commands and pushes."""

import asyncio
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from time import monotonic
from typing import TYPE_CHECKING, Any, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .const import (
    DOMAIN,
    ENTITY_BUDGET,
    LOGGER,
    PUSHED_STATE_INTERVAL,
    STATE_INTERVAL,
    TOPOLOGY_INTERVAL,
)
from .devices import DeviceSync
from .errors import (
    CloudAccountError,
    CloudAuthError,
    CloudError,
    CloudRateLimitedError,
)
from .helpers import cloud_exception_handler
from .model import Command, Device, PointUpdate, Snapshot

if TYPE_CHECKING:
    from .vendors import Vendor
    from .vendors.base import VendorAdapter


@dataclass(kw_only=True)
class CloudBridgeData:
    """What a loaded entry holds."""

    coordinator: CloudBridgeCoordinator
    vendor: Vendor


type CloudBridgeConfigEntry = ConfigEntry[CloudBridgeData]


class CloudBridgeCoordinator(DataUpdateCoordinator[Snapshot]):
    """Keeps one account's Snapshot: state every 30 s, topology every 10 min."""

    config_entry: CloudBridgeConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: CloudBridgeConfigEntry,
        adapter: VendorAdapter,
        vendor: str,
    ) -> None:
        """Set up the coordinator for an entry."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{entry.title} ({vendor})",
            update_interval=STATE_INTERVAL,
            always_update=False,
        )
        self.adapter = adapter
        self.vendor = vendor
        self.devices = DeviceSync(hass, entry, vendor)
        self.topology_version = 0
        # More entities than the budget: optional ones start disabled.
        self.over_budget = False
        self._confirm_lock = asyncio.Lock()
        self._confirm_wanted = False
        # Whether the cloud pushes state now (None: it never has).
        self.pushing: bool | None = None
        self._topology_read_at: float | None = None
        self._state_read_at: float | None = None
        self._polling = False
        self._updates_while_polling: list[PointUpdate] = []
        self._online_while_polling: dict[str, bool] = {}
        # By device key; None: those that follow the devices and points.
        self._device_listeners: dict[str | None, list[CALLBACK_TYPE]] = {}
        # The last poll's Snapshot and the devices it changed (None: not known).
        self._changed_devices: tuple[Snapshot, list[str]] | None = None
        # An account issue raised before this setup (a failed setup, a restart)
        # is deleted by the first poll that works, like one raised since.
        self._account_issue: str | None = next(
            (
                issue.issue_id
                for issue in ir.async_get(hass).issues.values()
                if issue.domain == DOMAIN
                and issue.issue_id == f"{issue.translation_key}_{entry.entry_id}"
            ),
            None,
        )

    @override
    async def _async_update_data(self) -> Snapshot:
        """Poll the cloud through the adapter."""
        self._changed_devices = None
        now = monotonic()
        topology_due = (
            self._topology_read_at is None
            or now - self._topology_read_at >= TOPOLOGY_INTERVAL.total_seconds()
        )
        # While the cloud pushes state, reading it is only the safety net.
        state_due = (
            self.pushing is not True
            or self._state_read_at is None
            or now - self._state_read_at >= PUSHED_STATE_INTERVAL.total_seconds()
        )
        self._polling = True
        self._updates_while_polling = []
        self._online_while_polling = {}
        try:
            snapshot = await self.adapter.async_poll(
                topology_due=topology_due, state_due=state_due
            )
        except CloudAuthError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from err
        except CloudAccountError as err:
            self._async_raise_account_issue(err.issue)
            raise ConfigEntryError(
                translation_domain=DOMAIN, translation_key=err.issue
            ) from err
        except CloudRateLimitedError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="rate_limited",
                retry_after=err.retry_after,
            ) from err
        except CloudError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="cloud_unavailable",
                translation_placeholders={"error": str(err)},
            ) from err
        finally:
            self._polling = False
        if topology_due:
            self._topology_read_at = now
        if state_due:
            self._state_read_at = now
        if self._account_issue is not None:
            ir.async_delete_issue(self.hass, DOMAIN, self._account_issue)
            self._account_issue = None
        # A command answered while the poll was out is newer than what it read.
        snapshot = snapshot.with_updates(self._updates_while_polling)
        for device_key, is_online in self._online_while_polling.items():
            snapshot = snapshot.with_online(device_key, is_online)
        previous = self.data if self.last_update_success else None
        if not self._sync_registries(snapshot) and previous is not None:
            # Only the entities of devices that are new objects can change.
            old = previous.devices
            self._changed_devices = (
                snapshot,
                [
                    key
                    for key, dev in snapshot.devices.items()
                    if old.get(key) is not dev
                ]
                + [key for key in old if key not in snapshot.devices],
            )
        return snapshot

    @callback
    @override
    def async_update_listeners(self) -> None:
        """Tell the listeners; after a poll, only those of devices it changed."""
        changed, self._changed_devices = self._changed_devices, None
        if (
            changed is None
            or changed[0] is not self.data
            or not self.last_update_success
        ):
            super().async_update_listeners()
            return
        for key in (None, *changed[1]):
            for listener in list(self._device_listeners.get(key, ())):
                listener()

    @callback
    def _async_raise_account_issue(self, issue: str) -> None:
        """Tell the user, in Repairs, what to do about the account."""
        self._account_issue = f"{issue}_{self.config_entry.entry_id}"
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self._account_issue,
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key=issue,
            translation_placeholders={"title": self.config_entry.title},
        )

    @callback
    def _sync_registries(self, snapshot: Snapshot) -> bool:
        """Register new devices and drop gone ones before entities hear of it.

        Tell whether devices or points came, went or changed.
        """
        if not self.devices.async_sync(snapshot):
            return False
        self.topology_version += 1
        enabled = sum(
            point.spec.enabled_by_default
            for device in snapshot.devices.values()
            for point in device.points.values()
        )
        self.over_budget = enabled > ENTITY_BUDGET
        return True

    @callback
    def async_set_pushing(self, pushing: bool) -> None:
        """Read state only every 5 minutes while the cloud pushes it; else every poll.

        The rest of each poll keeps its pace. One log line when push stops
        working and one when it is back.
        """
        if pushing == self.pushing:
            return
        if pushing and self.pushing is False:
            LOGGER.info("%s: pushed updates are back", self.config_entry.title)
        elif not pushing and self.pushing:
            LOGGER.info(
                "%s: pushed updates stopped; polling every %s s",
                self.config_entry.title,
                int(STATE_INTERVAL.total_seconds()),
            )
        self.pushing = pushing

    @callback
    def async_request_topology(self) -> None:
        """Read the devices again now (the cloud said the account changed).

        As after a command, the read starts after this call: a request made
        while a poll is out would be dropped, and that poll may have read the
        account before the change.
        """
        self._topology_read_at = None
        self.config_entry.async_create_background_task(
            self.hass, self.async_confirm(), "cloud_bridge topology"
        )

    async def async_confirm(self) -> None:
        """Read the cloud again after a command, without waiting out a cooldown.

        Commands in a row share reads: a read that starts after a command
        confirms it, so a command waits at most for the read already running.
        """
        self._confirm_wanted = True
        async with self._confirm_lock:
            if not self._confirm_wanted:
                return
            self._confirm_wanted = False
            await self.async_refresh()

    @callback
    @override
    def async_add_listener(
        self, update_callback: CALLBACK_TYPE, context: Any = None
    ) -> Callable[[], None]:
        """Listen for updates; a device key as context also hears its own pushes."""
        remove = super().async_add_listener(update_callback, context)
        listeners = self._device_listeners.setdefault(context, [])
        listeners.append(update_callback)

        @callback
        def remove_both() -> None:
            remove()
            listeners.remove(update_callback)

        return remove_both

    @callback
    def async_apply(
        self, updates: list[PointUpdate], online: Mapping[str, bool] | None = None
    ) -> None:
        """Take new values from a command or a push; tell only their entities."""
        snapshot = self.data.with_updates(updates)
        for device_key, is_online in (online or {}).items():
            snapshot = snapshot.with_online(device_key, is_online)
        if snapshot is self.data:
            return
        self.data = snapshot
        if self._polling:
            # A poll already out read the cloud before this; it must not undo it.
            self._updates_while_polling.extend(updates)
            self._online_while_polling.update(online or {})
        changed = {update.device_key for update in updates} | set(online or ())
        for device_key in changed:
            for listener in list(self._device_listeners.get(device_key, ())):
                listener()

    @callback
    def async_apply_devices(self, devices: Iterable[Device]) -> None:
        """Take devices a push made anew (with points they lacked, say).

        Registries and platforms follow at once, without reading the cloud;
        only those devices' entities and the platforms hear of it.
        """
        replaced = {device.key: device for device in devices}
        self.data = Snapshot({**self.data.devices, **replaced}, self.data.complete)
        self._sync_registries(self.data)
        for key in (None, *replaced):
            for listener in list(self._device_listeners.get(key, ())):
                listener()

    @cloud_exception_handler
    async def async_execute(self, command: Command) -> None:
        """Carry out a command and show its outcome until the next poll."""
        updates = await self.adapter.async_execute(command)
        if updates:
            self.async_apply(updates)
        else:
            await self.async_confirm()
