"""An application's devices and their last state, as each poll reads them.

Each poll reads the composite state a page of devices at a time (the bulk
endpoint) and the devices whose connection changed since the last read (the
device list's query on ``connectedAt``/``disconnectedAt``: one small request);
the whole device list (attributes, gateways, connection, tags) is topology.
Where the bulk endpoint answers 404 and the application is still there, each
device's own composite state is read instead, a few at a time. An application
the cloud no longer has (404 on its device list or on Application Get) is an
account problem the user must act on; a device it no longer has (404 on the
device) only makes the device list stale.
"""

import logging

from ...errors import CloudAccountError, CloudRejectedError
from ..base import ProblemLog, read_concurrently
from .calls import ApplicationApi, refused
from .client import WegnologyClient
from .models import AttributeState, Device, query_time

_LOGGER = logging.getLogger(__name__)

MAX_CONCURRENT_READS = 4
# The repair issue (and error) of an application the cloud no longer has.
APPLICATION_GONE = "wegnology_application_gone"
# Losant's device classes that never hold a connection of their own: a floating
# device's state is reported for it (by a gateway, a workflow or the API), and a
# system device is the platform's own. Their connectionInfo says "disconnected"
# for ever, which tells nothing about whether their values are current.
NEVER_CONNECTED = frozenset({"floating", "system"})


class DeviceReader:
    """Reads an application's devices and their state; keeps what it read."""

    def __init__(self, api: ApplicationApi) -> None:
        """Read the devices of an application."""
        self._api = api
        self.devices: dict[str, Device] = {}
        self.states: dict[str, dict[str, AttributeState]] = {}
        # Whether the bulk composite state is there (tried again with the list).
        self.bulk = True
        # Whether the list was fully readable: a device missing from it is gone.
        self.complete = True
        self._stale = True
        self._unlisted: set[str] = set()
        self._problems = ProblemLog(_LOGGER, "WEGnology: a device skipped: %s")

    def mark_stale(self) -> None:
        """Read the device list at the next poll (a device was not found)."""
        self._stale = True

    async def read(self, *, topology_due: bool) -> bool:
        """Read state and connection changes; the list when due; tell if it was read."""
        listed = topology = topology_due or self._stale
        if topology:
            await self._read_devices()
            self.bulk = True
        states = await self._read_states()
        if (unlisted := set(states) - set(self.devices)) - self._unlisted:
            # State names a device the list did not have: read the list now
            # (once: one the list cannot give, being unreadable, is not asked
            # for again on every poll).
            await self._read_devices()
            listed = True
        self._unlisted = unlisted
        if not listed:
            await self._read_connection_changes()
        self.states = states
        return listed

    async def _read_connection_changes(self) -> None:
        """Read the devices whose connection changed since the newest change seen.

        One small request (usually the device or two of that last moment);
        a device it names that the list did not have joins at once.
        """
        changes = [
            device.connection_time
            for device in self.devices.values()
            if device.connection_time is not None
            and device.device_class not in NEVER_CONNECTED
        ]
        if not changes:
            return
        since = query_time(max(changes))
        listing = await self._api.send(
            WegnologyClient.devices,
            query={
                "$or": [
                    {"connectedAt": {"$gte": since}},
                    {"disconnectedAt": {"$gte": since}},
                ]
            },
        )
        for device in listing.items:
            self.devices[device.id] = device

    def _gone(self, err: CloudRejectedError) -> CloudAccountError:
        """Return the account problem of an application the cloud no longer has."""
        return CloudAccountError(
            f"WEGnology no longer has application {self._api.application_id}: {err}",
            APPLICATION_GONE,
        )

    async def _read_devices(self) -> None:
        """Read the application's devices."""
        try:
            devices = await self._api.send(WegnologyClient.devices)
        except CloudRejectedError as err:
            if refused(err, 404):
                raise self._gone(err) from err
            raise
        for problem in devices.skipped:
            self._problems.report(problem)
        self.complete = not devices.skipped
        self.devices = {device.id: device for device in devices.items}
        self._stale = False

    async def _check_application(self) -> None:
        """Raise the account problem if Application Get no longer finds the application.

        Only a 404 says it is gone: a token that may not read the application
        itself (403) still reads its devices.
        """
        try:
            await self._api.send(WegnologyClient.application)
        except CloudRejectedError as err:
            if refused(err, 404):
                raise self._gone(err) from err
            _LOGGER.debug("Application Get refused, the devices are read: %s", err)

    async def _read_states(self) -> dict[str, dict[str, AttributeState]]:
        """Read every device's state: in bulk, or one by one where bulk is missing."""
        if self.bulk:
            try:
                return await self._api.send(WegnologyClient.composite_states)
            except CloudRejectedError as err:
                if not refused(err, 404):
                    raise
                # A 404 from a server without the route, or for an application
                # that is gone: Application Get tells them apart.
                await self._check_application()
                _LOGGER.info(
                    "WEGnology has no bulk composite state; reading devices one by one"
                )
                self.bulk = False

        async def read(device_id: str) -> tuple[str, dict[str, AttributeState]]:
            try:
                return device_id, await self._api.send(
                    WegnologyClient.composite_state, device_id
                )
            except CloudRejectedError as err:
                if not refused(err, 404):
                    raise
                # Gone since the list was read: read the list again next time.
                self._stale = True
                return device_id, {}

        states = dict(await read_concurrently(self.devices, read, MAX_CONCURRENT_READS))
        if self._stale:
            # A device was not found: gone itself, or with its application?
            await self._check_application()
        return states

    @property
    def reported_problems(self) -> list[str]:
        """Return the unreadable devices logged, for diagnostics."""
        return self._problems.reported
