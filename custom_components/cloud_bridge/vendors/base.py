"""What every vendor adapter offers the core."""

from abc import ABC, abstractmethod
from typing import Any

from ..model import Command, PointUpdate, Snapshot


class VendorAdapter(ABC):
    """Turns one vendor's cloud into Snapshots, and Commands into requests.

    Adapters raise only the neutral errors of ``errors.py``.
    """

    @abstractmethod
    async def async_poll(self, *, topology_due: bool) -> Snapshot:
        """Read the account's state, and its topology when it is due."""

    @abstractmethod
    async def async_execute(self, command: Command) -> list[PointUpdate]:
        """Carry out a command; return the values it should leave behind.

        An empty list means the outcome cannot be foreseen (a scene, say).
        """

    @abstractmethod
    def diagnostics(self) -> dict[str, Any]:
        """Return what the adapter knows beyond the Snapshot, for diagnostics."""
