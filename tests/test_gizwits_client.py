"""The Home Assistant-free Gizwits client against the simulated cloud."""

import asyncio
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
import time
from typing import Any

import aiohttp
from freezegun.api import FrozenDateTimeFactory
import pytest

from custom_components.cloud_bridge.vendors.gizwits.client import (
    DEFAULT_RETRY_AFTER,
    GizwitsAccountMovedError,
    GizwitsApiError,
    GizwitsAppIdError,
    GizwitsAuthError,
    GizwitsClient,
    GizwitsConnectionError,
    GizwitsDefinitionError,
    GizwitsDeviceOfflineError,
    GizwitsError,
    GizwitsInvalidAttrError,
    GizwitsNotBoundError,
    GizwitsRateLimitError,
    GizwitsTokenError,
)
from custom_components.cloud_bridge.vendors.gizwits.models import (
    DeviceData,
    GizwitsParseError,
    ProductDefinition,
    UserSession,
)
from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import (
    AIR_CONDITIONER,
    AWAY_SCENE_ID,
    BALCONY_PLUG_DID,
    BEDROOM_AC_DID,
    DEMO_APP_ID,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_PHONE,
    DEMO_UID,
    DEMO_USERNAME,
    FLOOR_LAMP_DID,
    HOME_SCENE_ID,
    LIVING_AC_DID,
    LIVING_LIGHTS_GROUP_ID,
    PET_HOUSE,
    SMART_PLUG,
    TV_PLUG_DID,
    generated_data,
)
from simulator.gizwits_model import error_body
from simulator.server import SimulatorServer

from .gizwits_helpers import BINDINGS, GROUPS, LOGIN, SCENES, devdata, make_client
from .helpers import paths


def stored(sim: GizwitsSimulator, **changes: Any) -> UserSession:
    """Return a user session the simulator issued, as an entry would keep it."""
    token = sim.issue_token()
    values = {"uid": token.uid, "token": token.token, "expire_at": token.expire_at}
    return UserSession(**{**values, **changes})


def user_token(sim: GizwitsSimulator, index: int) -> str | None:
    """Return the user token a recorded request carried."""
    return sim.requests[index].headers.get("X-Gizwits-User-token")


# --- login -------------------------------------------------------------------------


@pytest.mark.parametrize("login", [DEMO_USERNAME, DEMO_EMAIL, DEMO_PHONE])
async def test_login_by_username_email_or_phone(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession, login: str
) -> None:
    """Logging in returns the user, token and expiry and tells on_login."""
    logins: list[UserSession] = []
    client = make_client(gizwits_sim, session, username=login, logins=logins)
    user = await client.login()

    assert user.uid == DEMO_UID
    token = gizwits_sim.tokens[user.token]
    assert (token.uid, token.app_id) == (DEMO_UID, DEMO_APP_ID)
    assert user.expire_at == token.expire_at
    assert logins == [user]
    assert client.user == user
    (request,) = gizwits_sim.requests
    assert (request.method, request.path) == ("POST", LOGIN)
    assert request.json == {"username": login, "password": DEMO_PASSWORD}
    assert request.headers["X-Gizwits-Application-Id"] == DEMO_APP_ID
    assert "X-Gizwits-User-token" not in request.headers


@pytest.mark.parametrize(
    ("change", "error", "code"),
    [
        ({"app_id": "not-an-app"}, GizwitsAppIdError, 9003),
        ({"username": "nobody"}, GizwitsAuthError, 9005),
        ({"password": "wrong"}, GizwitsAuthError, 9020),
    ],
)
async def test_login_refused(
    gizwits_sim: GizwitsSimulator,
    session: aiohttp.ClientSession,
    change: dict[str, str],
    error: type[GizwitsApiError],
    code: int,
) -> None:
    """A wrong AppID, user or password is its own typed error, with the code."""
    logins: list[UserSession] = []
    client = make_client(gizwits_sim, session, logins=logins, **change)
    with pytest.raises(error) as caught:
        await client.login()
    assert caught.value.code == code
    assert f"({code})" in str(caught.value)
    assert logins == []
    assert client.user is None


