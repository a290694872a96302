"""Typed Gizwits data, parsed leniently from the cloud's JSON.

Product definitions come from ``/app/datapoint`` or, when that is refused, from
the JSON a user pastes (as the Gizwits developer console exports it).
"""

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Self

from ..parse import (
    ParseError,
    json_object,
    number,
    number_at,
    number_or_text_at,
    optional_number,
    optional_text,
    text,
)

# The document's table names the read/write types W/R/N/E; real definitions
# spell them out. Both are read.
_TYPES = {
    "W": "status_writable",
    "R": "status_readonly",
    "N": "alert",
    "E": "fault",
}
DATAPOINT_TYPES = frozenset(_TYPES.values())
DATA_TYPES = frozenset({"bool", "enum", "uint8", "uint16", "uint32", "binary"})


# One parse error for every cloud's JSON; the name is kept for callers.
GizwitsParseError = ParseError


def _number(data: Any, key: str, default: float) -> float:
    """Return a numeric field, or a default when it is missing.

    Raises GizwitsParseError when it is there but not a finite number.
    """
    value = number_at(data, key)
    return default if value is None else value


def _timestamp(value: Any) -> float:
    """Return a UNIX time given as a number or as text; 0 when it is neither.

    The document types devdata's ``updated_at`` as a string and shows a number;
    other endpoints give UTC times like "2017-09-11T11:41:23Z". All are read.
    """
    if isinstance(value, str):
        text = value.strip()
        try:
            value = float(text)
        except ValueError:
            try:
                moment = datetime.fromisoformat(text)
            except ValueError:
                return 0
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            return moment.timestamp()
    try:
        return number(value)
    except ParseError:
        return 0


@dataclass(frozen=True, slots=True)
class UserSession:
    """A logged-in user: the token, when it expires (a UNIX timestamp), a refresh token.

    Only the newer app login gives a refresh token; "" means none.
    """

    uid: str
    token: str
    expire_at: float
    refresh_token: str = ""

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse a login reply."""
        expire_at = _number(data, "expire_at", 0)
        if expire_at <= 0:
            raise GizwitsParseError("expire_at is missing")
        return cls(
            uid=text(data, "uid"), token=text(data, "token"), expire_at=expire_at
        )

    @classmethod
    def from_aep_login(cls, data: Any) -> Self:
        """Parse the ``data`` of a newer app login (``smart_home/login/pwd``).

        ``userToken`` is taken, else ``jwtAuthenticationDto.token``: field
        clients use either, and whether they are always equal is not known.
        ``expiredAt`` may come as a number or as text.
        """
        jwt = data.get("jwtAuthenticationDto") if isinstance(data, dict) else None
        token = optional_text(data, "userToken") or text(jwt, "token")
        return cls(
            uid=_identifier(data, "uid"),
            token=token,
            expire_at=_expiry(data, "expiredAt"),
            refresh_token=optional_text(data, "refreshToken"),
        )

    def refreshed(self, data: Any) -> Self:
        """Return the session a refresh reply (``user/refresh_token``) gives."""
        return type(self)(
            uid=self.uid,
            token=text(data, "token"),
            expire_at=_expiry(data, "expired_at"),
            # A refresh token works once; without a new one, none is left.
            refresh_token=optional_text(data, "refresh_token"),
        )


def _identifier(data: Any, key: str) -> str:
    """Return an id given as text or as a whole number."""
    value = data.get(key) if isinstance(data, dict) else None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(number_at(data, key, low=0, whole=True))
    return text(data, key)


def _expiry(data: Any, key: str) -> float:
    """Return a required expiry time in UNIX seconds, as a number or as text."""
    expire_at = number_or_text_at(data, key, low=0)
    if not expire_at:
        raise GizwitsParseError(f"{key} is missing")
    return float(expire_at)


@dataclass(frozen=True, slots=True, kw_only=True)
class Binding:
    """A device bound to the user, and where its app WebSocket is.

    ``host``, ``ws_port`` and ``wss_port`` are "" and 0 when not known (the
    newer device list does not carry them).
    """

    did: str
    product_key: str
    mac: str
    online: bool
    alias: str
    remark: str
    host: str = ""
    ws_port: int = 0
    wss_port: int = 0

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse one item of /app/bindings (or /app/devices/{did})."""
        data = json_object(data, "binding")
        return cls(
            did=text(data, "did"),
            product_key=text(data, "product_key"),
            mac=optional_text(data, "mac"),
            online=data.get("is_online") is True,
            alias=optional_text(data, "dev_alias"),
            remark=optional_text(data, "remark"),
            host=optional_text(data, "host"),
            ws_port=_port(data, "ws_port"),
            wss_port=_port(data, "wss_port"),
        )

    @classmethod
    def from_aep_json(cls, data: Any) -> Self:
        """Parse one item of the newer host's device list.

        ``onlineStatus`` is 1 for online (also read as "1" or true); ``name``
        is the device's name in the app.
        """
        data = json_object(data, "device")
        return cls(
            did=text(data, "did"),
            product_key=text(data, "productKey"),
            mac=optional_text(data, "mac"),
            online=_aep_online(data),
            alias=optional_text(data, "name"),
            remark=optional_text(data, "remark"),
        )

    def with_endpoint(self, other: Binding) -> Binding:
        """Return this binding with the WebSocket host and ports of another."""
        return replace(
            self, host=other.host, ws_port=other.ws_port, wss_port=other.wss_port
        )


