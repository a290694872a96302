"""Tests of the WiZ Pro cloud simulator itself, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import json
import re
import secrets
import time
from typing import Any
import uuid

import aiohttp
from aiohttp import web
import pytest
from yarl import URL

from simulator.__main__ import build_parser
from simulator.wiz_pro import WizProSimulator
from simulator.wiz_pro_demo import (
    DEMO_BUILDING_ID,
    SECOND_BUILDING_ID,
    demo_data,
    generated_data,
    run_demo_activity,
)
from simulator.wiz_pro_model import BulbClass, FavoriteStatus, Light, Room
from simulator.wiz_pro_oauth import DEFAULT_CLIENT_ID, s256_challenge

from .command_line import only, run_until_ready

GROUND_FLOOR = "cjra8mkw7hy8y06381cg4dmw1"
FIRST_FLOOR = "cjra8mmk7hyew06385yib4d6b"
REDIRECT_URI = "https://my.home-assistant.io/redirect/oauth"
ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")
PAYLOAD_KEYS = {
    "timestamp",
    "mac",
    "connected",
    "rssi",
    "state",
    "sceneId",
    "speed",
    "r",
    "g",
    "b",
    "c",
    "w",
    "colorTemperature",
    "dimming",
    "consumptionRateInHour",
    "onSince",
    "offSince",
}

TOPOLOGY = """
query Topology($id: String!) {
  buildingTopology(buildingId: $id) {
    id
    name
    floors {
      id
      name
      rooms {
        id
        name
        favorite1 { ...Favorite }
        favorite2 { ...Favorite }
        favorite3 { ...Favorite }
        favorite4 { ...Favorite }
        roomScenes { id name }
        groups { id name lights { id } }
        lights {
          id
          name
          mac
          model {
            id brand name moduleNameId lifetime hasRatio fanSpeedSteps
            idlePowerConsumptionPerHour customPowerConsumptionAllowed
            temperatureMin temperatureMax
          }
          currentState { r g b cw ww dimming sceneId speed ratio state temperature }
        }
      }
    }
  }
}
fragment Favorite on FavoriteState {
  __typename
  ... on FavoriteStateStatus { status }
  ... on FavoriteStateScene { sceneId specificDimming speed }
  ... on FavoriteStateCustomWhite { temperature dimming }
  ... on FavoriteStateCustomColor { r g b cw ww dimming }
  ... on FavoriteStateMoment { momentId }
}
"""
CHANGE_LIGHT = """
mutation Light($f: String!, $l: String!, $p: String!, $m: String,
               $s: PilotingLightStateInput!) {
  changeLightState(floorId: $f, lightId: $l, provider: $p, mac: $m, state: $s)
}
"""
CHANGE_ROOM = """
mutation Room($f: String!, $r: String!, $p: String!, $s: PilotingLightStateInput!) {
  changeRoomState(floorId: $f, roomId: $r, provider: $p, state: $s)
}
"""


@dataclass
class Api:
    """A test client of one simulator with a valid access token."""

    session: aiohttp.ClientSession
    sim: WizProSimulator
    token: str

    async def gql(
        self, query: str, token: str | None = None, **variables: Any
    ) -> tuple[int, dict[str, Any]]:
        """POST a GraphQL request; return status and JSON body."""
        async with self.session.post(
            f"{self.sim.url}/api/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token or self.token}"},
        ) as response:
            return response.status, await response.json()

    async def pilot(
        self, light: Light, state: dict[str, Any], **kwargs: Any
    ) -> dict[str, Any]:
        """Send changeLightState for light; return the JSON body."""
        status, body = await self.gql(
            CHANGE_LIGHT,
            f=kwargs.get("floor", self.sim.floor_of(light.id).id),
            l=kwargs.get("light_id", light.id),
            p=kwargs.get("provider", "WiZ"),
            m=kwargs.get("mac"),
            s=state,
        )
        assert status == 200
        return body

    async def pilot_room(self, room: Room, state: dict[str, Any]) -> dict[str, Any]:
        """Send changeRoomState for room; return the JSON body."""
        status, body = await self.gql(
            CHANGE_ROOM, f=self.sim.floor_of(room.id).id, r=room.id, p="WiZ", s=state
        )
        assert status == 200
        return body


@dataclass
class Receiver:
    """A local webhook receiver."""

    url: str
    received: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200


def named(sim: WizProSimulator, name: str) -> Light:
    """Return the light called name."""
    return next(
        light
        for building in sim.buildings
        for light in building.lights
        if light.name == name
    )


def room_named(sim: WizProSimulator, name: str) -> Room:
    """Return the room called name."""
    return next(
        room
        for building in sim.buildings
        for floor in building.floors
        for room in floor.rooms
        if room.name == name
    )


def verifier() -> str:
    """Return a fresh 128-character PKCE code verifier."""
    return secrets.token_urlsafe(96)[:128]


@pytest.fixture
async def sim(socket_enabled: None) -> AsyncIterator[WizProSimulator]:
    """Run a simulator with the demo office and warehouse."""
    async with WizProSimulator(
        demo_data(buildings=2), require_https_webhooks=False
    ) as simulator:
        yield simulator


@pytest.fixture
def api(session: aiohttp.ClientSession, sim: WizProSimulator) -> Api:
    """Return a client holding a valid access token."""
    return Api(session, sim, sim.issue_tokens()["accessToken"])


@pytest.fixture
async def receiver(socket_enabled: None) -> AsyncIterator[Receiver]:
    """Run a webhook receiver on 127.0.0.1."""
    box: list[Receiver] = []

    async def handle(request: web.Request) -> web.Response:
        """Keep the posted JSON."""
        box[0].received.append(await request.json())
        return web.Response(status=box[0].status)

    app = web.Application()
    app.router.add_post("/hook", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    box.append(Receiver(url=f"http://127.0.0.1:{runner.addresses[0][1]}/hook"))
    yield box[0]
    await runner.cleanup()


async def authorize(
    session: aiohttp.ClientSession, sim: WizProSimulator, **params: str
) -> aiohttp.ClientResponse:
    """GET the authorize step without following its redirect."""
    async with session.get(
        f"{sim.url}/dashboard/oauth/authorize", params=params, allow_redirects=False
    ) as response:
        await response.read()
        return response


async def token_request(
    session: aiohttp.ClientSession, sim: WizProSimulator, body: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    """POST to the token endpoint."""
    async with session.post(f"{sim.url}/api/oauth/token", json=body) as response:
        return response.status, await response.json()


async def get_code(
    session: aiohttp.ClientSession,
    sim: WizProSimulator,
    code_verifier: str,
    method: str = "S256",
) -> str:
    """Run the authorize step and return the authorization code."""
    challenge = s256_challenge(code_verifier) if method == "S256" else code_verifier
    response = await authorize(
        session,
        sim,
        client_id=DEFAULT_CLIENT_ID,
        code_challenge=challenge,
        code_challenge_method=method,
        redirect_uri=REDIRECT_URI,
    )
    assert response.status == 302
    return URL(response.headers["Location"]).query["code"]


def code_body(
    code: str, code_verifier: str, client_id: str = DEFAULT_CLIENT_ID
) -> dict:
    """Return the token request body of an authorization code exchange."""
    return {
        "grantType": "authorizationCode",
        "authorizationCode": code,
        "clientId": client_id,
        "codeVerifier": code_verifier,
    }


# --- OAuth 2 + PKCE ----------------------------------------------------------------


async def test_dashboard_page_forwards_the_fragment(
    session: aiohttp.ClientSession, sim: WizProSimulator
) -> None:
    async with session.get(f"{sim.url}/dashboard/") as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        page = await response.text()
    assert "#/oauth/authorize" in page
    assert '"oauth/authorize"' in page


async def test_authorize_redirects_with_code_and_expiry_only(
    session: aiohttp.ClientSession, sim: WizProSimulator
) -> None:
    response = await authorize(
        session,
        sim,
        client_id=DEFAULT_CLIENT_ID,
        code_challenge=s256_challenge(verifier()),
        code_challenge_method="S256",
        redirect_uri=REDIRECT_URI,
        state="flow-state",
    )
    assert response.status == 302
    location = URL(response.headers["Location"])
    assert str(location.with_query(None)) == REDIRECT_URI
    assert set(location.query) == {"code", "expires_at"}
    uuid.UUID(location.query["code"])
    assert ISO_MS_Z.match(location.query["expires_at"])
    expires = datetime.fromisoformat(location.query["expires_at"])
    assert timedelta(minutes=9) < expires - datetime.now(UTC) <= timedelta(minutes=10)


async def test_authorize_echoes_state_when_switched_on(
    session: aiohttp.ClientSession, sim: WizProSimulator
) -> None:
    sim.echo_state = True
    response = await authorize(
        session,
        sim,
        client_id=DEFAULT_CLIENT_ID,
        code_challenge=s256_challenge(verifier()),
        code_challenge_method="S256",
        redirect_uri=REDIRECT_URI,
        state="flow-state",
    )
    assert URL(response.headers["Location"]).query["state"] == "flow-state"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"client_id": "someone-else"}, "client_id"),
        ({"code_challenge": ""}, "code_challenge"),
        ({"code_challenge_method": "S512"}, "code_challenge_method"),
        ({"code_challenge": "too-short"}, "code_challenge"),
        ({"redirect_uri": ""}, "redirect_uri"),
        ({"redirect_uri": "/relative"}, "redirect_uri"),
    ],
)
async def test_authorize_refuses_bad_requests(
    session: aiohttp.ClientSession,
    sim: WizProSimulator,
    change: dict[str, str],
    reason: str,
) -> None:
    params = {
        "client_id": DEFAULT_CLIENT_ID,
        "code_challenge": s256_challenge(verifier()),
        "code_challenge_method": "S256",
        "redirect_uri": REDIRECT_URI,
        **change,
    }
    async with session.get(
        f"{sim.url}/dashboard/oauth/authorize", params=params, allow_redirects=False
    ) as response:
        assert response.status == 400
        assert response.content_type == "text/html"
        assert reason in await response.text()


async def test_code_flow_end_to_end(
    session: aiohttp.ClientSession, sim: WizProSimulator
) -> None:
    code_verifier = verifier()
    code = await get_code(session, sim, code_verifier)
    status, tokens = await token_request(session, sim, code_body(code, code_verifier))
    assert status == 200
    assert set(tokens) == {"accessToken", "tokenType", "expiresAt", "refreshToken"}
    assert tokens["tokenType"] == "Bearer"
    assert HEX64.match(tokens["accessToken"])
    assert HEX64.match(tokens["refreshToken"])
    assert ISO_MS_Z.match(tokens["expiresAt"])
    lifetime = datetime.fromisoformat(tokens["expiresAt"]) - datetime.now(UTC)
    assert timedelta(hours=2, minutes=59) < lifetime <= timedelta(hours=3)
    api = Api(session, sim, tokens["accessToken"])
    status, body = await api.gql("{ buildings { id name } }")
    assert status == 200
    assert body["data"]["buildings"][0]["name"] == "Demo Office"


async def test_plain_challenge_method(
    session: aiohttp.ClientSession, sim: WizProSimulator
) -> None:
    code_verifier = verifier()
    code = await get_code(session, sim, code_verifier, method="plain")
    status, _ = await token_request(session, sim, code_body(code, code_verifier))
    assert status == 200


async def test_wrong_verifier_is_refused(
    session: aiohttp.ClientSession, sim: WizProSimulator
) -> None:
    code_verifier = verifier()
    code = await get_code(session, sim, code_verifier)
    status, body = await token_request(session, sim, code_body(code, verifier()))
    assert status == 400
    assert body["error"] == "invalid_grant"
    assert "verifier" in body["message"]
    # A failed exchange does not use the code up.
    status, _ = await token_request(session, sim, code_body(code, code_verifier))
    assert status == 200


async def test_code_is_single_use_and_bound_to_its_client(
    session: aiohttp.ClientSession, sim: WizProSimulator
) -> None:
    sim.client_ids.add("another-client")
    code_verifier = verifier()
    code = await get_code(session, sim, code_verifier)
    status, body = await token_request(
        session, sim, code_body(code, code_verifier, client_id="another-client")
    )
    assert (status, body["error"]) == (400, "invalid_grant")
    status, _ = await token_request(session, sim, code_body(code, code_verifier))
    assert status == 200
    status, body = await token_request(session, sim, code_body(code, code_verifier))
    assert (status, body["error"]) == (400, "invalid_grant")
    assert "already used" in body["message"]


async def test_expired_and_unknown_codes(
    session: aiohttp.ClientSession, sim: WizProSimulator
) -> None:
    code_verifier = verifier()
    sim.oauth.code_lifetime = timedelta(seconds=-1)
    code = await get_code(session, sim, code_verifier)
    status, body = await token_request(session, sim, code_body(code, code_verifier))
    assert (status, body["error"]) == (400, "invalid_grant")
    assert "expired" in body["message"]
    status, body = await token_request(
        session, sim, code_body(str(uuid.uuid4()), code_verifier)
    )
    assert (status, body["error"]) == (400, "invalid_grant")


async def test_refresh_rotates_the_pair(
    session: aiohttp.ClientSession, sim: WizProSimulator
) -> None:
    first = sim.issue_tokens()
    body = {"grantType": "refreshToken", "refreshToken": first["refreshToken"]}
    status, second = await token_request(session, sim, body)
    assert status == 200
    assert second["refreshToken"] != first["refreshToken"]
    assert second["accessToken"] != first["accessToken"]
    status, error = await token_request(session, sim, body)
    assert (status, error["error"]) == (400, "invalid_grant")
    api = Api(session, sim, second["accessToken"])
    assert (await api.gql("{ buildings { id } }"))[0] == 200


async def test_revoked_and_expired_tokens(
    session: aiohttp.ClientSession, sim: WizProSimulator
) -> None:
    tokens = sim.issue_tokens()
    api = Api(session, sim, tokens["accessToken"])
    sim.expire_access_tokens()
    assert (await api.gql("{ buildings { id } }"))[0] == 401
    refresh = {"grantType": "refreshToken", "refreshToken": tokens["refreshToken"]}
    status, renewed = await token_request(session, sim, refresh)
    assert status == 200
    sim.revoke_tokens()
    assert (await api.gql("{ buildings { id } }", token=renewed["accessToken"]))[
        0
    ] == 401
    refresh["refreshToken"] = renewed["refreshToken"]
    status, body = await token_request(session, sim, refresh)
    assert (status, body["error"]) == (400, "invalid_grant")


async def test_access_token_lifetime_is_settable(sim: WizProSimulator) -> None:
    sim.access_token_lifetime = timedelta(seconds=60)
    expires = datetime.fromisoformat(sim.issue_tokens()["expiresAt"])
    assert expires - datetime.now(UTC) <= timedelta(seconds=60)


async def test_token_endpoint_request_errors(
    session: aiohttp.ClientSession, sim: WizProSimulator
) -> None:
    async with session.post(
        f"{sim.url}/api/oauth/token",
        data={"grantType": "refreshToken", "refreshToken": "x"},
    ) as response:
        assert response.status == 400
        assert (await response.json())["error"] == "invalid_request"
    status, body = await token_request(session, sim, {"grantType": "password"})
    assert (status, body["error"]) == (400, "unsupported_grant_type")
    status, body = await token_request(session, sim, {"grantType": "authorizationCode"})
    assert (status, body["error"]) == (400, "invalid_request")
    status, body = await token_request(session, sim, {"refreshToken": "x"})
    assert (status, body["error"]) == (400, "invalid_request")


# --- GraphQL: auth, queries, request errors ------------------------------------------


@pytest.mark.parametrize("header", [None, "Bearer unknown", "Basic abc"])
async def test_graphql_requires_a_valid_bearer_token(
    session: aiohttp.ClientSession, sim: WizProSimulator, header: str | None
) -> None:
    headers = {"Authorization": header} if header else {}
    async with session.post(
        f"{sim.url}/api/graphql",
        json={"query": "{ buildings { id } }"},
        headers=headers,
    ) as response:
        assert response.status == 401
        assert await response.json() == {
            "errors": [
                {"message": "Unauthorized", "extensions": {"code": "UNAUTHENTICATED"}}
            ]
        }


async def test_buildings_lists_granted_buildings(api: Api) -> None:
    _, body = await api.gql("{ buildings { id name } }")
    assert body == {
        "data": {
            "buildings": [
                {"id": DEMO_BUILDING_ID, "name": "Demo Office"},
                {"id": SECOND_BUILDING_ID, "name": "Demo Warehouse"},
            ]
        }
    }
    api.sim.granted_buildings.discard(SECOND_BUILDING_ID)
    _, body = await api.gql("{ buildings { id } }")
    assert body["data"]["buildings"] == [{"id": DEMO_BUILDING_ID}]
    status, body = await api.gql(TOPOLOGY, id=SECOND_BUILDING_ID)
    assert status == 200
    assert body["data"] is None
    assert body["errors"][0]["message"] == "Building not found"
    assert body["errors"][0]["path"] == ["buildingTopology"]


async def test_topology_shape(api: Api) -> None:
    status, body = await api.gql(TOPOLOGY, id=DEMO_BUILDING_ID)
    assert status == 200
    assert "errors" not in body
    building = body["data"]["buildingTopology"]
    assert building["name"] == "Demo Office"
    assert [floor["id"] for floor in building["floors"]] == [GROUND_FLOOR, FIRST_FLOOR]
    rooms = [room for floor in building["floors"] for room in floor["rooms"]]
    lights = [light for room in rooms for light in room["lights"]]
    assert len(rooms) >= 6
    assert len(lights) >= 40
    reception = rooms[0]
    assert reception["favorite1"] == {
        "__typename": "FavoriteStateScene",
        "sceneId": 12,
        "specificDimming": 80,
        "speed": None,
    }
    assert reception["favorite4"] == {
        "__typename": "FavoriteStateStatus",
        "status": False,
    }
    assert reception["roomScenes"] == [
        {"id": "601", "name": "Welcome"},
        {"id": "602", "name": "Evening"},
    ]
    assert reception["groups"][0]["lights"] == [
        {"id": light["id"]} for light in lights[:4]
    ]
    typenames = {
        room[f"favorite{n}"]["__typename"] for room in rooms for n in range(1, 5)
    }
    assert typenames == {
        "FavoriteStateStatus",
        "FavoriteStateScene",
        "FavoriteStateCustomWhite",
        "FavoriteStateCustomColor",
        "FavoriteStateMoment",
    }
    spot = lights[0]
    assert spot["model"] == {
        "id": "18",
        "brand": "WiZ",
        "name": "GU10 TW",
        "moduleNameId": 3,
        "lifetime": 25000,
        "hasRatio": False,
        "fanSpeedSteps": 0,
        "idlePowerConsumptionPerHour": 0.25,
        "customPowerConsumptionAllowed": False,
        "temperatureMin": 2700,
        "temperatureMax": 6500,
    }
    assert spot["currentState"] == {
        "r": 0,
        "g": 0,
        "b": 0,
        "cw": 0,
        "ww": 0,
        "dimming": 90,
        "sceneId": 0,
        "speed": 100,
        "ratio": None,
        "state": True,
        "temperature": 4000,
    }
    # An offline light is still listed with its last known state.
    booth = next(light for light in lights if light["name"] == "Phone Booth Lamp")
    assert booth["currentState"]["state"] is True


async def test_floors_filter_by_ids(api: Api) -> None:
    query = """query($id: String!, $ids: [String!]) {
      buildingTopology(buildingId: $id) { floors(ids: $ids) { id } } }"""
    _, body = await api.gql(query, id=DEMO_BUILDING_ID, ids=[FIRST_FLOOR, "nope"])
    assert body["data"]["buildingTopology"]["floors"] == [{"id": FIRST_FLOOR}]


async def test_state_set_from_python_is_served(api: Api) -> None:
    light = api.sim.light_by_mac(named(api.sim, "Kitchen Ceiling 1").mac)
    light.state["dimming"] = 42
    _, body = await api.gql(TOPOLOGY, id=DEMO_BUILDING_ID)
    kitchen = body["data"]["buildingTopology"]["floors"][0]["rooms"][1]
    assert kitchen["lights"][0]["currentState"]["dimming"] == 42


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"query": "{ buildings { id }"}, "GRAPHQL_PARSE_FAILED"),
        ({"query": "{ buildings { id nme } }"}, "GRAPHQL_VALIDATION_FAILED"),
        ({"query": "{ __schema { types { name } } }"}, "GRAPHQL_VALIDATION_FAILED"),
        (
            {
                "query": "query($id: String!) { buildingTopology(buildingId: $id)"
                " { id } }",
                "variables": {"id": 5},
            },
            "BAD_USER_INPUT",
        ),
        (
            {"query": "query A { buildings { id } } query B { buildings { name } }"},
            "OPERATION_RESOLUTION_FAILURE",
        ),
        ({"query": 42}, "BAD_REQUEST"),
        ([{"query": "{ buildings { id } }"}], "BAD_REQUEST"),
    ],
)
async def test_request_errors_answer_400(api: Api, body: Any, code: str) -> None:
    async with api.session.post(
        f"{api.sim.url}/api/graphql",
        json=body,
        headers={"Authorization": f"Bearer {api.token}"},
    ) as response:
        assert response.status == 400
        errors = (await response.json())["errors"]
    assert errors[0]["extensions"]["code"] == code
    assert errors[0]["message"]
    if code == "GRAPHQL_PARSE_FAILED":
        assert errors[0]["locations"] == [{"line": 1, "column": 19}]


async def test_form_encoded_graphql_is_refused(api: Api) -> None:
    async with api.session.post(
        f"{api.sim.url}/api/graphql",
        data={"query": "{ buildings { id } }"},
        headers={"Authorization": f"Bearer {api.token}"},
    ) as response:
        assert response.status == 400


# --- Mutations ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("light_name", "field_name", "value", "accepted"),
    [
        ("Kitchen Ceiling 1", "dimming", 10, True),
        ("Kitchen Ceiling 1", "dimming", 9, False),
        ("Kitchen Ceiling 1", "dimming", 100, True),
        ("Kitchen Ceiling 1", "dimming", 101, False),
        ("Kitchen Ceiling 1", "sceneId", 1, True),
        ("Kitchen Ceiling 1", "sceneId", 0, False),
        ("Kitchen Ceiling 1", "sceneId", 32, True),
        ("Kitchen Ceiling 1", "sceneId", 33, False),
        ("Kitchen Ceiling 1", "speed", 20, True),
        ("Kitchen Ceiling 1", "speed", 19, False),
        ("Kitchen Ceiling 1", "speed", 200, True),
        ("Kitchen Ceiling 1", "speed", 201, False),
        ("Kitchen Ceiling 1", "r", 0, True),
        ("Kitchen Ceiling 1", "g", 255, True),
        ("Kitchen Ceiling 1", "b", 256, False),
        ("Kitchen Ceiling 1", "cw", -1, False),
        ("Kitchen Ceiling 1", "ww", 255, True),
        ("Meeting Linear 1", "ratio", 0, True),
        ("Meeting Linear 1", "ratio", 100, True),
        ("Meeting Linear 1", "ratio", 101, False),
        ("Kitchen Ceiling 1", "temperature", 2200, True),
        ("Kitchen Ceiling 1", "temperature", 2199, False),
        ("Kitchen Ceiling 1", "temperature", 6500, True),
        ("Kitchen Ceiling 1", "temperature", 6501, False),
        ("Meeting Panel 1", "temperature", 3000, True),
        ("Meeting Panel 1", "temperature", 2999, False),
        ("Meeting Panel 1", "temperature", 5000, True),
        ("Meeting Panel 1", "temperature", 5001, False),
        ("Kitchen Pendant 1", "temperature", 2700, True),
        ("Kitchen Pendant 1", "temperature", 2701, False),
    ],
)
async def test_light_input_ranges(
    api: Api, light_name: str, field_name: str, value: int, accepted: bool
) -> None:
    light = named(api.sim, light_name)
    before = dict(light.state)
    body = await api.pilot(light, {field_name: value})
    if accepted:
        assert body == {"data": {"changeLightState": True}}
        return
    assert body["data"] == {"changeLightState": None}
    assert f"state.{field_name}" in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert light.state == before


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"provider": "Philips"}, "provider"),
        ({"mac": "a8bb50000000"}, "MAC"),
        ({"floor": FIRST_FLOOR}, "Light not found"),
        ({"floor": "nope"}, "Floor not found"),
        ({"light_id": "99999"}, "Light not found"),
    ],
)
async def test_change_light_state_refuses_mismatches(
    api: Api, kwargs: dict[str, str], message: str
) -> None:
    body = await api.pilot(
        named(api.sim, "Kitchen Ceiling 1"), {"state": True}, **kwargs
    )
    assert body["data"] == {"changeLightState": None}
    assert message in body["errors"][0]["message"]


async def test_change_light_state_with_matching_mac(api: Api) -> None:
    light = named(api.sim, "Kitchen Ceiling 3")
    body = await api.pilot(light, {"state": True}, mac=light.mac)
    assert body == {"data": {"changeLightState": True}}
    assert light.state["state"] is True


async def test_state_false_turns_off_and_changes_nothing_else(api: Api) -> None:
    light = named(api.sim, "Reception Accent 1")
    before = dict(light.state)
    await api.pilot(light, {"state": False, "dimming": 50, "r": 1})
    assert light.state == {**before, "state": False}


async def test_white_colour_and_light_modes_on_rgbtw(api: Api) -> None:
    light = named(api.sim, "Kitchen Ceiling 3")  # off, white 3000 K
    await api.pilot(light, {"r": 255, "g": 10, "b": 0, "dimming": 60})
    assert light.state == {
        "r": 255,
        "g": 10,
        "b": 0,
        "cw": 0,
        "ww": 0,
        "dimming": 60,
        "sceneId": 0,
        "speed": 100,
        "ratio": None,
        "state": True,
        "temperature": None,
    }
    await api.pilot(light, {"sceneId": 4, "speed": 150})
    assert light.state["sceneId"] == 4
    assert light.state["speed"] == 150
    assert light.state["dimming"] == 60
    assert light.state["temperature"] is None
    await api.pilot(light, {"temperature": 5000})
    assert light.state["temperature"] == 5000
    assert light.state["sceneId"] == 0
    assert (light.state["r"], light.state["g"], light.state["b"]) == (0, 0, 0)


async def test_tw_bulb_given_colour_stays_white_but_turns_on(api: Api) -> None:
    light = named(api.sim, "Open Space Spot 3")  # TW, off, 4500 K
    before = dict(light.state)
    assert await api.pilot(light, {"r": 255, "g": 0, "b": 0}) == {
        "data": {"changeLightState": True}
    }
    assert light.state == {**before, "state": True}
    await api.pilot(light, {"sceneId": 4})  # Party: not a TW mode
    assert light.state == {**before, "state": True}
    await api.pilot(light, {"sceneId": 12})  # Daylight: a TW mode
    assert light.state["sceneId"] == 12
    # Closest possible: colour is skipped, the temperature asked alongside applies.
    await api.pilot(light, {"r": 255, "temperature": 3000})
    assert (light.state["sceneId"], light.state["temperature"]) == (0, 3000)


async def test_dw_bulb_plays_only_its_modes(api: Api) -> None:
    light = named(api.sim, "Corridor 4")  # DW, off
    before = dict(light.state)
    await api.pilot(light, {"sceneId": 6, "dimming": 40})  # Cozy: not a DW mode
    assert light.state == {**before, "state": True, "dimming": 40}
    await api.pilot(light, {"sceneId": 14})  # Night light
    assert light.state["sceneId"] == 14
    # Its one white is the closest it can do to any temperature: the mode stops.
    await api.pilot(light, {"temperature": 2700})
    assert (light.state["sceneId"], light.state["temperature"]) == (0, 2700)
    pendant = named(api.sim, "Lounge Filament 1")  # DW playing Night light
    await api.pilot_room(api.sim.room_of(pendant.id), {"temperature": 4000})
    assert (pendant.state["sceneId"], pendant.state["temperature"]) == (0, 2700)


async def test_ratio_only_on_dual_zone_models(api: Api) -> None:
    linear = named(api.sim, "Meeting Linear 1")
    await api.pilot(linear, {"ratio": 25})
    assert linear.state["ratio"] == 25
    panel = named(api.sim, "Meeting Panel 1")
    assert await api.pilot(panel, {"ratio": 25}) == {"data": {"changeLightState": True}}
    assert panel.state["ratio"] is None


async def test_offline_light_is_not_piloted(api: Api) -> None:
    light = named(api.sim, "Phone Booth Lamp")
    before = dict(light.state)
    assert await api.pilot(light, {"state": False}) == {
        "data": {"changeLightState": False}
    }
    assert light.state == before


async def test_change_group_state(api: Api) -> None:
    group = api.sim.group("1102")  # Kitchen Island: ceiling 1 and 2
    query = """mutation($f: String!, $g: String!, $s: PilotingLightStateInput!) {
      changeGroupState(floorId: $f, groupId: $g, state: $s) }"""
    _, body = await api.gql(query, f=GROUND_FLOOR, g=group.id, s={"dimming": 33})
    assert body == {"data": {"changeGroupState": True}}
    assert [light.state["dimming"] for light in group.lights] == [33, 33]
    assert named(api.sim, "Kitchen Ceiling 3").state["dimming"] == 80
    _, body = await api.gql(query, f=FIRST_FLOOR, g=group.id, s={"dimming": 33})
    assert body["errors"][0]["message"] == "Group not found"


async def test_change_room_state_and_recording(api: Api) -> None:
    room = room_named(api.sim, "Reception")
    body = await api.pilot_room(room, {"state": False})
    assert body == {"data": {"changeRoomState": True}}
    assert not any(light.is_on for light in room.lights)
    assert api.sim.mutations == [
        (
            "changeRoomState",
            {
                "floorId": GROUND_FLOOR,
                "roomId": room.id,
                "provider": "WiZ",
                "state": {"state": False},
            },
        )
    ]
    recorded = api.sim.graphql_requests[-1]
    assert recorded.graphql is not None
    assert (recorded.graphql.kind, recorded.graphql.name, recorded.graphql.fields) == (
        "mutation",
        "Room",
        ["changeRoomState"],
    )
    assert recorded.headers["Authorization"] == f"Bearer {api.token}"
    # A request refused for its token is recorded but was not executed.
    await api.gql(
        CHANGE_ROOM, token="expired", f=GROUND_FLOOR, r=room.id, p="WiZ", s={}
    )
    assert api.sim.graphql_requests[-1].graphql.fields == ["changeRoomState"]
    assert len(api.sim.mutations) == 1
    assert api.sim.queries == []


async def test_room_temperature_must_suit_every_light(api: Api) -> None:
    reception = room_named(api.sim, "Reception")  # 2200-6500 and 2700-6500
    assert (await api.pilot_room(reception, {"temperature": 2700}))["data"] == {
        "changeRoomState": True
    }
    body = await api.pilot_room(reception, {"temperature": 2600})
    assert "2700-6500" in body["errors"][0]["message"]
    # DW pendants (fixed at 2700 K) do not bind a room: they just turn on.
    kitchen = room_named(api.sim, "Kitchen")
    body = await api.pilot_room(kitchen, {"temperature": 3000})
    assert body["data"] == {"changeRoomState": True}
    connected = [light for light in kitchen.lights if light.connected]
    assert all(light.is_on for light in connected)
    assert {
        light.state["temperature"]
        for light in connected
        if light.model.bulb_class is not BulbClass.DW
    } == {3000}
    body = await api.pilot_room(kitchen, {"temperature": 2100})
    assert "2200-6500" in body["errors"][0]["message"]


async def test_room_with_offline_lights(api: Api) -> None:
    corridor = room_named(api.sim, "Corridor")  # light 5 is offline and off
    assert (await api.pilot_room(corridor, {"state": True}))["data"] == {
        "changeRoomState": True
    }
    assert [light.is_on for light in corridor.lights] == [True] * 4 + [False]
    for light in corridor.lights:
        api.sim.set_connected(light.id, False)
    assert (await api.pilot_room(corridor, {"state": False}))["data"] == {
        "changeRoomState": False
    }


async def test_floor_and_building_state(api: Api) -> None:
    query = """mutation($f: String!) {
      changeFloorState(floorId: $f, state: {state: false}) }"""
    _, body = await api.gql(query, f=FIRST_FLOOR)
    assert body == {"data": {"changeFloorState": True}}
    floor = api.sim.floor(FIRST_FLOOR)
    assert [light.name for light in floor.lights if light.is_on] == ["Phone Booth Lamp"]
    query = """mutation($b: String!) {
      changeBuildingState(buildingId: $b, state: {dimming: 50}) }"""
    _, body = await api.gql(query, b=DEMO_BUILDING_ID)
    assert body == {"data": {"changeBuildingState": True}}
    building = api.sim.building(DEMO_BUILDING_ID)
    assert all(
        light.state["dimming"] == 50 and light.is_on
        for light in building.lights
        if light.connected
    )
    assert named(api.sim, "Office Lamp 1").state["dimming"] == 80  # other building
    _, body = await api.gql(query, b="nope")
    assert body["errors"][0]["message"] == "Building not found"


async def test_apply_room_scene(api: Api) -> None:
    query = "mutation($id: String!) { applyRoomScene(roomSceneId: $id) }"
    scene = api.sim.room_scene("602")  # Reception: Evening
    _, body = await api.gql(query, id=scene.id)
    assert body == {"data": {"applyRoomScene": True}}
    for light in room_named(api.sim, "Reception").lights:
        assert light.state == scene.snapshot[light.id]
    assert named(api.sim, "Reception Accent 1").is_on is False
    _, body = await api.gql(query, id="999")
    assert body["data"] == {"applyRoomScene": None}
    assert body["errors"][0]["message"] == "Room scene not found"


async def test_two_mutations_in_one_request(api: Api) -> None:
    query = """mutation($f: String!) {
      a: changeLightState(floorId: $f, lightId: "23207", provider: "WiZ",
                          state: {dimming: 20})
      b: changeLightState(floorId: $f, lightId: "23207", provider: "Hue",
                          state: {dimming: 30})
    }"""
    _, body = await api.gql(query, f=GROUND_FLOOR)
    assert body["data"] == {"a": True, "b": None}
    assert body["errors"][0]["path"] == ["b"]
    assert [name for name, _ in api.sim.mutations] == ["changeLightState"] * 2


# --- Faults --------------------------------------------------------------------------


async def test_fault_server_error(api: Api) -> None:
    api.sim.faults.add("server_error", status=503, path="/api/graphql")
    async with api.session.post(
        f"{api.sim.url}/api/graphql",
        json={"query": "{ buildings { id } }"},
        headers={"Authorization": f"Bearer {api.token}"},
    ) as response:
        assert response.status == 503
        assert response.content_type == "text/html"
        assert "Service Unavailable" in await response.text()
    assert (await api.gql("{ buildings { id } }"))[0] == 200


async def test_fault_redirect(api: Api) -> None:
    elsewhere = "https://elsewhere.example/api/graphql"
    api.sim.faults.add("redirect", status=308, location=elsewhere, path="/api/graphql")
    before = len(api.sim.queries)
    async with api.session.post(
        f"{api.sim.url}/api/graphql",
        json={"query": "{ buildings { id } }"},
        headers={"Authorization": f"Bearer {api.token}"},
        allow_redirects=False,
    ) as response:
        assert response.status == 308
        assert response.headers["Location"] == elsewhere
    # The handler never ran; the next request is answered as usual.
    assert len(api.sim.queries) == before
    assert (await api.gql("{ buildings { id } }"))[0] == 200
    with pytest.raises(ValueError, match="3xx code"):
        api.sim.faults.add("redirect", location=elsewhere, status=200)
    api.sim.faults.add("redirect", path="/api/graphql")
    async with api.session.post(
        f"{api.sim.url}/api/graphql", allow_redirects=False
    ) as response:
        assert response.status == 307
        assert "Location" not in response.headers


async def test_fault_latency(api: Api) -> None:
    api.sim.faults.add("latency", seconds=0.01)
    status, _ = await api.gql("{ buildings { id } }")
    assert status == 200
    status, _ = await api.gql("{ buildings { id } }")
    assert status == 200
    assert api.sim.faults.delays == [0.01]


async def test_fault_malformed_json(api: Api) -> None:
    api.sim.faults.add("malformed_json")
    async with api.session.post(
        f"{api.sim.url}/api/graphql",
        json={"query": "{ buildings { id } }"},
        headers={"Authorization": f"Bearer {api.token}"},
    ) as response:
        assert response.status == 200
        with pytest.raises(json.JSONDecodeError):
            json.loads(await response.text())


async def test_bad_bytes_reply(api: Api) -> None:
    light = named(api.sim, "Corridor 4")
    api.sim.send_bad_bytes(count=2)
    for dimming in (30, 40):
        async with api.session.post(
            f"{api.sim.url}/api/graphql",
            json={
                "query": CHANGE_LIGHT,
                "variables": {
                    "f": api.sim.floor_of(light.id).id,
                    "l": light.id,
                    "p": "WiZ",
                    "s": {"dimming": dimming},
                },
            },
            headers={"Authorization": f"Bearer {api.token}"},
        ) as response:
            assert response.status == 200
            body = await response.read()
        assert b"\xff" in body
        with pytest.raises(UnicodeDecodeError):
            body.decode()
        # The request itself was carried out.
        assert light.state["dimming"] == dimming
    assert (await api.gql("{ buildings { id } }"))[0] == 200
    with pytest.raises(ValueError, match="at least 1"):
        api.sim.send_bad_bytes(count=0)


async def test_fault_rate_limit(api: Api) -> None:
    api.sim.faults.add("rate_limit", retry_after=7)
    async with api.session.post(
        f"{api.sim.url}/api/graphql", json={"query": "{ buildings { id } }"}
    ) as response:
        assert response.status == 429
        assert response.headers["Retry-After"] == "7"
        assert (await response.json())["error"] == "rate_limited"


async def test_fault_disconnect(api: Api) -> None:
    api.sim.faults.add("disconnect")
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await api.gql("{ buildings { id } }")
    assert (await api.gql("{ buildings { id } }"))[0] == 200


async def test_fault_patch_response(api: Api) -> None:
    def drop_model(document: dict[str, Any]) -> None:
        """Make the first light arrive without its model."""
        light = document["data"]["buildingTopology"]["floors"][0]["rooms"][0]["lights"][
            0
        ]
        del light["model"]
        light["currentState"]["dimming"] = "bright"

    api.sim.faults.add("patch_response", patch=drop_model)
    _, body = await api.gql(TOPOLOGY, id=DEMO_BUILDING_ID)
    light = body["data"]["buildingTopology"]["floors"][0]["rooms"][0]["lights"][0]
    assert "model" not in light
    assert light["currentState"]["dimming"] == "bright"


async def test_fault_matching_count_and_clear(api: Api) -> None:
    faults = api.sim.faults
    faults.add("server_error", path="/api/oauth/token", count=None)
    faults.add(
        "server_error",
        status=502,
        count=2,
        match=lambda r: r.graphql is not None and r.graphql.kind == "mutation",
    )
    assert (await api.gql("{ buildings { id } }"))[0] == 200
    body = {"grantType": "refreshToken", "refreshToken": "x"}
    for _ in range(3):
        async with api.session.post(
            f"{api.sim.url}/api/oauth/token", json=body
        ) as response:
            assert response.status == 500
    mutation = {
        "query": CHANGE_LIGHT,
        "variables": {
            "f": GROUND_FLOOR,
            "l": "23207",
            "p": "WiZ",
            "s": {"dimming": 50},
        },
    }
    statuses = []
    for _ in range(3):
        async with api.session.post(
            f"{api.sim.url}/api/graphql",
            json=mutation,
            headers={"Authorization": f"Bearer {api.token}"},
        ) as response:
            statuses.append(response.status)
    assert statuses == [502, 502, 200]
    assert len(faults.faults) == 1
    faults.clear()
    status, _ = await token_request(api.session, api.sim, body)
    assert status == 400
    with pytest.raises(ValueError, match="Unknown fault kind"):
        faults.add("meteor")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Unknown parameters"):
        faults.add("latency", secs=1)


async def test_stop_does_not_wait_for_a_long_latency(
    session: aiohttp.ClientSession, sim: WizProSimulator
) -> None:
    sim.faults.add("latency", seconds=30)

    async def slow_request() -> int | None:
        """Send a request the latency fault holds; return its status, if any."""
        try:
            async with session.post(
                f"{sim.url}/api/graphql", json={"query": "{ buildings { id } }"}
            ) as response:
                return response.status
        except aiohttp.ClientError:
            return None

    request = asyncio.ensure_future(slow_request())
    await asyncio.sleep(0.05)
    # A stop that waited out the latency would hang here until the test's timeout.
    await sim.stop()
    assert await request in (401, None)


# --- Webhooks ----------------------------------------------------------------------


async def test_webhook_after_a_mutation(api: Api, receiver: Receiver) -> None:
    api.sim.webhook_url = receiver.url
    light = named(api.sim, "Kitchen Ceiling 3")
    await api.pilot(light, {"temperature": 4200, "dimming": 90})
    await api.sim.flush_webhooks()
    assert len(receiver.received) == 1
    message = receiver.received[0]
    assert set(message) == {"floorId", "type", "payload"}
    assert message["floorId"] == GROUND_FLOOR
    assert message["type"] == "STATUSCHANGE"
    assert isinstance(message["payload"], str)
    payload = json.loads(message["payload"])
    assert set(payload) == PAYLOAD_KEYS
    assert payload["mac"] == light.mac
    assert payload["connected"] is True
    assert payload["state"] is True
    assert payload["colorTemperature"] == 4200
    assert payload["dimming"] == 90
    assert payload["consumptionRateInHour"] == round(8.5 * 0.9, 1)
    assert payload["offSince"] == 0
    assert abs(payload["onSince"] - time.time()) < 5
    assert payload["rssi"] == light.rssi
    # A request that changes nothing sends nothing.
    await api.pilot(light, {"temperature": 4200})
    await api.sim.flush_webhooks()
    assert len(receiver.received) == 1


async def test_webhook_for_room_and_connection(api: Api, receiver: Receiver) -> None:
    api.sim.webhook_url = receiver.url
    await api.pilot_room(room_named(api.sim, "Kitchen"), {"state": False})
    await api.sim.flush_webhooks()
    macs = [json.loads(m["payload"])["mac"] for m in receiver.received]
    assert macs == [named(api.sim, f"Kitchen Ceiling {n}").mac for n in (1, 2)] + [
        named(api.sim, f"Kitchen Pendant {n}").mac for n in (1, 2)
    ]
    receiver.received.clear()
    light = named(api.sim, "Corridor 1")
    api.sim.set_connected(light.id, False)
    await api.sim.flush_webhooks()
    assert json.loads(receiver.received[-1]["payload"])["connected"] is False
    delivery = await api.sim.send_status_change(light.id, rssi=-90, state=False)
    assert delivery.status == 200
    assert delivery.payload["rssi"] == -90
    assert json.loads(receiver.received[-1]["payload"])["state"] is False
    assert api.sim.change_light_locally(light.id, state=False)
    await api.sim.flush_webhooks()
    assert len(receiver.received) == 3
    with pytest.raises(ValueError, match=r"state\.dimming"):
        api.sim.change_light_locally(light.id, dimming=5)


async def test_webhook_failures_are_logged(
    api: Api, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    receiver.status = 500
    api.sim.webhook_url = receiver.url
    delivery = await api.sim.send_status_change("23201")
    assert delivery.status == 500
    api.sim.webhook_url = "http://127.0.0.1:1/hook"
    delivery = await api.sim.send_status_change("23201")
    assert delivery.status is None
    assert delivery.error
    assert "Webhook delivery" in caplog.text


async def test_webhooks_need_https(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    async with WizProSimulator() as sim:
        with pytest.raises(ValueError, match="https"):
            sim.webhook_url = "http://example.com/hook"
        with pytest.raises(RuntimeError):
            await sim.send_status_change("23201")
        url = f"{sim.url}/_simulator/webhook"
        async with session.post(url, json={"url": "http://example.com/h"}) as response:
            assert response.status == 400
        async with session.post(url, json={"url": "https://example.com/h"}) as response:
            assert response.status == 200
        async with session.get(url) as response:
            assert (await response.json())["url"] == "https://example.com/h"
        async with session.post(url, json={"url": None}) as response:
            assert response.status == 200
        assert sim.webhook_url is None


# --- Data, scale and CLI -----------------------------------------------------------


def test_demo_data_is_rich_and_deterministic() -> None:
    first, second = demo_data(buildings=2), demo_data(buildings=2)
    lights = first[0].lights
    assert len(lights) >= 40
    assert [light.mac for light in lights] == [light.mac for light in second[0].lights]
    assert len({light.mac for light in lights + first[1].lights}) == len(
        lights + first[1].lights
    )
    assert all(re.fullmatch(r"a8bb50[0-9a-f]{6}", light.mac) for light in lights)
    assert {light.model.bulb_class for light in lights} == set(BulbClass)
    assert all(light.model.bulb_class in light.model.name for light in lights)
    dual = [light for light in lights if light.model.has_ratio]
    assert dual
    assert all(0 <= light.state["ratio"] <= 100 for light in dual)
    ranges = {(lt.model.temperature_min, lt.model.temperature_max) for lt in lights}
    assert {(2200, 6500), (2700, 6500), (2700, 2700)} <= ranges
    rooms = [room for floor in first[0].floors for room in floor.rooms]
    assert len(rooms) >= 6
    assert any(FavoriteStatus(status=False) in room.favorites for room in rooms)
    for room in rooms:
        for scene in room.scenes:
            assert set(scene.snapshot) == {light.id for light in room.lights}
    assert any(not light.connected for light in lights)
    assert any(light.state["sceneId"] for light in lights)
    assert any(not light.is_on for light in lights)


async def test_five_thousand_lights(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    data = generated_data(lights=5000, lights_per_room=25, rooms_per_floor=10)
    assert len(data[0].lights) == 5000
    assert len({light.mac for light in data[0].lights}) == 5000
    async with WizProSimulator(data) as sim:
        api = Api(session, sim, sim.issue_tokens()["accessToken"])
        status, body = await api.gql(TOPOLOGY, id=data[0].id)
    assert status == 200
    floors = body["data"]["buildingTopology"]["floors"]
    assert sum(len(room["lights"]) for f in floors for room in f["rooms"]) == 5000


async def test_demo_activity_is_a_repeatable_cycle(
    sim: WizProSimulator, receiver: Receiver
) -> None:
    sim.webhook_url = receiver.url

    def snapshot() -> dict[str, tuple[dict[str, Any], bool]]:
        """Return every light's state and connection."""
        return {
            light.id: (dict(light.state), light.connected)
            for light in sim.buildings[0].lights
        }

    before = snapshot()
    await run_demo_activity(sim, 0, rounds=1)
    await sim.flush_webhooks()
    assert len(receiver.received) == 8
    assert snapshot() == before


def test_cli_defaults() -> None:
    args = build_parser().parse_args([])
    assert (args.host, args.wiz_pro_port) == ("127.0.0.1", 8301)
    assert not args.allow_http_webhooks
    assert not args.echo_state
    args = build_parser().parse_args(
        ["--wiz-pro-port", "0", "--webhook-url", "http://x/h", "--allow-http-webhooks"]
    )
    assert args.webhook_url == "http://x/h"


async def test_cli_serves_until_stopped(
    socket_enabled: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # Only WiZ Pro: the other clouds' fixed ports may be taken.
    args = only("wiz-pro", "--wiz-pro-port", "0", "--activity-interval", "60")
    output = await run_until_ready(args, capsys)
    assert "WiZ Pro simulator   http://127.0.0.1:" in output
    assert DEFAULT_CLIENT_ID in output
    assert "Demo Warehouse" in output
