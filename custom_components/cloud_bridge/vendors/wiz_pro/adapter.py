"""WiZ Pro buildings as a Snapshot, and commands as GraphQL mutations."""

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
import logging
from typing import Any

from ...errors import (
    CloudAuthError,
    CloudError,
    CloudInvalidValueError,
    CloudPartialError,
    CloudRateLimitedError,
    CloudRejectedError,
    DeviceOfflineError,
)
from ...model import (
    BinarySensorSpec,
    Category,
    Command,
    Device,
    LightCommand,
    LightFeatures,
    LightSpec,
    LightState,
    NumberSpec,
    Point,
    PointUpdate,
    SceneSpec,
    SensorSpec,
    Snapshot,
    combine_light_states,
)
from ..base import ProblemLog, VendorAdapter
from ..http import VendorClientError
from .batch import Cover, PilotingBatcher, Request, StartTask
from .client import WizProClient, WizProCommandFailedError, WizProNotFoundError
from .light_modes import MODE_IDS, BulbClass, bulb_class
from .mapping import (
    EFFECT_OFF,
    RATIO_RANGE,
    SPEED_RANGE,
    apply_piloting,
    combined_features,
    light_features,
    light_state,
    merge_reported,
    piloting_input,
)
from .models import (
    Building,
    Light,
    PilotingState,
    Room,
    StatusChange,
)

_LOGGER = logging.getLogger(__name__)

MANUFACTURER = "WiZ"
LIGHT = "light"
EFFECT_SPEED = "effect_speed"
RATIO = "ratio"
RSSI = "rssi"
POWER = "power"
CONNECTIVITY = "connectivity"

_SPEED = NumberSpec(
    translation_key=EFFECT_SPEED,
    native_range=SPEED_RANGE,
    category=Category.CONFIG,
    optional=True,
)
_RATIO = NumberSpec(
    translation_key=RATIO,
    native_range=RATIO_RANGE,
    unit="%",
    category=Category.CONFIG,
    optional=True,
)
_RSSI = SensorSpec(
    device_class="signal_strength",
    unit="dBm",
    state_class="measurement",
    category=Category.DIAGNOSTIC,
    enabled_by_default=False,
)
_POWER = SensorSpec(
    device_class="power", unit="W", state_class="measurement", optional=True
)
_CONNECTIVITY = BinarySensorSpec(
    device_class="connectivity",
    category=Category.DIAGNOSTIC,
    survives_offline=True,
    optional=True,
)


@dataclass(slots=True, kw_only=True)
class _Bulb:
    """What the adapter keeps of one light between polls."""

    key: str
    light: Light
    floor_id: str
    bulb: BulbClass
    features: LightFeatures
    state: PilotingState
    value: LightState
    aggregates: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class _Aggregate:
    """A light that stands for several bulbs: a room, group, floor or building."""

    scope: str
    target_id: str
    floor_id: str | None
    members: tuple[str, ...]
    features: LightFeatures


@dataclass(frozen=True, slots=True, kw_only=True)
class _RoomAction:
    """A room scene to apply, or a room favorite to set with changeRoomState."""

    floor_id: str
    room_id: str
    scene_id: str | None = None
    state: PilotingState | None = None


@dataclass(frozen=True, slots=True)
class _Telemetry:
    """What the last STATUSCHANGE said beyond the light state.

    ``offline_state`` is the currentState the first poll after a push said
    the bulb disconnected showed: a later poll showing another one ends the
    disconnection.
    """

    connected: bool | None = None
    rssi: int | None = None
    power: float | None = None
    offline_state: PilotingState | None = None


# Largest first, so one building mutation replaces a hundred room ones.
_COVER_ORDER = ("building", "floor", "room", "group")


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


def _key(building_id: str, kind: str, item_id: str) -> str:
    """Return a device key, unique within the vendor."""
    return f"{building_id}:{kind}-{item_id}"


