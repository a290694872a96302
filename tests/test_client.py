"""The Home Assistant-free WiZ Pro client against the simulated cloud."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import aiohttp
import pytest
from yarl import URL

from custom_components.cloud_bridge.vendors.wiz_pro import queries
from custom_components.cloud_bridge.vendors.wiz_pro.client import (
    WizProApiError,
    WizProAuthClient,
    WizProAuthError,
    WizProClient,
    WizProCommandFailedError,
    WizProConnectionError,
    WizProRateLimitError,
    authorize_url,
)
from custom_components.cloud_bridge.vendors.wiz_pro.models import (
    BuildingMeta,
    PilotingState,
)
from simulator.server import SimulatorServer
from simulator.wiz_pro import DEFAULT_CLIENT_ID, WizProSimulator
from simulator.wiz_pro_demo import DEMO_BUILDING_ID
from simulator.wiz_pro_model import Light
from simulator.wiz_pro_oauth import s256_challenge

from .wiz_helpers import GRAPHQL, TOKEN, approve

VERIFIER = "v" * 43 + "-._~" + "0123456789" * 8  # 128 characters
REDIRECT = "https://ha.example/api/cloud_bridge/oauth/callback"


def make_client(
    sim: WizProSimulator,
    session: aiohttp.ClientSession,
    token: str | None = None,
    **kwargs: Any,
) -> WizProClient:
    """Return a client with a token the simulator issued (or the one given)."""
    access_token = token or sim.issue_tokens()["accessToken"]

    async def get_token() -> str:
        return access_token

    return WizProClient(session, get_token, api_url=sim.url, **kwargs)


@pytest.fixture
def client(wiz_sim: WizProSimulator, session: aiohttp.ClientSession) -> WizProClient:
    """Return a client of the simulated cloud with a valid token."""
    return make_client(wiz_sim, session)


def light_named(sim: WizProSimulator, name: str) -> Light:
    """Return the simulator's light with that name."""
    (light,) = [
        light
        for building in sim.buildings
        for light in building.lights
        if light.name == name
    ]
    return light


async def test_reads_buildings_and_topology(
    wiz_sim: WizProSimulator, client: WizProClient
) -> None:
    """The client lists the granted buildings and reads one with every light."""
    assert await client.buildings() == [BuildingMeta(DEMO_BUILDING_ID, "Demo Office")]
    building = await client.building(DEMO_BUILDING_ID)
    expected = wiz_sim.building(DEMO_BUILDING_ID)
    assert building.name == expected.name
    lights = [
        light
        for floor in building.floors
        for room in floor.rooms
        for light in room.lights
    ]
    assert [light.id for light in lights] == [light.id for light in expected.lights]
    assert building.problems == ()
    accent = light_named(wiz_sim, "Reception Accent 1")
    (read,) = [light for light in lights if light.id == accent.id]
    assert read.mac == accent.mac
    assert read.model.name == accent.model.name
    assert read.state.dimming == accent.state["dimming"]
    assert read.state.state is accent.state["state"]


def unauthenticated(reply: dict[str, Any]) -> dict[str, Any]:
    """Replace a reply with a GraphQL UNAUTHENTICATED error, still in a 200."""
    del reply
    return {
        "data": None,
        "errors": [
            {"message": "Token expired", "extensions": {"code": "UNAUTHENTICATED"}}
        ],
    }


def no_data(reply: dict[str, Any]) -> dict[str, Any]:
    """Replace a reply with one that has neither data nor errors."""
    del reply
    return {"data": None}


