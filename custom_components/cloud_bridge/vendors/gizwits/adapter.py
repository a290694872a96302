"""Gizwits bindings, groups and scenarios as a Snapshot; commands as control calls.

Each poll reads the bindings (pages of up to 100 devices until an empty one:
they carry who is online) and, when the state is due, the latest data of every
online device, at most four at a time. Groups, scenarios and product
definitions are topology, read when it is due (or at once after a command
finds a device unbound). What the app WebSocket pushes (``push.py``) is merged
into the same data; while every device is pushed, the state is due every 5
minutes, and a device that answers a read on its socket is not read by REST.
"""

from functools import partial
import logging
from typing import Any, Protocol

from ...errors import (
    CloudError,
    CloudInvalidValueError,
    CloudPartialError,
    CloudRejectedError,
    DeviceGoneError,
)
from ...model import Command, Device, PointUpdate, Snapshot
from ..base import ProblemLog, VendorAdapter, neutral_error
from ..http import VendorClientError
from .bindings import BoundDevices
from .catalog import DefinitionCache, ProductCatalog
from .client import GizwitsClient
from .core_errors import core_error
from .devices import bound_device, device_name, group_device, scenes_device
from .endpoints import PushTargets, push_targets
from .errors import GizwitsError, GizwitsNotBoundError
from .groups import group_points
from .inferred import InferredCache, InferredPoints
from .mapping import read_value
from .models import Binding, Group
from .product import Product
from .reports import DeviceReports
from .topology import Topology

_LOGGER = logging.getLogger(__name__)

ACCOUNT = "account"


class Definitions(DefinitionCache, InferredCache, Protocol):
    """Where definitions and inferred points are kept between restarts."""


class PushChannel(Protocol):
    """What the owner of the app WebSockets offers the adapter."""

    def state(self) -> dict[str, Any]:
        """Return the sockets' state for diagnostics."""

    async def async_read(self, dids: list[str]) -> set[str]:
        """Read devices over the sockets while pushed; return those that answered."""