def _aep_online(data: dict[str, Any]) -> bool:
    """Return whether the newer device list says a device is online."""
    if isinstance(status := data.get("onlineStatus"), bool):
        return status
    try:
        return number_or_text_at(data, "onlineStatus") == 1
    except ParseError:
        return False


def _port(data: Any, key: str) -> int:
    """Return a port number; 0 when missing or not a port."""
    return int(optional_number(data, key, low=0, high=65535, whole=True) or 0)


@dataclass(frozen=True, slots=True, kw_only=True)
class Datapoint:
    """One datapoint of a product: what a device reports and takes."""

    name: str
    display_name: str
    type: str
    data_type: str
    minimum: float = 0
    maximum: float = 0
    ratio: float = 1
    addition: float = 0
    labels: tuple[str, ...] = ()
    length: int = 0

    @property
    def writable(self) -> bool:
        """Return whether the datapoint can be set."""
        return self.type == "status_writable"

    @property
    def scaled_range(self) -> tuple[float, float]:
        """Return the range of values as read and written (raw * ratio + addition)."""
        return (
            self.minimum * self.ratio + self.addition,
            self.maximum * self.ratio + self.addition,
        )

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse an AttrItem."""
        data = json_object(data, "datapoint")
        name = text(data, "name")
        kind = _TYPES.get(optional_text(data, "type"), optional_text(data, "type"))
        if kind not in DATAPOINT_TYPES:
            raise GizwitsParseError(f"{name}: unknown type {data.get('type')!r}")
        data_type = optional_text(data, "data_type")
        if data_type not in DATA_TYPES:
            raise GizwitsParseError(f"{name}: unknown data_type {data_type!r}")
        spec = data.get("uint_spec")
        labels = data.get("enum")
        position = data.get("position")
        if data_type == "enum" and not (
            isinstance(labels, list)
            and labels
            and all(isinstance(x, str) for x in labels)
        ):
            raise GizwitsParseError(f"{name}: enum without labels")
        if data_type.startswith("uint") and not isinstance(spec, dict):
            raise GizwitsParseError(f"{name}: number without uint_spec")
        try:
            return cls(
                name=name,
                display_name=optional_text(data, "display_name") or name,
                type=kind,
                data_type=data_type,
                minimum=_number(spec, "min", 0),
                maximum=_number(spec, "max", 0),
                ratio=_number(spec, "ratio", 1) or 1,
                addition=_number(spec, "addition", 0),
                labels=tuple(labels)
                if isinstance(labels, list) and data_type == "enum"
                else (),
                length=int(number_at(position, "len", low=0, whole=True) or 0),
            )
        except GizwitsParseError as err:
            raise GizwitsParseError(f"{name}: {err}") from None


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductDefinition:
    """A product's name and datapoints."""

    product_key: str
    name: str
    datapoints: tuple[Datapoint, ...]
    problems: tuple[str, ...] = ()
    raw: Any = field(default=None, compare=False, repr=False)

    @classmethod
    def from_json(cls, data: Any, product_key: str) -> Self:
        """Parse a definition: the API's reply, its ``entities``, or bare ``attrs``.

        Raises GizwitsParseError when nothing in it is a datapoint.
        """
        attrs: list[Any] = []
        name = ""
        if isinstance(data, list):
            attrs = data
        elif isinstance(data, dict):
            name = optional_text(data, "name")
            entities = data.get("entities")
            if isinstance(entities, list):
                for entity in entities:
                    if isinstance(entity, dict) and isinstance(
                        entity.get("attrs"), list
                    ):
                        attrs.extend(entity["attrs"])
            elif isinstance(data.get("attrs"), list):
                attrs = data["attrs"]
        datapoints: list[Datapoint] = []
        problems: list[str] = []
        for item in attrs:
            try:
                datapoints.append(Datapoint.from_json(item))
            except GizwitsParseError as err:
                problems.append(str(err))
        if not datapoints:
            raise GizwitsParseError("no datapoints in the definition")
        return cls(
            product_key=product_key,
            name=name,
            datapoints=tuple(datapoints),
            problems=tuple(problems),
            raw=data,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceData:
    """What a device last reported: ``updated_at`` 0 means it never did."""

    did: str
    updated_at: float
    attr: dict[str, Any]

    @classmethod
    def from_json(cls, data: Any, did: str) -> Self:
        """Parse /app/devdata/{did}/latest."""
        data = json_object(data, "device data")
        attr = data.get("attr")
        return cls(
            did=did,
            updated_at=_timestamp(data.get("updated_at")),
            attr=attr if isinstance(attr, dict) else {},
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Group:
    """A device group; only a group of one product can be controlled."""

    id: str
    name: str
    product_key: str

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse one item of /app/group."""
        return cls(
            id=text(data, "id"),
            name=optional_text(data, "group_name") or text(data, "id"),
            product_key=optional_text(data, "product_key"),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """A user scenario that can be run."""

    id: str
    name: str

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse one item of /app/scene."""
        scenario_id = text(data, "id")
        return cls(
            id=scenario_id, name=optional_text(data, "scene_name") or scenario_id
        )