@pytest.mark.parametrize(
    ("fault", "params", "error"),
    [
        ("server_error", {}, WizProConnectionError),
        ("server_error", {"status": 503}, WizProConnectionError),
        (
            "server_error",
            {
                "body": '{"errors": [{"message": "boom"}]}',
                "content_type": "application/json",
            },
            WizProConnectionError,
        ),
        ("malformed_json", {}, WizProConnectionError),
        ("disconnect", {}, WizProConnectionError),
        ("patch_response", {"patch": no_data}, WizProConnectionError),
        ("patch_response", {"patch": unauthenticated}, WizProAuthError),
        ("rate_limit", {"retry_after": 42}, WizProRateLimitError),
    ],
    ids=[
        "500",
        "503",
        "500_with_json",
        "malformed_json",
        "disconnect",
        "no_data",
        "unauthenticated_in_200",
        "429",
    ],
)
async def test_failures_map_to_typed_errors(
    wiz_sim: WizProSimulator,
    client: WizProClient,
    fault: Any,
    params: dict[str, Any],
    error: type[Exception],
) -> None:
    """Every way a request can fail raises the error its caller acts on."""
    wiz_sim.faults.add(fault, path=GRAPHQL, **params)
    with pytest.raises(error) as raised:
        await client.building(DEMO_BUILDING_ID)
    # The typed errors do not overlap where callers tell them apart.
    assert not isinstance(raised.value, WizProApiError)
    if error is WizProRateLimitError:
        assert raised.value.retry_after == 42
    # The fault was one request; the next one works.
    assert (await client.building(DEMO_BUILDING_ID)).id == DEMO_BUILDING_ID


async def test_reply_that_is_not_utf8_is_malformed(
    wiz_sim: WizProSimulator, client: WizProClient, session: aiohttp.ClientSession
) -> None:
    """Bytes that are not UTF-8 are a malformed reply, never a UnicodeDecodeError."""
    wiz_sim.send_bad_bytes(GRAPHQL)
    with pytest.raises(WizProConnectionError, match="malformed reply"):
        await client.building(DEMO_BUILDING_ID)
    assert (await client.building(DEMO_BUILDING_ID)).id == DEMO_BUILDING_ID
    wiz_sim.send_bad_bytes(TOKEN)
    with pytest.raises(WizProConnectionError, match="malformed reply"):
        await WizProAuthClient(session, api_url=wiz_sim.url).refresh(
            wiz_sim.issue_tokens()["refreshToken"]
        )


@pytest.mark.parametrize("status", [307, 308])
async def test_redirect_is_refused_not_followed(
    wiz_sim: WizProSimulator,
    elsewhere: SimulatorServer,
    session: aiohttp.ClientSession,
    status: int,
) -> None:
    """A redirect is never followed: the token stays home, the user hears where."""
    target = f"{elsewhere.url}/api/graphql"
    wiz_sim.faults.add(
        "redirect", path=GRAPHQL, status=status, location=f"{target}?key=secret"
    )
    client = make_client(wiz_sim, session, "the-access-token")
    with pytest.raises(WizProConnectionError) as caught:
        await client.building(DEMO_BUILDING_ID)
    assert str(caught.value) == (
        f"WiZ Pro answered with a redirect to {target}; check the address"
    )
    assert elsewhere.requests == []
    assert [request.path for request in wiz_sim.requests] == [GRAPHQL]

    wiz_sim.faults.add(
        "redirect", path=TOKEN, status=status, location=f"{elsewhere.url}/token"
    )
    with pytest.raises(WizProConnectionError) as caught:
        await WizProAuthClient(session, api_url=wiz_sim.url).refresh("refresh-me")
    assert str(caught.value) == (
        f"WiZ Pro answered with a redirect to {elsewhere.url}/token; check the address"
    )
    assert elsewhere.requests == []
    assert wiz_sim.requests[-1].json == {
        "grantType": "refreshToken",
        "refreshToken": "refresh-me",
    }
    assert [request.path for request in wiz_sim.requests] == [GRAPHQL, TOKEN]


@pytest.mark.parametrize(
    ("location", "named"),
    [
        ("/api/v2/graphql?token=secret#top", "{sim}/api/v2/graphql"),
        (
            "https://user:secret@elsewhere.example/graphql",
            "https://elsewhere.example/graphql",
        ),
        (None, None),
        ("http://[broken", None),
    ],
    ids=["relative", "with credentials", "no location", "not an address"],
)
async def test_redirect_names_only_where_it_points(
    wiz_sim: WizProSimulator,
    client: WizProClient,
    location: str | None,
    named: str | None,
) -> None:
    """The error names the target without its secrets, or says only the status."""
    wiz_sim.faults.add("redirect", path=GRAPHQL, status=301, location=location)
    with pytest.raises(WizProConnectionError) as caught:
        await client.buildings()
    if named is None:
        assert str(caught.value) == (
            "WiZ Pro answered with a redirect (HTTP 301); check the address"
        )
    else:
        assert str(caught.value) == (
            f"WiZ Pro answered with a redirect to {named.format(sim=wiz_sim.url)}; "
            "check the address"
        )
    assert "secret" not in str(caught.value)


