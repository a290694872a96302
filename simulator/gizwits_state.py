"""The Gizwits cloud's state and operations: tokens, bindings, control, groups, scenes.

Every operation raises :class:`~simulator.gizwits_model.GizwitsError` as the Open API
would answer; ``gizwits.py`` turns requests into these calls and errors into replies.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from dataclasses import dataclass, field
import time
from typing import TYPE_CHECKING, Any
import uuid

from .gizwits_model import (
    Device,
    GizwitsData,
    GizwitsError,
    Group,
    Product,
    Scenario,
    SceneTask,
    User,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Collection
    from datetime import timedelta

# Called with a device and the names of the datapoints it just reported (None: all).
type ReportListener = Callable[[Device, Collection[str] | None], None]

# devdata/latest "obtains the last reported data point value of the device within 24
# hours": older reports are not served.
REPORT_WINDOW = 24 * 3600
_CODINGS = ("hex", "base64")


@dataclass(slots=True)
class Token:
    """A user token: whose, for which AppID, until when (UNIX time), from which login.

    ``kind`` is "classic" (``POST /app/login``) or "aep" (the newer app login); both
    work on the Open API alike.
    """

    token: str
    uid: str
    app_id: str
    expire_at: int
    created_at: int = 0
    kind: str = "classic"


@dataclass(slots=True)
class SceneRun:
    """One scene run: status 0 running, 1 done, 2 failed; indexes of failed tasks."""

    scene_id: str
    status: int = 0
    failed: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Command:
    """A control body: attrs as sent, their raw values, and raw bytes if any."""

    attrs: dict[str, Any] | None
    values: dict[str, Any]
    raw: bytes | None


def check_attrs(product: Product, attrs: Any, coding: str) -> dict[str, Any]:
    """Return the raw values of a control's attrs (9015/9025 otherwise)."""
    if not isinstance(attrs, dict) or not attrs:
        raise GizwitsError(9015, "attrs must be a non-empty object")
    values = {}
    for name, value in attrs.items():
        datapoint = product.by_name.get(name)
        if datapoint is None:
            raise GizwitsError(9025, f"{name}: no such datapoint")
        if not datapoint.writable:
            raise GizwitsError(9025, f"{name}: {datapoint.type} is not writable")
        try:
            values[name] = datapoint.from_control(value, coding)
        except ValueError as err:
            raise GizwitsError(9025, f"{name}: {err}") from err
    return values


def check_raw(raw: Any, coding: str | None) -> bytes:
    """Return the bytes of a raw instruction (decimal array, or hex/base64 string)."""
    if coding is None:
        if not isinstance(raw, list) or not all(
            type(b) is int and 0 <= b <= 255 for b in raw
        ):
            raise GizwitsError(9015, "raw must be an array of bytes (0-255)")
        data = bytes(raw)
    elif not isinstance(raw, str):
        raise GizwitsError(9015, f"raw must be a {coding} string")
    else:
        try:
            data = (
                base64.b64decode(raw, validate=True)
                if coding == "base64"
                else bytes.fromhex(raw)
            )
        except (ValueError, binascii.Error) as err:
            raise GizwitsError(9015, f"raw is not {coding}") from err
    if not data:
        raise GizwitsError(9015, "raw is empty")
    return data


def parse_command(body: Any, product: Product) -> Command:
    """Check a control body {attrs?, raw?, binary_coding?} against a product."""
    if not isinstance(body, dict):
        raise GizwitsError(9015, "the body must be a JSON object")
    coding = body.get("binary_coding")
    if coding is not None and coding not in _CODINGS:
        raise GizwitsError(9015, "binary_coding must be hex or base64")
    attrs, raw = body.get("attrs"), body.get("raw")
    if attrs is None and raw is None:
        raise GizwitsError(9015, "fill in attrs or raw")
    values = {} if attrs is None else check_attrs(product, attrs, coding or "hex")
    return Command(attrs, values, None if raw is None else check_raw(raw, coding))