class WizProAdapter(VendorAdapter):
    """Turns granted WiZ Pro buildings into a Snapshot."""

    def __init__(
        self,
        client: WizProClient,
        building_ids: Sequence[str],
        renew_token: Callable[[], Awaitable[None]],
        start: StartTask,
    ) -> None:
        """Keep the client, the buildings to poll, and how to renew the token.

        start(coroutine, name) runs a batch of piloting in a tracked task.
        """
        self._client = client
        self._building_ids = tuple(building_ids)
        self._renew_token = renew_token
        self._bulbs: dict[str, _Bulb] = {}
        self._by_mac: dict[str, str] = {}
        self._aggregates: dict[tuple[str, str], _Aggregate] = {}
        self._room_actions: dict[tuple[str, str], _RoomAction] = {}
        self._telemetry: dict[str, _Telemetry] = {}
        self._problems = ProblemLog(_LOGGER, "Skipping malformed WiZ Pro data: %s")
        # Building names seen so far, and the buildings WiZ no longer grants.
        self._building_names: dict[str, str] = {}
        self._lost: tuple[str, ...] = ()
        # States set by commands and pushes while a poll was out: newer than it.
        self._newer: dict[str, PilotingState] = {}
        # Each bulb's last white or colour, to go back to when its mode stops.
        self._static: dict[str, PilotingState] = {}
        self._batcher = PilotingBatcher(self._cover, start)

    def _vendor_error(self, err: VendorClientError) -> CloudError | None:
        """Return DeviceOfflineError when a mutation was not taken by the lights."""
        if isinstance(err, WizProCommandFailedError):
            return DeviceOfflineError(str(err))
        return None

    @property
    def lost_buildings(self) -> list[str]:
        """Return the buildings WiZ no longer grants, by name where known."""
        return [self._building_names.get(bid, bid) for bid in self._lost]

    async def _read_building(self, building_id: str) -> Building | None:
        """Read one building; None when WiZ no longer grants it."""

        async def read() -> Building | None:
            try:
                return await self._client.building(building_id)
            except WizProNotFoundError as err:
                _LOGGER.debug("WiZ Pro no longer grants %s: %s", building_id, err)
                return None

        return await self._call(read)

    async def async_poll(self, *, topology_due: bool) -> Snapshot:
        """Read every building: one buildingTopology query each.

        A building WiZ no longer grants (deleted, or its access withdrawn)
        leaves the others working: its devices are missing from an incomplete
        Snapshot, so they are unavailable rather than removed.
        """
        self._newer.clear()
        read = {bid: await self._read_building(bid) for bid in self._building_ids}
        buildings = [building for building in read.values() if building is not None]
        self._lost = tuple(bid for bid, building in read.items() if building is None)
        for building in buildings:
            self._building_names[building.id] = building.name
        self._bulbs.clear()
        self._by_mac.clear()
        self._aggregates.clear()
        self._room_actions.clear()
        devices: dict[str, Device] = {}
        for building in buildings:
            for problem in building.problems:
                self._problems.report(problem)
            devices.update(self._building_devices(building))
        return Snapshot(
            devices,
            complete=not self._lost
            and not any(building.problems for building in buildings),
        )

    def _building_devices(self, building: Building) -> dict[str, Device]:
        """Return the devices of one building and index its bulbs."""
        bid = building.id
        building_key = _key(bid, "building", bid)
        devices: dict[str, Device] = {}
        floor_bulbs: dict[str, list[str]] = {}
        for floor in building.floors:
            floor_bulbs[floor.id] = [
                bulb_key
                for room in floor.rooms
                for bulb_key in self._room_devices(
                    devices, bid, floor.id, room, building_key
                )
            ]
        all_bulbs = [key for bulbs in floor_bulbs.values() for key in bulbs]
        lights = [
            self._aggregate(
                ("building", bid, None), building_key, LIGHT, all_bulbs, enabled=False
            ),
            *(
                self._aggregate(
                    ("floor", floor.id, floor.id),
                    building_key,
                    f"floor-{floor.id}",
                    floor_bulbs[floor.id],
                    name=floor.name,
                    enabled=False,
                )
                for floor in building.floors
            ),
        ]
        devices[building_key] = Device(
            key=building_key,
            name=building.name,
            manufacturer=MANUFACTURER,
            model="Building",
            points={point.key: point for point in lights if point is not None},
        )
        return devices

    def _room_devices(
        self,
        devices: dict[str, Device],
        bid: str,
        floor_id: str,
        room: Room,
        building_key: str,
    ) -> list[str]:
        """Add a room's bulbs, the room and its groups as devices; return its bulbs."""
        room_key = _key(bid, "room", room.id)
        room_bulbs = [self._index_bulb(bid, floor_id, light) for light in room.lights]
        for bulb_key in room_bulbs:
            devices[bulb_key] = self._bulb_device(
                self._bulbs[bulb_key], room.name, building_key
            )
        room_light = self._aggregate(
            ("room", room.id, floor_id), room_key, LIGHT, room_bulbs
        )
        room_points = [
            *([room_light] if room_light else []),
            *self._room_points(bid, floor_id, room),
        ]
        devices[room_key] = Device(
            key=room_key,
            name=room.name,
            manufacturer=MANUFACTURER,
            model="Room",
            suggested_area=room.name,
            via_device=building_key,
            points={point.key: point for point in room_points},
        )
        for group in room.groups:
            group_key = _key(bid, "group", group.id)
            group_bulbs = [
                key
                for light_id in group.light_ids
                if (key := _key(bid, "light", light_id)) in self._bulbs
            ]
            group_light = self._aggregate(
                ("group", group.id, floor_id), group_key, LIGHT, group_bulbs
            )
            devices[group_key] = Device(
                key=group_key,
                name=group.name,
                manufacturer=MANUFACTURER,
                model="Group",
                suggested_area=room.name,
                via_device=building_key,
                points={group_light.key: group_light} if group_light else {},
            )
        return room_bulbs

    def _index_bulb(self, bid: str, floor_id: str, light: Light) -> str:
        """Remember a bulb for commands and push messages; return its key."""
        key = _key(bid, "light", light.id)
        bulb = bulb_class(light.model)
        features = light_features(light.model, bulb)
        state = self._newer.get(key, light.state)
        self._bulbs[key] = _Bulb(
            key=key,
            light=light,
            floor_id=floor_id,
            bulb=bulb,
            features=features,
            state=state,
            value=light_state(state, features),
            aggregates=(),
        )
        self._by_mac[light.mac] = key
        self._remember_static(self._bulbs[key])
        self._reconnect_if_changed(light)
        return key

    def _reconnect_if_changed(self, light: Light) -> None:
        """Count a disconnected bulb connected again once its currentState moves.

        Only a push says a bulb is connected, and WiZ may not push when it comes
        back. The cloud's currentState is what the bulb last reported, and an
        offline bulb cannot be piloted: a currentState other than the one the
        first poll after the disconnection showed means the bulb has talked to
        the cloud since. (Polled states are compared with polled states only:
        the adapter's own idea of a state is not the cloud's word for word.) A
        bulb that comes back unchanged stays offline until WiZ pushes again.
        """
        telemetry = self._telemetry.get(light.mac)
        if telemetry is None or telemetry.connected is not False:
            return
        if telemetry.offline_state is None:
            self._telemetry[light.mac] = replace(telemetry, offline_state=light.state)
        elif light.state != telemetry.offline_state:
            _LOGGER.debug("WiZ Pro bulb %s changed while offline: connected", light.mac)
            self._telemetry[light.mac] = replace(
                telemetry, connected=True, offline_state=None
            )

    def _remember_static(self, bulb: _Bulb) -> None:
        """Keep a bulb's white or colour while it plays no light mode."""
        state = bulb.state
        if state.sceneId:
            return
        # Colour when the light shows one (light_state's reading), else white.
        if (channels := light_state(state, bulb.features).rgbww_color) is not None:
            r, g, b, cw, ww = channels
            self._static[bulb.key] = PilotingState(r=r, g=g, b=b, cw=cw, ww=ww)
        elif state.temperature:
            self._static[bulb.key] = PilotingState(temperature=state.temperature)

    def _aggregate(
        self,
        target: tuple[str, str, str | None],
        device_key: str,
        point_key: str,
        members: Sequence[str],
        *,
        name: str | None = None,
        enabled: bool = True,
    ) -> Point | None:
        """Return the light point standing for several bulbs, and index it."""
        features = combined_features(self._bulbs[key].features for key in members)
        if features is None:
            return None
        scope, target_id, floor_id = target
        self._aggregates[(device_key, point_key)] = _Aggregate(
            scope=scope,
            target_id=target_id,
            floor_id=floor_id,
            members=tuple(members),
            features=features,
        )
        for key in members:
            bulb = self._bulbs[key]
            bulb.aggregates = (*bulb.aggregates, (device_key, point_key))
        return Point(
            key=point_key,
            spec=LightSpec(name=name, features=features, enabled_by_default=enabled),
            value=self._aggregate_value((device_key, point_key)),
        )

    def _aggregate_value(self, ref: tuple[str, str]) -> Any:
        """Return the combined state of an aggregate's bulbs."""
        aggregate = self._aggregates[ref]
        return combine_light_states(
            [self._bulbs[key].value for key in aggregate.members], aggregate.features
        )

    def _room_points(self, bid: str, floor_id: str, room: Room) -> list[Point]:
        """Return a room's scenes and set favorites as scene points."""
        room_key = _key(bid, "room", room.id)
        points: list[Point] = []
        for scene in room.scenes:
            key = f"scene-{scene.id}"
            self._room_actions[(room_key, key)] = _RoomAction(
                floor_id=floor_id, room_id=room.id, scene_id=scene.id
            )
            points.append(Point(key=key, spec=SceneSpec(name=scene.name)))
        for favorite in room.favorites:
            key = f"favorite-{favorite.slot}"
            self._room_actions[(room_key, key)] = _RoomAction(
                floor_id=floor_id, room_id=room.id, state=favorite.state
            )
            points.append(
                Point(
                    key=key,
                    spec=SceneSpec(
                        translation_key="favorite",
                        translation_placeholders=(("number", str(favorite.slot)),),
                    ),
                )
            )
        return points

    def _bulb_device(self, bulb: _Bulb, room_name: str, building_key: str) -> Device:
        """Return a bulb's device with its light and extra points."""
        telemetry = self._telemetry.get(bulb.light.mac, _Telemetry())
        model = bulb.light.model
        return Device(
            key=bulb.key,
            name=bulb.light.name,
            manufacturer=model.brand or MANUFACTURER,
            model=model.name or None,
            mac=bulb.light.mac,
            suggested_area=room_name,
            via_device=building_key,
            online=telemetry.connected is not False,
            points={point.key: point for point in self._bulb_points(bulb, telemetry)},
        )

    def _bulb_points(self, bulb: _Bulb, telemetry: _Telemetry) -> list[Point]:
        """Return the points of one bulb."""
        points: list[Point] = [
            Point(key=LIGHT, spec=LightSpec(features=bulb.features), value=bulb.value)
        ]
        if bulb.features.effects:
            points.append(Point(key=EFFECT_SPEED, spec=_SPEED, value=bulb.state.speed))
        if bulb.light.model.has_ratio:
            points.append(Point(key=RATIO, spec=_RATIO, value=bulb.state.ratio))
        points.extend(
            (
                Point(key=RSSI, spec=_RSSI, value=telemetry.rssi),
                Point(key=POWER, spec=_POWER, value=telemetry.power),
                Point(key=CONNECTIVITY, spec=_CONNECTIVITY, value=telemetry.connected),
            )
        )
        return points

    async def async_execute(self, command: Command) -> list[PointUpdate]:
        """Send the mutation a command needs; return the optimistic values."""
        ref = (command.device_key, command.point_key)
        if (bulb := self._bulbs.get(command.device_key)) is not None:
            return await self._execute_on_bulb(bulb, command)
        if (aggregate := self._aggregates.get(ref)) is not None:
            return await self._execute_on_aggregate(aggregate, command)
        if (action := self._room_actions.get(ref)) is not None:
            return await self._execute_room_action(command, action)
        raise CloudRejectedError(f"{command.device_key} is no longer in WiZ Pro")

    async def _execute_on_bulb(
        self, bulb: _Bulb, command: Command
    ) -> list[PointUpdate]:
        """Pilot one bulb."""
        match command.point_key:
            case "light":
                change = self._light_input(command.value, bulb.features)
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
            self._bulb_request(bulb, change),
            command.call,
        )
        return self._pilot(piloted, change)

    async def _execute_on_aggregate(
        self, aggregate: _Aggregate, command: Command
    ) -> list[PointUpdate]:
        """Pilot a room, group, floor or building with one mutation."""
        change = self._light_input(command.value, aggregate.features)
        if _stops_light_mode(command.value):
            # Bulbs pushed as offline cannot take it; the room's mutation
            # would skip them too.
            online = [
                key for key in aggregate.members if self._is_online(self._bulbs[key])
            ]
            return await self._stop_light_modes(
                online or aggregate.members, change.dimming, command.call
            )
        piloted = await self._batcher.pilot(
            frozenset(aggregate.members),
            change,
            self._aggregate_request(aggregate, change),
            command.call,
        )
        return self._pilot(piloted, change)

    async def _execute_room_action(
        self, command: Command, action: _RoomAction
    ) -> list[PointUpdate]:
        """Apply a room scene or a room favorite."""
        if action.scene_id is not None:
            await self._call(partial(self._client.apply_room_scene, action.scene_id))
            return []
        room = self._aggregates.get((command.device_key, LIGHT))
        if action.state is None or room is None:
            return []
        piloted = await self._batcher.pilot(
            frozenset(room.members),
            action.state,
            self._aggregate_request(room, action.state),
            command.call,
        )
        return self._pilot(piloted, action.state)

    async def _stop_light_modes(
        self, bulb_keys: Iterable[str], dimming: int | None, call: str | None
    ) -> list[PointUpdate]:
        """Stop bulbs' light modes: each goes back to its own last white or colour.

        WiZ has no "no mode" to send (sceneId takes 1-32), so a white or a
        colour stops the mode. Bulbs going back to the same one share their
        mutations; the others get their own. When some of them fail, the rest
        still show what they took and the error names the bulbs that did not.
        """
        changes: dict[PilotingState, set[str]] = {}
        for key in bulb_keys:
            change = self._mode_off_change(self._bulbs[key], dimming)
            changes.setdefault(change, set()).add(key)
        # One batched piloting per mutation, so a failure names only its bulbs.
        pilots: list[tuple[PilotingState, frozenset[str], Request]] = []
        for change, keys in changes.items():
            if len(keys) == 1:
                (key,) = keys
                requests = [
                    (frozenset(keys), self._bulb_request(self._bulbs[key], change))
                ]
            else:
                requests = self._cover(change)(set(keys))
            pilots.extend(
                (change, covered & keys, request) for covered, request in requests
            )
        results = await asyncio.gather(
            *(
                self._batcher.pilot(bulbs, change, request, call)
                for change, bulbs, request in pilots
            ),
            return_exceptions=True,
        )
        updates: list[PointUpdate] = []
        failed: list[str] = []
        errors: list[BaseException] = []
        for (change, bulbs, _), result in zip(pilots, results, strict=True):
            if isinstance(result, BaseException):
                errors.append(result)
                failed.extend(
                    self._bulbs[key].light.name for key in bulbs if key in self._bulbs
                )
            else:
                updates.extend(self._pilot(result, change))
        if not errors:
            return updates
        # A refused sign-in or throttling concerns the account, not some bulbs:
        # it must reach the user as itself (reauth, back off).
        account = [
            e for e in errors if isinstance(e, CloudAuthError | CloudRateLimitedError)
        ]
        if account:
            raise account[0]
        if not updates or not isinstance(errors[0], Exception):
            raise errors[0]
        raise CloudPartialError(
            f"{len(failed)} bulbs did not leave their light mode",
            sorted(failed),
            updates,
        )

    def _mode_off_change(self, bulb: _Bulb, dimming: int | None) -> PilotingState:
        """Return what stops a bulb's light mode: its last white or colour.

        A bulb that plays no mode is only turned on. One never seen in white or
        colour since set-up gets plain white in the middle of its model's range,
        the one white every bulb of its model can show (a DW bulb's only one).
        """
        if not bulb.state.sceneId:
            return PilotingState(state=True, dimming=dimming)
        model = bulb.light.model
        low, high = model.temperature_min, model.temperature_max
        static = self._static.get(bulb.key) or PilotingState(
            temperature=round((low + high) / 200) * 100
        )
        if (kelvin := static.temperature) is not None:
            static = replace(static, temperature=min(max(kelvin, low), high))
        return replace(static, state=True, dimming=dimming)

    def _bulb_request(self, bulb: _Bulb, change: PilotingState) -> Request:
        """Return the changeLightState request for one bulb."""
        light = bulb.light
        return partial(
            self._call,
            partial(
                self._client.change_light_state,
                floor_id=bulb.floor_id,
                light_id=light.id,
                mac=light.mac,
                state=change,
            ),
        )

    def _aggregate_request(
        self, aggregate: _Aggregate, change: PilotingState
    ) -> Request:
        """Return the mutation that pilots a room, group, floor or building."""
        client = self._client
        target, floor_id = aggregate.target_id, aggregate.floor_id or ""
        request: Request
        match aggregate.scope:
            case "room":
                request = partial(
                    client.change_room_state,
                    floor_id=floor_id,
                    room_id=target,
                    state=change,
                )
            case "group":
                request = partial(
                    client.change_group_state,
                    floor_id=floor_id,
                    group_id=target,
                    state=change,
                )
            case "floor":
                request = partial(
                    client.change_floor_state, floor_id=target, state=change
                )
            case _:
                request = partial(
                    client.change_building_state, building_id=target, state=change
                )
        return partial(self._call, request)

    def _cover(self, change: PilotingState) -> Cover:
        """Return how to pilot a set of bulbs with the fewest mutations."""

        def cover(bulbs: set[str]) -> list[tuple[frozenset[str], Request]]:
            remaining = set(bulbs)
            requests: list[tuple[frozenset[str], Request]] = []
            for scope in _COVER_ORDER:
                for aggregate in self._aggregates.values():
                    members = frozenset(aggregate.members)
                    # Offline bulbs cannot be piloted anyway; they do not stop
                    # a room's mutation from standing for the bulbs asked for.
                    online = {
                        key for key in members if self._is_online(self._bulbs[key])
                    }
                    if aggregate.scope == scope and online and online <= remaining:
                        requests.append(
                            (members, self._aggregate_request(aggregate, change))
                        )
                        remaining -= members
            requests.extend(
                (frozenset({key}), self._bulb_request(self._bulbs[key], change))
                for key in sorted(remaining)
            )
            return requests

        return cover

    @staticmethod
    def _light_input(command: Any, features: LightFeatures) -> PilotingState:
        """Validate a light command against what the light offers."""
        if not isinstance(command, LightCommand):
            raise CloudInvalidValueError("not a light command")
        if command.effect not in (None, EFFECT_OFF) and (
            command.effect not in features.effects or command.effect not in MODE_IDS
        ):
            raise CloudInvalidValueError(f"unknown light mode {command.effect!r}")
        return piloting_input(command, features)

    def _pilot(
        self, bulb_keys: frozenset[str], change: PilotingState
    ) -> list[PointUpdate]:
        """Apply a change to bulbs as WiZ would; return the new point values."""
        # A poll may have run while the request was out: bulbs it no longer
        # lists are left alone.
        bulbs = [self._bulbs[key] for key in bulb_keys if key in self._bulbs]
        states = {
            bulb.key: apply_piloting(bulb.state, change, bulb.bulb)
            for bulb in bulbs
            if self._is_online(bulb)
        }
        return self._updates(states)

    def _is_online(self, bulb: _Bulb) -> bool:
        """Tell whether a bulb is reachable, as far as pushes have said."""
        telemetry = self._telemetry.get(bulb.light.mac)
        return telemetry is None or telemetry.connected is not False

    def _updates(self, states: dict[str, PilotingState]) -> list[PointUpdate]:
        """Store new bulb states; return their points and their aggregates'."""
        updates: list[PointUpdate] = []
        touched: dict[tuple[str, str], None] = {}
        for key, state in states.items():
            bulb = self._bulbs[key]
            bulb.state = self._newer[key] = state
            bulb.value = light_state(state, bulb.features)
            self._remember_static(bulb)
            updates.append(
                PointUpdate(device_key=key, point_key=LIGHT, value=bulb.value)
            )
            if bulb.features.effects:
                updates.append(
                    PointUpdate(
                        device_key=key, point_key=EFFECT_SPEED, value=state.speed
                    )
                )
            if bulb.light.model.has_ratio:
                updates.append(
                    PointUpdate(device_key=key, point_key=RATIO, value=state.ratio)
                )
            touched.update(dict.fromkeys(bulb.aggregates))
        updates.extend(
            PointUpdate(
                device_key=ref[0], point_key=ref[1], value=self._aggregate_value(ref)
            )
            for ref in touched
        )
        return updates

    def status_updates(
        self, status: StatusChange
    ) -> tuple[list[PointUpdate], dict[str, bool]] | None:
        """Return what a STATUSCHANGE changes; None when the MAC is unknown.

        Fields the payload leaves out keep their known values. A colour
        temperature outside the bulb's model range is left out alone: the
        connection, signal and power it came with still count.
        """
        if (key := self._by_mac.get(status.mac)) is None:
            return None
        bulb = self._bulbs[key]
        model = bulb.light.model
        kelvin = status.state.temperature
        given = status.given
        if kelvin is not None and not (
            model.temperature_min <= kelvin <= model.temperature_max
        ):
            _LOGGER.debug(
                "Ignoring colorTemperature %s outside %s's range", kelvin, model.name
            )
            given = given - {"temperature"}
        known = self._telemetry.get(status.mac, _Telemetry())
        # Still offline: keep what the polls showed since it went offline.
        offline_state = known.offline_state if known.connected is False else None
        if status.connected:
            offline_state = None
        telemetry = _Telemetry(
            connected=status.connected,
            rssi=known.rssi if status.rssi is None else status.rssi,
            power=known.power if status.power is None else status.power,
            offline_state=offline_state,
        )
        self._telemetry[status.mac] = telemetry
        state = merge_reported(bulb.state, status.state, given)
        updates = [
            *self._updates({key: state}),
            PointUpdate(device_key=key, point_key=RSSI, value=telemetry.rssi),
            PointUpdate(device_key=key, point_key=POWER, value=telemetry.power),
            PointUpdate(
                device_key=key, point_key=CONNECTIVITY, value=telemetry.connected
            ),
        ]
        return updates, {key: status.connected}

    def diagnostics(self) -> dict[str, Any]:
        """Return the buildings polled and the telemetry pushed so far."""
        return {
            "building_ids": list(self._building_ids),
            "lost_building_ids": list(self._lost),
            "bulbs": len(self._bulbs),
            "reported_problems": self._problems.reported,
            "pushed_telemetry": {
                key: {
                    "connected": t.connected,
                    "rssi": t.rssi,
                    "power": t.power,
                }
                for key, t in sorted(self._telemetry.items())
            },
        }
