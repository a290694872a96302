"""The granted buildings' views, and finding a bulb or a light across them."""

from collections.abc import Iterable, Sequence

from .building_view import BuildingView, LightBook
from .topology import Bulb, Topology


class Buildings:
    """Every granted building as the polls read it, and what the adapter knows."""

    def __init__(self, building_ids: Sequence[str], book: LightBook) -> None:
        """Know the buildings to poll, nothing of them yet."""
        self.ids = tuple(building_ids)
        self.views = {bid: BuildingView(bid) for bid in self.ids}
        self.book = book

    def topologies(self) -> Iterable[Topology]:
        """Return the index of every building read so far."""
        return (v.topology for v in self.views.values() if v.topology is not None)

    def topology_of(self, device_key: str) -> Topology | None:
        """Return the index of the building a device key belongs to."""
        view = self.views.get(device_key.partition(":")[0])
        return view.topology if view is not None else None

    def bulb(self, key: str) -> Bulb | None:
        """Return a bulb by key, if a building still has it."""
        topology = self.topology_of(key)
        return topology.bulbs.get(key) if topology is not None else None

    def bulb_by_mac(self, mac: str) -> tuple[Topology, Bulb] | None:
        """Return the bulb with a MAC address, and its building's index."""
        for topology in self.topologies():
            if (key := topology.by_mac.get(mac)) is not None:
                return topology, topology.bulbs[key]
        return None

    def is_online(self, key: str) -> bool:
        """Tell whether a bulb is reachable, as far as pushes have said."""
        bulb = self.bulb(key)
        return bulb is None or self.book.watch.is_online(bulb.mac)

    def forget_gone(self) -> None:
        """Forget the bulbs no building has any more (after a complete read)."""
        bulbs = {key: b for t in self.topologies() for key, b in t.bulbs.items()}
        states = self.book.states
        states.forget(states.states.keys() - bulbs.keys())
        self.book.record.keep_only(bulb.mac for bulb in bulbs.values())
