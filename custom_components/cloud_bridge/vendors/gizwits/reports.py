"""What each bound device last reported: read from the cloud, told, or pushed."""

from collections.abc import Callable, Container
from functools import partial
import time
from typing import Any

from ...errors import CloudRejectedError, DeviceOfflineError
from ..base import ProblemLog, read_concurrently
from .client import GizwitsClient
from .core_errors import call
from .models import DeviceData

MAX_CONCURRENT_READS = 4


class DeviceReports:
    """The latest data of each device, and which ones the cloud calls offline."""

    def __init__(
        self,
        client: GizwitsClient,
        problems: ProblemLog,
        check: Callable[[str, dict[str, Any]], None],
    ) -> None:
        """Read through client; report what cannot be read.

        ``check`` sees each report once, as it arrives from the cloud.
        """
        self._client = client
        self._problems = problems
        self._check = check
        self._data: dict[str, DeviceData] = {}
        # Devices the cloud answered "offline" (9042) for in the last poll.
        self.offline: set[str] = set()

    def get(self, did: str) -> DeviceData | None:
        """Return what a device last reported, if anything."""
        return self._data.get(did)

    def values(self, did: str) -> dict[str, Any]:
        """Return a device's reported datapoints; none when it never reported."""
        data = self._data.get(did)
        return data.attr if data is not None and data.updated_at else {}

    def keep_only(self, dids: Container[str]) -> None:
        """Forget the devices no longer bound."""
        self._data = {did: d for did, d in self._data.items() if did in dids}

    async def async_read(self, dids: list[str]) -> None:
        """Read the latest data of online devices, a few at a time."""
        self.offline = set()

        async def read(did: str) -> None:
            try:
                data = await call(partial(self._client.latest, did))
                known = self._data.get(did)
                # Nothing reported within 24 h (updated_at 0) is no news:
                # what the device last said stays, and so do its entities.
                if data.updated_at or known is None or not known.updated_at:
                    self._data[did] = data
                    self._check(did, data.attr)
            except DeviceOfflineError as err:
                # The cloud says it is offline (9042): unavailable until it
                # answers again, whatever the bindings said.
                self.offline.add(did)
                self._problems.report(f"data of {did} not read: {err}")
            except CloudRejectedError as err:
                # One device's answer does not stop the others; it keeps
                # what it last reported.
                self._problems.report(f"data of {did} not read: {err}")

        await read_concurrently(dids, read, MAX_CONCURRENT_READS)

    def pushed(self, did: str, attrs: dict[str, Any]) -> None:
        """Merge datapoints a device pushed into what it last reported."""
        self._check(did, attrs)
        self.merge(did, attrs, time.time())

    def merge(self, did: str, attrs: dict[str, Any], updated_at: float) -> None:
        """Merge datapoints into what a device last reported."""
        old = self._data.get(did)
        self._data[did] = DeviceData(
            did=did,
            updated_at=updated_at,
            attr={**(old.attr if old else {}), **attrs},
        )

    def told(self, did: str, attrs: dict[str, Any]) -> None:
        """Keep what a device took from a control call as what it reported."""
        old = self._data.get(did)
        # A device that never reported has now at least been told these values.
        self.merge(did, attrs, old.updated_at if old and old.updated_at else 1)
