"""An account's groups, their members and its scenarios: read when due."""

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from ...errors import CloudRejectedError
from ..base import ProblemLog
from .client import GizwitsClient
from .core_errors import call
from .errors import GizwitsAccountMovedError
from .models import Group, Scenario


class Topology:
    """The groups (with their members) and scenarios, as last read."""

    def __init__(self, client: GizwitsClient, problems: ProblemLog) -> None:
        """Read through client; report what is read as none."""
        self._client = client
        self._problems = problems
        self.groups: list[Group] = []
        self.members: dict[str, list[str]] = {}
        self.scenarios: list[Scenario] = []
        # True until read, and again once a command finds a device unbound.
        self.due = True

    async def async_read(self) -> None:
        """Read groups, their members and the scenarios."""
        self.groups = await self._optional(self._client.groups)
        self.members = {}
        for group in self.groups:
            if group.product_key:
                self.members[group.id] = await call(
                    partial(self._client.group_devices, group.id)
                )
        self.scenarios = await self._optional(self._client.scenarios)
        self.due = False

    async def _optional[T](self, read: Callable[[], Awaitable[list[T]]]) -> list[T]:
        """Read a list an account on the newer login may be refused (9026): none."""
        try:
            return await call(read)
        except CloudRejectedError as err:
            if not isinstance(err.__cause__, GizwitsAccountMovedError):
                raise
            self._problems.report(f"{err} (read as none)")
            return []

    def group(self, group_id: str) -> Group | None:
        """Return a group by its id."""
        return next((g for g in self.groups if g.id == group_id), None)

    def groups_of(self, did: str) -> list[Group]:
        """Return the groups a device is a member of."""
        return [g for g in self.groups if did in self.members.get(g.id, ())]

    def diagnostics(self) -> list[dict[str, Any]]:
        """Return each group's product and how many members it has."""
        return [
            {
                "id": g.id,
                "product_key": g.product_key,
                "members": len(self.members.get(g.id, [])),
            }
            for g in self.groups
        ]
