"""The Gizwits client on the newer app login ("AEP"), against the simulated cloud."""

from datetime import timedelta
from typing import Any

import aiohttp
from freezegun.api import FrozenDateTimeFactory
import pytest

from custom_components.cloud_bridge.vendors.gizwits.client import (
    GizwitsApiError,
    GizwitsAuthError,
    GizwitsClient,
    GizwitsConnectionError,
    GizwitsTokenError,
)
from custom_components.cloud_bridge.vendors.gizwits.models import UserSession
from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import (
    BEDROOM_AC_DID,
    DEMO_APP_ID,
    DEMO_MOVED_EMAIL,
    DEMO_MOVED_PASSWORD,
    DEMO_MOVED_UID,
    DEMO_MOVED_USERNAME,
    LIVING_AC_DID,
    PET_HOUSE_DID,
)
from simulator.gizwits_model import error_body
from simulator.server import SimulatorServer

from .gizwits_helpers import (
    AEP_DEVICES,
    AEP_LOGIN,
    AEP_REFRESH,
    BINDINGS,
    LOGIN,
    make_client,
)
from .helpers import paths


def moved_client(
    sim: GizwitsSimulator, session: aiohttp.ClientSession, **kwargs: Any
) -> GizwitsClient:
    """Return a client of the moved demo account, its newer login on the sim."""
    moved = {
        "aep_url": sim.url,
        "username": DEMO_MOVED_EMAIL,
        "password": DEMO_MOVED_PASSWORD,
    }
    return make_client(sim, session, **{**moved, **kwargs})


def aep_session(sim: GizwitsSimulator, **changes: Any) -> UserSession:
    """Return a session the newer login issued, as an entry would keep it."""
    issued = sim.aep.issue()
    values = {
        "uid": issued.uid,
        "token": issued.token,
        "expire_at": issued.expire_at,
        "refresh_token": issued.refresh_token or "",
    }
    return UserSession(**{**values, **changes})


def moved_devices(sim: GizwitsSimulator) -> int:
    """Return how many devices the moved demo account has bound."""
    return len(sim.user(DEMO_MOVED_USERNAME).bindings)


def envelope(code: int | str, message: str = "error") -> dict[str, Any]:
    """Return an error envelope of the newer login."""
    return {"code": code, "message": message, "data": None, "error": True}


# --- signing in --------------------------------------------------------------------


