"""WiZ Pro buildings as a Snapshot, and commands as GraphQL mutations.

The adapter composes the concerns that live in their own modules: each
building's index and devices (``topology``, ``building_view``), the bulbs'
optimistic state (``bulb_states``), commands and their batching (``commands``,
``batch``, ``equivalence``, ``piloting``), pushes (``push_merge``,
``telemetry``), offline bulbs (``offline``) and each bulb's last white or
colour (``mode_memory``).
"""

from collections.abc import Awaitable, Callable, Sequence
import logging
from typing import Any

from ...errors import CloudError, CloudUnavailableError, DeviceOfflineError
from ...model import Command, PointUpdate, Snapshot
from ..base import ProblemLog, VendorAdapter
from ..http import VendorClientError
from ..parse import ParseError
from .batch import StartTask
from .building_view import LightBook
from .buildings import Buildings
from .client import WizProClient, WizProCommandFailedError, WizProNotFoundError
from .commands import Commands
from .offline import OfflineWatch
from .push_merge import PushOutcome, merge_push
from .status_change import StatusChange
from .telemetry import PushRecord

_LOGGER = logging.getLogger(__name__)


class WizProAdapter(VendorAdapter):
    """Turns granted WiZ Pro buildings into a Snapshot."""

    def __init__(
        self,
        client: WizProClient,
        building_ids: Sequence[str],
        renew_token: Callable[[], Awaitable[None]],
        start: StartTask,
        record: PushRecord | None = None,
    ) -> None:
        """Keep the client, the buildings to poll, and how to renew the token.

        start(coroutine, name) runs a batch of piloting in a tracked task;
        record holds what Data export delivered before (kept across restarts).
        """
        self._client = client
        self._renew_token = renew_token
        record = record or PushRecord()
        book = LightBook(record=record, watch=OfflineWatch(record.disconnected))
        self._buildings = Buildings(building_ids, book)
        self._commands = Commands(client, self._call, self._buildings, start)
        self._problems = ProblemLog(_LOGGER, "Skipping malformed WiZ Pro data: %s")
        # Building names seen so far, and the buildings WiZ no longer grants.
        self._building_names: dict[str, str] = {}
        self._lost: tuple[str, ...] = ()
        self._snapshot: Snapshot | None = None

    @property
    def record(self) -> PushRecord:
        """Return what Data export delivered."""
        return self._buildings.book.record

    def _vendor_error(self, err: VendorClientError) -> CloudError | None:
        """Return DeviceOfflineError when a mutation was not taken by the lights."""
        if isinstance(err, WizProCommandFailedError):
            return DeviceOfflineError(str(err))
        return None

    @property
    def lost_buildings(self) -> list[str]:
        """Return the buildings WiZ no longer grants, by name where known."""
        return [self._building_names.get(bid, bid) for bid in self._lost]

    async def _read_building(self, building_id: str) -> dict[str, Any] | None:
        """Read one building's reply; None when WiZ no longer grants it."""

        async def read() -> dict[str, Any] | None:
            try:
                return await self._client.building_data(building_id)
            except WizProNotFoundError as err:
                _LOGGER.debug("WiZ Pro no longer grants %s: %s", building_id, err)
                return None

        return await self._call(read)

    async def async_poll(self, *, topology_due: bool, state_due: bool) -> Snapshot:
        """Read every building: one buildingTopology query each.

        A building WiZ no longer grants (deleted, or its access withdrawn)
        leaves the others working: its devices are missing from an incomplete
        Snapshot, so they are unavailable rather than removed. A light, room
        or group that cannot be read makes the Snapshot incomplete too; a
        value that cannot be read is left out, logged once.
        """
        del state_due  # always due: WiZ Pro pushes no state a poll could skip
        states = self._buildings.book.states
        states.begin_poll()
        try:
            replies = {
                bid: await self._read_building(bid) for bid in self._buildings.ids
            }
            # Set by a command or push until now (while the poll was out too).
            changed = self._read_replies(replies, topology_due, states.unread)
        finally:
            states.end_poll()
        lost = tuple(bid for bid, raw in replies.items() if raw is None)
        views = [
            self._buildings.views[bid] for bid in self._buildings.ids if bid not in lost
        ]
        complete = not lost and not any(view.problems for view in views)
        previous = self._snapshot
        self._lost = lost
        if complete and any(view.fresh for view in views):
            self._buildings.forget_gone()
        if (
            previous is not None
            and not changed
            and previous.complete == complete
            and len(previous.devices) == sum(len(view.devices) for view in views)
        ):
            return previous
        if len(views) == 1:
            devices = views[0].devices
        else:
            devices = {k: v for view in views for k, v in view.devices.items()}
        self._snapshot = Snapshot(devices, complete)
        return self._snapshot

    def _read_replies(
        self,
        replies: dict[str, dict[str, Any] | None],
        topology_due: bool,
        reread: set[str],
    ) -> bool:
        """Read each building's reply; tell whether any device changed."""
        changed = False
        for bid, raw in replies.items():
            if raw is None:
                continue
            view = self._buildings.views[bid]
            before = view.devices
            try:
                problems = view.read(
                    raw, self._buildings.book, topology_due=topology_due, reread=reread
                )
            except ParseError as err:
                raise CloudUnavailableError(
                    f"WiZ Pro sent a bad building: {err}"
                ) from err
            for problem in (*view.problems, *problems):
                self._problems.report(problem)
            if view.topology is not None:
                self._building_names[bid] = view.topology.name
            changed = changed or view.devices is not before
        return changed

    async def async_execute(self, command: Command) -> list[PointUpdate]:
        """Send the mutation a command needs; return the optimistic values."""
        return await self._commands.execute(command)

    def status_updates(self, status: StatusChange) -> PushOutcome | None:
        """Return what a STATUSCHANGE changes; None when the MAC is unknown."""
        return merge_push(self._buildings, status, self._commands.updates)

    def diagnostics(self) -> dict[str, Any]:
        """Return the buildings polled and the telemetry pushed so far."""
        return {
            "building_ids": list(self._buildings.ids),
            "lost_building_ids": list(self._lost),
            "bulbs": sum(
                len(topology.bulbs) for topology in self._buildings.topologies()
            ),
            "reported_problems": self._problems.reported,
            "pushed_telemetry": {
                mac: {
                    "connected": telemetry.connected,
                    "rssi": telemetry.rssi,
                    "power": telemetry.power,
                }
                for mac, telemetry in self._buildings.book.record.items
            },
        }
