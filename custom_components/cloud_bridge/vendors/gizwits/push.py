"""The app WebSockets of a Gizwits entry: one per distinct host, owned by the entry.

A socket per endpoint the bindings name, each a background task of the entry
(cancelled, and its socket closed, on unload). What they push patches the
Snapshot at once. While every bound device is pushed, the polls (bindings
every 30 s) read the devices' state only every 5 minutes, and at every poll
again as soon as one socket is down (the coordinator logs each change once).
That 5-minute read asks the devices on their sockets first: only those that do
not answer within 10 s are read by REST.
"""

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ...const import LOGGER, STATE_INTERVAL
from .adapter import GizwitsAdapter
from .app_socket import AppSocket
from .const import CONF_APP_ID
from .endpoints import Endpoint

if TYPE_CHECKING:
    from ...coordinator import CloudBridgeConfigEntry, CloudBridgeCoordinator

# How long the safety poll waits for devices to answer over their socket.
READ_TIMEOUT = 10.0


class GizwitsPush:
    """Keeps one app WebSocket open per endpoint of the account's devices."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: CloudBridgeConfigEntry,
        coordinator: CloudBridgeCoordinator,
        adapter: GizwitsAdapter,
    ) -> None:
        """Push into the coordinator of an entry, through its adapter."""
        self._hass = hass
        self._entry = entry
        self._coordinator = coordinator
        self._adapter = adapter
        self._sockets: dict[Endpoint, tuple[AppSocket, asyncio.Task[None]]] = {}
        self._without: tuple[str, ...] = ()
        self._said_unavailable = False
        # The last safety poll: devices read over the sockets, and how many answered.
        self._last_read: dict[str, int] | None = None

    @callback
    def async_start(self) -> None:
        """Open the sockets; follow the account's devices after every poll."""
        self._adapter.push = self
        self._entry.async_on_unload(self.async_stop)
        self._entry.async_on_unload(
            self._coordinator.async_add_listener(self._async_sync)
        )
        self._async_sync()

    async def async_stop(self) -> None:
        """Close every socket and end its task."""
        tasks = [task for _socket, task in self._sockets.values()]
        self._sockets.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    @callback
    def _async_sync(self) -> None:
        """Open a socket per endpoint with devices, close the rest; subscribe anew."""
        targets = self._adapter.push_targets()
        for endpoint in [e for e in self._sockets if e not in targets.sockets]:
            _socket, task = self._sockets.pop(endpoint)
            task.cancel()
        for endpoint, devices in targets.sockets.items():
            if endpoint not in self._sockets:
                socket = AppSocket(
                    async_get_clientsession(self._hass),
                    endpoint,
                    app_id=self._entry.data[CONF_APP_ID],
                    credentials=self._credentials,
                    renew=self._adapter.client.renew,
                    listener=self,
                )
                task = self._entry.async_create_background_task(
                    self._hass,
                    self._run(socket),
                    f"cloud_bridge Gizwits push {endpoint.host}:{endpoint.port}",
                )
                self._sockets[endpoint] = (socket, task)
            self._sockets[endpoint][0].set_devices(devices)
        if targets.without and targets.without != self._without:
            LOGGER.debug(
                "%s: %d devices have no WebSocket; they are polled",
                self._entry.title,
                len(targets.without),
            )
        self._without = targets.without
        self._update(None)

    async def async_read(self, dids: list[str]) -> set[str]:
        """Read devices over the sockets while every one is pushed; return who answered.

        Nothing is read while push is down: the poll reads every device by REST.
        """
        if self._coordinator.pushing is not True:
            return set()
        with contextlib.ExitStack() as stack:
            rounds = [
                stack.enter_context(socket.reading(dids))
                for socket, _task in self._sockets.values()
            ]
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(READ_TIMEOUT):
                    await asyncio.gather(*(reads.wait() for reads in rounds))
        answered: set[str] = set().union(*(reads.answered for reads in rounds))
        if len(answered) < len(dids):
            LOGGER.debug(
                "%s: %d of %d devices did not answer on their socket; read by REST",
                self._entry.title,
                len(dids) - len(answered),
                len(dids),
            )
        self._last_read = {"asked": len(dids), "answered": len(answered)}
        return answered

    async def _run(self, socket: AppSocket) -> None:
        """Keep a socket open; a failure no one foresaw stops it, said once."""
        try:
            await socket.run()
        except Exception:  # noqa: BLE001 - logged with its traceback
            LOGGER.exception(
                "%s: pushed updates from %s stopped",
                self._entry.title,
                socket.endpoint.url,
            )
            self._update("failed")

    async def _credentials(self) -> tuple[str, str]:
        """Return the account's uid and a token with time left."""
        user = await self._adapter.client.session()
        return user.uid, user.token

    @callback
    def _update(self, reason: str | None) -> None:
        """Tell the coordinator whether every bound device is pushed now."""
        sockets = [socket for socket, _task in self._sockets.values()]
        pushing = bool(sockets) and not self._without and all(s.up for s in sockets)
        if pushing:
            self._coordinator.async_set_pushing(True)
        elif self._coordinator.pushing:
            self._coordinator.async_set_pushing(False)
        elif reason is not None and self._coordinator.pushing is None:
            # It never worked: say so once (the coordinator logs later changes).
            if not self._said_unavailable:
                self._said_unavailable = True
                LOGGER.info(
                    "%s: pushed updates are not available (%s); polling every %s s",
                    self._entry.title,
                    reason,
                    int(STATE_INTERVAL.total_seconds()),
                )
            self._coordinator.async_set_pushing(False)

    def state(self) -> dict[str, Any]:
        """Return the sockets' state for diagnostics (nothing secret)."""
        sockets = [socket for socket, _task in self._sockets.values()]
        heard = [s.last_message_at for s in sockets if s.last_message_at is not None]
        return {
            "sockets": len(sockets),
            "connected_hosts": sorted(
                f"{s.endpoint.host}:{s.endpoint.port}" for s in sockets if s.up
            ),
            "subscribed": sum(s.subscribed for s in sockets),
            "not_subscribed": sum(len(s.refused) for s in sockets),
            "without_socket": len(self._without),
            "last_message_age": round(time.monotonic() - max(heard), 1)
            if heard
            else None,
            "reconnects": sum(s.reconnects for s in sockets),
            "pushing": self._coordinator.pushing,
            "last_socket_read": self._last_read,
        }

    # --- what the sockets say ---------------------------------------------------------

    @callback
    def socket_up(self, socket: AppSocket) -> None:
        """Poll slowly once every socket is up."""
        del socket
        self._update(None)

    @callback
    def socket_down(self, socket: AppSocket, reason: str) -> None:
        """Poll at the normal pace at once."""
        del socket
        self._update(reason)

    @callback
    def notified(self, did: str, attrs: dict[str, Any]) -> None:
        """Show what a device pushed."""
        if updates := self._adapter.pushed(did, attrs):
            self._coordinator.async_apply(updates)

    @callback
    def online_changed(self, did: str, online: bool) -> None:
        """Make a device available or unavailable at once."""
        updates, devices = self._adapter.pushed_online(did, online)
        if devices:
            self._coordinator.async_apply(updates, devices)

    @callback
    def binding_changed(self, did: str, bound: bool) -> None:
        """Read the account's devices again now."""
        del did, bound
        self._coordinator.async_request_topology()