class GizwitsState:
    """Products, devices and users with tokens; the operations behind the endpoints."""

    def __init__(self, data: GizwitsData, token_lifetime: timedelta) -> None:
        """Index data."""
        self.products: dict[str, Product] = {p.product_key: p for p in data.products}
        self.devices: dict[str, Device] = {d.did: d for d in data.devices}
        self.users: list[User] = list(data.users)
        self.token_lifetime = token_lifetime
        self.tokens: dict[str, Token] = {}
        self.controls: list[tuple[str, dict[str, Any]]] = []
        self.raw_controls: list[tuple[str, bytes]] = []
        self.scene_runs: list[SceneRun] = []
        self.scene_statuses: dict[str, int] = {}
        self.report_listeners: list[ReportListener] = []
        # Where the bindings send apps for the WebSocket (set when the server starts);
        # wss_port 0: the simulator serves no TLS.
        self.ws_host = "127.0.0.1"
        self.ws_port = 0
        self.wss_port = 0

    # --- users and tokens -----------------------------------------------------------

    def find_user(self, login: str) -> User | None:
        """Return the user whose username, email, phone or uid is login."""
        return next(
            (u for u in self.users if login in u.logins() or login == u.uid), None
        )

    def issue_token(
        self,
        user: User,
        app_id: str,
        *,
        kind: str = "classic",
        lifetime: timedelta | None = None,
        value: str | None = None,
    ) -> Token:
        """Issue a new token (older ones stay valid until they expire)."""
        now = int(time.time())
        seconds = (lifetime or self.token_lifetime).total_seconds()
        token = Token(
            value or uuid.uuid4().hex, user.uid, app_id, int(now + seconds), now, kind
        )
        self.tokens[token.token] = token
        return token

    def login(self, body: Any, app_id: str) -> Token:
        """Check a login body; 9005 unknown user, 9026 moved account, 9020 password."""
        if not isinstance(body, dict):
            raise GizwitsError(9015, "the body must be a JSON object")
        login, password = body.get("username"), body.get("password")
        if not (isinstance(login, str) and login and isinstance(password, str)):
            raise GizwitsError(9015, "username and password are required")
        if not isinstance(body.get("lang", ""), str):
            raise GizwitsError(9015, "lang must be a string")
        user = next((u for u in self.users if login in u.logins()), None)
        if user is None:
            raise GizwitsError(9005)
        if user.moved:
            raise GizwitsError(9026, "the account uses the new app login")
        if password != user.password:
            raise GizwitsError(9020)
        return self.issue_token(user, app_id)

    def check_token(self, value: str | None, app_id: str) -> tuple[Token, User]:
        """Return a token and its user (9004 missing or unknown, 9006 expired)."""
        if not value:
            raise GizwitsError(9004, "X-Gizwits-User-token is missing")
        token = self.tokens.get(value)
        user = None if token is None else self.find_user(token.uid)
        if token is None or token.app_id != app_id or user is None:
            raise GizwitsError(9004)
        if token.expire_at <= time.time():
            raise GizwitsError(9006)
        return token, user

    def valid_token(self, value: str) -> Token | None:
        """Return a token that exists and has not expired (None otherwise)."""
        token = self.tokens.get(value)
        if token is None or token.expire_at <= time.time():
            return None
        return token

    # --- devices --------------------------------------------------------------------

    def binding(self, device: Device, role: str, proto: bool) -> dict[str, Any]:
        """Return a device as GET /app/bindings lists it.

        ``host``/``ws_port`` name this simulator (a device's own ``host``, if set,
        replaces the host); ``wss_port`` is 0, as the simulator serves no TLS (the
        field stays, an integer as the table types it). MQTT ports keep the
        document's values: nothing here speaks MQTT.
        """
        item: dict[str, Any] = {
            "product_key": device.product_key,
            "did": device.did,
            "mac": device.mac,
            "is_online": device.online,
            "passcode": device.passcode,
            "host": device.host or self.ws_host,
            "port": 1883,
            "port_s": 8883,
            "ws_port": self.ws_port,
            "wss_port": self.wss_port,
            "remark": device.remark,
            "is_disabled": device.disabled,
            "type": device.type,
            "dev_alias": device.alias,
            "dev_label": list(device.labels),
        }
        if proto:
            item["proto_ver"] = device.proto_ver
        item.update(
            wifi_soft_version=device.wifi_soft_version,
            is_sandbox=device.is_sandbox,
            role=role,
        )
        return item

    def bindings(
        self, user: User, limit: int, skip: int, *, disabled: bool, proto: bool
    ) -> list[dict[str, Any]]:
        """Return one page of the user's bound devices, in binding order."""
        bound = [
            (self.devices[did], role)
            for did, role in user.bindings.items()
            if did in self.devices and (disabled or not self.devices[did].disabled)
        ]
        return [self.binding(d, role, proto) for d, role in bound[skip : skip + limit]]

    def bound_device(self, user: User, did: str) -> Device:
        """Return a device the user has bound (9014 unknown, 9017 not bound)."""
        device = self.devices.get(did)
        if device is None:
            raise GizwitsError(9014)
        if did not in user.bindings:
            raise GizwitsError(9017)
        return device

    def device_details(self, user: User, did: str) -> dict[str, Any]:
        """Return GET /app/devices/{did} (the binding fields its table lists)."""
        item = self.binding(self.bound_device(user, did), user.bindings[did], True)
        del item["wifi_soft_version"], item["is_sandbox"]
        return item

    def latest(self, device: Device) -> dict[str, Any]:
        """Return devdata/latest for a device (nothing reported within 24 h: empty)."""
        if not device.attr or time.time() - device.updated_at > REPORT_WINDOW:
            return {"did": device.did, "updated_at": 0, "attr": {}}
        product = self.products[device.product_key]
        return {
            "did": device.did,
            "updated_at": device.updated_at,
            "attr": {
                dp.name: dp.served(device.attr[dp.name])
                for dp in product.datapoints
                if dp.name in device.attr
            },
        }

    def apply(self, device: Device, values: dict[str, Any]) -> None:
        """Set raw values as the firmware reports them back (a first report: all)."""
        if not device.attr:
            device.attr = self.products[device.product_key].raw_values({})
        device.attr.update(values)
        device.updated_at = int(time.time())
        self._reported(device, tuple(values))

    def report(self, device: Device, names: Collection[str] | None = None) -> None:
        """Let a device report its current state again, e.g. answering a read."""
        if not device.attr:
            device.attr = self.products[device.product_key].raw_values({})
        device.updated_at = int(time.time())
        self._reported(device, names)

    def _reported(self, device: Device, names: Collection[str] | None) -> None:
        """Tell every report listener (the app WebSocket) what a device reported."""
        for listener in self.report_listeners:
            listener(device, names)

    def control(self, user: User, did: str, body: Any) -> None:
        """POST /app/control/{did}: 9014, 9017, 9023, 9015/9025, then 9042."""
        device = self.bound_device(user, did)
        if device.disabled:
            raise GizwitsError(9023)
        command = parse_command(body, self.products[device.product_key])
        if not device.online:
            raise GizwitsError(9042)
        if command.values:
            self.apply(device, command.values)
            self.controls.append((did, dict(command.attrs or {})))
        if command.raw is not None:
            self.raw_controls.append((did, command.raw))

    def _controllable(self, user: User, did: str, product_key: str) -> Device | None:
        """Return a group member that can take a command now (None otherwise)."""
        device = self.devices.get(did)
        if (
            device is None
            or did not in user.bindings
            or not device.online
            or device.disabled
            or device.product_key != product_key
        ):
            return None
        return device

    # --- groups ---------------------------------------------------------------------

    @staticmethod
    def user_group(user: User, group_id: str) -> Group:
        """Return one of the user's groups (9015 with HTTP 404 otherwise)."""
        group = next((g for g in user.groups if g.id == group_id), None)
        if group is None:
            raise GizwitsError(9015, "group not found", status=404)
        return group

    def verbose_name(self, product_key: str) -> str:
        """Return a product's name ("" for a mixed group)."""
        product = self.products.get(product_key)
        return product.name if product else ""

    def groups(self, user: User) -> list[dict[str, Any]]:
        """Return GET /app/group."""
        return [
            {
                "created_at": group.created_at,
                "updated_at": group.updated_at,
                "product_key": group.product_key,
                "group_name": group.group_name,
                "verbose_name": self.verbose_name(group.product_key),
                "id": group.id,
            }
            for group in user.groups
        ]

    def group_devices(self, user: User, group_id: str) -> list[dict[str, Any]]:
        """Return GET /app/group/{id}/devices.

        The document: product_key and verbose_name "will have a value" for a group with
        a single product key; in a mixed group both are "" for every member.
        """
        group = self.user_group(user, group_id)
        return [
            {
                "did": did,
                "type": self.devices[did].type,
                "verbose_name": self.verbose_name(group.product_key),
                "dev_alias": self.devices[did].alias,
                "product_key": group.product_key,
            }
            for did in group.dids
            if did in self.devices
        ]

    def _control_members(
        self, user: User, group: Group, values: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Apply values to every member that can take them; return the results."""
        results = []
        for did in group.dids:
            device = self._controllable(user, did, group.product_key)
            if device is not None and values:
                self.apply(device, values)
            results.append({"did": did, "result": device is not None})
        return results

    def group_control(
        self, user: User, group_id: str, body: Any
    ) -> list[dict[str, Any]]:
        """POST /app/group/{id}/control (single-product groups only, else 9015)."""
        group = self.user_group(user, group_id)
        if not group.product_key:
            raise GizwitsError(
                9015, "only a group with a single product_key can be controlled"
            )
        command = parse_command(body, self.products[group.product_key])
        results = self._control_members(user, group, command.values)
        if command.values:
            self.controls.append((group.id, dict(command.attrs or {})))
        if command.raw is not None:
            self.raw_controls.append((group.id, command.raw))
        return results

    # --- scenes ---------------------------------------------------------------------

    def user_scene(self, user: User, scene_id: str) -> Scenario:
        """Return one of the user's scenes (9221 someone else's, 9220 unknown)."""
        for other in self.users:
            for scene in other.scenes:
                if scene.id == scene_id:
                    if other is not user:
                        raise GizwitsError(9221)
                    return scene
        raise GizwitsError(9220)

    def _task(self, task: SceneTask) -> dict[str, Any]:
        """Return a scene task as GET /app/scene lists it."""
        device = self.devices.get(task.did)
        group = next(
            (g for u in self.users for g in u.groups if g.id == task.group_id), None
        )
        product_key = ""
        if task.task_type == "device" and device is not None:
            product_key = device.product_key
        elif task.task_type == "group" and group is not None:
            product_key = group.product_key
        return {
            "task_type": task.task_type,
            "did": task.did,
            "product_key": product_key,
            "group_name": group.group_name if group else "",
            "raw": task.raw,
            "attrs": dict(task.attrs),
            "dev_remark": device.remark if device else "",
            "time": task.time,
            "group_id": task.group_id,
            "verbose_name": self.verbose_name(product_key),
            "dev_alias": device.alias if device else "",
        }

    def scenes(self, user: User) -> list[dict[str, Any]]:
        """Return GET /app/scene."""
        return [
            {
                "remark": scene.remark,
                "tasks": [self._task(task) for task in scene.tasks],
                "created_at": scene.created_at,
                "updated_at": scene.updated_at,
                "scene_name": scene.scene_name,
                "id": scene.id,
            }
            for scene in user.scenes
        ]

    def start_scene(self, user: User, scene_id: str) -> tuple[Scenario, SceneRun]:
        """Record the start of a scene run (status 0)."""
        scene = self.user_scene(user, scene_id)
        run = SceneRun(scene.id)
        self.scene_runs.append(run)
        self.scene_statuses[scene.id] = 0
        return scene, run

    async def play(
        self, user: User, scene: Scenario, run: SceneRun, delay_cap: float
    ) -> None:
        """Run a scene's tasks in order; a delay waits min(time, delay_cap) seconds."""
        for index, task in enumerate(scene.tasks):
            if task.task_type == "delay":
                await asyncio.sleep(min(task.time, delay_cap))
            elif not self._play_task(user, task):
                run.failed.append(index)
        run.status = 2 if run.failed else 1
        self.scene_statuses[scene.id] = run.status

    def _play_task(self, user: User, task: SceneTask) -> bool:
        """Apply one device or group task; return whether every target took it."""
        if task.task_type == "device":
            device = self.devices.get(task.did)
            targets = [(task.did, device.product_key)] if device else []
        else:
            group = next((g for g in user.groups if g.id == task.group_id), None)
            if group is None or not group.product_key:
                return False
            targets = [(did, group.product_key) for did in group.dids]
        if not targets:
            return task.task_type == "group"
        try:
            values = (
                check_attrs(self.products[targets[0][1]], task.attrs, "base64")
                if task.attrs
                else {}
            )
            raw = base64.b64decode(task.raw, validate=True) if task.raw else None
        except GizwitsError, ValueError, binascii.Error:
            return False
        succeeded = True
        for did, product_key in targets:
            device = self._controllable(user, did, product_key)
            if device is None:
                succeeded = False
                continue
            if values:
                self.apply(device, values)
            if raw:
                self.raw_controls.append((did, raw))
        return succeeded
