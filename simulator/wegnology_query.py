"""Request parsing and validation of the WEGnology simulator: paging, filters, queries.

Choices where the documents are silent (Losant-like):

- Paging: ``page`` ≥ 0, ``perPage`` 1..max_per_page (above it: 400, as a schema
  ``maximum`` would answer), a page past the end is empty. Ties in a sort fall back
  to the id. ``filter`` applies only together with ``filterField=name``; it is a
  case-insensitive glob (``*``). ``tagFilter`` pairs must all match.
- The advanced ``query`` (Losant's "Advanced Device Query", ``advancedDeviceQuery.json``
  of losant-rest-js / wegnology-rest-js) supports ``$and``/``$or``/``$nor`` over the
  device fields ``id``, ``deviceId``, ``name``, ``deviceClass``, ``parentId``,
  ``creationDate``, ``lastUpdated``, ``connectionStatus``, ``connectedAt`` and
  ``disconnectedAt`` (events: see ``wegnology_events``). A field takes a value
  (equality) or an object of the schema's operators ``$eq``, ``$ne``, ``$gt``,
  ``$gte``, ``$lt``, ``$lte``, ``$in``, ``$nin``, ``$startsWith``, ``$endsWith``,
  ``$contains`` and ``$ci`` (case-insensitive text), plus ``$like`` (a glob, kept from
  older schemas); anything else is a 400.
- ``connectionStatus`` is ``"connected"`` or ``"disconnected"`` (the values of
  Losant's Device Connection Status ``status``; the documents do not publish them).
- Times in a query (``connectedAt``, ``disconnectedAt``, ``creationDate``,
  ``lastUpdated``) are written as milliseconds since the epoch (a number, or a string
  of digits) or as an ISO date (``2016-06-13T04:00:00.000Z``; no zone: UTC), what
  Losant writes and accepts for dates; they compare as instants. ``null`` stands for
  "never" (a device that never connected has no ``connectedAt``): only ``$eq``/``$ne``
  and equality match it, a comparison (``$gt``…) never does, as in MongoDB. A
  boolean operand is accepted, as the schema allows it, and matches nothing. Any
  other string is a 400.
- Composite state ``start``/``end``: milliseconds or an ISO date; 0 and negative
  numbers are relative to now (``end=0`` is now); an attribute is included when its
  last report lies within [start, end]; start after end is a 400.
- Command bodies: ``name`` a string of 1 to 255 characters, ``payload`` any JSON,
  ``time`` an ISO date, milliseconds or ``{"$date": ...}``; unknown fields are a 400.
"""

from __future__ import annotations

from dataclasses import dataclass
import fnmatch
import json
import re
from typing import TYPE_CHECKING, Any, Protocol

