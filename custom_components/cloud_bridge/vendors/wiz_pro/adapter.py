"""WiZ Pro buildings as a Snapshot, and commands as GraphQL mutations.

The adapter composes the concerns that live in their own modules: each
building's index and devices (``building_view``), the bulbs' optimistic state
(``bulb_states``), batching (``batch``, ``equivalence``, ``piloting``), what
pushes say (``telemetry``), offline bulbs (``offline``) and each bulb's last
white or colour (``mode_memory``).
"""

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
import logging
from typing import Any

from ...errors import (
    CloudError,
    CloudInvalidValueError,
    CloudRejectedError,
    CloudUnavailableError,
    DeviceOfflineError,
)
from ...model import (
    Command,
    Device,
    LightCommand,
    LightFeatures,
    PointUpdate,
    Snapshot,
)
from ..base import ProblemLog, VendorAdapter
from ..http import VendorClientError
from ..parse import ParseError
from .batch import PilotingBatcher, StartTask
from .building_view import BuildingView, LightBook
from .client import WizProClient, WizProCommandFailedError, WizProNotFoundError
from .equivalence import merged
from .light_modes import MODE_IDS
from .mapping import EFFECT_OFF, apply_piloting, piloting_input
from .mode_stop import stop_light_modes
from .models import PilotingState
from .offline import OfflineWatch
from .piloting import Mutations
from .points import aggregate_value
from .status_change import StatusChange
from .telemetry import PushRecord, merge_status
from .topology import (
    CONNECTIVITY,
    EFFECT_SPEED,
    LIGHT,
    POWER,
    RATIO,
    RSSI,
    Aggregate,
    Bulb,
    RoomAction,
    Topology,
)

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PushOutcome:
    """What a STATUSCHANGE changes: values, and a device with points new to it."""

    updates: list[PointUpdate]
    online: dict[str, bool]
    devices: list[Device]


def _stops_light_mode(command: Any) -> bool:
    """Tell whether a light command only asks the light mode to stop.

    With a colour or a white alongside, that colour stops the mode by itself.
    """
    return (
        isinstance(command, LightCommand)
        and command.on
        and command.effect == EFFECT_OFF
        and command.color_temp_kelvin is None
        and command.rgb_color is None
        and command.rgbww_color is None
    )