async def test_moved_account(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """An account moved to the newer login (9026) is told apart, password or not."""
    gizwits_sim.user().moved = True
    for password in (DEMO_PASSWORD, "wrong"):
        client = make_client(gizwits_sim, session, password=password)
        with pytest.raises(GizwitsAccountMovedError) as caught:
            await client.login()
        assert caught.value.code == 9026


async def test_login_code_as_a_string(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """An error code sent as a string of digits is still read as that code."""
    gizwits_sim.faults.add(
        "patch_response",
        path=LOGIN,
        patch=lambda _: {"error_code": "9020", "error_message": "bad password"},
    )
    with pytest.raises(GizwitsAuthError) as caught:
        await make_client(gizwits_sim, session).login()
    assert caught.value.code == 9020


@pytest.mark.parametrize(
    "reply",
    [
        {"token": "abc", "uid": DEMO_UID},
        {"token": "abc", "uid": DEMO_UID, "expire_at": "soon"},
        {"uid": DEMO_UID, "expire_at": 2_000_000_000},
        {"token": "abc", "uid": DEMO_UID, "expire_at": float("inf")},
        {"token": "abc", "uid": DEMO_UID, "expire_at": 10**3999},
        [],
    ],
)
async def test_bad_login_reply(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession, reply: Any
) -> None:
    """A login reply without a token or expiry is a connection error, not a login."""
    gizwits_sim.faults.add("patch_response", path=LOGIN, patch=lambda _: reply)
    logins: list[UserSession] = []
    client = make_client(gizwits_sim, session, logins=logins)
    with pytest.raises(GizwitsConnectionError, match="bad login"):
        await client.login()
    assert logins == []


# --- the token kept valid ------------------------------------------------------------


async def test_stored_session_saves_a_login(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """A stored token with time left is used as it is."""
    user = stored(gizwits_sim)
    logins: list[UserSession] = []
    client = make_client(gizwits_sim, session, user=user, logins=logins)
    assert len((await client.bindings()).items) == 10
    assert paths(gizwits_sim) == [BINDINGS, BINDINGS]
    assert user_token(gizwits_sim, 0) == user.token
    assert logins == []


@pytest.mark.parametrize(
    "user",
    [
        pytest.param(None, id="no stored session"),
        pytest.param({"expire_at": time.time() + 20}, id="expires within seconds"),
        pytest.param({"expire_at": time.time() - 60}, id="expired"),
    ],
)
async def test_login_before_the_first_request(
    gizwits_sim: GizwitsSimulator,
    session: aiohttp.ClientSession,
    user: dict[str, float] | None,
) -> None:
    """Without a token with time left, the client logs in first, once."""
    logins: list[UserSession] = []
    client = make_client(
        gizwits_sim,
        session,
        user=None if user is None else stored(gizwits_sim, **user),
        logins=logins,
    )
    await client.bindings()
    await client.groups()
    assert paths(gizwits_sim) == [LOGIN, BINDINGS, BINDINGS, GROUPS]
    assert len(logins) == 1
    assert user_token(gizwits_sim, 1) == logins[0].token
    assert user_token(gizwits_sim, 3) == logins[0].token


@pytest.mark.parametrize(
    ("refuse", "code"),
    [
        pytest.param(lambda sim: None, 9004, id="unknown token (9004)"),
        pytest.param(GizwitsSimulator.expire_tokens, 9006, id="expired token (9006)"),
    ],
)
async def test_refused_token_renewed_once(
    gizwits_sim: GizwitsSimulator,
    session: aiohttp.ClientSession,
    refuse: Callable[[GizwitsSimulator], None],
    code: int,
) -> None:
    """A token the cloud refuses is renewed by logging in again; the call succeeds."""
    user = stored(gizwits_sim)
    if code == 9004:
        user = UserSession(user.uid, "0" * 32, user.expire_at)
    refuse(gizwits_sim)
    logins: list[UserSession] = []
    client = make_client(gizwits_sim, session, user=user, logins=logins)

    assert len((await client.bindings()).items) == 10

    assert paths(gizwits_sim) == [BINDINGS, LOGIN, BINDINGS, BINDINGS]
    assert user_token(gizwits_sim, 0) == user.token
    assert len(logins) == 1
    assert user_token(gizwits_sim, 2) == logins[0].token != user.token
    assert client.user == logins[0]


async def test_token_refused_after_renewal(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """A new token refused too is an error, not a loop of logins."""
    gizwits_sim.faults.add(
        "patch_response", path=BINDINGS, count=None, patch=lambda _: error_body(9004)
    )
    client = make_client(gizwits_sim, session, user=stored(gizwits_sim))
    with pytest.raises(GizwitsTokenError) as caught:
        await client.bindings()
    assert caught.value.code == 9004
    assert paths(gizwits_sim) == [BINDINGS, LOGIN, BINDINGS]


def user_calls(client: GizwitsClient) -> list[Coroutine[Any, Any, Any]]:
    """Return requests that each need the user token."""
    return [
        client.bindings(),
        client.groups(),
        client.scenarios(),
        client.group_devices(LIVING_LIGHTS_GROUP_ID),
        client.bindings(),
        client.control(TV_PLUG_DID, {"switch": True}),
    ]


@pytest.mark.parametrize("expired", ["known to the client", "told by the cloud"])
async def test_concurrent_requests_log_in_once(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession, expired: str
) -> None:
    """Requests sent together with an expired token share one login."""
    if expired == "known to the client":
        user = stored(gizwits_sim, expire_at=time.time() - 1)
    else:
        user = stored(gizwits_sim)
        gizwits_sim.expire_tokens()
    logins: list[UserSession] = []
    client = make_client(gizwits_sim, session, user=user, logins=logins)

    await asyncio.gather(*user_calls(client))

    assert paths(gizwits_sim).count(LOGIN) == 1
    assert len(logins) == 1
    last = [r for r in gizwits_sim.requests if r.path != LOGIN][-6:]
    assert {r.headers["X-Gizwits-User-token"] for r in last} == {logins[0].token}


# --- error replies -------------------------------------------------------------------


async def call_fails(
    call: Coroutine[Any, Any, Any], error: type[GizwitsError]
) -> GizwitsError:
    """Await a call that must raise exactly this error type; return the error."""
    with pytest.raises(GizwitsError) as caught:
        await call
    assert type(caught.value) is error, repr(caught.value)
    return caught.value


async def test_device_errors_are_typed(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """Not bound, offline and invalid attributes each have their own error."""
    client = make_client(gizwits_sim, session, user=stored(gizwits_sim))
    gizwits_sim.unbind(TV_PLUG_DID)

    err = await call_fails(
        client.control(TV_PLUG_DID, {"switch": True}), GizwitsNotBoundError
    )
    assert isinstance(err, GizwitsApiError)
    assert err.code == 9017
    err = await call_fails(
        client.control(BEDROOM_AC_DID, {"switch": True}), GizwitsDeviceOfflineError
    )
    assert isinstance(err, GizwitsApiError)
    assert err.code == 9042
    for attrs in ({"set_temp": 99}, {"no_such_datapoint": 1}, {"mode": "制冷"}):
        err = await call_fails(
            client.control(LIVING_AC_DID, attrs), GizwitsInvalidAttrError
        )
        assert isinstance(err, GizwitsApiError)
        assert err.code == 9025
    assert gizwits_sim.controls == []


async def test_unlisted_codes_are_api_errors_with_the_code(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """Codes without a type of their own are GizwitsApiError, code in the message."""
    client = make_client(gizwits_sim, session, user=stored(gizwits_sim))
    err = await call_fails(
        client.control("NoSuchDevice0000000000", {"switch": True}), GizwitsApiError
    )
    assert isinstance(err, GizwitsApiError)
    assert err.code == 9014
    assert str(err) == "device not found! (9014)"
    err = await call_fails(client.run_scenario("nope"), GizwitsApiError)
    assert isinstance(err, GizwitsApiError)
    assert err.code == 9220
    assert "(9220)" in str(err)

    gizwits_sim.faults.add(
        "patch_response",
        path=BINDINGS,
        patch=lambda _: {"error_code": 9999, "detail_message": None},
    )
    err = await call_fails(client.bindings(), GizwitsApiError)
    assert isinstance(err, GizwitsApiError)
    assert (err.code, str(err)) == (9999, "error (9999)")


async def test_definition_refused_without_a_super_app_id(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """/app/datapoint from an ordinary AppID is refused as an AppID error (9003)."""
    gizwits_sim.super_app_ids = set()
    client = make_client(gizwits_sim, session, user=stored(gizwits_sim))
    err = await call_fails(client.definition(PET_HOUSE.product_key), GizwitsAppIdError)
    assert isinstance(err, GizwitsApiError)
    assert err.code == 9003


async def test_throttled_with_retry_after_seconds(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """9041 is a rate-limit error that carries the cloud's Retry-After."""
    client = make_client(gizwits_sim, session, user=stored(gizwits_sim))
    gizwits_sim.throttle = (1, 45)
    await client.groups()
    with pytest.raises(GizwitsRateLimitError) as caught:
        await client.bindings()
    assert caught.value.retry_after == 45
    assert isinstance(caught.value, GizwitsConnectionError)
    assert gizwits_sim.requests[-1].path == BINDINGS


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [
        pytest.param(15, 15, id="seconds"),
        # The document never mentions the header: without one, a minute.
        pytest.param(None, DEFAULT_RETRY_AFTER, id="no header"),
        pytest.param("soon", DEFAULT_RETRY_AFTER, id="not a time"),
        pytest.param("inf", DEFAULT_RETRY_AFTER, id="infinite"),
        pytest.param(timedelta(seconds=120), 120, id="HTTP date"),
        pytest.param(timedelta(seconds=-120), 0, id="HTTP date in the past"),
        pytest.param(
            "Mon, 01 Jan 2001 00:00:00", 0, id="HTTP date without a time zone"
        ),
    ],
)
async def test_retry_after_forms(
    gizwits_sim: GizwitsSimulator,
    session: aiohttp.ClientSession,
    retry_after: Any,
    expected: float,
) -> None:
    """Retry-After is read as seconds or an HTTP date; otherwise a minute's wait."""
    if isinstance(retry_after, timedelta):
        retry_after = format_datetime(datetime.now(UTC) + retry_after, usegmt=True)
    gizwits_sim.faults.add("rate_limit", path=BINDINGS, retry_after=retry_after)
    client = make_client(gizwits_sim, session, user=stored(gizwits_sim))
    with pytest.raises(GizwitsRateLimitError) as caught:
        await client.bindings()
    assert DEFAULT_RETRY_AFTER == 60
    assert caught.value.retry_after == pytest.approx(expected, abs=2)


async def test_throttled_in_a_reply_that_is_no_429(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """9041 in a 200 is throttling too, with a minute's wait when none is said."""
    gizwits_sim.faults.add(
        "patch_response", path=BINDINGS, patch=lambda _: error_body(9041)
    )
    client = make_client(gizwits_sim, session, user=stored(gizwits_sim))
    with pytest.raises(GizwitsRateLimitError) as caught:
        await client.bindings()
    assert caught.value.retry_after == DEFAULT_RETRY_AFTER


async def test_http_429_without_a_gizwits_body(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """A 429 from a proxy in front of the cloud is throttling too."""
    gizwits_sim.faults.add(
        "rate_limit", path=BINDINGS, retry_after=5, body={"message": "slow down"}
    )
    client = make_client(gizwits_sim, session, user=stored(gizwits_sim))
    with pytest.raises(GizwitsRateLimitError) as caught:
        await client.bindings()
    assert caught.value.retry_after == 5


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param({"kind": "server_error"}, id="HTML 500"),
        pytest.param(
            {"kind": "server_error", "status": 503, "content_type": "text/plain"},
            id="503",
        ),
        pytest.param(
            {
                "kind": "server_error",
                "body": '{"error_code": 9008, "error_message": "server error"}',
                "content_type": "application/json",
            },
            id="9008 with 500",
        ),
        pytest.param(
            {"kind": "patch_response", "patch": lambda _: error_body(9008)},
            id="9008 with 200",
        ),
        pytest.param(
            {"kind": "patch_response", "patch": lambda _: {"error_code": None}},
            id="error without a code",
        ),
        pytest.param({"kind": "malformed_json"}, id="malformed JSON"),
        pytest.param({"kind": "bad_bytes"}, id="not UTF-8"),
        pytest.param({"kind": "disconnect", "count": 2}, id="disconnect"),
    ],
)
async def test_cloud_failures_are_connection_errors(
    gizwits_sim: GizwitsSimulator,
    session: aiohttp.ClientSession,
    fault: dict[str, Any],
) -> None:
    """5xx, 9008, garbage and dropped connections: the cloud is unavailable."""
    options = dict(fault)
    gizwits_sim.faults.add(options.pop("kind"), path=BINDINGS, **options)
    client = make_client(gizwits_sim, session, user=stored(gizwits_sim))
    err = await call_fails(client.bindings(), GizwitsConnectionError)
    assert not isinstance(err, GizwitsApiError)
    assert LOGIN not in paths(gizwits_sim)
    # The next call works: nothing is left broken.
    assert len((await client.bindings()).items) == 10


@pytest.mark.parametrize("status", [307, 308])
async def test_redirect_is_refused_not_followed(
    gizwits_sim: GizwitsSimulator,
    elsewhere: SimulatorServer,
    session: aiohttp.ClientSession,
    status: int,
) -> None:
    """A redirect is never followed: credentials and token stay home."""
    gizwits_sim.faults.add(
        "redirect", path=LOGIN, status=status, location=f"{elsewhere.url}/app/login"
    )
    client = make_client(gizwits_sim, session)
    with pytest.raises(GizwitsConnectionError) as caught:
        await client.login()
    assert str(caught.value) == (
        f"Gizwits answered with a redirect to {elsewhere.url}/app/login; "
        "check the address"
    )

    control = f"/app/control/{LIVING_AC_DID}"
    gizwits_sim.faults.add(
        "redirect", path=control, status=status, location=f"{elsewhere.url}{control}"
    )
    client = make_client(gizwits_sim, session, user=stored(gizwits_sim))
    with pytest.raises(
        GizwitsConnectionError, match=r"redirect to .*check the address"
    ):
        await client.control(LIVING_AC_DID, {"set_temp": 24})
    assert elsewhere.requests == []
    assert paths(gizwits_sim) == [LOGIN, control]
    assert gizwits_sim.controls == []


async def test_dropped_login_is_a_connection_error(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """A POST is not retried by aiohttp: one dropped login fails the login."""
    gizwits_sim.faults.add("disconnect", path=LOGIN)
    client = make_client(gizwits_sim, session)
    with pytest.raises(GizwitsConnectionError, match="cannot reach"):
        await client.login()
    assert paths(gizwits_sim) == [LOGIN]


async def test_timeout_is_a_connection_error(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """A cloud slower than the request timeout is unavailable."""
    gizwits_sim.faults.add("latency", path=BINDINGS, seconds=5)
    client = make_client(
        gizwits_sim, session, user=stored(gizwits_sim), request_timeout=0.05
    )
    with pytest.raises(GizwitsConnectionError, match="in time"):
        await client.bindings()


async def test_unreachable_cloud_is_a_connection_error(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """Nothing listening at the address: a connection error."""
    url = gizwits_sim.url
    await gizwits_sim.stop()
    client = GizwitsClient(
        session,
        base_url=url,
        app_id=DEMO_APP_ID,
        username=DEMO_USERNAME,
        password=DEMO_PASSWORD,
    )
    with pytest.raises(GizwitsConnectionError):
        await client.login()


# --- reading devices -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("devices", "max_limit", "skips"),
    [
        (230, 100, [0, 100, 200, 230]),
        (200, 100, [0, 100, 200]),
        (99, 100, [0, 99]),
        # A cloud that clamps the limit below ours: short pages are not the end.
        (75, 30, [0, 30, 60, 75]),
    ],
)
async def test_bindings_paged_until_exhausted(
    socket_enabled: None,
    session: aiohttp.ClientSession,
    devices: int,
    max_limit: int,
    skips: list[int],
) -> None:
    """Bound devices are read 100 a page, on from what came, until a page is empty."""
    async with GizwitsSimulator(generated_data(devices), max_limit=max_limit) as sim:
        client = make_client(sim, session, user=stored(sim))
        bindings = (await client.bindings()).items

        assert [b.did for b in bindings] == list(sim.user().bindings)
        assert len(bindings) == devices
        assert paths(sim) == [BINDINGS] * len(skips)
        assert [r.query for r in sim.requests] == [
            {"limit": "100", "skip": str(skip)} for skip in skips
        ]
        online = [b for b in bindings if b.online]
        assert len(online) == sum(sim.device(b.did).online for b in bindings)
        assert len(online) < devices


async def test_bindings_from_a_server_that_ignores_skip(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """A server that sends the first page again stops the paging at once."""
    first_page: dict[str, Any] = {}

    def same_page(reply: dict[str, Any]) -> dict[str, Any]:
        if not first_page:
            first_page.update(reply)
        return first_page

    gizwits_sim.faults.add("patch_response", path=BINDINGS, count=None, patch=same_page)
    client = make_client(gizwits_sim, session, user=stored(gizwits_sim))
    bindings = (await client.bindings()).items
    assert len(bindings) == len({b.did for b in bindings}) == 10
    assert paths(gizwits_sim) == [BINDINGS, BINDINGS]


async def test_binding_fields(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """A binding carries the did, product, MAC, online flag, alias and remark."""
    client = make_client(gizwits_sim, session, user=stored(gizwits_sim))
    bindings = {b.did: b for b in (await client.bindings()).items}
    ac = bindings[LIVING_AC_DID]
    assert ac.product_key == AIR_CONDITIONER.product_key
    assert ac.mac == "accf2350d501"
    assert ac.online is True
    assert ac.alias == "客厅空调"
    assert bindings[BEDROOM_AC_DID].online is False
    pet_house = next(
        b for b in bindings.values() if b.product_key == PET_HOUSE.product_key
    )
    assert (pet_house.alias, pet_house.remark) == ("", "阳台")


async def test_odd_bindings_are_skipped(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """A binding that is not a device object is left out, and said why."""

    def add_odd(reply: dict[str, Any]) -> None:
        reply["devices"][1:1] = [None, {"did": 5}, {"did": "x", "product_key": ""}]

    gizwits_sim.faults.add("patch_response", path=BINDINGS, patch=add_odd)
    client = make_client(gizwits_sim, session, user=stored(gizwits_sim))
    bindings = await client.bindings()
    assert [b.did for b in bindings.items] == list(gizwits_sim.user().bindings)
    assert bindings.skipped == (
        "binding is not an object",
        "did is missing or not a string",
        "product_key is missing or not a string",
    )
    # The next page starts after every item of the first, odd ones included.
    assert [r.query["skip"] for r in gizwits_sim.requests] == ["0", "13"]
    assert (await client.bindings()).skipped == ()


@pytest.mark.parametrize("reply", [{}, {"devices": None}, []])
async def test_bindings_without_a_device_list(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession, reply: Any
) -> None:
    """A bindings reply without its list is a failure, not an empty account."""
    gizwits_sim.faults.add("patch_response", path=BINDINGS, patch=lambda _: reply)
    client = make_client(gizwits_sim, session, user=stored(gizwits_sim))
    with pytest.raises(GizwitsConnectionError, match="no device list"):
        await client.bindings()


async def test_latest_data(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """Latest data is what the device reported; updated_at 0 means never."""
    client = make_client(gizwits_sim, session, user=stored(gizwits_sim))
    data = await client.latest(LIVING_AC_DID)
    assert data.did == LIVING_AC_DID
    assert data.attr == gizwits_sim.attrs(LIVING_AC_DID)
    assert data.attr["mode"] == "制冷"
    assert data.updated_at == gizwits_sim.device(LIVING_AC_DID).updated_at
    never = await client.latest(BALCONY_PLUG_DID)
    assert (never.updated_at, never.attr) == (0, {})
    assert paths(gizwits_sim) == [devdata(LIVING_AC_DID), devdata(BALCONY_PLUG_DID)]

    gizwits_sim.faults.add(
        "patch_response", path=devdata(LIVING_AC_DID), patch=lambda _: ["odd"]
    )
    with pytest.raises(GizwitsConnectionError, match="bad device data"):
        await client.latest(LIVING_AC_DID)
    gizwits_sim.faults.add(
        "patch_response",
        path=devdata(LIVING_AC_DID),
        patch=lambda _: {"updated_at": "yesterday", "attr": "on"},
    )
    odd = await client.latest(LIVING_AC_DID)
    assert (odd.updated_at, odd.attr) == (0, {})


@pytest.mark.parametrize(
    ("updated_at", "expected"),
    [
        pytest.param(1505809000, 1505809000, id="number, as in the example"),
        pytest.param("1505809000", 1505809000, id="text, as the table types it"),
        pytest.param(" 1505809000.5 ", 1505809000.5, id="text with a fraction"),
        pytest.param("2017-09-19T08:16:40Z", 1505809000, id="UTC time"),
        pytest.param("2017-09-19T08:16:40", 1505809000, id="UTC time without zone"),
        pytest.param("0", 0, id="text zero"),
        pytest.param("", 0, id="empty"),
        pytest.param("yesterday", 0, id="not a time"),
        pytest.param("nan", 0, id="not a number"),
        pytest.param(True, 0, id="a boolean"),
        pytest.param(None, 0, id="null"),
    ],
)
def test_updated_at_as_number_or_text(updated_at: Any, expected: float) -> None:
    """updated_at is read as a number, numeric text or a UTC time; else never."""
    data = DeviceData.from_json(
        {"did": LIVING_AC_DID, "updated_at": updated_at, "attr": {"switch": 1}},
        LIVING_AC_DID,
    )
    assert data.updated_at == expected


async def test_short_lived_token_is_used_until_a_tenth_is_left(
    gizwits_sim: GizwitsSimulator,
    session: aiohttp.ClientSession,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A token living 30 min serves every request for 27 min after one login."""
    gizwits_sim.token_lifetime = timedelta(minutes=30)
    logins: list[UserSession] = []
    client = make_client(gizwits_sim, session, logins=logins)
    for _ in range(3):
        await client.groups()
        await client.scenarios()
    assert len(logins) == 1
    freezer.tick(timedelta(minutes=26, seconds=50))
    await client.groups()
    assert len(logins) == 1
    freezer.tick(timedelta(seconds=20))
    await client.groups()
    assert len(logins) == 2
    assert paths(gizwits_sim).count(LOGIN) == 2


async def test_control_and_group_control(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """Control sends attrs as given; a group answers which members took it."""
    client = make_client(gizwits_sim, session, user=stored(gizwits_sim))
    await client.control(LIVING_AC_DID, {"set_temp": 24, "mode": 2})
    assert gizwits_sim.controls == [(LIVING_AC_DID, {"set_temp": 24, "mode": 2})]
    assert gizwits_sim.attrs(LIVING_AC_DID)["mode"] == "制热"

    gizwits_sim.set_online(FLOOR_LAMP_DID, False)
    results = await client.group_control(LIVING_LIGHTS_GROUP_ID, {"power": False})
    members = gizwits_sim.group(LIVING_LIGHTS_GROUP_ID).dids
    assert results == {did: did != FLOOR_LAMP_DID for did in members}
    assert False in results.values()


async def test_groups_and_scenarios(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """Groups, their members and scenarios are read; a scenario can be run."""
    client = make_client(gizwits_sim, session, user=stored(gizwits_sim))
    groups = await client.groups()
    assert [(g.id, g.name) for g in groups] == [
        (g.id, g.group_name) for g in gizwits_sim.user().groups
    ]
    assert groups[1].product_key == ""
    members = await client.group_devices(LIVING_LIGHTS_GROUP_ID)
    assert members == gizwits_sim.group(LIVING_LIGHTS_GROUP_ID).dids
    scenarios = await client.scenarios()
    assert [(s.id, s.name) for s in scenarios] == [
        (HOME_SCENE_ID, "回家"),
        (AWAY_SCENE_ID, "离家"),
    ]
    await client.run_scenario(HOME_SCENE_ID)
    await gizwits_sim.wait_background()
    assert [run.scene_id for run in gizwits_sim.scene_runs] == [HOME_SCENE_ID]


async def test_odd_groups_and_scenarios_are_skipped(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """Items without an id are skipped; a nameless one is named by its id."""
    gizwits_sim.faults.add(
        "patch_response",
        path=GROUPS,
        patch=lambda reply: [*reply, None, {"group_name": "no id"}, {"id": "g9"}],
    )
    gizwits_sim.faults.add(
        "patch_response",
        path=SCENES,
        patch=lambda reply: [*reply, "odd", {"scene_name": "no id"}, {"id": "s9"}],
    )
    client = make_client(gizwits_sim, session, user=stored(gizwits_sim))
    groups = await client.groups()
    assert [(g.id, g.name, g.product_key) for g in groups][-1] == ("g9", "g9", "")
    assert len(groups) == 3
    scenarios = await client.scenarios()
    assert [(s.id, s.name) for s in scenarios][-1] == ("s9", "s9")
    assert len(scenarios) == 3

    gizwits_sim.faults.add("patch_response", path=GROUPS, patch=lambda _: {})
    with pytest.raises(GizwitsConnectionError, match="no list"):
        await client.groups()


# --- product definitions ----------------------------------------------------------


async def test_definition_from_the_api(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """The API's definition gives every datapoint with its type and scale."""
    client = make_client(gizwits_sim, session, user=stored(gizwits_sim))
    definition = await client.definition(AIR_CONDITIONER.product_key)
    assert gizwits_sim.requests[-1].query == {
        "product_key": AIR_CONDITIONER.product_key
    }
    assert definition.product_key == AIR_CONDITIONER.product_key
    assert definition.name == "空调"
    assert definition.problems == ()
    assert [dp.name for dp in definition.datapoints] == [
        dp.name for dp in AIR_CONDITIONER.datapoints
    ]
    points = {dp.name: dp for dp in definition.datapoints}
    assert points["switch"].writable
    assert not points["room_temp"].writable
    assert points["room_temp"].scaled_range == (-30, 70)
    assert points["mode"].labels == ("自动", "制冷", "制热", "送风", "除湿")
    assert points["alert_full"].type == "alert"
    assert points["fault_roomtemp"].type == "fault"
    assert (points["status_code"].data_type, points["status_code"].length) == (
        "binary",
        4,
    )
    assert definition.raw == AIR_CONDITIONER.definition()

    plug = await client.definition(SMART_PLUG.product_key)
    current = next(dp for dp in plug.datapoints if dp.name == "current")
    assert current.ratio == 0.001
    assert current.scaled_range == (0, 16)


async def test_bad_definition_reply(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """A definition without a readable datapoint is its own error, not an outage."""
    gizwits_sim.faults.add(
        "patch_response", path="/app/datapoint", patch=lambda _: {"name": "x"}
    )
    client = make_client(gizwits_sim, session, user=stored(gizwits_sim))
    err = await call_fails(
        client.definition(PET_HOUSE.product_key), GizwitsDefinitionError
    )
    assert str(err) == "no datapoints in the definition"


async def test_datapoint_with_a_number_no_float_holds_is_skipped(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """Infinity, NaN or 4,000 digits in a datapoint's numbers cost that datapoint."""
    spoiled = {"room_temp", "set_temp", "status_code"}

    def spoil(reply: dict[str, Any]) -> None:
        attrs = {attr["name"]: attr for attr in reply["entities"][0]["attrs"]}
        attrs["room_temp"]["uint_spec"]["max"] = float("inf")
        attrs["set_temp"]["uint_spec"]["ratio"] = float("nan")
        attrs["status_code"]["position"]["len"] = 10**3999

    gizwits_sim.faults.add("patch_response", path="/app/datapoint", patch=spoil)
    client = make_client(gizwits_sim, session, user=stored(gizwits_sim))
    definition = await client.definition(AIR_CONDITIONER.product_key)
    assert [dp.name for dp in definition.datapoints] == [
        dp.name for dp in AIR_CONDITIONER.datapoints if dp.name not in spoiled
    ]
    assert sorted(problem.split(":")[0] for problem in definition.problems) == sorted(
        spoiled
    )
    assert all(len(problem) < 100 for problem in definition.problems)


def attrs_of(product_key: str, sim: GizwitsSimulator) -> list[dict[str, Any]]:
    """Return the datapoint list of a product as /app/datapoint has it."""
    attrs: list[dict[str, Any]] = sim.product(product_key).definition()["entities"][0][
        "attrs"
    ]
    return attrs


@pytest.mark.parametrize("shape", ["api reply", "attrs object", "bare list"])
def test_definition_shapes(gizwits_sim: GizwitsSimulator, shape: str) -> None:
    """The API's reply, an object with attrs, and a bare list all parse the same."""
    full = gizwits_sim.product(AIR_CONDITIONER.product_key).definition()
    attrs = attrs_of(AIR_CONDITIONER.product_key, gizwits_sim)
    data = {"api reply": full, "attrs object": {"attrs": attrs}, "bare list": attrs}[
        shape
    ]
    definition = ProductDefinition.from_json(data, AIR_CONDITIONER.product_key)
    expected = ProductDefinition.from_json(full, AIR_CONDITIONER.product_key)
    assert definition.datapoints == expected.datapoints
    assert definition.name == ("空调" if shape == "api reply" else "")
    assert definition.raw is data


def test_definition_type_letters() -> None:
    """The document's W/R/N/E letters mean writable, read-only, alert and fault."""
    spec = {"min": 0, "max": 10, "ratio": 1, "addition": 0}
    attrs = [
        {"name": "on", "type": "W", "data_type": "bool"},
        {"name": "level", "type": "R", "data_type": "uint8", "uint_spec": spec},
        {"name": "alarm", "type": "N", "data_type": "bool"},
        {"name": "fault", "type": "E", "data_type": "bool"},
    ]
    definition = ProductDefinition.from_json(attrs, "pk")
    assert [(dp.name, dp.type) for dp in definition.datapoints] == [
        ("on", "status_writable"),
        ("level", "status_readonly"),
        ("alarm", "alert"),
        ("fault", "fault"),
    ]
    assert definition.datapoints[0].display_name == "on"


def test_bad_datapoints_are_skipped_with_a_problem() -> None:
    """Datapoints that cannot be read are left out, each named in problems."""
    good = {"name": "on", "type": "status_writable", "data_type": "bool"}
    attrs = [
        good,
        "not an object",
        {"type": "status_writable", "data_type": "bool"},
        {"name": "odd_type", "type": "X", "data_type": "bool"},
        {"name": "odd_data", "type": "status_readonly", "data_type": "float"},
        {"name": "no_labels", "type": "status_writable", "data_type": "enum"},
        {"name": "no_spec", "type": "status_readonly", "data_type": "uint8"},
    ]
    definition = ProductDefinition.from_json({"attrs": attrs}, "pk")
    assert [dp.name for dp in definition.datapoints] == ["on"]
    assert len(definition.problems) == 6
    for name in ("odd_type", "odd_data", "no_labels", "no_spec"):
        assert any(problem.startswith(name) for problem in definition.problems), name


@pytest.mark.parametrize(
    "data",
    [
        {},
        [],
        "text",
        {"name": "x", "entities": [{"attrs": "none"}, None]},
        {"attrs": [{"name": "x", "type": "?", "data_type": "bool"}]},
    ],
)
def test_definition_without_datapoints(data: Any) -> None:
    """A definition without one readable datapoint is refused."""
    with pytest.raises(GizwitsParseError, match="no datapoints"):
        ProductDefinition.from_json(data, "pk")
