"""What the three vendors share: reading numbers and JSON, errors, bounded reads."""

import asyncio
import math
from typing import Any

import pytest

from custom_components.cloud_bridge.errors import (
    CloudAuthError,
    CloudError,
    CloudRateLimitedError,
    CloudRejectedError,
    CloudUnavailableError,
    DeviceOfflineError,
)
from custom_components.cloud_bridge.vendors.base import (
    call_neutral,
    neutral_error,
    read_concurrently,
)
from custom_components.cloud_bridge.vendors.http import (
    VendorAuthError,
    VendorClientError,
    VendorConnectionError,
    VendorNotFoundError,
    VendorRefusedError,
    VendorThrottledError,
)
from custom_components.cloud_bridge.vendors.parse import (
    ParseError,
    decode_json,
    number,
    number_at,
    optional_number,
)

# --- numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "options", "expected"),
    [
        (7, {}, 7),
        (-2.5, {}, -2.5),
        (40.0, {"whole": True}, 40),
        (0, {"low": 0, "high": 100}, 0),
        (100, {"low": 0, "high": 100}, 100),
        (10**300, {}, 10**300),
    ],
)
def test_number_reads_finite_numbers(
    value: Any, options: dict[str, Any], expected: float
) -> None:
    """A finite number within its range is read as it is; a whole float as an int."""
    read = number(value, **options)
    assert read == expected
    assert type(read) is type(expected)


@pytest.mark.parametrize(
    ("value", "options", "reason"),
    [
        (True, {}, "not a number"),
        ("12", {}, "not a number"),
        (None, {}, "not a number"),
        ([1], {}, "not a number"),
        (float("nan"), {}, "not a finite number"),
        (float("inf"), {}, "not a finite number"),
        (float("-inf"), {}, "not a finite number"),
        (10**3999, {}, "about 3999 digits is not a finite number"),
        (-(10**400), {"high": 0}, "not a finite number"),
        (50.5, {"whole": True}, "not an integer"),
        (101, {"low": 0, "high": 100}, "101 is out of range"),
        (-1, {"low": 0}, "out of range"),
        (-1e300, {"low": -128, "whole": True}, "out of range"),
    ],
)
def test_number_refuses_what_no_reading_is(
    value: Any, options: dict[str, Any], reason: str
) -> None:
    """Booleans, text, NaN, infinities, huge integers and out-of-range values."""
    with pytest.raises(ParseError, match=reason):
        number(value, **options)


def test_number_fields() -> None:
    """Absent is None; unreadable is an error naming the field, or None with a why."""
    data = {"dimming": 50, "speed": float("inf"), "ratio": None}
    assert number_at(data, "dimming", high=100) == 50
    assert number_at(data, "ratio") is None
    assert number_at(data, "missing") is None
    assert number_at("not an object", "dimming") is None
    with pytest.raises(ParseError, match=r"^speed inf is not a finite number$"):
        number_at(data, "speed")
    problems: list[str] = []
    assert optional_number(data, "speed", problems=problems) is None
    assert optional_number(data, "dimming", high=10, problems=problems) is None
    assert optional_number(data, "ratio", problems=problems) is None
    assert problems == [
        "speed inf is not a finite number",
        "dimming 50 is out of range",
    ]


# --- JSON ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "check"),
    [
        (b'{"a": [1, 2.5, "x", null]}', lambda v: v == {"a": [1, 2.5, "x", None]}),
        (b"NaN", math.isnan),
        (b"[Infinity, -Infinity]", lambda v: v == [float("inf"), float("-inf")]),
        (b"-1e400", lambda v: v == float("-inf")),
        (b"1" * 4000, lambda v: v == int("1" * 4000)),
        (b"18446744073709551616", lambda v: v == 2**64),
    ],
    ids=["plain", "NaN", "Infinity", "beyond a double", "4,000 digits", "2**64"],
)
def test_decode_json_reads_what_python_reads(raw: bytes, check: Any) -> None:
    """What orjson refuses and json reads is read, for the number reader to judge."""
    assert check(decode_json(raw))