from .wegnology_model import (
    DEVICE_CLASSES,
    VALIDATION,
    Application,
    Device,
    WegnologyError,
    ms_from_iso,
    now_ms,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

_INTEGER = re.compile(r"^-?\d+$")
_INDEXED = re.compile(r"^(\w+)\[(\d+)\](?:\[(\w+)\])?$")
COMMAND_KEYS = {"name", "payload", "time"}
MULTI_COMMAND_KEYS = COMMAND_KEYS | {"deviceIds", "deviceTags", "deviceClass", "query"}


@dataclass(frozen=True, slots=True)
class QueryField:
    """A field an advanced query may name: how to read it, and whether it is a time."""

    read: Callable[[Any], Any]
    time: bool = False


DEVICE_QUERY_FIELDS: dict[str, QueryField] = {
    "id": QueryField(lambda d: d.id),
    "deviceId": QueryField(lambda d: d.id),
    "name": QueryField(lambda d: d.name),
    "deviceClass": QueryField(lambda d: d.device_class),
    "parentId": QueryField(lambda d: d.parent_id),
    "creationDate": QueryField(lambda d: d.creation_date, time=True),
    "lastUpdated": QueryField(lambda d: d.last_updated, time=True),
    "connectionStatus": QueryField(lambda d: d.connection_status),
    "connectedAt": QueryField(lambda d: d.connected_at, time=True),
    "disconnectedAt": QueryField(lambda d: d.disconnected_at, time=True),
}
_COMPARISONS = ("$eq", "$ne", "$gt", "$gte", "$lt", "$lte")
_LISTS = ("$in", "$nin")
_TEXTS = ("$startsWith", "$endsWith", "$contains", "$like")
_OPERATORS = (*_COMPARISONS, *_LISTS, *_TEXTS, "$ci")
DEVICE_SORT_FIELDS: dict[str, Callable[[Device], Any]] = {
    "name": lambda d: d.name.lower(),
    "id": lambda d: d.id,
    "creationDate": lambda d: d.creation_date,
    "lastUpdated": lambda d: d.last_updated,
    "connectionStatus": lambda d: d.connected,
    "deletedAt": lambda d: 0,
}
APPLICATION_SORT_FIELDS: dict[str, Callable[[Application], Any]] = {
    "name": lambda a: a.name.lower(),
    "id": lambda a: a.id,
    "creationDate": lambda a: a.creation_date,
    "ownerId": lambda a: a.owner_id,
    "lastUpdated": lambda a: a.last_updated,
}


class _Identified(Protocol):
    """Anything listed: it has an id."""

    id: str


class _Never:
    """A query operand that matches nothing (a boolean compared with a time)."""


_NEVER = _Never()


@dataclass(frozen=True, slots=True)
class Paging:
    """The paging and sorting of one list request."""

    page: int
    per_page: int
    sort_field: str
    sort_direction: str

    def apply[T: _Identified](self, items: list[T], key: Callable[[T], Any]) -> list[T]:
        """Sort items (ties by id) and return this page of them."""
        ordered = sorted(
            items,
            key=lambda item: (key(item), item.id),
            reverse=self.sort_direction == "desc",
        )
        start = self.page * self.per_page
        return ordered[start : start + self.per_page]

    def envelope(self, items: list[Any], total: int) -> dict[str, Any]:
        """Return Losant's list shape around items."""
        return {
            "items": items,
            "count": len(items),
            "totalCount": total,
            "perPage": self.per_page,
            "page": self.page,
            "sortField": self.sort_field,
            "sortDirection": self.sort_direction,
        }


def invalid(message: str) -> WegnologyError:
    """Return a 400 Validation error."""
    return WegnologyError(VALIDATION, message)


def query_int(query: Mapping[str, str], name: str, default: int, low: int) -> int:
    """Return an integer query parameter of at least low (400 otherwise)."""
    text = query.get(name)
    if text is None or text == "":
        return default
    if not _INTEGER.match(text) or int(text) < low:
        raise invalid(f"{name} must be an integer >= {low}")
    return int(text)


def query_flag(query: Mapping[str, str], name: str) -> bool:
    """Return a boolean query parameter ("true"/"false"/"1"/"0")."""
    text = query.get(name, "false").lower()
    if text not in ("true", "false", "1", "0", ""):
        raise invalid(f"{name} must be true or false")
    return text in ("true", "1")


def paging(
    query: Mapping[str, str],
    sort_fields: Iterable[str],
    default_per_page: int,
    max_per_page: int,
    default_sort: tuple[str, str] = ("name", "asc"),
) -> Paging:
    """Return the validated page, perPage, sortField and sortDirection.

    A perPage above max_per_page is a 400 "perPage must be <= N": the wording of the
    JSON-schema validator (ajv) behind Losant's validation errors.
    """
    page = query_int(query, "page", 0, 0)
    per_page = query_int(query, "perPage", default_per_page, 1)
    if per_page > max_per_page:
        raise invalid(f"perPage must be <= {max_per_page}")
    sort_field = query.get("sortField") or default_sort[0]
    if sort_field not in sort_fields:
        raise invalid(f"sortField must be one of {', '.join(sort_fields)}")
    direction = query.get("sortDirection") or default_sort[1]
    if direction not in ("asc", "desc"):
        raise invalid("sortDirection must be asc or desc")
    return Paging(page, per_page, sort_field, direction)


def indexed(query: Iterable[tuple[str, str]], name: str) -> list[Any]:
    """Return ``name`` / ``name[i]`` / ``name[i][k]`` query values as a list."""
    found: dict[int, Any] = {}
    for key, value in query:
        if key == name:
            found[len(found) + 10_000] = value
            continue
        match = _INDEXED.match(key)
        if match is None or match.group(1) != name:
            continue
        index = int(match.group(2))
        if match.group(3) is None:
            found[index] = value
        else:
            found.setdefault(index, {})[match.group(3)] = value
    return [found[index] for index in sorted(found)]


def glob(pattern: str, text: str) -> bool:
    """Return whether text matches a case-insensitive ``*`` glob."""
    return fnmatch.fnmatchcase(text.lower(), pattern.lower())


def parse_query(
    text: str | None, fields: Mapping[str, QueryField] = DEVICE_QUERY_FIELDS
) -> dict[str, Any] | None:
    """Return the JSON ``query`` parameter (400 if it is not a JSON object)."""
    if text is None or text == "":
        return None
    try:
        value = json.loads(text)
    except ValueError:
        raise invalid("query must be a JSON object") from None
    if not isinstance(value, dict):
        raise invalid("query must be a JSON object")
    check_query(value, fields)
    return value


def check_query(
    query: Any, fields: Mapping[str, QueryField] = DEVICE_QUERY_FIELDS
) -> None:
    """Refuse an advanced query this simulator does not understand (400)."""
    if not isinstance(query, dict):
        raise invalid("query must be a JSON object")
    for key, condition in query.items():
        if key in ("$and", "$or", "$nor"):
            if not isinstance(condition, list):
                raise invalid(f"{key} takes an array of queries")
            for part in condition:
                check_query(part, fields)
        elif key in fields:
            _check_condition(key, condition, fields[key])
        else:
            raise invalid(f"Unsupported query field {key}")


def _check_condition(name: str, condition: Any, field: QueryField) -> None:
    """Refuse a field condition the schema does not allow (400)."""
    if not isinstance(condition, dict):
        _check_operand(name, condition, field)
        return
    for op, operand in condition.items():
        if op not in _OPERATORS:
            raise invalid(f"Unsupported query operator {op}")
        if op in _LISTS:
            if not isinstance(operand, list):
                raise invalid(f"{op} takes an array")
            for item in operand:
                _check_operand(name, item, field)
        elif op in _TEXTS:
            if not isinstance(operand, str) or not operand:
                raise invalid(f"{op} takes a non-empty string")
        elif op == "$ci":
            if not isinstance(operand, bool):
                raise invalid("$ci takes true or false")
        else:
            _check_operand(name, operand, field)


def _check_operand(name: str, operand: Any, field: QueryField) -> None:
    """Refuse an operand that is not a string, number, boolean or null (400)."""
    if operand is not None and not isinstance(operand, str | int | float | bool):
        raise invalid(f"{name} takes a string, number, boolean or null")
    if field.time and isinstance(operand, str):
        try:
            query_time(operand)
        except ValueError:
            raise invalid(
                f"{name} must be a time (milliseconds or an ISO date)"
            ) from None


def query_time(operand: Any) -> Any:
    """Return a time operand in ms (None: never; a boolean matches nothing)."""
    if operand is None:
        return None
    if isinstance(operand, bool):
        return _NEVER
    if isinstance(operand, int | float):
        return int(operand)
    if _INTEGER.match(operand):
        return int(operand)
    return ms_from_iso(operand)


def matches_query(
    item: Any,
    query: dict[str, Any],
    fields: Mapping[str, QueryField] = DEVICE_QUERY_FIELDS,
) -> bool:
    """Return whether item matches a (checked) advanced query."""
    for key, condition in query.items():
        if key == "$and" and not all(matches_query(item, q, fields) for q in condition):
            return False
        if key == "$or" and not any(matches_query(item, q, fields) for q in condition):
            return False
        if key == "$nor" and any(matches_query(item, q, fields) for q in condition):
            return False
        if key in fields and not _matches_field(fields[key], item, condition):
            return False
    return True


def _matches_field(field: QueryField, item: Any, condition: Any) -> bool:
    """Return whether one field of item meets a condition."""
    if not isinstance(condition, dict):
        condition = {"$eq": condition}
    fold = condition.get("$ci") is True
    value = _comparable(field.read(item), fold)
    for op, raw in condition.items():
        if op == "$ci":
            continue
        if op in _LISTS:
            operands = [_operand(field, item_, fold) for item_ in raw]
            found = any(_equal(value, operand) for operand in operands)
            if found != (op == "$in"):
                return False
        elif op in _TEXTS:
            if not _matches_text(op, value, _comparable(raw, fold)):
                return False
        elif not _compare(op, value, _operand(field, raw, fold)):
            return False
    return True


def _comparable(value: Any, fold: bool) -> Any:
    """Return value, case-folded when $ci asks for it and it is text."""
    return value.casefold() if fold and isinstance(value, str) else value


def _operand(field: QueryField, operand: Any, fold: bool) -> Any:
    """Return an operand as the field's values are compared (times in ms)."""
    return query_time(operand) if field.time else _comparable(operand, fold)


def _equal(value: Any, operand: Any) -> bool:
    """Return whether value equals operand (a boolean never equals a number)."""
    if operand is _NEVER or isinstance(value, bool) != isinstance(operand, bool):
        return False
    return bool(value == operand)


def _compare(op: str, value: Any, operand: Any) -> bool:
    """Return whether ``value op operand`` holds ($gt… never hold for null)."""
    if op == "$eq":
        return _equal(value, operand)
    if op == "$ne":
        return not _equal(value, operand)
    if value is None or operand is None or operand is _NEVER:
        return False
    try:
        if op == "$gt":
            return bool(value > operand)
        if op == "$gte":
            return bool(value >= operand)
        if op == "$lt":
            return bool(value < operand)
        return bool(value <= operand)
    except TypeError:  # text against a number: MongoDB matches nothing
        return False


def _matches_text(op: str, value: Any, operand: str) -> bool:
    """Return whether a text value meets $startsWith/$endsWith/$contains/$like."""
    if not isinstance(value, str):
        return False
    if op == "$startsWith":
        return value.startswith(operand)
    if op == "$endsWith":
        return value.endswith(operand)
    if op == "$contains":
        return operand in value
    return glob(operand, value)


def parse_time_bound(query: Mapping[str, str], name: str, default: int) -> int:
    """Return start/end in ms: a number (≤ 0 relative to now) or an ISO date."""
    text = query.get(name)
    if text is None or text == "":
        value = default
    elif _INTEGER.match(text):
        value = int(text)
    else:
        try:
            return ms_from_iso(text)
        except ValueError:
            raise invalid(f"{name} must be a time in milliseconds or a date") from None
    return now_ms() + value if value <= 0 else value


def check_command_time(value: Any) -> None:
    """Refuse a command ``time`` that is not a date, a number or {"$date": ...}."""
    if isinstance(value, dict) and set(value) == {"$date"}:
        value = value["$date"]
    if isinstance(value, bool):
        raise invalid("time must be a date")
    if isinstance(value, int | float):
        return
    if isinstance(value, str):
        try:
            ms_from_iso(value)
        except ValueError:
            raise invalid("time must be a date") from None
        return
    raise invalid("time must be a date")


def check_command(body: Any, keys: set[str]) -> tuple[str, Any]:
    """Validate a command body; return its name and payload (None when absent)."""
    if not isinstance(body, dict):
        raise invalid("The body must be a JSON object")
    if unknown := sorted(set(body) - keys):
        raise invalid(f"Unknown field {unknown[0]}")
    name = body.get("name")
    if not isinstance(name, str) or not name or len(name) > 255:
        raise invalid("name is required (a string of 1 to 255 characters)")
    if "time" in body:
        check_command_time(body["time"])
    return name, body.get("payload")


def device_filter(query: Any) -> Callable[[Device], bool]:
    """Return the device predicate of a Devices Get query string (400 if bad)."""
    advanced = parse_query(query.get("query"))
    if advanced is not None:  # overrides every other filter, as documented
        return lambda device: matches_query(device, advanced)
    field_name, pattern = query.get("filterField"), query.get("filter")
    if field_name not in (None, "", "name"):
        raise invalid("filterField must be name")
    if not field_name:
        pattern = None
    classes = indexed(query.items(), "deviceClass")
    if any(c not in DEVICE_CLASSES for c in classes):
        raise invalid(f"deviceClass must be one of {', '.join(DEVICE_CLASSES)}")
    tag_pairs = indexed(query.items(), "tagFilter")
    if any(not isinstance(pair, dict) for pair in tag_pairs):
        raise invalid("tagFilter takes tagFilter[i][key] and tagFilter[i][value]")
    parent_id = query.get("parentId")

    def keep(device: Device) -> bool:
        """Return whether device passes every given filter."""
        return (
            (not pattern or glob(pattern, device.name))
            and (not classes or device.device_class in classes)
            and (not parent_id or device.parent_id == parent_id)
            and all(
                any(t.matches(p.get("key"), p.get("value")) for t in device.tags)
                for p in tag_pairs
            )
        )

    return keep


def select_devices(devices: Iterable[Device], body: dict[str, Any]) -> list[Device]:
    """Return the devices a Multi Device Command targets.

    ``query`` alone decides when present; otherwise the devices named in
    ``deviceIds`` plus those with any of ``deviceTags`` (device queries are
    inclusive), narrowed to ``deviceClass`` when given (alone: that class).
    """
    ids, tags = body.get("deviceIds"), body.get("deviceTags")
    classes, query = body.get("deviceClass"), body.get("query")
    if ids is None and tags is None and classes is None and query is None:
        raise invalid("One of deviceIds, deviceTags, deviceClass or query is needed")
    if ids is not None and (
        not isinstance(ids, list) or not all(isinstance(i, str) for i in ids)
    ):
        raise invalid("deviceIds must be an array of device ids")
    if tags is not None and (
        not isinstance(tags, list)
        or not all(
            isinstance(t, dict) and set(t) <= {"key", "value"} and t for t in tags
        )
    ):
        raise invalid("deviceTags must be an array of {key, value}")
    if isinstance(classes, str):
        classes = [classes]
    if classes is not None and (
        not isinstance(classes, list) or any(c not in DEVICE_CLASSES for c in classes)
    ):
        raise invalid(f"deviceClass must be one of {', '.join(DEVICE_CLASSES)}")
    if query is not None:
        check_query(query)
        return [d for d in devices if matches_query(d, query)]
    chosen = [
        device
        for device in devices
        if (ids is None and tags is None)
        or (ids is not None and device.id in ids)
        or any(
            tag.matches(pair.get("key"), pair.get("value"))
            for pair in tags or ()
            for tag in device.tags
        )
    ]
    if classes is not None:
        chosen = [d for d in chosen if d.device_class in classes]
    return chosen