async def test_moved_account_signs_in_on_the_newer_login(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """9026 on the classic login: the newer login signs in; the client says so."""
    logins: list[UserSession] = []
    client = moved_client(gizwits_sim, session, logins=logins)
    assert client.login_kind == "classic"
    user = await client.login()

    assert client.login_kind == "aep"
    assert user.uid == DEMO_MOVED_UID
    token = gizwits_sim.tokens[user.token]
    assert (token.uid, token.app_id, token.kind) == (DEMO_MOVED_UID, DEMO_APP_ID, "aep")
    assert user.expire_at == token.expire_at
    assert user.refresh_token in gizwits_sim.aep.refresh_tokens
    assert logins == [user]
    assert paths(gizwits_sim) == [LOGIN, AEP_LOGIN]
    request = gizwits_sim.requests[1]
    assert request.headers["X-Gizwits-Application-Id"] == DEMO_APP_ID
    assert request.json["appKey"] == DEMO_APP_ID
    # The newer token reads the Open API like a classic one.
    assert len((await client.bindings()).items) == moved_devices(gizwits_sim)
    assert gizwits_sim.requests[-1].headers["X-Gizwits-User-token"] == user.token


@pytest.mark.parametrize("status", [307, 308])
async def test_newer_login_redirect_is_refused_not_followed(
    gizwits_sim: GizwitsSimulator,
    elsewhere: SimulatorServer,
    session: aiohttp.ClientSession,
    status: int,
) -> None:
    """The newer login's password and refresh token never follow a redirect."""
    gizwits_sim.faults.add(
        "redirect", path=AEP_LOGIN, status=status, location=f"{elsewhere.url}/login"
    )
    client = moved_client(gizwits_sim, session, login_kind="aep")
    with pytest.raises(
        GizwitsConnectionError, match=r"redirect to .*check the address"
    ):
        await client.login()

    gizwits_sim.faults.add(
        "redirect", path=AEP_REFRESH, status=status, location=f"{elsewhere.url}/r"
    )
    client = moved_client(
        gizwits_sim,
        session,
        login_kind="aep",
        user=aep_session(gizwits_sim, expire_at=0),
    )
    with pytest.raises(
        GizwitsConnectionError, match=r"redirect to .*check the address"
    ):
        await client.bindings()
    assert elsewhere.requests == []
    assert paths(gizwits_sim)[:2] == [AEP_LOGIN, AEP_REFRESH]


async def test_known_newer_login_goes_straight_there(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """An account known to use the newer login signs in there, not classic first."""
    client = moved_client(gizwits_sim, session, login_kind="aep")
    await client.login()
    assert paths(gizwits_sim) == [AEP_LOGIN]


async def test_without_a_newer_login_host_a_moved_account_is_refused(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """No newer login to go to: the classic 9026 stands (and "aep" is ignored)."""
    client = moved_client(gizwits_sim, session, aep_url=None, login_kind="aep")
    assert client.login_kind == "classic"
    with pytest.raises(GizwitsApiError) as caught:
        await client.login()
    assert caught.value.code == 9026


@pytest.mark.parametrize("numeric", [False, True], ids=["text code", "number code"])
@pytest.mark.parametrize(
    ("reply", "code"),
    [
        (None, 1000033),
        (envelope("1000000", "user not exist"), 1000000),
    ],
    ids=["wrong password", "no such user"],
)
async def test_refused_credentials(
    gizwits_sim: GizwitsSimulator,
    session: aiohttp.ClientSession,
    numeric: bool,
    reply: dict[str, Any] | None,
    code: int,
) -> None:
    """1000033 and 1000000, as text or number: the credentials are refused."""
    gizwits_sim.aep.numeric_codes = numeric
    if reply is not None:
        reply = {**reply, "code": code if numeric else str(code)}
        gizwits_sim.faults.add("patch_response", path=AEP_LOGIN, patch=lambda _: reply)
    client = moved_client(gizwits_sim, session, password="wrong", login_kind="aep")
    with pytest.raises(GizwitsAuthError) as caught:
        await client.login()
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("reply", "error", "words"),
    [
        (envelope(1000099, "account locked"), GizwitsApiError, "account locked"),
        (envelope("12x"), GizwitsConnectionError, "bad code"),
        (envelope(None), GizwitsConnectionError, "without a code"),
        ({"message": "no code"}, GizwitsConnectionError, "malformed"),
        (["not", "an", "envelope"], GizwitsConnectionError, "malformed"),
        (
            {"code": "200", "data": {"uid": DEMO_MOVED_UID, "expiredAt": 2e9}},
            GizwitsConnectionError,
            "bad login",
        ),
        (
            {"code": 200, "data": {"uid": DEMO_MOVED_UID, "userToken": "t"}},
            GizwitsConnectionError,
            "bad login",
        ),
        (
            {
                "code": 200,
                "data": {"uid": DEMO_MOVED_UID, "userToken": "t", "expiredAt": "soon"},
            },
            GizwitsConnectionError,
            "bad login",
        ),
    ],
    ids=[
        "other code",
        "code not a number",
        "code null",
        "no code",
        "no envelope",
        "no token",
        "no expiry",
        "expiry not a time",
    ],
)
async def test_odd_login_replies(
    gizwits_sim: GizwitsSimulator,
    session: aiohttp.ClientSession,
    reply: Any,
    error: type[Exception],
    words: str,
) -> None:
    """Other codes are refusals with the cloud's words; garbage is no sign-in."""
    gizwits_sim.faults.add("patch_response", path=AEP_LOGIN, patch=lambda _: reply)
    logins: list[UserSession] = []
    client = moved_client(gizwits_sim, session, logins=logins, login_kind="aep")
    with pytest.raises(error, match=words):
        await client.login()
    assert logins == []


async def test_login_reply_shapes(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """Expiry as text and the token only under jwtAuthenticationDto are read."""

    def reshape(reply: dict[str, Any]) -> None:
        data = reply["data"]
        data["expiredAt"] = str(data["expiredAt"])
        data["uid"] = 4242
        del data["userToken"]

    gizwits_sim.faults.add("patch_response", path=AEP_LOGIN, patch=reshape)
    user = await moved_client(gizwits_sim, session, login_kind="aep").login()
    assert user.uid == "4242"
    assert user.token in gizwits_sim.tokens
    assert user.expire_at == gizwits_sim.tokens[user.token].expire_at


async def test_distinct_tokens_use_the_user_token(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """With userToken and the JWT differing, userToken is taken (both work)."""
    gizwits_sim.aep.distinct_jwt = True
    client = moved_client(gizwits_sim, session, login_kind="aep")
    user = await client.login()
    reply = gizwits_sim.requests[-1]
    assert reply.path == AEP_LOGIN
    assert len((await client.bindings()).items) == moved_devices(gizwits_sim)
    assert gizwits_sim.requests[-1].headers["X-Gizwits-User-token"] == user.token
    assert "." not in user.token  # the JWT has dots; the user token has none


async def test_newer_login_host_not_there(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """A host without the newer login (404 page): a refusal naming the status."""
    client = moved_client(
        gizwits_sim, session, aep_url=gizwits_sim.url + "/nothing", login_kind="aep"
    )
    with pytest.raises(GizwitsApiError, match="HTTP 404") as caught:
        await client.login()
    assert caught.value.code == 404


# --- renewal ------------------------------------------------------------------------


async def test_expired_token_refreshed_once(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """The Open API refusing the token: one refresh, then the call succeeds."""
    user = aep_session(gizwits_sim)
    gizwits_sim.expire_tokens()
    logins: list[UserSession] = []
    client = moved_client(
        gizwits_sim, session, user=user, logins=logins, login_kind="aep"
    )

    assert len((await client.bindings()).items) == moved_devices(gizwits_sim)

    assert paths(gizwits_sim)[:3] == [BINDINGS, AEP_REFRESH, BINDINGS]
    (renewed,) = logins
    assert renewed.uid == DEMO_MOVED_UID
    assert renewed.token != user.token
    assert renewed.refresh_token not in ("", user.refresh_token)
    refresh = gizwits_sim.requests[1].json
    assert refresh == {
        "clientId": DEMO_APP_ID,
        "refresh": True,
        "refresh_token": user.refresh_token,
    }


async def test_refresh_unavailable_signs_in_again(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """No refresh on the host (404): sign in again, and from then on straight away."""
    gizwits_sim.aep.refresh_available = False
    client = moved_client(
        gizwits_sim, session, user=aep_session(gizwits_sim), login_kind="aep"
    )
    gizwits_sim.expire_tokens()
    await client.groups()
    assert paths(gizwits_sim) == ["/app/group", AEP_REFRESH, AEP_LOGIN, "/app/group"]
    gizwits_sim.clear_requests()
    gizwits_sim.expire_tokens()
    await client.groups()
    assert paths(gizwits_sim) == ["/app/group", AEP_LOGIN, "/app/group"]


@pytest.mark.parametrize("refresh_token", ["used-already", ""])
async def test_refresh_token_refused_or_missing_signs_in(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession, refresh_token: str
) -> None:
    """A refresh token refused (526) or none: sign in again; refresh works after."""
    client = moved_client(
        gizwits_sim,
        session,
        user=aep_session(gizwits_sim, refresh_token=refresh_token),
        login_kind="aep",
    )
    gizwits_sim.expire_tokens()
    await client.groups()
    expected = ["/app/group", AEP_REFRESH, AEP_LOGIN, "/app/group"]
    if not refresh_token:
        expected.remove(AEP_REFRESH)
    assert paths(gizwits_sim) == expected
    gizwits_sim.clear_requests()
    gizwits_sim.expire_tokens()
    await client.groups()
    assert paths(gizwits_sim) == ["/app/group", AEP_REFRESH, "/app/group"]


async def test_refreshed_ahead_of_the_expiry(
    gizwits_sim: GizwitsSimulator,
    session: aiohttp.ClientSession,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A newer token is refreshed a tenth of its lifetime before it expires."""
    gizwits_sim.aep.token_lifetime = timedelta(minutes=30)
    logins: list[UserSession] = []
    client = moved_client(gizwits_sim, session, logins=logins, login_kind="aep")
    await client.groups()
    freezer.tick(timedelta(minutes=26, seconds=50))
    await client.groups()
    assert len(logins) == 1
    freezer.tick(timedelta(seconds=20))
    await client.groups()
    assert len(logins) == 2
    assert paths(gizwits_sim) == [
        AEP_LOGIN,
        "/app/group",
        "/app/group",
        AEP_REFRESH,
        "/app/group",
    ]


async def test_refresh_reply_without_a_token_is_no_renewal(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """A refresh reply that cannot be read: a connection error, nothing stored."""
    gizwits_sim.faults.add(
        "patch_response",
        path=AEP_REFRESH,
        patch=lambda _: {"code": "200", "data": {"expired_at": 2e9}},
    )
    logins: list[UserSession] = []
    client = moved_client(
        gizwits_sim,
        session,
        user=aep_session(gizwits_sim),
        logins=logins,
        login_kind="aep",
    )
    gizwits_sim.expire_tokens()
    with pytest.raises(GizwitsConnectionError, match="bad token refresh"):
        await client.groups()
    assert logins == []


async def test_refresh_refused_otherwise_is_an_error(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """A refresh refused with another code is the cloud's refusal, not a sign-in."""
    gizwits_sim.faults.add(
        "patch_response", path=AEP_REFRESH, patch=lambda _: envelope(1000001)
    )
    client = moved_client(
        gizwits_sim, session, user=aep_session(gizwits_sim), login_kind="aep"
    )
    gizwits_sim.expire_tokens()
    with pytest.raises(GizwitsApiError) as caught:
        await client.groups()
    assert caught.value.code == 1000001
    assert AEP_LOGIN not in paths(gizwits_sim)


# --- the newer device list ----------------------------------------------------------


async def test_refused_bindings_read_the_newer_device_list(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """9026 on /app/bindings: the newer host's list, mapped; from then on only it."""
    gizwits_sim.aep.bindings_refused = True
    user = aep_session(gizwits_sim)
    client = moved_client(gizwits_sim, session, user=user, login_kind="aep")

    listing = await client.bindings()

    assert paths(gizwits_sim) == [BINDINGS, AEP_DEVICES]
    request = gizwits_sim.requests[1]
    assert request.headers["Authorization"] == user.token
    assert request.headers["Version"] == "1.0"
    devices = {binding.did: binding for binding in listing.items}
    assert len(devices) == moved_devices(gizwits_sim)
    ac = devices[LIVING_AC_DID]
    assert (ac.product_key, ac.mac, ac.alias, ac.online) == (
        gizwits_sim.device(LIVING_AC_DID).product_key,
        "accf2350d501",
        "客厅空调",
        True,
    )
    assert (ac.host, ac.ws_port, ac.wss_port) == ("", 0, 0)
    assert not devices[BEDROOM_AC_DID].online
    # Unnamed devices carry their product's name.
    assert devices[PET_HOUSE_DID].alias == "宠物屋"

    gizwits_sim.clear_requests()
    await client.bindings()
    assert paths(gizwits_sim) == [AEP_DEVICES]


async def test_newer_device_list_renews_a_refused_token(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """505 on the newer host: the token is refreshed once and the list read."""
    gizwits_sim.aep.bindings_refused = True
    client = moved_client(
        gizwits_sim, session, user=aep_session(gizwits_sim), login_kind="aep"
    )
    await client.bindings()
    gizwits_sim.expire_tokens()
    gizwits_sim.clear_requests()
    assert len((await client.bindings()).items) == moved_devices(gizwits_sim)
    assert paths(gizwits_sim) == [AEP_DEVICES, AEP_REFRESH, AEP_DEVICES]


@pytest.mark.parametrize(
    ("status", "online"),
    [(1, True), ("1", True), (True, True), (0, False), ("x", False), (None, False)],
)
async def test_newer_device_list_items(
    gizwits_sim: GizwitsSimulator,
    session: aiohttp.ClientSession,
    status: Any,
    online: bool,
) -> None:
    """The online status reads as 1, "1" or true; odd items are skipped, with why."""
    gizwits_sim.aep.bindings_refused = True

    def reshape(reply: dict[str, Any]) -> None:
        items = reply["data"]
        items[0]["onlineStatus"] = status
        items.append({"did": "no-product"})
        items.append(items[1])
        items.append("not an item")

    gizwits_sim.faults.add("patch_response", path=AEP_DEVICES, patch=reshape)
    client = moved_client(
        gizwits_sim, session, user=aep_session(gizwits_sim), login_kind="aep"
    )
    listing = await client.bindings()
    assert len(listing.items) == moved_devices(gizwits_sim)
    assert listing.items[0].online is online
    assert len(listing.skipped) == 2


async def test_newer_device_list_that_is_no_list(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """A device list reply without a list is a connection error."""
    gizwits_sim.aep.bindings_refused = True
    gizwits_sim.faults.add(
        "patch_response", path=AEP_DEVICES, patch=lambda _: {"code": 200, "data": {}}
    )
    client = moved_client(
        gizwits_sim, session, user=aep_session(gizwits_sim), login_kind="aep"
    )
    with pytest.raises(GizwitsConnectionError, match="no device list"):
        await client.bindings()


async def test_classic_account_refused_bindings_stay_refused(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """9026 on the bindings of a classic sign-in has no newer list to go to."""
    gizwits_sim.faults.add(
        "patch_response", path=BINDINGS, patch=lambda _: error_body(9026)
    )
    client = moved_client(
        gizwits_sim, session, username="demo", password="demo-password"
    )
    with pytest.raises(GizwitsApiError) as caught:
        await client.bindings()
    assert caught.value.code == 9026
    assert client.login_kind == "classic"


async def test_device_details(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """A device's details carry its WebSocket host and ports."""
    client = moved_client(
        gizwits_sim, session, user=aep_session(gizwits_sim), login_kind="aep"
    )
    device = await client.device(LIVING_AC_DID)
    assert (device.did, device.host, device.ws_port, device.wss_port) == (
        LIVING_AC_DID,
        "127.0.0.1",
        gizwits_sim.state.ws_port,
        0,
    )
    gizwits_sim.faults.add(
        "patch_response", path=f"/app/devices/{LIVING_AC_DID}", patch=lambda _: []
    )
    with pytest.raises(GizwitsConnectionError, match="bad device"):
        await client.device(LIVING_AC_DID)


async def test_token_refused_on_the_newer_host_after_renewal(
    gizwits_sim: GizwitsSimulator, session: aiohttp.ClientSession
) -> None:
    """A token refused again after renewal is an error, not a loop."""
    gizwits_sim.aep.bindings_refused = True
    gizwits_sim.faults.add(
        "patch_response", path=AEP_DEVICES, count=None, patch=lambda _: envelope(526)
    )
    client = moved_client(
        gizwits_sim, session, user=aep_session(gizwits_sim), login_kind="aep"
    )
    with pytest.raises(GizwitsTokenError):
        await client.bindings()
    assert paths(gizwits_sim) == [BINDINGS, AEP_DEVICES, AEP_REFRESH, AEP_DEVICES]