@pytest.mark.parametrize(
    "raw",
    [b"{broken", b'{"a": "\xff"}', b"", b"[" * 100_000, b"1" * 5000],
    ids=["broken", "not UTF-8", "empty", "nested too deep", "5,000 digits"],
)
def test_decode_json_refuses_what_is_no_json(raw: bytes) -> None:
    """Broken, non-UTF-8, absurdly nested or too long: ValueError, never worse."""
    with pytest.raises(ValueError):
        decode_json(raw)


# --- errors ----------------------------------------------------------------------


class _OfflineError(VendorRefusedError):
    """A vendor's own refusal that the core knows better."""


def _own(err: VendorClientError) -> CloudError | None:
    """Map the vendor's own case; leave the rest to the shared mapping."""
    return DeviceOfflineError(str(err)) if isinstance(err, _OfflineError) else None


@pytest.mark.parametrize(
    ("error", "neutral"),
    [
        (VendorAuthError("no"), CloudAuthError),
        (VendorThrottledError("slow", 12), CloudRateLimitedError),
        (VendorConnectionError("down"), CloudUnavailableError),
        (VendorRefusedError("refused"), CloudRejectedError),
        (VendorNotFoundError("gone"), CloudRejectedError),
        (VendorClientError("odd"), CloudUnavailableError),
        (_OfflineError("off"), DeviceOfflineError),
    ],
)
def test_neutral_error(error: VendorClientError, neutral: type[CloudError]) -> None:
    """Each kind of client error becomes the core's; the vendor's hook goes first."""
    made = neutral_error(error, _own)
    assert type(made) is neutral
    assert str(made) == str(error)
    if isinstance(made, CloudRateLimitedError):
        assert made.retry_after == 12


async def test_call_neutral_renews_a_refused_token_once() -> None:
    """A refused token is renewed once and the request sent again, no more."""
    sent: list[str] = []
    renewals: list[None] = []

    async def renew() -> None:
        renewals.append(None)

    async def refused_once() -> str:
        sent.append("request")
        if len(sent) == 1:
            raise VendorAuthError("token refused")
        return "answer"

    assert await call_neutral(refused_once, renew=renew) == "answer"
    assert (len(sent), len(renewals)) == (2, 1)

    async def always_refused() -> str:
        sent.append("request")
        raise VendorAuthError("token refused")

    sent.clear()
    with pytest.raises(CloudAuthError, match="token refused"):
        await call_neutral(always_refused, renew=renew)
    assert (len(sent), len(renewals)) == (2, 2)

    sent.clear()
    with pytest.raises(CloudAuthError):
        await call_neutral(always_refused)
    assert len(sent) == 1


# --- bounded reads ---------------------------------------------------------------


async def test_read_concurrently_bounds_and_orders() -> None:
    """At most limit reads run at once; results come in the items' order."""
    running = 0
    most = 0
    gates = {item: asyncio.Event() for item in range(10)}

    async def read(item: int) -> int:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await gates[item].wait()
        running -= 1
        return item * 10

    task = asyncio.ensure_future(read_concurrently(range(10), read, 3))
    for item in reversed(range(10)):
        gates[item].set()
        await asyncio.sleep(0)
    assert await task == [item * 10 for item in range(10)]
    assert most == 3


async def test_read_concurrently_finishes_every_read_before_failing() -> None:
    """A failure is raised only once every other read is done: the first in order."""
    finished: list[int] = []
    release = asyncio.Event()

    async def read(item: int) -> int:
        if item in (1, 3):
            raise ValueError(f"item {item}")
        await release.wait()
        finished.append(item)
        return item

    task = asyncio.ensure_future(read_concurrently(range(5), read, 2))
    for _ in range(5):
        await asyncio.sleep(0)
    assert not task.done()
    release.set()
    with pytest.raises(ValueError, match="item 1"):
        await task
    assert sorted(finished) == [0, 2, 4]
