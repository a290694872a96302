"""What every vendor adapter offers the core."""

from abc import ABC, abstractmethod
import logging
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


class ProblemLog:
    """Logs each problem with a cloud's data once, not on every poll.

    What was logged is kept for diagnostics.
    """

    def __init__(self, logger: logging.Logger, message: str) -> None:
        """Log through logger, the problem put into message at its %s."""
        self._logger = logger
        self._message = message
        self._reported: set[str] = set()

    def report(self, problem: str) -> None:
        """Log a problem at warning level, unless it was logged before."""
        if problem not in self._reported:
            self._reported.add(problem)
            self._logger.warning(self._message, problem)

    @property
    def reported(self) -> list[str]:
        """Return every problem logged so far, sorted."""
        return sorted(self._reported)
