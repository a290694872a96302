"""The Home Assistant-free WEGnology client against the simulated cloud."""

import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import aiohttp
import pytest

from custom_components.cloud_bridge.vendors.wegnology.client import (
    WegnologyApiError,
    WegnologyAuthError,
    WegnologyClient,
    WegnologyConnectionError,
    WegnologyError,
    WegnologyNotFoundError,
    WegnologyRateLimitError,
)
from custom_components.cloud_bridge.vendors.wegnology.models import (
    Application,
    Attribute,
    AttributeState,
    Device,
    WegnologyParseError,
    parse_composite_state,
    parse_time,
)
from simulator.server import SimulatorServer
from simulator.wegnology import WegnologySimulator
from simulator.wegnology_demo import (
    BOILER_RELAY_ID,
    BOILER_ROOM_SENSOR_ID,
    DEMO_API_TOKEN,
    DEMO_APPLICATION_ID,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_USER_API_TOKEN,
    DEMO_USER_ID,
    PUMP_GATEWAY_ID,
    SPARE_SENSOR_ID,
    TANK_LEVEL_ID,
    TEST_BENCH_APPLICATION_ID,
    YARD_SENSOR_ID,
    generated_data,
)
from simulator.wegnology_model import Application as SimApplication

from .helpers import paths
from .wegnology_helpers import (
    APPLICATIONS,
    AUTH_USER,
    bulk_state_path,
    command_path,
    devices_path,
)

GENERATED_APPLICATION_ID = generated_data(1).applications[0].id


def login_client(
    sim: WegnologySimulator,
    session: aiohttp.ClientSession,
    *,
    logins: list[str] | None = None,
    **kwargs: Any,
) -> WegnologyClient:
    """Return a client that logs in as the demo user; logins hears new tokens."""
    options: dict[str, Any] = {
        "base_url": sim.url,
        "email": DEMO_EMAIL,
        "password": DEMO_PASSWORD,
        **kwargs,
    }
    if logins is not None:
        options["on_login"] = logins.append
    return WegnologyClient(session, **options)


def token_client(
    sim: WegnologySimulator,
    session: aiohttp.ClientSession,
    token: str = DEMO_API_TOKEN,
    **kwargs: Any,
) -> WegnologyClient:
    """Return a client with a pasted API token."""
    options: dict[str, Any] = {"base_url": sim.url, "token": token, **kwargs}
    return WegnologyClient(session, **options)


def bearer(sim: WegnologySimulator, index: int) -> str | None:
    """Return the bearer token a recorded request carried."""
    header = sim.requests[index].headers.get("Authorization")
    return header.removeprefix("Bearer ") if header else None


# --- login and tokens ------------------------------------------------------------


