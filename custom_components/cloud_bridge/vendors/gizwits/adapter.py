"""Gizwits bindings, groups and scenarios as a Snapshot; commands as control calls.

Each poll reads the bindings (pages of up to 100 devices until an empty one:
they carry who is online) and the latest data of every online device, at most
four at a time. Groups, scenarios and product definitions are topology, read
when it is due (or at once after a command finds a device unbound).
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import partial
import logging
from statistics import fmean
from typing import Any, Protocol

from ...errors import (
    CloudAccountError,
    CloudError,
    CloudInvalidValueError,
    CloudPartialError,
    CloudRejectedError,
    DeviceGoneError,
    DeviceOfflineError,
)
from ...model import (
    Command,
    Device,
    LightCommand,
    Point,
    PointUpdate,
    SceneSpec,
    Snapshot,
    combine_light_states,
)
from ..base import ProblemLog, VendorAdapter, neutral_error, read_concurrently
from ..http import VendorClientError
from .client import (
    GizwitsAccountMovedError,
    GizwitsAppIdError,
    GizwitsClient,
    GizwitsDefinitionError,
    GizwitsDeviceOfflineError,
    GizwitsError,
    GizwitsInvalidAttrError,
    GizwitsNotBoundError,
)
from .climate import Climate, find_climate
from .fan import Fan, find_fan
from .lamp import LIGHT_KEY, Lamp, find_lamp
from .mapping import (
    INFERRED_SAMPLES,
    datapoint_point,
    inferred_kind,
    inferred_point,
    is_number,
    read_value,
    snap,
    write_value,
)
from .models import Binding, DeviceData, Group, ProductDefinition, Scenario

_LOGGER = logging.getLogger(__name__)

MANUFACTURER = "Gizwits"
MAX_CONCURRENT_READS = 4
ACCOUNT = "account"
# Why a product has no definition: Gizwits refused it, or sent one without a
# datapoint that can be read.
REFUSED = "refused"
UNUSABLE = "unusable"


class DefinitionCache(Protocol):
    """Where product definitions are kept between restarts."""

    def get(self, product_key: str) -> ProductDefinition | None:
        """Return a kept definition."""

    def is_due(self, product_key: str) -> bool:
        """Tell whether a definition should be read from the cloud again."""

    async def async_put(self, definition: ProductDefinition) -> None:
        """Keep a definition read from the cloud."""

    def inferred(self, account: str) -> Mapping[str, Mapping[str, str]]:
        """Return an account's inferred points: kind of value by name, by did."""

    async def async_put_inferred(
        self, account: str, shapes: dict[str, dict[str, str]]
    ) -> None:
        """Keep an account's inferred points."""


@dataclass(frozen=True, slots=True, kw_only=True)
class _Product:
    """What a product's definition makes of its devices."""

    name: str
    datapoints: dict[str, Any]
    lamp: Lamp | None
    # A thermostat or a fan: one entity for the datapoints it stands for.
    appliance: Climate | Fan | None = None

    @classmethod
    def of(cls, definition: ProductDefinition) -> _Product:
        """Index a definition."""
        lamp = find_lamp(definition.datapoints)
        return cls(
            name=definition.name,
            datapoints={dp.name: dp for dp in definition.datapoints},
            lamp=lamp,
            appliance=None
            if lamp
            else find_climate(definition) or find_fan(definition),
        )

    def points(
        self, values: dict[str, Any], *, writable_only: bool = False
    ) -> list[Point]:
        """Return the points of a device (or group) of this product."""
        points = [self.lamp.point(values)] if self.lamp else []
        covered = self.lamp.names if self.lamp else frozenset()
        if self.appliance is not None:
            points.append(self.appliance.point(values))
            covered = self.appliance.names
        points.extend(
            datapoint_point(dp, values.get(name))
            for name, dp in self.datapoints.items()
            if name not in covered and (dp.writable or not writable_only)
        )
        return points

    def attrs(self, point_key: str, value: Any) -> dict[str, Any]:
        """Return the datapoints a command sets; ValueError for a bad value."""
        if point_key == LIGHT_KEY and self.lamp is not None:
            if not isinstance(value, LightCommand):
                raise ValueError("not a light command")
            return self.lamp.attrs(value)
        if self.appliance is not None and point_key == self.appliance.key:
            return self.appliance.attrs(value)
        datapoint = self.datapoints.get(point_key)
        if datapoint is None or not datapoint.writable:
            raise ValueError(f"{point_key} cannot be set")
        return {point_key: write_value(datapoint, value)}