async def test_wrong_address_answers_a_page_not_json(
    wiz_sim: WizProSimulator, session: aiohttp.ClientSession
) -> None:
    """A 404 page (no JSON) from a wrong address is a refusal, not a malformed reply."""
    auth = WizProAuthClient(session, api_url=f"{wiz_sim.url}/wrong")
    with pytest.raises(WizProApiError, match="token endpoint answered HTTP 404"):
        await auth.refresh("refresh-me")
    client = WizProClient(session, _no_token, api_url=f"{wiz_sim.url}/wrong")
    with pytest.raises(WizProApiError, match="answered HTTP 404"):
        await client.buildings()


async def _no_token() -> str:
    """Return an access token that no server knows."""
    return "no-token"


async def test_refused_token_is_an_auth_error(
    wiz_sim: WizProSimulator, session: aiohttp.ClientSession
) -> None:
    """A 401 for an unknown or expired token raises WizProAuthError."""
    with pytest.raises(WizProAuthError):
        await make_client(wiz_sim, session, "not-a-token").buildings()
    client = make_client(wiz_sim, session)
    wiz_sim.expire_access_tokens()
    with pytest.raises(WizProAuthError):
        await client.building(DEMO_BUILDING_ID)


@pytest.mark.parametrize(
    ("header", "low", "high"),
    [
        (lambda: "120", 120, 120),
        (lambda: "0.5", 0.5, 0.5),
        (
            lambda: format_datetime(
                datetime.now(UTC) + timedelta(seconds=120), usegmt=True
            ),
            115,
            120,
        ),
        (
            lambda: format_datetime(
                datetime.now(UTC) - timedelta(seconds=60), usegmt=True
            ),
            0,
            0,
        ),
        # An RFC 5322 date "-0000" (unknown zone) reads as a naive time.
        (
            lambda: format_datetime(
                (datetime.now(UTC) + timedelta(seconds=90)).replace(tzinfo=None)
            ),
            85,
            90,
        ),
        (lambda: "later, please", None, None),
        # Not delay-seconds; as a float it would stop polling for good.
        (lambda: "inf", None, None),
        (lambda: None, None, None),
    ],
    ids=[
        "seconds",
        "fraction",
        "http_date",
        "date_passed",
        "date_without_zone",
        "garbage",
        "infinite",
        "absent",
    ],
)
async def test_retry_after(
    wiz_sim: WizProSimulator,
    client: WizProClient,
    header: Callable[[], str | None],
    low: float | None,
    high: float | None,
) -> None:
    """Retry-After is read as seconds or as an HTTP date; anything else is None."""
    wiz_sim.faults.add("rate_limit", path=GRAPHQL, retry_after=header())
    with pytest.raises(WizProRateLimitError) as raised:
        await client.buildings()
    if low is None:
        assert raised.value.retry_after is None
    else:
        assert low <= raised.value.retry_after <= high


async def test_timeout_is_a_connection_error(
    wiz_sim: WizProSimulator, session: aiohttp.ClientSession
) -> None:
    """A cloud slower than the client's timeout raises WizProConnectionError."""
    client = make_client(wiz_sim, session, request_timeout=0.1)
    wiz_sim.faults.add("latency", path=GRAPHQL, seconds=5)
    with pytest.raises(WizProConnectionError, match="in time"):
        await client.buildings()


async def test_graphql_errors_are_api_errors(
    wiz_sim: WizProSimulator, client: WizProClient
) -> None:
    """A document the schema refuses (400) or an execution error is WizProApiError."""
    with pytest.raises(WizProApiError, match="nope"):
        await client._execute("query { nope }", {})
    with pytest.raises(WizProApiError, match="Building not found"):
        await client.building("no-such-building")
    light = light_named(wiz_sim, "Reception Accent 1")
    before = dict(light.state)
    with pytest.raises(WizProApiError, match="dimming"):
        await client.change_light_state(
            floor_id=wiz_sim.floor_of(light.id).id,
            light_id=light.id,
            mac=light.mac,
            state=PilotingState(dimming=5),
        )
    assert light.state == before


