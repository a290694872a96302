"""Request parsing and validation of the WEGnology simulator: paging, filters, queries.

Choices where the documents are silent (Losant-like):

- Paging: ``page`` ≥ 0, ``perPage`` 1..max_per_page (above it: 400, as a schema
  ``maximum`` would answer), a page past the end is empty. Ties in a sort fall back
  to the id. ``filter`` applies only together with ``filterField=name``; it is a
  case-insensitive glob (``*``). ``tagFilter`` pairs must all match.
- The advanced ``query`` supports ``$and``/``$or``/``$nor`` over the fields ``id``,
  ``deviceId``, ``name``, ``deviceClass``, ``parentId`` with ``$eq``, ``$ne``,
  ``$in``, ``$nin`` and ``$like`` (glob); anything else is a 400.
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
_QUERY_FIELDS: dict[str, Callable[[Device], Any]] = {
    "id": lambda d: d.id,
    "deviceId": lambda d: d.id,
    "name": lambda d: d.name,
    "deviceClass": lambda d: d.device_class,
    "parentId": lambda d: d.parent_id,
}
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
) -> Paging:
    """Return the validated page, perPage, sortField and sortDirection."""
    page = query_int(query, "page", 0, 0)
    per_page = query_int(query, "perPage", default_per_page, 1)
    if per_page > max_per_page:
        raise invalid(f"perPage must be <= {max_per_page}")
    sort_field = query.get("sortField") or "name"
    if sort_field not in sort_fields:
        raise invalid(f"sortField must be one of {', '.join(sort_fields)}")
    direction = query.get("sortDirection") or "asc"
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


def parse_query(text: str | None) -> dict[str, Any] | None:
    """Return the JSON ``query`` parameter (400 if it is not a JSON object)."""
    if text is None or text == "":
        return None
    try:
        value = json.loads(text)
    except ValueError:
        raise invalid("query must be a JSON object") from None
    if not isinstance(value, dict):
        raise invalid("query must be a JSON object")
    check_query(value)
    return value


def check_query(query: Any) -> None:
    """Refuse an advanced query this simulator does not understand (400)."""
    if not isinstance(query, dict):
        raise invalid("query must be a JSON object")
    for key, condition in query.items():
        if key in ("$and", "$or", "$nor"):
            if not isinstance(condition, list):
                raise invalid(f"{key} takes an array of queries")
            for part in condition:
                check_query(part)
        elif key in _QUERY_FIELDS:
            if isinstance(condition, dict):
                for op, operand in condition.items():
                    if op not in ("$eq", "$ne", "$in", "$nin", "$like"):
                        raise invalid(f"Unsupported query operator {op}")
                    if op in ("$in", "$nin") and not isinstance(operand, list):
                        raise invalid(f"{op} takes an array")
        else:
            raise invalid(f"Unsupported query field {key}")


def matches_query(device: Device, query: dict[str, Any]) -> bool:
    """Return whether device matches a (checked) advanced query."""
    for key, condition in query.items():
        if key == "$and" and not all(matches_query(device, q) for q in condition):
            return False
        if key == "$or" and not any(matches_query(device, q) for q in condition):
            return False
        if key == "$nor" and any(matches_query(device, q) for q in condition):
            return False
        if key in _QUERY_FIELDS and not _matches_field(
            _QUERY_FIELDS[key](device), condition
        ):
            return False
    return True


def _matches_field(value: Any, condition: Any) -> bool:
    """Return whether one field value meets a condition."""
    if not isinstance(condition, dict):
        return bool(value == condition)
    for op, operand in condition.items():
        if op == "$eq" and value != operand:
            return False
        if op == "$ne" and value == operand:
            return False
        if op == "$in" and value not in operand:
            return False
        if op == "$nin" and value in operand:
            return False
        if op == "$like" and not (isinstance(value, str) and glob(str(operand), value)):
            return False
    return True


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
