"""Commands to WiZ Pro lights: validated, batched per service call, shown at once.

A command becomes a piloting change for the bulbs it is for; the batcher sends
the changes of one service call as few mutations as they allow, and the bulbs'
states follow what WiZ applied (optimistically, until the next poll).
"""

from collections.abc import Iterable
from functools import partial
from typing import Any

from ...errors import CloudInvalidValueError, CloudRejectedError
from ...model import Command, LightCommand, LightFeatures, PointUpdate
from .batch import Cover, PilotingBatcher, Request, StartTask
from .buildings import Buildings
from .client import WizProClient
from .equivalence import merged
from .light_modes import MODE_IDS
from .mapping import EFFECT_OFF, apply_piloting, piloting_input
from .mode_stop import stop_light_modes
from .models import PilotingState
from .piloting import Mutations, Send
from .points import aggregate_value
from .topology import EFFECT_SPEED, LIGHT, RATIO, Aggregate, Bulb, RoomAction, Topology


def stops_light_mode(command: Any) -> bool:
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


def light_change(
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


class Commands:
    """Carries out commands on the lights of the granted buildings."""

    def __init__(
        self, client: WizProClient, send: Send, buildings: Buildings, start: StartTask
    ) -> None:
        """Send through send(request); start(coroutine, name) runs a batch."""
        self._client = client
        self._send = send
        self._buildings = buildings
        self._book = buildings.book
        self._mutations = Mutations(client, send)
        self._batcher = PilotingBatcher(
            self._cover, start, merge=self._merge, applied=self._applied
        )

    async def execute(self, command: Command) -> list[PointUpdate]:
        """Send the mutation a command needs; return the optimistic values."""
        ref = (command.device_key, command.point_key)
        topology = self._buildings.topology_of(command.device_key)
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
                change, refused = light_change(command.value, bulb.features)
                if stops_light_mode(command.value):
                    return await self._stop_light_modes(
                        [bulb.key], change.dimming, command.call
                    )
            case "effect_speed":
                change = PilotingState(speed=round(command.value))
            case "ratio":
                change = PilotingState(ratio=round(command.value))
            case _:
                raise CloudRejectedError(f"{command.point_key} cannot be set")
        return await self._pilot(
            {bulb.key}, change, self._mutations.bulb(bulb, change), command, refused
        )

    async def _execute_on_aggregate(
        self, aggregate: Aggregate, command: Command
    ) -> list[PointUpdate]:
        """Pilot a room, group, floor or building with one mutation."""
        change, refused = light_change(command.value, aggregate.features)
        if stops_light_mode(command.value):
            # Bulbs pushed as offline cannot take it; the room's mutation
            # would skip them too.
            online = [
                key for key in aggregate.members if self._buildings.is_online(key)
            ]
            return await self._stop_light_modes(
                online or aggregate.members, change.dimming, command.call
            )
        return await self._pilot(
            aggregate.members,
            change,
            self._mutations.aggregate(aggregate, change),
            command,
            refused,
        )

    async def _execute_room_action(
        self, action: RoomAction, room: Aggregate | None, command: Command
    ) -> list[PointUpdate]:
        """Apply a room scene or a room favorite."""
        if action.scene_id is not None:
            scene_id = action.scene_id
            await self._send(partial(self._client.apply_room_scene, scene_id))
            return []
        if action.state is None or room is None:
            return []
        return await self._pilot(
            room.members,
            action.state,
            self._mutations.aggregate(room, action.state),
            command,
        )

    async def _pilot(
        self,
        keys: Iterable[str],
        change: PilotingState,
        own: Request,
        command: Command,
        refused: Exception | None = None,
    ) -> list[PointUpdate]:
        """Pilot bulbs with the batch of the command's call; return what they show."""
        piloted = await self._batcher.pilot(
            frozenset(keys), change, own, command.call, refused=refused
        )
        return self.updates(piloted)

    async def _stop_light_modes(
        self, keys: Iterable[str], dimming: int | None, call: str | None
    ) -> list[PointUpdate]:
        """Stop bulbs' light modes: each goes back to its own last white or colour."""
        states, memory = self._book.states, self._book.memory
        changes = {
            key: memory.mode_off_change(key, states.states[key], bulb.model, dimming)
            for key in keys
            if (bulb := self._buildings.bulb(key)) is not None and key in states.states
        }
        return await stop_light_modes(
            changes,
            self._batcher,
            own=lambda key, change: self._mutations.bulb(self._bulb_of(key), change),
            cover=self._cover,
            name=self._name,
            updates=self.updates,
            call=call,
        )

    def _name(self, key: str) -> str:
        """Return a bulb's name for an error, its key when it is gone."""
        bulb = self._buildings.bulb(key)
        return key if bulb is None else bulb.name

    def _bulb_of(self, key: str) -> Bulb:
        """Return a bulb that must be known."""
        bulb = self._buildings.bulb(key)
        if bulb is None:
            raise CloudRejectedError(f"{key} is no longer in WiZ Pro")
        return bulb

    # --- batching hooks ------------------------------------------------------

    def _cover(self, change: PilotingState) -> Cover:
        """Return how to pilot a set of bulbs with the fewest mutations."""
        aggregates = [
            a for t in self._buildings.topologies() for a in t.aggregates.values()
        ]
        return self._mutations.cover(
            change, aggregates, self._buildings.bulb, self._buildings.is_online
        )

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
            (b for key in first_bulbs if (b := self._buildings.bulb(key)) is not None),
            second,
            (b for key in second_bulbs if (b := self._buildings.bulb(key)) is not None),
        )

    def _applied(self, keys: frozenset[str], change: PilotingState) -> None:
        """Apply a change to the bulbs that took it, as WiZ does."""
        states, memory = self._book.states, self._book.memory
        for key in keys:
            # A poll may have run while the request was out: bulbs it no
            # longer lists are left alone.
            bulb = self._buildings.bulb(key)
            if bulb is None or not self._book.watch.is_online(bulb.mac):
                continue
            state = apply_piloting(states.states[key], change, bulb.bulb)
            states.take(key, state, bulb.features)
            memory.remember(key, state, bulb.features)

    def updates(self, keys: Iterable[str]) -> list[PointUpdate]:
        """Return the points bulbs show now, and those of the lights holding them."""
        states = self._book.states
        updates: list[PointUpdate] = []
        holders: dict[tuple[str, str], Topology] = {}
        for key in keys:
            if (bulb := self._buildings.bulb(key)) is None or key not in states.states:
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
            if (topology := self._buildings.topology_of(key)) is not None:
                holders.update(dict.fromkeys(topology.holders.get(key, ()), topology))
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