async def test_mutation_false_is_a_command_failure(
    wiz_sim: WizProSimulator, client: WizProClient
) -> None:
    """Piloting an offline light answers false: WizProCommandFailedError."""
    light = light_named(wiz_sim, "Phone Booth Lamp")
    assert not light.connected
    before = dict(light.state)
    with pytest.raises(WizProCommandFailedError):
        await client.change_light_state(
            floor_id=wiz_sim.floor_of(light.id).id,
            light_id=light.id,
            mac=light.mac,
            state=PilotingState(state=False),
        )
    assert light.state == before
    assert [field for field, _ in wiz_sim.mutations] == ["changeLightState"]


async def test_every_document_is_accepted_by_the_schema(
    wiz_sim: WizProSimulator, client: WizProClient
) -> None:
    """Each GraphQL document the integration sends validates and runs."""
    light = light_named(wiz_sim, "Reception Accent 1")
    floor = wiz_sim.floor_of(light.id)
    room = wiz_sim.room_of(light.id)
    group = room.groups[0]
    scene = room.scenes[0]
    state = PilotingState(state=True, dimming=50)

    await client.buildings()
    await client.building(DEMO_BUILDING_ID)
    await client.change_light_state(
        floor_id=floor.id, light_id=light.id, mac=light.mac, state=state
    )
    await client.change_group_state(floor_id=floor.id, group_id=group.id, state=state)
    await client.change_room_state(floor_id=floor.id, room_id=room.id, state=state)
    await client.change_floor_state(floor_id=floor.id, state=state)
    await client.change_building_state(building_id=DEMO_BUILDING_ID, state=state)
    await client.apply_room_scene(scene.id)

    documents = {
        value
        for name, value in vars(queries).items()
        if name.isupper() and isinstance(value, str)
    }
    sent = [request for request in wiz_sim.requests if request.path == GRAPHQL]
    assert {request.json["query"] for request in sent} == documents
    # Parsed, validated against the vendor's schema and executed, every one.
    assert all(request.graphql and request.graphql.executed for request in sent)
    assert [field for field, _ in wiz_sim.mutations] == [
        "changeLightState",
        "changeGroupState",
        "changeRoomState",
        "changeFloorState",
        "changeBuildingState",
        "applyRoomScene",
    ]


# --- the token endpoint -------------------------------------------------------------


def test_authorize_url_puts_the_query_in_the_fragment() -> None:
    """WiZ's dashboard reads its query from the fragment of /dashboard/."""
    url = URL(
        authorize_url(
            dashboard_url="https://pro.wizconnected.com/",
            client_id="my client",
            code_challenge="abc",
            redirect_uri=REDIRECT,
            state="s t",
        )
    )
    assert url.scheme == "https"
    assert url.host == "pro.wizconnected.com"
    assert url.path == "/dashboard/"
    assert not url.query
    route, _, query = url.fragment.partition("?")
    assert route == "/oauth/authorize"
    assert dict(URL(f"/?{query}").query) == {
        "client_id": "my client",
        "code_challenge": "abc",
        "code_challenge_method": "S256",
        "redirect_uri": REDIRECT,
        "state": "s t",
    }


async def authorization_code(sim: WizProSimulator) -> str:
    """Have the simulated user grant access; return the code WiZ hands back."""
    landed = await approve(
        authorize_url(
            dashboard_url=sim.url,
            client_id=DEFAULT_CLIENT_ID,
            code_challenge=s256_challenge(VERIFIER),
            redirect_uri=REDIRECT,
            state="state",
        )
    )
    assert str(landed.with_query(None)) == REDIRECT
    return landed.query["code"]


