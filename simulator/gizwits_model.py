"""The Gizwits data model: products and datapoints, devices, users, groups, scenes.

A device keeps its datapoints RAW, as the firmware reports them (an int for a number,
the order number for an enum, bytes for a binary); the Open API serves and takes them
converted, and this module holds both conversions:

- ``GET /app/devdata/{did}/latest`` serves numbers scaled (``raw * ratio + addition``),
  enums as their labels, binaries as lowercase hex, and bools as ``0``/``1`` as the
  document's example shows (``"switch": 0``).
- ``POST /app/control/{did}`` takes bools as JSON booleans, numbers scaled (on the
  ratio grid, within ``[min * ratio + addition, max * ratio + addition]``), enums as the
  order number of the label (the scenario section: "fill in order number for
  enumeration data point"; a label is refused) and binaries as hex of exactly the
  datapoint's length (``binary_coding: "base64"`` switches to base64, as scenes use).
- The app WebSocket (``s2c_noti`` and ``c2s_write``) carries values as its document
  shows them: bools as ``true``/``false``, numbers scaled, enums as their labels and
  binaries as byte arrays (``[23, 2, 3]``); a write takes the same forms (an enum's
  label, not its order number) within the same ranges as REST control.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

WRITABLE = "status_writable"
READONLY = "status_readonly"
ALERT = "alert"
FAULT = "fault"
DATAPOINT_TYPES = (WRITABLE, READONLY, ALERT, FAULT)
PERM = {WRITABLE: "W", READONLY: "R", ALERT: "N", FAULT: "E"}
UINT_TYPES = {"uint8": 0xFF, "uint16": 0xFFFF, "uint32": 0xFFFFFFFF}
DATA_TYPES = ("bool", "enum", *UINT_TYPES, "binary")
ENTITY_DISPLAY_NAME = "机智云开发套件"

# The appendix's error table (messages verbatim), plus the two scene codes of the
# "Get error status code list" example.
ERROR_MESSAGES: dict[int, str] = {
    9001: "mac already registered!",
    9002: "product_key invalid",
    9003: "appid invalid",
    9004: "token invalid",
    9005: "user not exist",
    9006: "token expired",
    9008: "server error",
    9014: "device not found!",
    9015: "form invalid!",
    9016: "did or passcode invalid!",
    9017: "device not bound!",
    9020: "username or password error!",
    9021: "send command failed!",
    9023: "device is disabled!",
    9025: "attr invalid!",
    9026: "user invalid!",
    9029: "datapoint data not found!",
    9039: "Not allowed to call deprecated API!",
    9041: "request was throttled",
    9042: "device offline!",
    9220: "scene not found!",
    9221: "the scene does not belong to you!",
    9999: "reserved",
}

# The document gives no HTTP status per code (only its /errors example: 9220 → 404,
# 9221 → 400). Chosen: 400 form/attr errors, 401 token/credentials, 403 AppID and
# permission, 404 not found, 429 throttled, 500 server error; unlisted codes → 400.
HTTP_STATUS: dict[int, int] = {
    9002: 400,
    9003: 403,
    9004: 401,
    9005: 401,
    9006: 401,
    9008: 500,
    9014: 404,
    9015: 400,
    9017: 403,
    9020: 401,
    9023: 400,
    9025: 400,
    9026: 403,
    9041: 429,
    9042: 400,
    9220: 404,
    9221: 400,
}


class AttrValueError(ValueError):
    """A datapoint value the API refuses (wrong type, off the grid, out of range)."""


class GizwitsError(Exception):
    """An Open API error reply: code, the table's message, detail and HTTP status."""

    def __init__(
        self,
        code: int,
        detail: str | None = None,
        *,
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Make the error of code (status None: the simulator's table)."""
        super().__init__(f"{code} {ERROR_MESSAGES.get(code, '')} {detail or ''}")
        self.code = code
        self.detail = detail
        self.status = status
        self.headers = headers or {}


def error_body(code: int, detail: str | None = None) -> dict[str, Any]:
    """Return the JSON body of an error reply."""
    return {
        "error_code": code,
        "error_message": ERROR_MESSAGES.get(code, "reserved"),
        "detail_message": detail,
    }


@dataclass(frozen=True, slots=True)
class UintSpec:
    """A number's raw range and how it scales: value = raw * ratio + addition."""

    min: int
    max: int
    ratio: float = 1
    addition: int = 0

    def scaled(self, raw: int) -> int | float:
        """Return raw as the API shows it (an int when the ratio is whole)."""
        value = Decimal(raw) * Decimal(str(self.ratio)) + Decimal(self.addition)
        return int(value) if float(self.ratio).is_integer() else float(value)

    def raw(self, value: Any) -> int:
        """Return the raw value of a scaled one; ValueError off the grid or range."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise AttrValueError(f"expects a number, got {value!r}")
        try:
            exact = (Decimal(str(value)) - self.addition) / Decimal(str(self.ratio))
            whole = exact.to_integral_value()
        except InvalidOperation as err:
            raise ValueError(f"{value!r} is not a number") from err
        if exact != whole:
            raise ValueError(f"{value!r} is not a multiple of {self.ratio}")
        if not self.min <= whole <= self.max:
            raise ValueError(
                f"{value!r} is outside [{self.scaled(self.min)}, "
                f"{self.scaled(self.max)}]"
            )
        return int(whole)

    def as_json(self) -> dict[str, Any]:
        """Return the uint_spec object."""
        return {
            "min": self.min,
            "max": self.max,
            "ratio": self.ratio,
            "addition": self.addition,
        }


@dataclass(frozen=True, slots=True)
class Datapoint:
    """One datapoint of a product (``length`` is the byte length of a binary)."""

    id: int
    name: str
    display_name: str
    type: str
    data_type: str
    uint_spec: UintSpec | None = None
    enum: tuple[str, ...] = ()
    length: int = 0
    desc: str = "....."

    def __post_init__(self) -> None:
        """Refuse definitions the developer centre would refuse."""
        if self.type not in DATAPOINT_TYPES or self.data_type not in DATA_TYPES:
            raise ValueError(f"bad datapoint {self.name}: {self.type}/{self.data_type}")
        if (self.data_type in UINT_TYPES) != (self.uint_spec is not None):
            raise ValueError(f"{self.name}: uint_spec goes with uint types only")
        if self.uint_spec and not (
            0 <= self.uint_spec.min <= self.uint_spec.max <= UINT_TYPES[self.data_type]
        ):
            raise ValueError(f"{self.name}: raw range outside {self.data_type}")
        if (self.data_type == "enum") != bool(self.enum):
            raise ValueError(f"{self.name}: enum labels go with enum only")
        if (self.data_type == "binary") != (self.length > 0):
            raise ValueError(f"{self.name}: a binary needs its length")

    @property
    def writable(self) -> bool:
        """Return whether the API may set this datapoint."""
        return self.type == WRITABLE

    def default_raw(self) -> Any:
        """Return the raw value of a datapoint that was never set."""
        if self.data_type == "bool":
            return False
        if self.data_type == "enum":
            return 0
        if self.uint_spec is not None:
            return self.uint_spec.min
        return bytes(self.length)

    def served(self, raw: Any) -> Any:
        """Return raw as devdata/latest serves it."""
        if self.data_type == "bool":
            return int(bool(raw))
        if self.data_type == "enum":
            return self.enum[raw]
        if self.uint_spec is not None:
            return self.uint_spec.scaled(raw)
        return bytes(raw).hex()

    def from_control(self, value: Any, binary_coding: str = "hex") -> Any:
        """Return the raw value of a control value; ValueError if the API refuses it."""
        if self.data_type == "bool":
            if not isinstance(value, bool):
                raise ValueError(f"expects true or false, got {value!r}")
            return value
        if self.data_type == "enum":
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(
                    f"expects the order number of a label (0-{len(self.enum) - 1}),"
                    f" got {value!r}"
                )
            if not 0 <= value < len(self.enum):
                raise ValueError(f"order number {value} outside 0-{len(self.enum) - 1}")
            return value
        if self.uint_spec is not None:
            return self.uint_spec.raw(value)
        return self._binary(value, binary_coding)

    def pushed(self, raw: Any) -> Any:
        """Return raw as the app WebSocket carries it (s2c_noti)."""
        if self.data_type == "bool":
            return bool(raw)
        if self.data_type == "binary":
            return list(bytes(raw))
        return self.served(raw)

    def from_push(self, value: Any) -> Any:
        """Return the raw value of a c2s_write value; ValueError if refused."""
        if self.data_type == "enum":
            if not isinstance(value, str):
                raise AttrValueError(f"expects one of the labels, got {value!r}")
            if value not in self.enum:
                raise ValueError(f"{value!r} is not one of {list(self.enum)}")
            return self.enum.index(value)
        if self.data_type == "binary":
            if not isinstance(value, list) or not all(
                type(b) is int and 0 <= b <= 255 for b in value
            ):
                raise AttrValueError(f"expects an array of bytes, got {value!r}")
            if len(value) != self.length:
                raise ValueError(f"expects {self.length} bytes, got {len(value)}")
            return bytes(value)
        return self.from_control(value)

    def from_reading(self, value: Any) -> Any:
        """Return the raw value of a value as devdata/latest shows it (for set_attr)."""
        if self.data_type == "bool" and value in (0, 1):
            return bool(value)
        if self.data_type == "enum" and isinstance(value, str):
            if value not in self.enum:
                raise ValueError(f"{value!r} is not one of {self.enum}")
            return self.enum.index(value)
        if self.data_type == "binary" and isinstance(value, bytes | bytearray):
            return self._binary(bytes(value).hex(), "hex")
        return self.from_control(value)

    def _binary(self, value: Any, coding: str) -> bytes:
        """Decode a binary value given as hex or base64 of exactly length bytes."""
        if not isinstance(value, str):
            raise AttrValueError(f"expects a {coding} string, got {value!r}")
        try:
            data = (
                base64.b64decode(value, validate=True)
                if coding == "base64"
                else bytes.fromhex(value)
            )
        except (ValueError, binascii.Error) as err:
            raise ValueError(f"{value!r} is not {coding}") from err
        if coding == "hex" and len(value) != 2 * self.length:
            raise ValueError(f"expects {2 * self.length} hex digits, got {len(value)}")
        if len(data) != self.length:
            raise ValueError(f"expects {self.length} bytes, got {len(data)}")
        return data


@dataclass(eq=False)
class Product:
    """A product: its key, name and datapoint definition."""

    product_key: str
    name: str
    datapoints: list[Datapoint]
    by_name: dict[str, Datapoint] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        """Index the datapoints by name."""
        self.by_name = {dp.name: dp for dp in self.datapoints}

    def raw_values(self, readings: dict[str, Any]) -> dict[str, Any]:
        """Return raw values for every datapoint from readings (missing: defaults)."""
        return {
            dp.name: dp.from_reading(readings[dp.name])
            if dp.name in readings
            else dp.default_raw()
            for dp in self.datapoints
        }

    def definition(self) -> dict[str, Any]:
        """Return the product definition as GET /app/datapoint serves it."""
        attrs = []
        for dp, position in zip(
            self.datapoints, _positions(self.datapoints), strict=True
        ):
            attr: dict[str, Any] = {
                "display_name": dp.display_name,
                "name": dp.name,
                "data_type": dp.data_type,
                "position": position,
                "type": dp.type,
                "id": dp.id,
                "desc": dp.desc,
            }
            if dp.uint_spec is not None:
                attr["uint_spec"] = dp.uint_spec.as_json()
            if dp.enum:
                attr["enum"] = list(dp.enum)
            attrs.append(attr)
        return {
            "name": self.name,
            "entities": [
                {
                    "id": 0,
                    "display_name": ENTITY_DISPLAY_NAME,
                    "attrs": attrs,
                    "name": "entity0",
                }
            ],
            "protocolType": "standard",
            "product_key": self.product_key,
            "packetVersion": "0x00000004",
            "ui": {
                "object": {"version": 4, "showEditButton": False},
                "sections": [{"elements": [_ui_element(dp) for dp in self.datapoints]}],
            },
        }


def _positions(datapoints: list[Datapoint]) -> list[dict[str, Any]]:
    """Lay the datapoints out as the fixed-length protocol does, in id order.

    Bools and enums take bits packed into consecutive bytes (an enum as many bits as
    its labels need); numbers and binaries start on the next whole byte.
    """
    positions = []
    byte, bit = 0, 0
    for dp in datapoints:
        if dp.data_type in ("bool", "enum"):
            bits = (
                1 if dp.data_type == "bool" else max(1, (len(dp.enum) - 1).bit_length())
            )
            if bit + bits > 8:
                byte, bit = byte + 1, 0
            positions.append(
                {"bit_offset": bit, "len": bits, "unit": "bit", "byte_offset": byte}
            )
            bit += bits
            continue
        if bit:
            byte, bit = byte + 1, 0
        size = dp.length or {"uint8": 1, "uint16": 2, "uint32": 4}[dp.data_type]
        positions.append(
            {"bit_offset": 0, "len": size, "unit": "byte", "byte_offset": byte}
        )
        byte += size
    return positions


def _ui_element(dp: Datapoint) -> dict[str, Any]:
    """Return the mobile UI element of one datapoint.

    Chosen (the document lists the element types only): bools QBooleanElement, numbers
    QFloatElement, enums QRadioElement, writable binaries QMultilineElement, read-only
    binaries QLabelElement; ``perm`` tells read-only, alert and fault apart.
    """
    key = f"entity0.{dp.name}"
    element: dict[str, Any] = {
        "object": {"action": "entity0", "bind": [key], "perm": PERM[dp.type]},
        "key": key,
        "title": dp.display_name,
    }
    if dp.data_type == "bool":
        element.update(type="QBooleanElement", boolValue=False)
    elif dp.data_type == "enum":
        element.update(type="QRadioElement", items=list(dp.enum))
    elif dp.uint_spec is not None:
        low, high = (
            dp.uint_spec.scaled(dp.uint_spec.min),
            dp.uint_spec.scaled(dp.uint_spec.max),
        )
        element.update(
            type="QFloatElement",
            keyboardType="NumbersAndPunctuation",
            bind="floatValue:float",
            minimumValue=low,
            maximumValue=high,
            value=0,
        )
        element["object"]["unit_spec"] = {
            "min": low,
            "max": high,
            "step": dp.uint_spec.ratio,
        }
    elif dp.writable:
        element.update(
            type="QMultilineElement",
            keyboardType="NumbersAndPunctuation",
            maxLength=2 * dp.length,
        )
    else:
        element.update(type="QLabelElement")
    return element


@dataclass(eq=False)
class Device:
    """A device: identity, binding fields and its last report (raw values).

    ``updated_at`` 0 with an empty ``attr``: the device never reported.
    """

    did: str
    product_key: str
    mac: str
    alias: str = ""
    remark: str = ""
    online: bool = True
    attr: dict[str, Any] = field(default_factory=dict)
    updated_at: int = 0
    passcode: str = "JHHOOIWJBA"
    disabled: bool = False
    type: str = "normal"
    labels: list[str] = field(default_factory=list)
    proto_ver: str = "04"
    wifi_soft_version: str | None = "04020035"
    is_sandbox: bool = False
    # The WebSocket host the bindings name; "" (default): the simulator's own host.
    host: str = ""


@dataclass(eq=False)
class Group:
    """A user's device group (product_key "" for a group of mixed products)."""

    id: str
    group_name: str
    product_key: str
    dids: list[str]
    created_at: str = "2024-03-02T08:15:00Z"
    updated_at: str = "2024-03-02T08:15:00Z"


@dataclass(eq=False)
class SceneTask:
    """One task of a scenario: control a device or a group, or wait ``time`` seconds.

    ``attrs`` are written as the document asks for scenes: enums as order numbers,
    binaries as base64; ``raw`` is base64.
    """

    task_type: str
    did: str = ""
    group_id: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)
    raw: str = ""
    time: int = 0


@dataclass(eq=False)
class Scenario:
    """A user's scenario."""

    id: str
    scene_name: str
    tasks: list[SceneTask]
    remark: str = ""
    created_at: str = "2024-03-02T08:20:00Z"
    updated_at: str = "2024-03-02T08:20:00Z"


@dataclass(eq=False)
class User:
    """An app user; ``bindings`` maps each bound did to the user's role, in order.

    ``moved``: the account moved to Gizwits' newer app login ("AEP"): the classic
    ``POST /app/login`` answers 9026 and only the AEP login works; an account that did
    not move is unknown to the AEP login (1000000).
    """

    uid: str
    username: str
    password: str
    email: str = ""
    phone: str = ""
    moved: bool = False
    bindings: dict[str, str] = field(default_factory=dict)
    groups: list[Group] = field(default_factory=list)
    scenes: list[Scenario] = field(default_factory=list)

    def logins(self) -> set[str]:
        """Return every name the user can log in with."""
        return {name for name in (self.username, self.email, self.phone) if name}


@dataclass(eq=False)
class GizwitsData:
    """Everything a Gizwits cloud holds for one AppID's users."""

    products: list[Product]
    devices: list[Device]
    users: list[User]
