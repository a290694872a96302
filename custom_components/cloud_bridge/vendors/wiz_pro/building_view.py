"""One building as the polls read it: its last reply, its index and its devices.

A poll compares the reply with the last one first. When only some lights'
``currentState`` moved, only those are parsed and only their devices (and the
rooms, groups, floor and building that hold them) are made anew; everything
else is the previous poll's objects. The index is rebuilt when the topology
changed or is due, and kept (with every spec) when it turns out the same.
"""

from dataclasses import dataclass, field
from typing import Any

from ...model import Device
from .bulb_states import BulbStates
from .mode_memory import LightModeMemory
from .models import PilotingState, describe, parse_building
from .offline import OfflineWatch
from .points import BulbFacts, aggregate_device, bulb_points, device_with
from .reply_diff import changed_lights
from .telemetry import PushRecord
from .topology import Bulb, Topology, device_key, index_building


@dataclass(slots=True)
class LightBook:
    """What the adapter knows of every bulb beyond one poll's answer."""

    states: BulbStates = field(default_factory=BulbStates)
    memory: LightModeMemory = field(default_factory=LightModeMemory)
    watch: OfflineWatch = field(default_factory=OfflineWatch)
    # Telemetry by MAC, as Data export names the lights.
    record: PushRecord = field(default_factory=PushRecord)

    def facts(self, bulb: Bulb) -> BulbFacts:
        """Return what a bulb's device shows now."""
        return BulbFacts(
            state=self.states.states[bulb.key],
            value=self.states.values[bulb.key],
            online=self.watch.is_online(bulb.mac),
            telemetry=self.record.telemetry(bulb.mac),
            reported=self.record.points(bulb.mac),
        )

    def bulb_device(
        self,
        topology: Topology,
        bulb: Bulb,
        previous: Device | None,
        *,
        same_shell: bool = False,
    ) -> Device:
        """Return a bulb's device as it is now (see device_with for same_shell)."""
        facts = self.facts(bulb)
        return device_with(
            topology.shells[bulb.key],
            bulb_points(bulb, facts),
            facts.online,
            previous,
            same_shell=same_shell,
        )


@dataclass(slots=True)
class _Reading:
    """The polled states one reply gave, and what could not be read of them."""

    polled: dict[str, PilotingState]
    value_problems: list[str]


class BuildingView:
    """Reads one building's replies into its devices."""

    def __init__(self, building_id: str) -> None:
        """Know nothing of the building yet."""
        self.building_id = building_id
        self.raw: dict[str, Any] | None = None
        self.topology: Topology | None = None
        self.devices: dict[str, Device] = {}
        # The items the last whole read could not read: the read is incomplete.
        self.problems: tuple[str, ...] = ()
        # Whether the last read made a new index.
        self.fresh = False

    def read(
        self,
        raw: dict[str, Any],
        book: LightBook,
        *,
        topology_due: bool,
        reread: set[str],
    ) -> list[str]:
        """Take a reply; return the values it had that could not be read.

        reread names bulbs whose state was set since the last poll: their
        state is taken from the reply whether it moved or not.
        Raises ParseError (of ..parse) when the reply names no building.
        """
        reading = None
        topology = self.topology
        if topology is not None and self.raw is not None and not topology_due:
            reading = self._changed(topology, raw)
        fresh = False
        if reading is None or topology is None:
            topology, reading, fresh = self._whole(raw)
        self.raw = raw
        reread = reread & topology.bulbs.keys()
        keys = set(topology.bulbs) if fresh else reading.polled.keys() | reread
        changed = self._take_states(topology, book, keys, reading.polled, fresh)
        # Set since the last poll (by a push, say): shown anew even if the
        # cloud agrees, as only the coordinator's copy was told.
        changed |= reread | self._back_online(topology, book)
        self._rebuild(topology, book, changed, fresh)
        self.topology = topology
        self.fresh = fresh
        return reading.value_problems

    def _changed(self, topology: Topology, raw: dict[str, Any]) -> _Reading | None:
        """Read only the lights whose state moved; None when the topology did."""
        if (lights := changed_lights(self.raw or {}, raw)) is None:
            return None
        reading = _Reading({}, [])
        for room_id, light in lights:
            key = device_key(self.building_id, "light", str(light.get("id")))
            state = light.get("currentState")
            if key not in topology.bulbs or not isinstance(state, dict):
                return None  # a light came or went: read it all
            unread: list[str] = []
            reading.polled[key] = PilotingState.from_json(state, unread)
            reading.value_problems.extend(
                f"light {describe(light)} in room {room_id}: currentState {problem}"
                for problem in unread
            )
        return reading

    def _whole(self, raw: dict[str, Any]) -> tuple[Topology, _Reading, bool]:
        """Read the whole reply; return its index, states and whether it is new."""
        building = parse_building(raw)
        topology = index_building(building)
        fresh = self.topology is None or not topology.same_as(self.topology)
        if not fresh and self.topology is not None:
            topology = self.topology
        self.problems = building.problems
        polled = {
            device_key(building.id, "light", light.id): light.state
            for floor in building.floors
            for room in floor.rooms
            for light in room.lights
        }
        return topology, _Reading(polled, list(building.value_problems)), fresh

    @staticmethod
    def _take_states(
        topology: Topology,
        book: LightBook,
        keys: set[str],
        polled: dict[str, PilotingState],
        fresh: bool,
    ) -> set[str]:
        """Take the polled states of some bulbs; return those that changed."""
        states = book.states
        changed: set[str] = set()
        for key in keys:
            bulb = topology.bulbs[key]
            state = polled.get(key) or states.polled.get(key)
            if state is None:
                continue
            before = states.polled.get(key)
            if states.read(key, state, bulb.features, anew=fresh):
                book.memory.remember(key, states.states[key], bulb.features)
                changed.add(key)
            elif before != state:
                changed.add(key)  # shown anew: a command may have shown it so
        return changed

    @staticmethod
    def _back_online(topology: Topology, book: LightBook) -> set[str]:
        """Return the disconnected bulbs a poll shows are back."""
        back: set[str] = set()
        for mac in book.watch.offline:
            key = topology.by_mac.get(mac)
            if key is None or (state := book.states.polled.get(key)) is None:
                continue
            if book.watch.polled(mac, state):
                book.record.connected_again(mac)
                back.add(key)
        return back

    def _rebuild(
        self, topology: Topology, book: LightBook, changed: set[str], fresh: bool
    ) -> None:
        """Make anew the devices of changed bulbs and of the lights holding them."""
        previous = self.devices
        if fresh:
            devices: dict[str, Device] = {}
            for key in topology.shells:
                old = previous.get(key)
                if (bulb := topology.bulbs.get(key)) is not None:
                    devices[key] = book.bulb_device(topology, bulb, old)
                else:
                    devices[key] = aggregate_device(
                        topology, key, book.states.values, old
                    )
            self.devices = devices
            return
        if not changed:
            return
        devices = dict(previous)
        holders: dict[str, set[str]] = {}
        for key in changed:
            bulb = topology.bulbs[key]
            devices[key] = book.bulb_device(
                topology, bulb, previous.get(key), same_shell=True
            )
            for device, point in topology.holders.get(key, ()):
                holders.setdefault(device, set()).add(point)
        for key, touched in holders.items():
            devices[key] = aggregate_device(
                topology, key, book.states.values, previous.get(key), touched
            )
        if any(devices[key] is not previous.get(key) for key in changed | set(holders)):
            self.devices = devices