def _light_input(
    command: Any, features: LightFeatures
) -> tuple[PilotingState, Exception | None]:
    """Validate a light command; return its change, and why the light refuses it.

    A light mode the light does not have is refused unless a wider command of
    the same call does the same to the bulbs (the room's, in an area action);
    one WiZ does not have at all is refused at once.
    """
    if not isinstance(command, LightCommand):
        raise CloudInvalidValueError("not a light command")
    refused: Exception | None = None
    if command.effect not in (None, EFFECT_OFF):
        error = CloudInvalidValueError(f"unknown light mode {command.effect!r}")
        if command.effect not in MODE_IDS:
            raise error
        if command.effect not in features.effects:
            refused = error
    return piloting_input(command, features), refused


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
        self._building_ids = tuple(building_ids)
        self._renew_token = renew_token
        record = record or PushRecord()
        self._book = LightBook(record=record, watch=OfflineWatch(record.disconnected))
        self._views = {bid: BuildingView(bid) for bid in self._building_ids}
        self._problems = ProblemLog(_LOGGER, "Skipping malformed WiZ Pro data: %s")
        # Building names seen so far, and the buildings WiZ no longer grants.
        self._building_names: dict[str, str] = {}
        self._lost: tuple[str, ...] = ()
        self._snapshot: Snapshot | None = None
        self._mutations = Mutations(client, self._call)
        self._batcher = PilotingBatcher(
            self._cover, start, merge=self._merge, applied=self._applied
        )

    @property
    def record(self) -> PushRecord:
        """Return what Data export delivered."""
        return self._book.record

    def _vendor_error(self, err: VendorClientError) -> CloudError | None:
        """Return DeviceOfflineError when a mutation was not taken by the lights."""
        if isinstance(err, WizProCommandFailedError):
            return DeviceOfflineError(str(err))
        return None

    @property
    def lost_buildings(self) -> list[str]:
        """Return the buildings WiZ no longer grants, by name where known."""
        return [self._building_names.get(bid, bid) for bid in self._lost]

    # --- lookups -------------------------------------------------------------

    def _topologies(self) -> Iterable[Topology]:
        """Return the index of every building read so far."""
        return (v.topology for v in self._views.values() if v.topology is not None)

    def _topology_of(self, device_key: str) -> Topology | None:
        """Return the index of the building a device key belongs to."""
        view = self._views.get(device_key.partition(":")[0])
        return view.topology if view is not None else None

    def _bulb(self, key: str) -> Bulb | None:
        """Return a bulb by key, if a building still has it."""
        topology = self._topology_of(key)
        return topology.bulbs.get(key) if topology is not None else None

    def _is_online(self, key: str) -> bool:
        """Tell whether a bulb is reachable, as far as pushes have said."""
        bulb = self._bulb(key)
        return bulb is None or self._book.watch.is_online(bulb.mac)

    # --- polling -------------------------------------------------------------

    async def _read_building(self, building_id: str) -> dict[str, Any] | None:
        """Read one building's reply; None when WiZ no longer grants it."""

        async def read() -> dict[str, Any] | None:
            try:
                return await self._client.building_data(building_id)
            except WizProNotFoundError as err:
                _LOGGER.debug("WiZ Pro no longer grants %s: %s", building_id, err)
                return None

        return await self._call(read)

    async def async_poll(self, *, topology_due: bool) -> Snapshot:
        """Read every building: one buildingTopology query each.

        A building WiZ no longer grants (deleted, or its access withdrawn)
        leaves the others working: its devices are missing from an incomplete
        Snapshot, so they are unavailable rather than removed. A light, room
        or group that cannot be read makes the Snapshot incomplete too; a
        value that cannot be read is left out, logged once.
        """
        states = self._book.states
        reread = states.begin_poll()
        try:
            replies = {
                bid: await self._read_building(bid) for bid in self._building_ids
            }
            changed = self._read_replies(replies, topology_due, reread)
        finally:
            states.end_poll()
        lost = tuple(bid for bid, raw in replies.items() if raw is None)
        views = [self._views[bid] for bid in self._building_ids if bid not in lost]
        complete = not lost and not any(view.problems for view in views)
        previous = self._snapshot
        self._lost = lost
        if complete and any(view.fresh for view in views):
            self._forget_gone()
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
            view = self._views[bid]
            before = view.devices
            try:
                problems = view.read(
                    raw, self._book, topology_due=topology_due, reread=reread
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

    def _forget_gone(self) -> None:
        """Forget the bulbs no building has any more (after a complete read)."""
        bulbs = {key: b for t in self._topologies() for key, b in t.bulbs.items()}
        states = self._book.states
        states.forget(states.states.keys() - bulbs.keys())
        self._book.record.keep_only(bulb.mac for bulb in bulbs.values())

    # --- commands ------------------------------------------------------------

    async def async_execute(self, command: Command) -> list[PointUpdate]:
        """Send the mutation a command needs; return the optimistic values."""
        ref = (command.device_key, command.point_key)
        topology = self._topology_of(command.device_key)
        if topology is None:
            raise CloudRejectedError(f"{command.device_key} is no longer in WiZ Pro")
        if (bulb := topology.bulbs.get(command.device_key)) is not None:
            return await self._execute_on_bulb(bulb, command)
        if (aggregate := topology.aggregates.get(ref)) is not None:
            return await self._execute_on_aggregate(aggregate, command)
        if (action := topology.room_actions.get(ref)) is not None:
            room = topology.aggregates.get((command.device_key, LIGHT))
            return await self._execute_room_action(action, room, command)
        raise CloudRejectedError(f"{command.device_key} is no longer in WiZ Pro")

    async def _execute_on_bulb(self, bulb: Bulb, command: Command) -> list[PointUpdate]:
        """Pilot one bulb."""
        refused = None
        match command.point_key:
            case "light":
                change, refused = _light_input(command.value, bulb.features)
                if _stops_light_mode(command.value):
                    return await self._stop_light_modes(
                        [bulb.key], change.dimming, command.call
                    )
            case "effect_speed":
                change = PilotingState(speed=round(command.value))
            case "ratio":
                change = PilotingState(ratio=round(command.value))
            case _:
                raise CloudRejectedError(f"{command.point_key} cannot be set")
        piloted = await self._batcher.pilot(
            frozenset({bulb.key}),
            change,
            self._mutations.bulb(bulb, change),
            command.call,
            refused=refused,
        )
        return self._updates(piloted)

    async def _execute_on_aggregate(
        self, aggregate: Aggregate, command: Command
    ) -> list[PointUpdate]:
        """Pilot a room, group, floor or building with one mutation."""
        change, refused = _light_input(command.value, aggregate.features)
        if _stops_light_mode(command.value):
            # Bulbs pushed as offline cannot take it; the room's mutation
            # would skip them too.
            online = [key for key in aggregate.members if self._is_online(key)]
            return await self._stop_light_modes(
                online or aggregate.members, change.dimming, command.call
            )
        piloted = await self._batcher.pilot(
            frozenset(aggregate.members),
            change,
            self._mutations.aggregate(aggregate, change),
            command.call,
            refused=refused,
        )
        return self._updates(piloted)

    async def _execute_room_action(
        self, action: RoomAction, room: Aggregate | None, command: Command
    ) -> list[PointUpdate]:
        """Apply a room scene or a room favorite."""
        if action.scene_id is not None:
            scene_id = action.scene_id
            await self._call(lambda: self._client.apply_room_scene(scene_id))
            return []
        if action.state is None or room is None:
            return []
        piloted = await self._batcher.pilot(
            frozenset(room.members),
            action.state,
            self._mutations.aggregate(room, action.state),
            command.call,
        )
        return self._updates(piloted)

    async def _stop_light_modes(
        self, keys: Iterable[str], dimming: int | None, call: str | None
    ) -> list[PointUpdate]:
        """Stop bulbs' light modes: each goes back to its own last white or colour."""
        states, memory = self._book.states, self._book.memory
        changes = {
            key: memory.mode_off_change(key, states.states[key], bulb.model, dimming)
            for key in keys
            if (bulb := self._bulb(key)) is not None and key in states.states
        }
        return await stop_light_modes(
            changes,
            self._batcher,
            own=lambda key, change: self._mutations.bulb(self._bulb_of(key), change),
            cover=self._cover,
            name=self._name,
            updates=self._updates,
            call=call,
        )

    def _name(self, key: str) -> str:
        """Return a bulb's name for an error, its key when it is gone."""
        bulb = self._bulb(key)
        return key if bulb is None else bulb.name

    def _bulb_of(self, key: str) -> Bulb:
        """Return a bulb that must be known."""
        bulb = self._bulb(key)
        if bulb is None:
            raise CloudRejectedError(f"{key} is no longer in WiZ Pro")
        return bulb

    # --- batching hooks ------------------------------------------------------

    def _cover(self, change: PilotingState) -> Callable[[set[str]], Any]:
        """Return how to pilot a set of bulbs with the fewest mutations."""
        aggregates = [a for t in self._topologies() for a in t.aggregates.values()]
        return self._mutations.cover(change, aggregates, self._bulb, self._is_online)

    def _merge(
        self,
        first: PilotingState,
        first_bulbs: frozenset[str],
        second: PilotingState,
        second_bulbs: frozenset[str],
    ) -> PilotingState | None:
        """Return one change that does to all these bulbs what each one's asks."""
        return merged(
            first,
            (b for key in first_bulbs if (b := self._bulb(key)) is not None),
            second,
            (b for key in second_bulbs if (b := self._bulb(key)) is not None),
        )

    def _applied(self, keys: frozenset[str], change: PilotingState) -> None:
        """Apply a change to the bulbs that took it, as WiZ does."""
        states, memory = self._book.states, self._book.memory
        for key in keys:
            # A poll may have run while the request was out: bulbs it no
            # longer lists are left alone.
            bulb = self._bulb(key)
            if bulb is None or not self._book.watch.is_online(bulb.mac):
                continue
            state = apply_piloting(states.states[key], change, bulb.bulb)
            states.take(key, state, bulb.features)
            memory.remember(key, state, bulb.features)

    def _updates(self, keys: Iterable[str]) -> list[PointUpdate]:
        """Return the points bulbs show now, and those of the lights holding them."""
        states = self._book.states
        updates: list[PointUpdate] = []
        holders: dict[tuple[str, str], Topology] = {}
        for key in keys:
            if (bulb := self._bulb(key)) is None or key not in states.states:
                continue
            state = states.states[key]
            updates.append(
                PointUpdate(device_key=key, point_key=LIGHT, value=states.values[key])
            )
            if bulb.features.effects:
                updates.append(
                    PointUpdate(
                        device_key=key, point_key=EFFECT_SPEED, value=state.speed
                    )
                )
            if bulb.model.has_ratio:
                updates.append(
                    PointUpdate(device_key=key, point_key=RATIO, value=state.ratio)
                )
            if (topology := self._topology_of(key)) is not None:
                holders.update(dict.fromkeys(bulb.aggregates, topology))
        for (device, point), topology in holders.items():
            aggregate = topology.aggregates[(device, point)]
            updates.append(
                PointUpdate(
                    device_key=device,
                    point_key=point,
                    value=aggregate_value(aggregate, states.values),
                )
            )
        return updates

    # --- pushes --------------------------------------------------------------

    def status_updates(self, status: StatusChange) -> PushOutcome | None:
        """Return what a STATUSCHANGE changes; None when the MAC is unknown."""
        found = next(
            (
                (topology, topology.bulbs[key])
                for topology in self._topologies()
                if (key := topology.by_mac.get(status.mac)) is not None
            ),
            None,
        )
        if found is None or found[1].key not in self._book.states.states:
            return None
        topology, bulb = found
        book, key, mac = self._book, bulb.key, status.mac
        state, telemetry = merge_status(
            book.states.states[key], book.record.telemetry(mac), status, bulb.model
        )
        book.watch.pushed(mac, status.connected)
        book.states.take(key, state, bulb.features)
        book.memory.remember(key, state, bulb.features)
        new_points = book.record.report(mac, telemetry)
        values = {
            RSSI: telemetry.rssi,
            POWER: telemetry.power,
            CONNECTIVITY: status.connected,
        }
        updates = [
            *self._updates([key]),
            *(
                PointUpdate(device_key=key, point_key=name, value=value)
                for name, value in values.items()
            ),
        ]
        # Its first values of these: their points (and entities) come now.
        devices = [book.bulb_device(topology, bulb, None)] if new_points else []
        return PushOutcome(updates, {key: status.connected}, devices)

    def diagnostics(self) -> dict[str, Any]:
        """Return the buildings polled and the telemetry pushed so far."""
        return {
            "building_ids": list(self._building_ids),
            "lost_building_ids": list(self._lost),
            "bulbs": sum(len(topology.bulbs) for topology in self._topologies()),
            "reported_problems": self._problems.reported,
            "pushed_telemetry": {
                mac: {
                    "connected": telemetry.connected,
                    "rssi": telemetry.rssi,
                    "power": telemetry.power,
                }
                for mac, telemetry in self._book.record.items
            },
        }