async def test_code_exchange_and_refresh(
    wiz_sim: WizProSimulator, session: aiohttp.ClientSession
) -> None:
    """The code needs its verifier; a refresh hands out a new refresh token."""
    auth = WizProAuthClient(session, api_url=wiz_sim.url)
    code = await authorization_code(wiz_sim)
    with pytest.raises(WizProAuthError, match="verifier"):
        await auth.exchange_code(
            client_id=DEFAULT_CLIENT_ID, code=code, code_verifier="w" * 128
        )
    tokens = await auth.exchange_code(
        client_id=DEFAULT_CLIENT_ID, code=code, code_verifier=VERIFIER
    )
    assert wiz_sim.requests[-1].json == {
        "grantType": "authorizationCode",
        "authorizationCode": code,
        "clientId": DEFAULT_CLIENT_ID,
        "codeVerifier": VERIFIER,
    }
    assert tokens.expires_at > datetime.now(UTC) + timedelta(hours=2)
    with pytest.raises(WizProAuthError, match="already used"):
        await auth.exchange_code(
            client_id=DEFAULT_CLIENT_ID, code=code, code_verifier=VERIFIER
        )

    renewed = await auth.refresh(tokens.refresh_token)
    assert renewed.refresh_token != tokens.refresh_token
    assert renewed.access_token != tokens.access_token
    client = make_client(wiz_sim, session, renewed.access_token)
    assert (await client.building(DEMO_BUILDING_ID)).id == DEMO_BUILDING_ID
    # The old refresh token died with the rotation.
    with pytest.raises(WizProAuthError):
        await auth.refresh(tokens.refresh_token)


def without_access_token(reply: dict[str, Any]) -> None:
    """Drop the access token from a token reply."""
    reply.pop("accessToken", None)


@pytest.mark.parametrize(
    ("fault", "params"),
    [
        ("server_error", {}),
        ("disconnect", {}),
        ("malformed_json", {}),
        ("patch_response", {"patch": without_access_token}),
    ],
    ids=["500", "disconnect", "malformed_json", "no_access_token"],
)
async def test_token_endpoint_failures(
    wiz_sim: WizProSimulator,
    session: aiohttp.ClientSession,
    fault: Any,
    params: dict[str, Any],
) -> None:
    """A token endpoint that fails is a connection problem, not a refused grant."""
    auth = WizProAuthClient(session, api_url=wiz_sim.url)
    refresh_token = wiz_sim.issue_tokens()["refreshToken"]
    wiz_sim.faults.add(fault, path=TOKEN, **params)
    with pytest.raises(WizProConnectionError):
        await auth.refresh(refresh_token)


# --- replies of the wrong shape -----------------------------------------------------


def replace_field(name: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Return a patch that sets one field of a reply's data."""

    def patch(reply: dict[str, Any]) -> None:
        reply["data"][name] = value

    return patch


@pytest.mark.parametrize("value", [None, {"id": DEMO_BUILDING_ID}, "Demo Office"])
async def test_buildings_reply_that_is_not_a_list(
    wiz_sim: WizProSimulator, client: WizProClient, value: Any
) -> None:
    """A building list that is not a list is a connection problem, not a crash."""
    wiz_sim.faults.add(
        "patch_response", path=GRAPHQL, patch=replace_field("buildings", value)
    )
    with pytest.raises(WizProConnectionError, match="no building list"):
        await client.buildings()
    assert await client.buildings() == [BuildingMeta(DEMO_BUILDING_ID, "Demo Office")]


async def test_odd_items_in_the_building_list_are_left_out(
    wiz_sim: WizProSimulator, client: WizProClient
) -> None:
    """Entries without a string id are skipped; a missing name reads as empty."""
    odd = [None, "b1", {"name": "No id"}, {"id": 7}, {"id": "b2", "name": 9}]

    def patch(reply: dict[str, Any]) -> None:
        reply["data"]["buildings"].extend(odd)

    wiz_sim.faults.add("patch_response", path=GRAPHQL, patch=patch)
    assert await client.buildings() == [
        BuildingMeta(DEMO_BUILDING_ID, "Demo Office"),
        BuildingMeta("b2", ""),
    ]


@pytest.mark.parametrize("value", [None, [], "building", {"floors": []}])
async def test_building_topology_that_is_not_a_building(
    wiz_sim: WizProSimulator, client: WizProClient, value: Any
) -> None:
    """A topology that is not a building object is a connection problem."""
    wiz_sim.faults.add(
        "patch_response", path=GRAPHQL, patch=replace_field("buildingTopology", value)
    )
    with pytest.raises(WizProConnectionError, match="bad building"):
        await client.building(DEMO_BUILDING_ID)
    assert (await client.building(DEMO_BUILDING_ID)).id == DEMO_BUILDING_ID