class GizwitsAdapter(VendorAdapter):
    """Turns one Gizwits user's devices into a Snapshot."""

    def __init__(
        self,
        client: GizwitsClient,
        definitions: Definitions,
        account: str,
        account_name: str,
    ) -> None:
        """Keep the client, the definition cache and the user's id and name."""
        self._client = client
        self._account = account
        self._account_name = account_name
        self._problems = ProblemLog(_LOGGER, "Gizwits: %s")
        self._bound = BoundDevices(client, self._problems)
        self._reports = DeviceReports(client, self._problems, self._log_unreadable)
        self._catalog = ProductCatalog(client, definitions, self._problems)
        self._topology = Topology(client, self._problems)
        self._inferred = InferredPoints(definitions, account)
        # The app WebSockets, once their owner started.
        self.push: PushChannel | None = None

    @property
    def client(self) -> GizwitsClient:
        """Return the Open API client (the push owner signs in with it)."""
        return self._client

    @property
    def without_definition(self) -> dict[str, str]:
        """Return the products without a definition: why, by product key."""
        return self._catalog.without_definition

    def _key(self, item: str) -> str:
        """Return a device key, unique within the vendor."""
        return f"{self._account}:{item}"

    def _vendor_error(self, err: VendorClientError) -> CloudError | None:
        """Return the core's error for Gizwits' own codes."""
        return core_error(err)

    async def async_poll(self, *, topology_due: bool, state_due: bool) -> Snapshot:
        """Read bindings; device data, groups, scenarios and definitions when due."""
        listed = await self._bound.async_read()
        bound = self._bound.by_did
        self._reports.keep_only(bound)
        if topology_due or self._topology.due:
            await self._topology.async_read()
        await self._catalog.async_update(
            [
                *(binding.product_key for binding in bound.values()),
                *(g.product_key for g in self._topology.groups if g.product_key),
            ],
            stale_too=topology_due,
        )
        if state_due:
            await self._read_state([b.did for b in listed if b.online])
        await self._inferred.async_remember(
            {
                did: self._reports.values(did)
                for did, binding in bound.items()
                if self._catalog.get(binding.product_key) is None
            },
            bound,
            complete=self._bound.complete,
        )
        return self._snapshot()

    async def _read_state(self, online: list[str]) -> None:
        """Read the online devices' data: on their sockets while pushed, else REST."""
        if self.push is not None:
            # The safety poll: what the sockets answer needs no REST read.
            answered = await self.push.async_read(online)
            online = [did for did in online if did not in answered]
        await self._reports.async_read(online)

    def _snapshot(self) -> Snapshot:
        """Build the Snapshot from what was read."""
        devices: dict[str, Device] = {}
        for did, binding in self._bound.by_did.items():
            devices[self._key(did)] = self._device(binding)
        for group in self._topology.groups:
            if (device := self._group_device(group)) is not None:
                devices[device.key] = device
        if scenarios := self._topology.scenarios:
            key = self._key(ACCOUNT)
            devices[key] = scenes_device(key, self._account_name, scenarios)
        return Snapshot(devices, self._bound.complete)

    def _device(self, binding: Binding) -> Device:
        """Return a bound device with its points."""
        product = self._catalog.get(binding.product_key)
        values = self._reports.values(binding.did)
        if product is not None:
            points = product.points(values)
        else:
            points = self._inferred.points(binding.did, values)
        return bound_device(
            self._key(binding.did),
            binding,
            product,
            points,
            online=binding.online and binding.did not in self._reports.offline,
        )

    def _log_unreadable(self, did: str, attrs: dict[str, Any]) -> None:
        """Log once each datapoint a device reported with a value it cannot hold."""
        binding = self._bound.by_did.get(did)
        product = binding and self._catalog.get(binding.product_key)
        if not product:
            return  # no definition: the inferred points read what they can
        for name, raw in attrs.items():
            if raw is not None and (datapoint := product.datapoints.get(name)):
                read = read_value(datapoint, raw)
                self._problems.unreadable(raw, read, "device", did, name)

    def _group_device(self, group: Group) -> Device | None:
        """Return a one-product group with that product's writable points."""
        product = self._catalog.get(group.product_key)
        if product is None:
            return None
        points = group_points(product, self._group_reports(group))
        return group_device(self._key(f"group-{group.id}"), group, product, points)

    def _group_reports(self, group: Group) -> list[dict[str, Any]]:
        """Return what the group's online members last reported."""
        return [
            data.attr
            for did in self._topology.members.get(group.id, [])
            if (data := self._reports.get(did)) is not None
            and self._bound.is_online(did)
        ]

    async def async_execute(self, command: Command) -> list[PointUpdate]:
        """Send the control call a command needs; return the optimistic values."""
        if command.device_key == self._key(ACCOUNT):
            scenario_id = command.point_key.removeprefix("scene-")
            await self._call(partial(self._client.run_scenario, scenario_id))
            return []
        item = command.device_key.removeprefix(f"{self._account}:")
        if item.startswith("group-"):
            return await self._execute_on_group(item.removeprefix("group-"), command)
        binding = self._bound.by_did.get(item)
        product = self._catalog.get(binding.product_key) if binding else None
        if binding is None or product is None:
            raise CloudRejectedError(f"{command.point_key} of {item} cannot be set")
        attrs = _attrs(product, command)
        try:
            await self._client.control(binding.did, attrs)
        except GizwitsNotBoundError as err:
            # Unbound in the app (9017): read the bindings, groups and scenarios
            # again now, so the device leaves Home Assistant.
            self._topology.due = True
            raise DeviceGoneError(str(err)) from err
        except GizwitsError as err:
            raise neutral_error(err, core_error) from err
        self._reports.told(binding.did, attrs)
        return self._device_updates(binding.did)

    async def _execute_on_group(
        self, group_id: str, command: Command
    ) -> list[PointUpdate]:
        """Control every member of a group with one request."""
        group = self._topology.group(group_id)
        product = self._catalog.get(group.product_key) if group else None
        if group is None or product is None:
            raise CloudRejectedError(f"group {group_id} cannot be controlled")
        attrs = _attrs(product, command)
        results = await self._call(partial(self._client.group_control, group.id, attrs))
        bound = self._bound.by_did
        updates: list[PointUpdate] = []
        for did in (did for did, took in results.items() if took and did in bound):
            self._reports.told(did, attrs)
            updates.extend(self._device_updates(did))
        updates.extend(
            PointUpdate(
                device_key=command.device_key, point_key=point.key, value=point.value
            )
            for point in group_points(product, self._group_reports(group))
        )
        if failed := [did for did, took in results.items() if not took]:
            names = [
                device_name(bound[did], self._catalog.get(bound[did].product_key))
                if did in bound
                else did
                for did in failed
            ]
            raise CloudPartialError(
                f"{len(failed)} of {len(results)} devices did not take it",
                names,
                updates,
            )
        return updates

    def _device_updates(self, did: str) -> list[PointUpdate]:
        """Return the point values of a bound device from what it reported."""
        return _updates(self._device(self._bound.by_did[did]))

    def _group_updates(self, did: str) -> list[PointUpdate]:
        """Return the point values of the groups a device is a member of."""
        return [
            update
            for group in self._topology.groups_of(did)
            if (device := self._group_device(group)) is not None
            for update in _updates(device)
        ]

    def push_targets(self) -> PushTargets:
        """Return the sockets the bound devices are pushed through."""
        return push_targets(self._bound.by_did.values(), self._reports.offline)

    def pushed(self, did: str, attrs: dict[str, Any]) -> list[PointUpdate]:
        """Merge what a device pushed (all or some datapoints); return new values.

        Values are read as devdata/latest values are. An unbound device is
        ignored.
        """
        if did not in self._bound.by_did:
            return []
        self._reports.pushed(did, attrs)
        return [*self._device_updates(did), *self._group_updates(did)]

    def pushed_online(
        self, did: str, online: bool
    ) -> tuple[list[PointUpdate], dict[str, bool]]:
        """Take a device going online or offline; return new values and online."""
        if not self._bound.set_online(did, online):
            return [], {}
        if online:
            self._reports.offline.discard(did)
        return self._group_updates(did), {self._key(did): online}

    def diagnostics(self) -> dict[str, Any]:
        """Return the products known, the groups and what could not be read."""
        bound = self._bound.by_did
        return {
            "devices": len(bound),
            "online": sum(binding.online for binding in bound.values()),
            **self._catalog.diagnostics(),
            "groups": self._topology.diagnostics(),
            "reported_problems": self._problems.reported,
            "push": self.push.state() if self.push is not None else None,
        }


def _attrs(product: Product, command: Command) -> dict[str, Any]:
    """Return the datapoints a command sets, or refuse the value."""
    try:
        return product.attrs(command.point_key, command.value)
    except ValueError as err:
        raise CloudInvalidValueError(str(err)) from err


def _updates(device: Device) -> list[PointUpdate]:
    """Return a device's point values as updates."""
    return [
        PointUpdate(device_key=device.key, point_key=point.key, value=point.value)
        for point in device.points.values()
    ]