class GizwitsAdapter(VendorAdapter):
    """Turns one Gizwits user's devices into a Snapshot."""

    def __init__(
        self,
        client: GizwitsClient,
        definitions: DefinitionCache,
        account: str,
        account_name: str,
    ) -> None:
        """Keep the client, the definition cache and the user's id and name."""
        self._client = client
        self._definitions = definitions
        self._account = account
        self._account_name = account_name
        self._bindings: dict[str, Binding] = {}
        self._data: dict[str, DeviceData] = {}
        self._products: dict[str, _Product] = {}
        self._groups: list[Group] = []
        self._members: dict[str, list[str]] = {}
        self._scenarios: list[Scenario] = []
        self._topology_read = False
        # False while bound devices were skipped as unreadable: nothing is gone.
        self._complete = True
        self._problems = ProblemLog(_LOGGER, "Gizwits: %s")
        # Devices the cloud answered "offline" (9042) for in the last poll.
        self._offline: set[str] = set()
        # Products without a definition: "refused" or "unusable" by product key.
        self.without_definition: dict[str, str] = {}

    def _key(self, item: str) -> str:
        """Return a device key, unique within the vendor."""
        return f"{self._account}:{item}"

    def _vendor_error(self, err: VendorClientError) -> CloudError | None:
        """Return the core's error for Gizwits' own codes."""
        match err:
            case GizwitsAccountMovedError():
                return CloudAccountError(str(err), "account_moved")
            case GizwitsAppIdError():
                # The AppID was refused (9003): nothing works until it is changed.
                return CloudAccountError(str(err), "invalid_app_id")
            case GizwitsDeviceOfflineError():
                return DeviceOfflineError(str(err))
            case GizwitsInvalidAttrError():
                return CloudInvalidValueError(str(err))
        return None

    async def async_poll(self, *, topology_due: bool) -> Snapshot:
        """Read bindings and device data; groups, scenarios and definitions when due."""
        bindings = await self._call(self._client.bindings)
        for problem in bindings.skipped:
            self._problems.report(f"a bound device skipped: {problem}")
        self._complete = not bindings.skipped
        self._bindings = {binding.did: binding for binding in bindings.items}
        self._data = {did: d for did, d in self._data.items() if did in self._bindings}
        if topology_due or not self._topology_read:
            await self._read_topology()
        await self._read_definitions(stale_too=topology_due)
        await self._read_data([b for b in bindings.items if b.online])
        await self._remember_inferred()
        return self._snapshot()

    async def _read_topology(self) -> None:
        """Read groups, their members and the scenarios."""
        self._groups = await self._call(self._client.groups)
        self._members = {}
        for group in self._groups:
            if group.product_key:
                self._members[group.id] = await self._call(
                    partial(self._client.group_devices, group.id)
                )
        self._scenarios = await self._call(self._client.scenarios)
        self._topology_read = True

    async def _read_definitions(self, *, stale_too: bool) -> None:
        """Read the definitions of products not known yet (and stale ones when due)."""
        keys = {binding.product_key for binding in self._bindings.values()}
        keys.update(group.product_key for group in self._groups if group.product_key)
        for product_key in sorted(keys):
            due = stale_too and self._definitions.is_due(product_key)
            if product_key in self._products and not due:
                continue
            # A refused definition is asked for again with the topology only.
            if product_key in self.without_definition and not stale_too:
                continue
            cached = self._definitions.get(product_key)
            if cached is not None and not due:
                self._use_definition(cached)
                continue
            try:
                definition = await self._client.definition(product_key)
            except GizwitsDefinitionError as err:
                # Nothing in it can be read: as good as refused, for this
                # product only.
                self._without(product_key, cached, UNUSABLE, str(err))
                continue
            except GizwitsError as err:
                neutral = neutral_error(err, self._vendor_error)
                # The document reserves /app/datapoint for a "super AppID"; an
                # ordinary one is refused (9003), which here is no account problem.
                if not isinstance(err, GizwitsAppIdError) and not isinstance(
                    neutral, CloudRejectedError
                ):
                    raise neutral from err
                self._without(product_key, cached, REFUSED, str(neutral))
                continue
            await self._definitions.async_put(definition)
            self._use_definition(definition)

    def _without(
        self,
        product_key: str,
        cached: ProductDefinition | None,
        reason: str,
        error: str,
    ) -> None:
        """Go on without a product's definition from the cloud: the kept one, or none.

        Without one, its devices show read-only entities inferred from their data.
        """
        self._problems.report(f"definition of {product_key} {reason}: {error}")
        if cached is not None:
            self._use_definition(cached)
        else:
            self._products.pop(product_key, None)
            self.without_definition[product_key] = reason

    def _use_definition(self, definition: ProductDefinition) -> None:
        """Take a definition into use."""
        self._products[definition.product_key] = _Product.of(definition)
        self.without_definition.pop(definition.product_key, None)
        for problem in definition.problems:
            self._problems.report(
                f"datapoint of {definition.product_key} skipped: {problem}"
            )

    async def _read_data(self, online: list[Binding]) -> None:
        """Read the latest data of online devices, a few at a time."""
        self._offline = set()

        async def read(did: str) -> None:
            try:
                data = await self._call(partial(self._client.latest, did))
                known = self._data.get(did)
                # Nothing reported within 24 h (updated_at 0) is no news:
                # what the device last said stays, and so do its entities.
                if data.updated_at or known is None or not known.updated_at:
                    self._data[did] = data
            except DeviceOfflineError as err:
                # The cloud says it is offline (9042): unavailable until it
                # answers again, whatever the bindings said.
                self._offline.add(did)
                self._problems.report(f"data of {did} not read: {err}")
            except CloudRejectedError as err:
                # One device's answer does not stop the others; it keeps
                # what it last reported.
                self._problems.report(f"data of {did} not read: {err}")

        await read_concurrently(
            [binding.did for binding in online], read, MAX_CONCURRENT_READS
        )

    async def _remember_inferred(self) -> None:
        """Keep which points each device without a definition showed, over restarts.

        A device offline or silent for a day has no values to infer from; its
        entities must not go for that.
        """
        known = self._definitions.inferred(self._account)
        shapes: dict[str, dict[str, str]] = {}
        if not self._complete:
            # A device whose binding could not be read is not gone.
            shapes.update(
                (did, dict(shape))
                for did, shape in known.items()
                if did not in self._bindings
            )
        for did, binding in self._bindings.items():
            if binding.product_key in self._products:
                continue
            shape = dict(known.get(did, {}))
            data = self._data.get(did)
            if data is not None and data.updated_at:
                shape.update(
                    (name, kind)
                    for name, raw in data.attr.items()
                    if (kind := inferred_kind(raw)) is not None
                )
            if shape:
                shapes[did] = shape
        if shapes != known:
            await self._definitions.async_put_inferred(self._account, shapes)

    def _inferred_points(self, did: str, attr: dict[str, Any]) -> list[Point]:
        """Return the read-only points of a device without a definition."""
        points: dict[str, Point] = {}
        shape = self._definitions.inferred(self._account).get(did, {})
        for name, kind in shape.items():
            sample = INFERRED_SAMPLES.get(kind)
            if sample is not None and (point := inferred_point(name, sample)):
                points[name] = replace(point, value=None)
        for name, raw in attr.items():
            if (point := inferred_point(name, raw)) is not None:
                points[name] = point
        return [points[name] for name in sorted(points)]

    def _snapshot(self) -> Snapshot:
        """Build the Snapshot from what was read."""
        devices: dict[str, Device] = {}
        for did, binding in self._bindings.items():
            devices[self._key(did)] = self._device(binding)
        for group in self._groups:
            if (device := self._group_device(group)) is not None:
                devices[device.key] = device
        if self._scenarios:
            key = self._key(ACCOUNT)
            devices[key] = Device(
                key=key,
                name=self._account_name,
                manufacturer=MANUFACTURER,
                points={
                    f"scene-{s.id}": Point(
                        key=f"scene-{s.id}", spec=SceneSpec(name=s.name)
                    )
                    for s in self._scenarios
                },
            )
        return Snapshot(devices, self._complete)

    def _device(self, binding: Binding) -> Device:
        """Return a bound device with its points."""
        product = self._products.get(binding.product_key)
        data = self._data.get(binding.did)
        attr = data.attr if data is not None and data.updated_at else {}
        if product is not None:
            points = product.points(attr)
        else:
            points = self._inferred_points(binding.did, attr)
        mac = binding.mac.lower().replace(":", "")
        return Device(
            key=self._key(binding.did),
            name=self._name(binding),
            manufacturer=MANUFACTURER,
            model=product.name if product and product.name else binding.product_key,
            mac=mac
            if len(mac) == 12 and all(c in "0123456789abcdef" for c in mac)
            else None,
            online=binding.online and binding.did not in self._offline,
            points={point.key: point for point in points},
        )

    def _name(self, binding: Binding) -> str:
        """Return a device's name: its alias, else its product's name, else its did."""
        product = self._products.get(binding.product_key)
        return binding.alias or (product.name if product else "") or binding.did

    def _group_device(self, group: Group) -> Device | None:
        """Return a one-product group with that product's writable points."""
        product = self._products.get(group.product_key)
        if product is None:
            return None
        return Device(
            key=self._key(f"group-{group.id}"),
            name=group.name,
            manufacturer=MANUFACTURER,
            model=product.name or group.product_key,
            points={p.key: p for p in self._group_points(group, product)},
        )

    def _group_reports(self, group: Group) -> list[dict[str, Any]]:
        """Return what the group's online members last reported."""
        return [
            self._data[did].attr
            for did in self._members.get(group.id, [])
            if did in self._data
            and did in self._bindings
            and self._bindings[did].online
        ]

    def _group_points(self, group: Group, product: _Product) -> list[Point]:
        """Return a group's writable points; a lamp group's light combines its lamps."""
        points = product.points(self._group_values(group, product), writable_only=True)
        if product.lamp is None:
            return points
        features = product.lamp.features()
        light = combine_light_states(
            [
                product.lamp.state(report, features)
                for report in self._group_reports(group)
            ],
            features,
        )
        return [replace(p, value=light) if p.key == LIGHT_KEY else p for p in points]

    def _group_values(self, group: Group, product: _Product) -> dict[str, Any]:
        """Return what a group shows.

        A switch is on when any member is; a number is the members' mean (on
        the datapoint's grid); anything else shows when every member agrees.
        """
        reports = self._group_reports(group)
        values: dict[str, Any] = {}
        for name, datapoint in product.datapoints.items():
            seen = [read_value(datapoint, report.get(name)) for report in reports]
            known = [value for value in seen if value is not None]
            if not known:
                continue
            if datapoint.data_type == "bool":
                values[name] = any(known)
            elif is_number(datapoint):
                values[name] = snap(datapoint, fmean(known))
            elif all(value == known[0] for value in known):
                values[name] = known[0]
        return values

    async def async_execute(self, command: Command) -> list[PointUpdate]:
        """Send the control call a command needs; return the optimistic values."""
        if command.device_key == self._key(ACCOUNT):
            scenario_id = command.point_key.removeprefix("scene-")
            await self._call(partial(self._client.run_scenario, scenario_id))
            return []
        item = command.device_key.removeprefix(f"{self._account}:")
        if item.startswith("group-"):
            return await self._execute_on_group(item.removeprefix("group-"), command)
        binding = self._bindings.get(item)
        product = self._products.get(binding.product_key) if binding else None
        if binding is None or product is None:
            raise CloudRejectedError(f"{command.point_key} of {item} cannot be set")
        attrs = self._attrs(product, command)
        try:
            await self._client.control(binding.did, attrs)
        except GizwitsNotBoundError as err:
            # Unbound in the app (9017): read the bindings, groups and scenarios
            # again now, so the device leaves Home Assistant.
            self._topology_read = False
            raise DeviceGoneError(str(err)) from err
        except GizwitsError as err:
            raise neutral_error(err, self._vendor_error) from err
        return self._after_control(binding.did, product, attrs)

    async def _execute_on_group(
        self, group_id: str, command: Command
    ) -> list[PointUpdate]:
        """Control every member of a group with one request."""
        group = next((g for g in self._groups if g.id == group_id), None)
        product = self._products.get(group.product_key) if group else None
        if group is None or product is None:
            raise CloudRejectedError(f"group {group_id} cannot be controlled")
        attrs = self._attrs(product, command)
        results = await self._call(partial(self._client.group_control, group.id, attrs))
        updates = [
            update
            for did, took in results.items()
            if took and did in self._bindings
            for update in self._after_control(did, product, attrs)
        ]
        updates.extend(
            PointUpdate(
                device_key=command.device_key, point_key=point.key, value=point.value
            )
            for point in self._group_points(group, product)
        )
        if failed := [did for did, took in results.items() if not took]:
            names = [
                self._name(self._bindings[did]) if did in self._bindings else did
                for did in failed
            ]
            raise CloudPartialError(
                f"{len(failed)} of {len(results)} devices did not take it",
                names,
                updates,
            )
        return updates

    @staticmethod
    def _attrs(product: _Product, command: Command) -> dict[str, Any]:
        """Return the datapoints a command sets, or refuse the value."""
        try:
            return product.attrs(command.point_key, command.value)
        except ValueError as err:
            raise CloudInvalidValueError(str(err)) from err

    def _after_control(
        self, did: str, product: _Product, attrs: dict[str, Any]
    ) -> list[PointUpdate]:
        """Keep what a device took as its data; return its new point values."""
        old = self._data.get(did)
        attr = {**(old.attr if old else {}), **attrs}
        # A device that never reported has now at least been told these values.
        self._data[did] = DeviceData(
            did=did,
            updated_at=old.updated_at if old and old.updated_at else 1,
            attr=attr,
        )
        key = self._key(did)
        return [
            PointUpdate(device_key=key, point_key=point.key, value=point.value)
            for point in product.points(attr)
        ]

    def diagnostics(self) -> dict[str, Any]:
        """Return the products known, the groups and what could not be read."""
        return {
            "devices": len(self._bindings),
            "online": sum(binding.online for binding in self._bindings.values()),
            "products": {
                key: {
                    "name": p.name,
                    "datapoints": sorted(p.datapoints),
                    "lamp": bool(p.lamp),
                    "appliance": p.appliance.key if p.appliance else None,
                }
                for key, p in sorted(self._products.items())
            },
            "without_definition": sorted(self.without_definition),
            "groups": [
                {
                    "id": g.id,
                    "product_key": g.product_key,
                    "members": len(self._members.get(g.id, [])),
                }
                for g in self._groups
            ],
            "reported_problems": self._problems.reported,
        }