async def test_login_returns_and_reports_the_user_token(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """POST /auth/user with e-mail and password; the token is used from then on."""
    logins: list[str] = []
    client = login_client(wegnology_sim, session, logins=logins)
    token = await client.login()

    assert wegnology_sim.user_tokens[token].user_id == DEMO_USER_ID
    assert logins == [token]
    (request,) = wegnology_sim.requests
    assert (request.method, request.path) == ("POST", AUTH_USER)
    assert request.json == {"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
    assert "Authorization" not in request.headers

    applications = await client.applications()
    assert bearer(wegnology_sim, 1) == token
    assert paths(wegnology_sim).count(AUTH_USER) == 1
    assert sorted(app.name for app in applications) == ["Demo Plant", "Test Bench"]


async def test_trailing_slash_in_base_url(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """A base URL typed with a trailing slash reaches the same paths."""
    client = token_client(wegnology_sim, session, base_url=wegnology_sim.url + "/")
    assert (await client.application(DEMO_APPLICATION_ID)).id == DEMO_APPLICATION_ID
    assert paths(wegnology_sim) == [f"/applications/{DEMO_APPLICATION_ID}"]


async def test_an_application_token_reads_its_application_only(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """Listing is refused (403) to an application token; Application Get is not."""
    client = token_client(wegnology_sim, session, DEMO_API_TOKEN)
    with pytest.raises(WegnologyApiError) as refused:
        await client.applications()
    assert (refused.value.status, refused.value.type) == (403, "Forbidden")
    assert not isinstance(refused.value, WegnologyNotFoundError)
    assert await client.application(DEMO_APPLICATION_ID) == Application(
        DEMO_APPLICATION_ID, "Demo Plant"
    )
    with pytest.raises(WegnologyApiError) as other:
        await client.application(TEST_BENCH_APPLICATION_ID)
    assert other.value.status == 403
    user = token_client(wegnology_sim, session, DEMO_USER_API_TOKEN)
    with pytest.raises(WegnologyNotFoundError):
        await user.application("0" * 24)
    # Whatever is typed stays one path segment: not the list one level up.
    with pytest.raises(WegnologyNotFoundError):
        await user.application("../applications")


async def test_an_application_without_an_id(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """Application Get answering without an id is a garbled reply."""
    wegnology_sim.faults.add("patch_response", patch=lambda _: {"name": "No id"})
    client = token_client(wegnology_sim, session, DEMO_API_TOKEN)
    with pytest.raises(WegnologyConnectionError, match="without an id"):
        await client.application(DEMO_APPLICATION_ID)


async def test_first_request_logs_in(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """A login client without a token logs in before its first request."""
    logins: list[str] = []
    client = login_client(wegnology_sim, session, logins=logins)
    devices = (await client.devices(DEMO_APPLICATION_ID)).items
    assert len(devices) == 31
    assert paths(wegnology_sim) == [AUTH_USER, devices_path()]
    assert bearer(wegnology_sim, 1) == logins[0]


@pytest.mark.parametrize(
    ("email", "password"),
    [(DEMO_EMAIL, "wrong"), ("nobody@wegnology.example", DEMO_PASSWORD)],
)
async def test_login_refused(
    wegnology_sim: WegnologySimulator,
    session: aiohttp.ClientSession,
    email: str,
    password: str,
) -> None:
    """A wrong e-mail or password is an auth error; nothing is reported."""
    logins: list[str] = []
    client = login_client(
        wegnology_sim, session, email=email, password=password, logins=logins
    )
    with pytest.raises(WegnologyAuthError, match="Invalid email or password"):
        await client.login()
    assert logins == []


async def test_login_without_credentials(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """A token client cannot log in; it does not even ask the cloud."""
    with pytest.raises(WegnologyAuthError):
        await token_client(wegnology_sim, session).login()
    assert wegnology_sim.requests == []


@pytest.mark.parametrize("reply", [{"userId": DEMO_USER_ID}, {"token": ""}, []])
async def test_login_reply_without_token(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession, reply: Any
) -> None:
    """A login reply without a token is a connection error, not a login."""
    wegnology_sim.faults.add("patch_response", path=AUTH_USER, patch=lambda _: reply)
    logins: list[str] = []
    client = login_client(wegnology_sim, session, logins=logins)
    with pytest.raises(WegnologyConnectionError, match="no token"):
        await client.login()
    assert logins == []


@pytest.mark.parametrize("token", [DEMO_API_TOKEN, DEMO_USER_API_TOKEN])
async def test_revoked_api_token_is_an_auth_error(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession, token: str
) -> None:
    """A 401 with a pasted token is final: no login is tried."""
    client = token_client(wegnology_sim, session, token)
    assert await client.application(DEMO_APPLICATION_ID)
    wegnology_sim.revoke_api_token(token)
    wegnology_sim.clear_requests()
    with pytest.raises(WegnologyAuthError, match="Invalid token"):
        await client.application(DEMO_APPLICATION_ID)
    assert paths(wegnology_sim) == [f"/applications/{DEMO_APPLICATION_ID}"]


async def test_unknown_api_token_is_an_auth_error(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """A token the cloud never issued is refused as such."""
    with pytest.raises(WegnologyAuthError):
        await token_client(wegnology_sim, session, "made-up").devices(
            DEMO_APPLICATION_ID
        )


async def test_expired_user_token_logs_in_again_once(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """A 401 on a user token: one new login, the request sent again and answered."""
    old = wegnology_sim.issue_user_token()
    logins: list[str] = []
    client = login_client(wegnology_sim, session, token=old, logins=logins)
    wegnology_sim.expire_user_tokens()

    states = await client.composite_states(DEMO_APPLICATION_ID)

    assert paths(wegnology_sim) == [bulk_state_path(), AUTH_USER, bulk_state_path()]
    assert bearer(wegnology_sim, 0) == old
    (new,) = logins
    assert new != old
    assert bearer(wegnology_sim, 2) == new
    assert states[BOILER_ROOM_SENSOR_ID]["temperature"].value == 31.4


async def test_concurrent_requests_log_in_once(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """Five requests refused together share one new login (the lock)."""
    logins: list[str] = []
    client = login_client(
        wegnology_sim, session, token=wegnology_sim.issue_user_token(), logins=logins
    )
    wegnology_sim.expire_user_tokens()

    results = await asyncio.gather(
        *(
            client.composite_state(DEMO_APPLICATION_ID, device_id)
            for device_id in (
                BOILER_ROOM_SENSOR_ID,
                BOILER_RELAY_ID,
                PUMP_GATEWAY_ID,
                TANK_LEVEL_ID,
                YARD_SENSOR_ID,
            )
        )
    )

    assert paths(wegnology_sim).count(AUTH_USER) == 1
    assert len(logins) == 1
    assert len(wegnology_sim.requests) == 5 + 1 + 5
    assert results[3]["level"].value == 72.5
    assert all(result for result in results)


async def test_relogin_refused_is_an_auth_error(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """The password changed since: the re-login's 401 is the caller's auth error."""
    client = login_client(
        wegnology_sim, session, token=wegnology_sim.issue_user_token()
    )
    wegnology_sim.expire_user_tokens()
    wegnology_sim.user().password = "changed-in-the-web-ui"
    with pytest.raises(WegnologyAuthError):
        await client.devices(DEMO_APPLICATION_ID)
    assert paths(wegnology_sim) == [devices_path(), AUTH_USER]


async def test_new_token_refused_too_is_not_retried_again(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """A token refused right after the login: the error goes up, no loop."""
    wegnology_sim.token_lifetime = timedelta(0)
    client = login_client(
        wegnology_sim, session, token=wegnology_sim.issue_user_token(ttl=0)
    )
    with pytest.raises(WegnologyAuthError, match="expired"):
        await client.applications()
    assert paths(wegnology_sim) == [APPLICATIONS, AUTH_USER, APPLICATIONS]


# --- errors ------------------------------------------------------------------------


async def test_not_found_has_the_type(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """A 404 is a not-found error with the cloud's type and message."""
    client = token_client(wegnology_sim, session)
    with pytest.raises(WegnologyNotFoundError) as caught:
        await client.composite_state(DEMO_APPLICATION_ID, "0" * 24)
    assert caught.value.status == 404
    assert caught.value.type == "NotFound"
    assert "Device was not found" in str(caught.value)


async def test_bulk_state_missing_is_not_found(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """A deployment without the bulk route answers 404, as a device not found."""
    wegnology_sim.bulk_composite_state = False
    with pytest.raises(WegnologyNotFoundError):
        await token_client(wegnology_sim, session).composite_states(DEMO_APPLICATION_ID)


async def test_validation_error(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """A 400 is an API error (not not-found) with its type; nothing was sent on."""
    client = token_client(wegnology_sim, session)
    with pytest.raises(WegnologyApiError) as caught:
        await client.send_command(DEMO_APPLICATION_ID, BOILER_RELAY_ID, "x" * 256)
    assert not isinstance(caught.value, WegnologyNotFoundError)
    assert caught.value.status == 400
    assert caught.value.type == "Validation"
    assert wegnology_sim.commands == []


async def test_forbidden_is_an_api_error(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """An application token used on another application: 403, an API error."""
    with pytest.raises(WegnologyApiError) as caught:
        await token_client(wegnology_sim, session).devices(TEST_BENCH_APPLICATION_ID)
    assert caught.value.status == 403
    assert caught.value.type == "Forbidden"


async def test_send_command_with_and_without_payload(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """A command goes to the device's command endpoint; no payload, no key."""
    client = token_client(wegnology_sim, session)
    await client.send_command(DEMO_APPLICATION_ID, BOILER_RELAY_ID, "relayOn")
    await client.send_command(
        DEMO_APPLICATION_ID, BOILER_RELAY_ID, "setRelay", {"state": False}
    )
    assert [r.json for r in wegnology_sim.requests] == [
        {"name": "relayOn"},
        {"name": "setRelay", "payload": {"state": False}},
    ]
    assert paths(wegnology_sim) == [command_path(BOILER_RELAY_ID)] * 2
    assert wegnology_sim.commands == [
        (BOILER_RELAY_ID, "relayOn", None),
        (BOILER_RELAY_ID, "setRelay", {"state": False}),
    ]


async def test_rate_limit_in_seconds(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """429 from the throttle: rate-limit error with the seconds to wait."""
    wegnology_sim.throttle = (1, 45)
    client = token_client(wegnology_sim, session)
    await client.devices(DEMO_APPLICATION_ID)
    with pytest.raises(WegnologyRateLimitError) as caught:
        await client.devices(DEMO_APPLICATION_ID)
    assert caught.value.retry_after == 45
    assert "Rate limit exceeded" in str(caught.value)
    assert isinstance(caught.value, WegnologyConnectionError)


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [
        pytest.param(
            lambda: format_datetime(
                datetime.now(UTC) + timedelta(seconds=120), usegmt=True
            ),
            120,
            id="HTTP date",
        ),
        pytest.param(
            lambda: format_datetime(datetime.now(UTC) - timedelta(minutes=5)),
            0,
            id="date past",
        ),
        pytest.param(
            lambda: format_datetime(
                datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=60)
            ),
            60,
            id="date without zone",
        ),
        pytest.param(lambda: "2.5", 2.5, id="fractional seconds"),
        pytest.param(lambda: "-3", 0, id="negative"),
        pytest.param(lambda: "inf", None, id="infinite"),
        pytest.param(lambda: "soon", None, id="garbage"),
        pytest.param(lambda: None, None, id="no header"),
    ],
)
async def test_rate_limit_retry_after_forms(
    wegnology_sim: WegnologySimulator,
    session: aiohttp.ClientSession,
    retry_after: Any,
    expected: float | None,
) -> None:
    """Retry-After as seconds or an HTTP date; unreadable ones are None."""
    wegnology_sim.faults.add("rate_limit", path=APPLICATIONS, retry_after=retry_after())
    with pytest.raises(WegnologyRateLimitError) as caught:
        await token_client(wegnology_sim, session).applications()
    if expected is None:
        assert caught.value.retry_after is None
    else:
        assert caught.value.retry_after == pytest.approx(expected, abs=2)


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param({"kind": "server_error"}, id="500"),
        pytest.param({"kind": "server_error", "status": 503}, id="503"),
        pytest.param({"kind": "malformed_json"}, id="malformed JSON"),
        pytest.param({"kind": "bad_bytes"}, id="not UTF-8"),
        pytest.param({"kind": "disconnect", "count": 2}, id="disconnect"),
        pytest.param(
            {"kind": "patch_response", "patch": lambda _: {"devices": []}},
            id="no item list",
        ),
        pytest.param(
            {"kind": "patch_response", "patch": lambda _: ["not", "an", "object"]},
            id="a list instead of an object",
        ),
    ],
)
async def test_cloud_failures_are_connection_errors(
    wegnology_sim: WegnologySimulator,
    session: aiohttp.ClientSession,
    fault: dict[str, Any],
) -> None:
    """5xx, garbage and dropped connections: the cloud is unavailable."""
    options = dict(fault)
    wegnology_sim.faults.add(options.pop("kind"), path=devices_path(), **options)
    client = token_client(wegnology_sim, session)
    with pytest.raises(WegnologyConnectionError) as caught:
        await client.devices(DEMO_APPLICATION_ID)
    assert not isinstance(caught.value, WegnologyRateLimitError)
    # Nothing stays broken: the next call works.
    assert len((await client.devices(DEMO_APPLICATION_ID)).items) == 31


async def test_server_error_body_is_not_shown(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """A 500 page's HTML is not repeated in the error, only the status."""
    wegnology_sim.faults.add("server_error", path=APPLICATIONS)
    with pytest.raises(WegnologyConnectionError) as caught:
        await token_client(wegnology_sim, session).applications()
    assert str(caught.value) == "WEGnology failed with HTTP 500"


@pytest.mark.parametrize("status", [307, 308])
async def test_redirect_is_refused_not_followed(
    wegnology_sim: WegnologySimulator,
    elsewhere: SimulatorServer,
    session: aiohttp.ClientSession,
    status: int,
) -> None:
    """A redirect is never followed: the password and the token stay home."""
    wegnology_sim.faults.add(
        "redirect", path=AUTH_USER, status=status, location=f"{elsewhere.url}/auth"
    )
    with pytest.raises(WegnologyConnectionError) as caught:
        await login_client(wegnology_sim, session).login()
    assert str(caught.value) == (
        f"WEGnology answered with a redirect to {elsewhere.url}/auth; check the address"
    )

    command = command_path(BOILER_RELAY_ID)
    wegnology_sim.faults.add(
        "redirect", path=command, status=status, location=f"{elsewhere.url}{command}"
    )
    with pytest.raises(WegnologyConnectionError, match=r"redirect to .*check the"):
        await token_client(wegnology_sim, session).send_command(
            DEMO_APPLICATION_ID, BOILER_RELAY_ID, "relayOn"
        )
    assert elsewhere.requests == []
    assert paths(wegnology_sim) == [AUTH_USER, command]
    assert wegnology_sim.commands == []


async def test_dropped_command_is_not_sent_twice(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """A POST is not retried by aiohttp: one drop fails the command, sent once."""
    wegnology_sim.faults.add("disconnect", path=command_path(BOILER_RELAY_ID))
    with pytest.raises(WegnologyConnectionError, match="cannot reach"):
        await token_client(wegnology_sim, session).send_command(
            DEMO_APPLICATION_ID, BOILER_RELAY_ID, "relayOn"
        )
    assert paths(wegnology_sim) == [command_path(BOILER_RELAY_ID)]


async def test_timeout_is_a_connection_error(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """A cloud slower than the request timeout is unavailable."""
    wegnology_sim.faults.add("latency", path=APPLICATIONS, seconds=5)
    client = token_client(wegnology_sim, session, request_timeout=0.05)
    with pytest.raises(WegnologyConnectionError, match="in time"):
        await client.applications()


async def test_unreachable_cloud_is_a_connection_error(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    """Nothing listening at the address: a connection error."""
    async with WegnologySimulator() as sim:
        url = sim.url
    client = WegnologyClient(session, base_url=url, token=DEMO_API_TOKEN)
    with pytest.raises(WegnologyConnectionError, match="cannot reach"):
        await client.applications()


def test_every_error_is_a_wegnology_error() -> None:
    """Callers can catch the client's errors with one class."""
    for error in (
        WegnologyApiError,
        WegnologyAuthError,
        WegnologyConnectionError,
        WegnologyNotFoundError,
        WegnologyRateLimitError,
    ):
        assert issubclass(error, WegnologyError)


# --- paging ------------------------------------------------------------------------


async def test_applications_paged_until_total_count(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """152 applications: two pages of /applications, every one read."""
    for index in range(150):
        app = SimApplication(f"{index:024x}", f"App {index:03d}", DEMO_USER_ID)
        wegnology_sim.applications[app.id] = app
    client = token_client(wegnology_sim, session, DEMO_USER_API_TOKEN)
    applications = await client.applications()
    assert len(applications) == 152
    assert len({app.id for app in applications}) == 152
    assert [r.query for r in wegnology_sim.requests] == [
        {"page": "0", "perPage": "100"},
        {"page": "1", "perPage": "100"},
    ]


@pytest.mark.parametrize(("count", "pages"), [(250, 3), (200, 2), (99, 1)])
async def test_devices_and_states_paged_per_hundred(
    session: aiohttp.ClientSession, socket_enabled: None, count: int, pages: int
) -> None:
    """Devices and composite states: a page per 100 devices, none past totalCount."""
    async with WegnologySimulator(generated_data(count)) as sim:
        client = token_client(sim, session)
        devices = (await client.devices(GENERATED_APPLICATION_ID)).items
        states = await client.composite_states(GENERATED_APPLICATION_ID)
        requests = list(sim.requests)
    assert len({device.id for device in devices}) == count
    # Every 25th device never reported: it is listed with an empty state.
    assert set(states) == {device.id for device in devices}
    assert sum(1 for state in states.values() if not state) == count // 25
    expected = [{"page": str(page), "perPage": "100"} for page in range(pages)]
    assert [r.query for r in requests if r.path.endswith("/devices")] == expected
    assert [r.query for r in requests if r.path.endswith("/compositeState")] == (
        expected
    )


async def test_paging_without_total_count_stops_at_a_short_page(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    """A reply without totalCount: the first page shorter than 100 is the last."""

    def drop_totals(reply: dict[str, Any]) -> None:
        reply.pop("totalCount")
        reply.pop("perPage")

    async with WegnologySimulator(generated_data(250)) as sim:
        sim.faults.add("patch_response", count=None, patch=drop_totals)
        devices = (
            await token_client(sim, session).devices(GENERATED_APPLICATION_ID)
        ).items
        assert len(devices) == 250
        assert len(sim.requests) == 3


async def test_paging_with_a_wrong_total_count_ends(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    """A totalCount larger than the truth: the first empty page ends the list."""

    def inflate(reply: dict[str, Any]) -> None:
        reply["totalCount"] = 10**6

    async with WegnologySimulator(generated_data(150)) as sim:
        sim.faults.add("patch_response", count=None, patch=inflate)
        devices = (
            await token_client(sim, session).devices(GENERATED_APPLICATION_ID)
        ).items
        assert len(devices) == 150
        assert [r.query["page"] for r in sim.requests] == ["0", "1", "2"]


async def test_unreadable_items_are_skipped(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """A device or application item without an id is left out; the rest stay."""

    def spoil(reply: dict[str, Any]) -> None:
        for item in reply["items"][:2]:
            item.pop("id")
            item.pop("deviceId", None)
        reply["items"].append("not an object")

    wegnology_sim.faults.add("patch_response", count=None, patch=spoil)
    client = token_client(wegnology_sim, session, DEMO_USER_API_TOKEN)
    listing = await client.devices(DEMO_APPLICATION_ID)
    assert len(listing.items) == 29
    assert len(listing.skipped) == 3
    assert len(await client.applications()) == 0
    states = await client.composite_states(DEMO_APPLICATION_ID)
    assert len(states) == 29


# --- what the client reads -------------------------------------------------------


async def test_devices_of_the_demo_plant(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """The device list: classes, gateways, connection, attributes with types."""
    devices = {
        device.id: device
        for device in (
            await token_client(wegnology_sim, session).devices(DEMO_APPLICATION_ID)
        ).items
    }
    gateway = devices[PUMP_GATEWAY_ID]
    assert gateway.device_class == "gateway"
    assert gateway.parent_id is None
    tank = devices[TANK_LEVEL_ID]
    assert (tank.name, tank.device_class) == ("Tank Level", "peripheral")
    assert tank.parent_id == PUMP_GATEWAY_ID
    assert tank.attributes == (Attribute("level", "number"),)
    assert devices[YARD_SENSOR_ID].connected is False
    assert devices[BOILER_ROOM_SENSOR_ID].connected is True
    sensor = devices[BOILER_ROOM_SENSOR_ID]
    assert ("area", "Boiler room") in sensor.tags
    assert Attribute("location", "gps") in sensor.attributes
    assert Attribute("rawFrame", "blob") in sensor.attributes


@pytest.mark.parametrize("time_format", ["iso", "ms", "date"])
async def test_composite_state_times_in_every_format(
    wegnology_sim: WegnologySimulator,
    session: aiohttp.ClientSession,
    time_format: str,
) -> None:
    """Bulk and per-device composite state read values and times in each format."""
    wegnology_sim.time_format = time_format
    reported = datetime(2024, 5, 1, 12, 30, 15, 250_000, tzinfo=UTC)
    wegnology_sim.set_attribute(
        BOILER_ROOM_SENSOR_ID, "temperature", 33.3, at=reported.isoformat()
    )
    client = token_client(wegnology_sim, session)
    bulk = await client.composite_states(DEMO_APPLICATION_ID)
    single = await client.composite_state(DEMO_APPLICATION_ID, BOILER_ROOM_SENSOR_ID)
    expected = AttributeState(33.3, reported)
    assert bulk[BOILER_ROOM_SENSOR_ID]["temperature"] == expected
    assert single["temperature"] == expected
    assert bulk[BOILER_RELAY_ID]["relay"].value is False
    assert bulk[SPARE_SENSOR_ID] == {}


# --- models --------------------------------------------------------------------------

ISO = datetime(2016, 6, 1, 17, 16, 2, 324_000, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2016-06-01T17:16:02.324Z", ISO),
        ("2016-06-01T19:16:02.324+02:00", ISO),
        ("2016-06-01T17:16:02.324", ISO),
        (1_464_801_362_324, ISO),
        (1_464_801_362_324.0, ISO),
        ({"$date": "2016-06-01T17:16:02.324Z"}, ISO),
        ({"$date": 1_464_801_362_324}, ISO),
        ("yesterday", None),
        ("", None),
        (None, None),
        (True, None),
        (10**20, None),
        (float("nan"), None),
        (float("inf"), None),
        (10**3999, None),
        ([2016, 6, 1], None),
        ({"date": "2016-06-01T17:16:02.324Z"}, None),
        ({"$date": "garbage"}, None),
    ],
)
def test_parse_time(raw: Any, expected: datetime | None) -> None:
    """ISO text, milliseconds and {"$date": ...} are times; the rest is None."""
    assert parse_time(raw) == expected


def test_parse_composite_state_skips_odd_entries() -> None:
    """Entries that are not {value, time} objects are left out; others stay."""
    parsed = parse_composite_state(
        {
            "temperature": {"value": 21.5, "time": "2016-06-01T17:16:02.324Z"},
            "humidity": {"value": "40", "time": "not a time"},
            "relay": {"value": True},
            "broken": "21.5",
            "listed": [1, 2],
            "nothing": None,
            7: {"value": 1, "time": 0},
        }
    )
    assert parsed == {
        "temperature": AttributeState(21.5, ISO),
        "humidity": AttributeState("40", None),
        "relay": AttributeState(True, None),
    }


@pytest.mark.parametrize("raw", [None, "state", [], 42])
def test_parse_composite_state_not_an_object(raw: Any) -> None:
    """A composite state that is not an object is an empty state."""
    assert parse_composite_state(raw) == {}


def test_device_from_json_full() -> None:
    """The documented device: parentId, connected 1, tags and typed attributes."""
    device = Device.from_json(
        {
            "id": "dev1",
            "deviceId": "dev1",
            "name": "Tank Level",
            "deviceClass": "peripheral",
            "parentId": "gw1",
            "connectionInfo": {"connected": 1, "time": "2016-06-01T17:16:02.324Z"},
            "tags": [{"key": "floor", "value": "-1"}, {"key": "floor", "value": 2}],
            "attributes": [
                {"name": "level", "dataType": "number"},
                {"name": "open", "dataType": "boolean"},
                {"name": "mystery"},
                {"dataType": "number"},
                "not an object",
            ],
        }
    )
    assert device == Device(
        id="dev1",
        name="Tank Level",
        device_class="peripheral",
        parent_id="gw1",
        connected=True,
        attributes=(
            Attribute("level", "number"),
            Attribute("open", "boolean"),
            Attribute("mystery", ""),
        ),
        tags=(("floor", "-1"), ("floor", "2")),
        connection_time=datetime(2016, 6, 1, 17, 16, 2, 324000, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            {"deviceId": "dev2", "connectionInfo": {"connected": 0}},
            {"id": "dev2", "name": "dev2", "connected": False},
            id="deviceId only, connected 0",
        ),
        pytest.param(
            {"id": "dev3", "connectionInfo": {"connected": False}},
            {"connected": False},
            id="connected false",
        ),
        pytest.param(
            {"id": "dev4", "connectionInfo": {"connected": True}},
            {"connected": True},
            id="connected true",
        ),
        pytest.param(
            {"id": "dev5", "connectionInfo": "online"},
            {"connected": None},
            id="connectionInfo not an object",
        ),
        pytest.param({"id": "dev6"}, {"connected": None}, id="no connectionInfo"),
        pytest.param(
            {"id": "dev7", "parentId": "", "deviceClass": ""},
            {"parent_id": None, "device_class": "standalone"},
            id="empty parentId and class",
        ),
        pytest.param(
            {"id": "dev8", "parentId": 5, "name": 5, "tags": None, "attributes": None},
            {"parent_id": None, "name": "dev8", "tags": (), "attributes": ()},
            id="wrong types",
        ),
        pytest.param(
            {
                "id": "dev9",
                "tags": [
                    "floor",
                    {"key": "area"},
                    {"key": "room", "value": None},
                    {"key": "wing", "value": True},
                    {"key": "bay", "value": 4},
                    {"key": "aisle", "value": float("nan")},
                    {"key": "row", "value": 10**3999},
                ],
            },
            {"tags": (("bay", "4"),)},
            id="odd tags",
        ),
    ],
)
def test_device_from_json_shapes(
    data: dict[str, Any], expected: dict[str, Any]
) -> None:
    """Variants of the device shape are read with sensible defaults."""
    device = Device.from_json(data)
    for name, value in expected.items():
        assert getattr(device, name) == value, name


@pytest.mark.parametrize(
    "data", [{"name": "no id"}, {"id": ""}, {"id": 5}, "dev1", None, []]
)
def test_device_from_json_refuses_what_is_no_device(data: Any) -> None:
    """Without an id there is no device."""
    with pytest.raises(WegnologyParseError):
        Device.from_json(data)


def test_application_from_json() -> None:
    """An application's name falls back to its id; no id, no application."""
    assert Application.from_json({"id": "a1", "name": "Plant"}) == Application(
        "a1", "Plant"
    )
    assert Application.from_json({"id": "a1"}) == Application("a1", "a1")
    with pytest.raises(WegnologyParseError):
        Application.from_json({"name": "Plant"})
