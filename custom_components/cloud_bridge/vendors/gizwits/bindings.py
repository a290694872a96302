"""The devices bound to an account, each with where its app WebSocket is."""

from dataclasses import replace

from ..base import ProblemLog, read_concurrently
from .client import GizwitsClient
from .core_errors import call
from .errors import GizwitsApiError, GizwitsError
from .models import Binding
from .reports import MAX_CONCURRENT_READS


class BoundDevices:
    """The account's bindings by did, as the last poll (or a push) left them."""

    def __init__(self, client: GizwitsClient, problems: ProblemLog) -> None:
        """Read through client; report what cannot be read."""
        self._client = client
        self._problems = problems
        self.by_did: dict[str, Binding] = {}
        # False while bound devices were skipped as unreadable: nothing is gone.
        self.complete = True
        # The WebSocket host and ports of devices the newer device list gave
        # without them, from their details; None once details are refused.
        self._details: dict[str, Binding] | None = {}

    async def async_read(self) -> tuple[Binding, ...]:
        """Read the bindings (and details they lack); return them as listed."""
        bindings = await call(self._client.bindings)
        for problem in bindings.skipped:
            self._problems.report(f"a bound device skipped: {problem}")
        self.complete = not bindings.skipped
        self.by_did = {binding.did: binding for binding in bindings.items}
        await self._read_details()
        return bindings.items

    async def _read_details(self) -> None:
        """Learn the WebSocket host of devices listed without one, once each.

        The newer device list carries no host; a device's details do. When
        Gizwits refuses them, those devices are not pushed (polled instead).
        """
        if self._details is None:
            return
        details = self._details

        async def read(did: str) -> None:
            if self._details is None:
                return  # refused meanwhile: the rest are not asked
            try:
                details[did] = await self._client.device(did)
            except GizwitsApiError as err:
                self._problems.report(f"no WebSocket for the devices: {err}")
                self._details = None
            except GizwitsError as err:
                # Asked again at the next poll.
                self._problems.report(f"no WebSocket for {did} yet: {err}")

        missing = [
            did
            for did, binding in self.by_did.items()
            if not binding.host and did not in details
        ]
        await read_concurrently(missing, read, MAX_CONCURRENT_READS)
        if self._details is not None:
            self.by_did = {
                did: binding.with_endpoint(details[did])
                if not binding.host and did in details
                else binding
                for did, binding in self.by_did.items()
            }

    def is_online(self, did: str) -> bool:
        """Tell whether a bound device is online, as the cloud listed or pushed it."""
        binding = self.by_did.get(did)
        return binding is not None and binding.online

    def set_online(self, did: str, online: bool) -> bool:
        """Take a device going online or offline; False for a device not bound."""
        binding = self.by_did.get(did)
        if binding is None:
            return False
        self.by_did[did] = replace(binding, online=online)
        return True
