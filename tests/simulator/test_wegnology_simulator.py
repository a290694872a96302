"""Tests of the WEGnology REST API simulator itself, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
import json
import re
import struct
import time
from typing import Any

import aiohttp
import pytest

from simulator.__main__ import VENDORS, build_parser, serve
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
    FAN_RELAY_ID,
    INLET_VALVE_ID,
    LINE_2_POWER_METER_ID,
    PUMP_GATEWAY_ID,
    PUMP_ID,
    RELAY_OFF,
    RELAY_ON,
    SET_RELAY,
    SPARE_SENSOR_ID,
    TANK_LEVEL_ID,
    TEST_BENCH_APPLICATION_ID,
    YARD_SENSOR_ID,
    demo_data,
    generated_data,
)
from simulator.wegnology_model import Application, Attribute, Device, Tag, User

from .rest_api import Reply as BaseReply, RestApi

OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
ETAG = re.compile(r'^"[0-9a-f]+-[A-Za-z0-9+/]{22}"$')
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
LIST_FIELDS = {"items", "count", "totalCount", "perPage", "page"}
DEVICE_FIELDS = {
    "id",
    "deviceId",
    "applicationId",
    "creationDate",
    "lastUpdated",
    "name",
    "description",
    "tags",
    "attributes",
    "deviceClass",
    "connectionInfo",
    "_type",
    "_links",
    "_etag",
}
PLANT = f"/applications/{DEMO_APPLICATION_ID}"


@dataclass
class Reply(BaseReply):
    """A WEGnology reply."""

    def error(self, status: int, kind: str) -> None:
        """Assert this is a WEGnology error reply of status and type."""
        assert self.status == status, self.body
        assert set(self.body) == {"type", "message"}
        assert self.body["type"] == kind
        assert isinstance(self.body["message"], str)
        assert self.body["message"]


@dataclass
class Api(RestApi):
    """A test client of one simulator holding a token."""

    reply_type = Reply

    sim: WegnologySimulator

    def headers(self, token: str | None, **options: Any) -> dict[str, str]:
        """Send the token as a bearer token, asking for JSON."""
        headers = {"Accept": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    async def login(self, **body: Any) -> Reply:
        """POST /auth/user (demo credentials unless given)."""
        credentials = {"email": DEMO_EMAIL, "password": DEMO_PASSWORD, **body}
        return await self.post("/auth/user", credentials, token=None)

    async def command(
        self, device_id: str, name: str, payload: Any = None, **kwargs: Any
    ) -> Reply:
        """Send a command to a Demo Plant device."""
        body: dict[str, Any] = {"name": name}
        if payload is not None:
            body["payload"] = payload
        return await self.post(f"{PLANT}/devices/{device_id}/command", body, **kwargs)

    async def state(self, device_id: str, **kwargs: Any) -> dict[str, Any]:
        """Return a Demo Plant device's composite state over HTTP."""
        reply = await self.get(f"{PLANT}/devices/{device_id}/compositeState", **kwargs)
        assert reply.status == 200, reply.body
        state: dict[str, Any] = reply.body
        return state

    async def all_pages(self, path: str, per_page: int, **params: Any) -> list[Any]:
        """Collect every item of a list, page by page."""
        items: list[Any] = []
        page = 0
        while True:
            reply = await self.get(
                path, params={"page": page, "perPage": per_page, **params}
            )
            assert reply.status == 200, reply.body
            items += reply.body["items"]
            if (page + 1) * per_page >= reply.body["totalCount"]:
                return items
            page += 1


@pytest.fixture
async def sim(socket_enabled: None) -> AsyncIterator[WegnologySimulator]:
    """Run a simulator with the demo plant."""
    async with WegnologySimulator() as simulator:
        yield simulator


@pytest.fixture
def api(session: aiohttp.ClientSession, sim: WegnologySimulator) -> Api:
    """Return a client holding a user token of the demo user."""
    return Api(session, sim, sim.issue_user_token())


# --- /auth/user and tokens -----------------------------------------------------------


async def test_auth_user_returns_user_id_and_token(api: Api) -> None:
    reply = await api.login()
    assert reply.status == 200
    assert set(reply.body) == {"userId", "token"}  # no expiry field
    assert reply.body["userId"] == DEMO_USER_ID
    assert reply.body["token"].count(".") == 2  # JWT-shaped
    token = reply.body["token"]
    assert (await api.get("/applications", token=token)).status == 200
    lifetime = api.sim.user_tokens[token].expires_at - time.time()
    assert abs(lifetime - 30 * 86400) < 5
    upper = await api.login(email=DEMO_EMAIL.upper())
    assert upper.status == 200
    assert upper.body["token"] != token


async def test_auth_user_wrong_credentials(api: Api) -> None:
    for body in ({"password": "wrong"}, {"email": "nobody@wegnology.example"}):
        reply = await api.login(**body)
        reply.error(401, "Unauthorized")
        assert reply.body["message"] == "Invalid email or password"


@pytest.mark.parametrize(
    "body",
    [
        {"email": DEMO_EMAIL},
        {"password": DEMO_PASSWORD},
        {"email": "", "password": DEMO_PASSWORD},
        {"email": DEMO_EMAIL, "password": DEMO_PASSWORD, "tokenTTL": "1h"},
        {"email": DEMO_EMAIL, "password": DEMO_PASSWORD, "tokenTTL": -1},
        {"email": DEMO_EMAIL, "password": DEMO_PASSWORD, "remember": True},
        ["not", "an", "object"],
    ],
)
async def test_auth_user_validation(api: Api, body: Any) -> None:
    (await api.post("/auth/user", body, token=None)).error(400, "Validation")


async def test_auth_user_body_must_be_json(api: Api) -> None:
    reply = await api.call("POST", "/auth/user", data="email=demo", token=None)
    reply.error(400, "Validation")


async def test_token_ttl_and_expiry(api: Api) -> None:
    dead = (await api.login(tokenTTL=0)).body["token"]
    (await api.get("/applications", token=dead)).error(401, "Unauthorized")
    hour = (await api.login(tokenTTL=3600)).body["token"]
    assert (await api.get("/applications", token=hour)).status == 200
    assert abs(api.sim.user_tokens[hour].expires_at - time.time() - 3600) < 5
    api.sim.token_lifetime = timedelta(minutes=5)
    short = (await api.login()).body["token"]
    assert abs(api.sim.user_tokens[short].expires_at - time.time() - 300) < 5
    api.sim.expire_user_tokens()
    for token in (hour, short, api.token):
        (await api.get("/applications", token=token)).error(401, "Unauthorized")
    # API tokens made in the web UI do not expire.
    assert (await api.get("/applications", token=DEMO_USER_API_TOKEN)).status == 200
    assert (await api.get(PLANT, token=DEMO_API_TOKEN)).status == 200


@pytest.mark.parametrize("token", [None, "", "not-a-token"])
async def test_missing_or_unknown_token(api: Api, token: str | None) -> None:
    (await api.get("/applications", token=token)).error(401, "Unauthorized")
    (await api.get(f"{PLANT}/devices", token=token)).error(401, "Unauthorized")


async def test_authorization_header_must_be_bearer(api: Api) -> None:
    async with api.session.get(
        f"{api.sim.url}/applications", headers={"Authorization": f"Token {api.token}"}
    ) as response:
        assert response.status == 401
        assert (await response.json())["type"] == "Unauthorized"


async def test_application_token_sees_only_its_application(api: Api) -> None:
    # Listing is a user's: an application token is refused, as Losant refuses it.
    apps = await api.get("/applications", token=DEMO_API_TOKEN)
    apps.error(403, "Forbidden")
    assert apps.body["message"] == "An application API token cannot list applications"
    own = await api.get(PLANT, token=DEMO_API_TOKEN)
    assert (own.status, own.body["id"], own.body["name"]) == (
        200,
        DEMO_APPLICATION_ID,
        "Demo Plant",
    )
    devices = await api.get(f"{PLANT}/devices", token=DEMO_API_TOKEN)
    assert devices.body["totalCount"] == 31
    bench = f"/applications/{TEST_BENCH_APPLICATION_ID}"
    (await api.get(f"{bench}/devices", token=DEMO_API_TOKEN)).error(403, "Forbidden")
    (await api.get(bench, token=DEMO_API_TOKEN)).error(403, "Forbidden")
    user_wide = await api.get("/applications", token=DEMO_USER_API_TOKEN)
    assert user_wide.body["totalCount"] == 2


async def test_application_get(api: Api) -> None:
    """Application Get: the owner's tokens and the application's own token only."""
    for token in (api.token, DEMO_USER_API_TOKEN, DEMO_API_TOKEN):
        reply = await api.get(PLANT, token=token)
        assert (reply.status, reply.body["name"]) == (200, "Demo Plant")
    stranger = User("1" * 24, "other@wegnology.example", "other-password")
    api.sim.users.append(stranger)
    token = api.sim.issue_user_token(stranger.email)
    (await api.get(PLANT, token=token)).error(404, "NotFound")
    (await api.get(f"/applications/{'0' * 24}")).error(404, "NotFound")
    del api.sim.applications[DEMO_APPLICATION_ID]
    (await api.get(PLANT, token=DEMO_API_TOKEN)).error(404, "NotFound")


async def test_revoked_and_inactive_api_tokens(api: Api) -> None:
    made = api.sim.add_api_token(application_id=DEMO_APPLICATION_ID)
    assert made.scope == ("all.Application",)
    assert (await api.get(f"{PLANT}/devices", token=made.token)).status == 200
    api.sim.revoke_api_token(made.token)
    (await api.get(f"{PLANT}/devices", token=made.token)).error(401, "Unauthorized")
    api.sim.api_tokens[DEMO_API_TOKEN].status = "inactive"
    (await api.get(f"{PLANT}/devices", token=DEMO_API_TOKEN)).error(401, "Unauthorized")


async def test_scopes_are_enforced(api: Api) -> None:
    read_only = api.sim.add_api_token(
        application_id=DEMO_APPLICATION_ID, scope=("all.Application.read",)
    ).token
    assert (await api.get(f"{PLANT}/devices", token=read_only)).status == 200
    reply = await api.command(BOILER_RELAY_ID, RELAY_ON, token=read_only)
    reply.error(403, "Forbidden")
    assert api.sim.commands == []
    narrow = api.sim.add_api_token(
        application_id=DEMO_APPLICATION_ID, scope=("devices.getCompositeState",)
    ).token
    state = await api.get(f"{PLANT}/devices/compositeState", token=narrow)
    assert state.status == 200
    (await api.get(f"{PLANT}/devices", token=narrow)).error(403, "Forbidden")
    (await api.get("/applications", token=narrow)).error(403, "Forbidden")
    scoped_login = await api.login(requestedScopes=["all.User.read"])
    token = scoped_login.body["token"]
    assert (await api.get(f"{PLANT}/devices", token=token)).status == 200
    (await api.command(BOILER_RELAY_ID, RELAY_ON, token=token)).error(403, "Forbidden")


# --- Applications --------------------------------------------------------------------


async def test_applications_list_shape_and_paging(api: Api) -> None:
    reply = await api.get("/applications")
    assert reply.status == 200
    body = reply.body
    assert set(body) >= LIST_FIELDS
    assert (body["count"], body["totalCount"], body["perPage"], body["page"]) == (
        2,
        2,
        100,
        0,
    )
    assert (body["sortField"], body["sortDirection"]) == ("name", "asc")
    assert [a["name"] for a in body["items"]] == ["Demo Plant", "Test Bench"]
    app = body["items"][0]
    assert app["id"] == app["applicationId"] == DEMO_APPLICATION_ID
    assert app["summary"]["deviceCount"] == 31
    assert ISO.match(app["creationDate"])
    assert ETAG.match(app["_etag"])
    first = await api.get("/applications", params={"perPage": 1})
    second = await api.get("/applications", params={"perPage": 1, "page": 1})
    beyond = await api.get("/applications", params={"perPage": 1, "page": 2})
    assert first.body["items"][0]["name"] == "Demo Plant"
    assert second.body["items"][0]["name"] == "Test Bench"
    assert (beyond.body["items"], beyond.body["count"]) == ([], 0)
    assert beyond.body["totalCount"] == 2
    desc = await api.get("/applications", params={"sortDirection": "desc"})
    assert desc.body["items"][0]["name"] == "Test Bench"
    glob = await api.get(
        "/applications", params={"filterField": "name", "filter": "t*"}
    )
    assert [a["name"] for a in glob.body["items"]] == ["Test Bench"]
    one = await api.get(PLANT)
    assert (one.status, one.body["name"]) == (200, "Demo Plant")


@pytest.mark.parametrize(
    "params",
    [
        {"perPage": 0},
        {"perPage": 1001},
        {"perPage": "ten"},
        {"page": -1},
        {"sortField": "color"},
        {"sortDirection": "up"},
    ],
)
async def test_paging_validation(api: Api, params: dict[str, Any]) -> None:
    (await api.get("/applications", params=params)).error(400, "Validation")
    (await api.get(f"{PLANT}/devices", params=params)).error(400, "Validation")


async def test_max_per_page_is_configurable(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    async with WegnologySimulator(default_per_page=5, max_per_page=20) as sim:
        api = Api(session, sim, sim.issue_user_token())
        assert (await api.get(f"{PLANT}/devices")).body["perPage"] == 5
        (await api.get(f"{PLANT}/devices", params={"perPage": 21})).error(
            400, "Validation"
        )


async def test_unknown_application_and_route(api: Api) -> None:
    for path in (
        "/applications/000000000000000000000000",
        "/applications/000000000000000000000000/devices",
        "/applications/000000000000000000000000/devices/compositeState",
    ):
        reply = await api.get(path)
        reply.error(404, "NotFound")
        assert reply.body["message"] == "Application was not found"
    (await api.get("/no/such/route")).error(404, "NotFound")
    # Another user's application does not exist for this user.
    stranger = User("0" * 24, "other@wegnology.example", "secret")
    api.sim.users.append(stranger)
    api.sim.applications["1" * 24] = Application("1" * 24, "Theirs", stranger.id)
    (await api.get(f"/applications/{'1' * 24}/devices")).error(404, "NotFound")


# --- Devices -------------------------------------------------------------------------


async def test_devices_paging_with_total_count(api: Api) -> None:
    first = await api.get(f"{PLANT}/devices", params={"perPage": 10})
    body = first.body
    assert (body["count"], body["totalCount"], body["perPage"]) == (10, 31, 10)
    assert body["applicationId"] == DEMO_APPLICATION_ID
    assert body["_type"] == "devices"
    devices = await api.all_pages(f"{PLANT}/devices", 10)
    assert len(devices) == len({d["id"] for d in devices}) == 31
    names = [d["name"] for d in devices]
    assert names == sorted(names, key=str.lower)
    last = await api.get(f"{PLANT}/devices", params={"perPage": 10, "page": 3})
    assert last.body["count"] == 1
    by_id = await api.get(
        f"{PLANT}/devices", params={"sortField": "id", "sortDirection": "desc"}
    )
    ids = [d["id"] for d in by_id.body["items"]]
    assert ids == sorted(ids, reverse=True)


async def test_device_shape(api: Api) -> None:
    items = (await api.get(f"{PLANT}/devices")).body["items"]
    by_id = {d["id"]: d for d in items}
    sensor = by_id[BOILER_ROOM_SENSOR_ID]
    assert set(sensor) == DEVICE_FIELDS  # no parentId on a standalone device
    assert OBJECT_ID.match(sensor["id"])
    assert sensor["deviceId"] == sensor["id"]
    assert sensor["applicationId"] == DEMO_APPLICATION_ID
    assert sensor["deviceClass"] == "standalone"
    assert sensor["connectionInfo"]["connected"] == 1
    assert ISO.match(sensor["connectionInfo"]["time"])
    assert ISO.match(sensor["creationDate"])
    assert ETAG.match(sensor["_etag"])
    assert {"key": "floor", "value": "0"} in sensor["tags"]
    types = {a["name"]: a["dataType"] for a in sensor["attributes"]}
    assert types == {
        "temperature": "number",
        "humidity": "number",
        "co2": "number",
        "pressure": "number",
        "battery": "number",
        "location": "gps",
        "firmware": "string",
        "rawFrame": "blob",
    }
    assert all(set(a) == {"name", "dataType"} for a in sensor["attributes"])
    assert sensor["_links"]["self"]["href"] == (
        f"{PLANT}/devices/{BOILER_ROOM_SENSOR_ID}"
    )
    assert by_id[YARD_SENSOR_ID]["connectionInfo"]["connected"] == 0
    assert by_id[PUMP_GATEWAY_ID]["deviceClass"] == "gateway"
    for peripheral in (TANK_LEVEL_ID, PUMP_ID, INLET_VALVE_ID):
        assert by_id[peripheral]["deviceClass"] == "peripheral"
        assert by_id[peripheral]["parentId"] == PUMP_GATEWAY_ID
    assert {d["deviceClass"] for d in items} == {
        "standalone",
        "gateway",
        "peripheral",
        "system",
    }
    bench = await api.get(f"/applications/{TEST_BENCH_APPLICATION_ID}/devices")
    assert {d["deviceClass"] for d in bench.body["items"]} == {
        "edgeCompute",
        "floating",
        "standalone",
    }
    one = await api.get(f"{PLANT}/devices/{PUMP_ID}")
    assert one.body == by_id[PUMP_ID]


async def test_device_representation_options(api: Api) -> None:
    reply = await api.get(
        f"{PLANT}/devices/{LINE_2_POWER_METER_ID}",
        params={
            "tagsAsObject": "true",
            "attributesAsObject": "true",
            "excludeConnectionInfo": "true",
        },
    )
    device = reply.body
    assert device["tags"] == {"floor": "0", "kind": "meter", "line": "2"}
    assert device["attributes"]["status"] == {"dataType": "string"}
    assert "connectionInfo" not in device
    (await api.get(f"{PLANT}/devices/{'0' * 24}")).error(404, "NotFound")


async def test_device_filters(api: Api) -> None:
    async def names(**params: Any) -> set[str]:
        """Return the names of the devices listed with params."""
        reply = await api.get(f"{PLANT}/devices", params=params)
        assert reply.status == 200, reply.body
        return {d["name"] for d in reply.body["items"]}

    peripherals = await names(**{"deviceClass[0]": "peripheral"})
    assert len(peripherals) == 7
    assert await names(deviceClass="system") == {"Plant Overview"}
    assert await names(parentId=PUMP_GATEWAY_ID) == {
        "Tank Level",
        "Feed Pump",
        "Flow Meter",
        "Inlet Valve",
    }
    relays = await names(
        **{"tagFilter[0][key]": "kind", "tagFilter[0][value]": "relay"}
    )
    assert relays == {"Boiler Relay", "Extractor Fan Relay"}
    both = await names(
        **{
            "tagFilter[0][key]": "kind",
            "tagFilter[0][value]": "relay",
            "tagFilter[1][value]": "Lab",
        }
    )
    assert both == {"Extractor Fan Relay"}
    assert await names(filterField="name", filter="line 2 *") == {
        "Line 2 Counter",
        "Line 2 Gateway",
        "Line 2 Guard Door",
        "Line 2 Power Meter",
    }
    assert len(await names(filter="line 2 *")) == 31  # filter needs filterField
    query = {"$or": [{"name": {"$like": "*Relay"}}, {"parentId": PUMP_GATEWAY_ID}]}
    assert len(await names(query=json.dumps(query))) == 6
    assert await names(queryDeleted="true") == set()
    for bad in (
        {"query": "{not json"},
        {"query": json.dumps({"colour": "red"})},
        {"query": json.dumps({"name": {"$regex": "x"}})},
        {"deviceClass": "toaster"},
        {"filterField": "description", "filter": "x"},
    ):
        (await api.get(f"{PLANT}/devices", params=bad)).error(400, "Validation")


# --- Composite state -----------------------------------------------------------------


async def test_bulk_composite_state_pages(api: Api) -> None:
    path = f"{PLANT}/devices/compositeState"
    first = await api.get(path, params={"perPage": 10})
    assert set(first.body) >= LIST_FIELDS
    assert (first.body["count"], first.body["totalCount"]) == (10, 31)
    items = await api.all_pages(path, 10)
    assert len(items) == len({i["id"] for i in items}) == 31
    assert all(set(item) == {"id", "name", "compositeState"} for item in items)
    states = {item["id"]: item["compositeState"] for item in items}
    assert states[SPARE_SENSOR_ID] == {}
    assert states[YARD_SENSOR_ID]["battery"]["value"] == 3  # offline keeps its state
    sensor = states[BOILER_ROOM_SENSOR_ID]
    assert sensor["location"]["value"] == "51.5,-0.12"
    assert sensor["firmware"]["value"] == "2.4.1"
    raw = base64.b64decode(sensor["rawFrame"]["value"])
    assert struct.unpack("<3f", raw)[2] == 612
    assert states[PUMP_ID]["running"]["value"] is True
    assert all(
        set(entry) == {"value", "time"}
        for state in states.values()
        for entry in state.values()
    )
    for device_id in (BOILER_ROOM_SENSOR_ID, YARD_SENSOR_ID, SPARE_SENSOR_ID):
        assert await api.state(device_id) == states[device_id]


async def test_composite_state_attributes_and_time_window(api: Api) -> None:
    path = f"{PLANT}/devices/compositeState"
    only = await api.get(path, params={"attributes": "temperature,relay"})
    for item in only.body["items"]:
        assert set(item["compositeState"]) <= {"temperature", "relay"}
    recent = await api.get(path, params={"start": -86_400_000, "perPage": 1000})
    states = {i["id"]: i["compositeState"] for i in recent.body["items"]}
    assert states[YARD_SENSOR_ID] == {}  # last reported 3 weeks ago
    assert states[BOILER_ROOM_SENSOR_ID]
    old = await api.state(YARD_SENSOR_ID, params={"end": -7 * 86_400_000})
    assert old["temperature"]["value"] == 8.1
    assert await api.state(BOILER_ROOM_SENSOR_ID, params={"end": -86_400_000}) == {}
    iso = await api.state(
        YARD_SENSOR_ID, params={"start": "2020-01-01T00:00:00Z", "attributes": "co2"}
    )
    assert set(iso) == {"co2"}
    for bad in ({"start": "yesterday"}, {"start": 0, "end": -1000}):
        (await api.get(path, params=bad)).error(400, "Validation")


async def test_every_time_format(api: Api) -> None:
    api.sim.set_attribute(
        BOILER_ROOM_SENSOR_ID, "temperature", 22.5, at=1_700_000_000_123
    )
    expected = {
        "iso": "2023-11-14T22:13:20.123Z",
        "ms": 1_700_000_000_123,
        "date": {"$date": "2023-11-14T22:13:20.123Z"},
    }
    for time_format, served in expected.items():
        api.sim.time_format = time_format
        state = await api.state(BOILER_ROOM_SENSOR_ID)
        assert state["temperature"] == {"value": 22.5, "time": served}
        bulk = await api.get(f"{PLANT}/devices/compositeState")
        item = next(i for i in bulk.body["items"] if i["id"] == BOILER_ROOM_SENSOR_ID)
        assert item["compositeState"]["temperature"]["time"] == served
    api.sim.time_format = "iso"
    api.sim.device(PUMP_ID).time_format = "ms"
    assert isinstance((await api.state(PUMP_ID))["running"]["time"], int)
    assert isinstance((await api.state(TANK_LEVEL_ID))["level"]["time"], str)
    with pytest.raises(ValueError, match="time_format"):
        api.sim.time_format = "unix"


async def test_values_come_as_reported(api: Api) -> None:
    api.sim.set_attribute(BOILER_ROOM_SENSOR_ID, "temperature", "23.10")
    api.sim.set_attribute(INLET_VALVE_ID, "open", 1)
    api.sim.set_attribute(BOILER_ROOM_SENSOR_ID, "location", "48.85,2.35")
    state = await api.state(BOILER_ROOM_SENSOR_ID)
    assert state["temperature"]["value"] == "23.10"
    assert state["location"]["value"] == "48.85,2.35"
    assert (await api.state(INLET_VALVE_ID))["open"]["value"] == 1
    with pytest.raises(KeyError):
        api.sim.set_attribute(BOILER_ROOM_SENSOR_ID, "colour", "red")


async def test_bulk_state_switch_off_answers_404(api: Api) -> None:
    api.sim.bulk_composite_state = False
    reply = await api.get(f"{PLANT}/devices/compositeState", params={"perPage": 10})
    reply.error(404, "NotFound")
    assert reply.body["message"] == "Device was not found"
    assert (await api.state(BOILER_ROOM_SENSOR_ID))["co2"]["value"] == 612
    (await api.get(f"{PLANT}/devices/{'0' * 24}/compositeState")).error(404, "NotFound")
    api.sim.bulk_composite_state = True
    assert (await api.get(f"{PLANT}/devices/compositeState")).status == 200


async def test_connection_and_device_changes(api: Api) -> None:
    before = (await api.state(PUMP_ID))["speed"]
    api.sim.set_connected(PUMP_GATEWAY_ID, False)
    devices = await api.get(f"{PLANT}/devices", params={"parentId": PUMP_GATEWAY_ID})
    assert {d["connectionInfo"]["connected"] for d in devices.body["items"]} == {0}
    gateway = await api.get(f"{PLANT}/devices/{PUMP_GATEWAY_ID}")
    assert gateway.body["connectionInfo"]["connected"] == 0
    assert (await api.state(PUMP_ID))["speed"] == before
    api.sim.set_connected(YARD_SENSOR_ID, True)
    yard = await api.get(f"{PLANT}/devices/{YARD_SENSOR_ID}")
    assert yard.body["connectionInfo"]["connected"] == 1
    added = api.sim.add_device(
        Device(
            "65000000aaaaaaaaaaaaaaaa",
            "New Sensor",
            attributes=[Attribute("temperature")],
            tags=[Tag("floor", "3")],
        ),
        DEMO_APPLICATION_ID,
    )
    assert added.application_id == DEMO_APPLICATION_ID
    assert (await api.get(f"{PLANT}/devices")).body["totalCount"] == 32
    assert await api.state(added.id) == {}
    api.sim.remove_device(added.id)
    api.sim.remove_device(SPARE_SENSOR_ID)
    assert (await api.get(f"{PLANT}/devices")).body["totalCount"] == 30
    (await api.get(f"{PLANT}/devices/{SPARE_SENSOR_ID}/compositeState")).error(
        404, "NotFound"
    )


# --- Commands ------------------------------------------------------------------------


async def test_relay_reacts_to_its_commands(api: Api) -> None:
    before = (await api.get(f"{PLANT}/devices/{BOILER_RELAY_ID}")).body["lastUpdated"]
    reply = await api.command(BOILER_RELAY_ID, RELAY_ON)
    assert (reply.status, reply.body) == (200, {"success": True})
    await api.sim.wait_background()
    state = await api.state(BOILER_RELAY_ID)
    assert state["relay"]["value"] is True
    assert state["coilTemperature"]["value"] == 24.5
    after = (await api.get(f"{PLANT}/devices/{BOILER_RELAY_ID}")).body["lastUpdated"]
    assert after > before
    await api.command(BOILER_RELAY_ID, RELAY_OFF)
    await api.sim.wait_background()
    assert (await api.state(BOILER_RELAY_ID))["relay"]["value"] is False
    await api.command(BOILER_RELAY_ID, SET_RELAY, {"state": True})
    await api.command(FAN_RELAY_ID, SET_RELAY, {"state": "off"})  # ignored
    await api.command(FAN_RELAY_ID, "reboot")  # ignored
    await api.sim.wait_background()
    assert (await api.state(BOILER_RELAY_ID))["relay"]["value"] is True
    assert (await api.state(FAN_RELAY_ID))["relay"]["value"] is True
    assert api.sim.commands == [
        (BOILER_RELAY_ID, RELAY_ON, None),
        (BOILER_RELAY_ID, RELAY_OFF, None),
        (BOILER_RELAY_ID, SET_RELAY, {"state": True}),
        (FAN_RELAY_ID, SET_RELAY, {"state": "off"}),
        (FAN_RELAY_ID, "reboot", None),
    ]


async def test_firmware_reports_after_its_delay(api: Api) -> None:
    api.sim.firmware_delay = 0.1
    await api.command(BOILER_RELAY_ID, RELAY_ON)
    assert (await api.state(BOILER_RELAY_ID))["relay"]["value"] is False
    await api.sim.wait_background()
    assert (await api.state(BOILER_RELAY_ID))["relay"]["value"] is True


async def test_commands_to_other_and_offline_devices(api: Api) -> None:
    before = await api.state(BOILER_ROOM_SENSOR_ID)
    reply = await api.command(
        BOILER_ROOM_SENSOR_ID, "calibrate", [1, 2, 3], token=DEMO_API_TOKEN
    )
    assert reply.body == {"success": True}
    api.sim.set_connected(BOILER_RELAY_ID, False)
    assert (await api.command(BOILER_RELAY_ID, RELAY_ON)).status == 200
    await api.sim.wait_background()
    assert await api.state(BOILER_ROOM_SENSOR_ID) == before
    assert (await api.state(BOILER_RELAY_ID))["relay"]["value"] is False
    assert api.sim.commands == [
        (BOILER_ROOM_SENSOR_ID, "calibrate", [1, 2, 3]),
        (BOILER_RELAY_ID, RELAY_ON, None),
    ]
    with_time = {"name": "ping", "time": "2016-06-13T04:00:00.000Z"}
    path = f"{PLANT}/devices/{BOILER_ROOM_SENSOR_ID}/command"
    assert (await api.post(path, with_time)).status == 200
    assert (await api.post(path, {"name": "ping", "time": {"$date": 1}})).status == 200


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": 5},
        {"name": "x" * 256},
        {"name": "ping", "time": "soon"},
        {"name": "ping", "time": True},
        {"name": "ping", "extra": 1},
    ],
)
async def test_command_validation(api: Api, body: Any) -> None:
    path = f"{PLANT}/devices/{BOILER_RELAY_ID}/command"
    (await api.post(path, body)).error(400, "Validation")
    assert api.sim.commands == []


async def test_command_to_unknown_device_or_application(api: Api) -> None:
    reply = await api.command("0" * 24, RELAY_ON)
    reply.error(404, "NotFound")
    assert reply.body["message"] == "Device was not found"
    unknown_app = f"/applications/{'0' * 24}/devices/{BOILER_RELAY_ID}/command"
    (await api.post(unknown_app, {"name": RELAY_ON})).error(404, "NotFound")
    assert api.sim.commands == []


async def test_multi_device_command(api: Api) -> None:
    path = f"{PLANT}/devices/command"
    by_tag = {"name": RELAY_OFF, "deviceTags": [{"key": "kind", "value": "relay"}]}
    assert (await api.post(path, by_tag)).body == {"success": True}
    await api.sim.wait_background()
    assert {c[0] for c in api.sim.commands} == {BOILER_RELAY_ID, FAN_RELAY_ID}
    assert (await api.state(FAN_RELAY_ID))["relay"]["value"] is False
    api.sim.commands.clear()
    by_ids = {
        "name": "blink",
        "payload": [1, 1, 2, 3, 5],
        "time": "2016-06-13T04:00:00.000Z",
        "deviceIds": [PUMP_ID, TANK_LEVEL_ID, "0" * 24],  # unknown ids are skipped
        "deviceTags": [{"key": "area", "value": "Lab"}],
    }
    assert (await api.post(path, by_ids)).status == 200
    named = {api.sim.device(c[0]).name for c in api.sim.commands}
    assert named == {"Feed Pump", "Tank Level", "Lab Sensor", "Extractor Fan Relay"}
    assert len(api.sim.commands) == 4
    assert all(c[1:] == ("blink", [1, 1, 2, 3, 5]) for c in api.sim.commands)
    api.sim.commands.clear()
    gateways = {"name": "sync", "deviceClass": "gateway"}
    assert (await api.post(path, gateways)).status == 200
    assert len(api.sim.commands) == 2
    api.sim.commands.clear()
    query = {"name": "sync", "query": {"parentId": PUMP_GATEWAY_ID}}
    assert (await api.post(path, query)).status == 200
    assert len(api.sim.commands) == 4
    for bad in (
        {"name": "sync"},
        {"name": "sync", "deviceIds": "all"},
        {"name": "sync", "deviceTags": [{"colour": "red"}]},
        {"name": "sync", "deviceClass": "toaster"},
        {"name": "sync", "query": {"$where": "1"}},
    ):
        (await api.post(path, bad)).error(400, "Validation")


# --- Throttling, faults, failures ----------------------------------------------------


async def test_throttling_answers_429_with_retry_after(api: Api) -> None:
    api.sim.throttle = (3, 0.5)
    for _ in range(3):
        assert (await api.get("/applications")).status == 200
    reply = await api.get(f"{PLANT}/devices/compositeState")
    reply.error(429, "TooManyRequests")
    assert reply.headers["Retry-After"] == "1"
    (await api.login()).error(429, "TooManyRequests")  # counted before auth
    await asyncio.sleep(0.55)
    assert (await api.get("/applications")).status == 200
    api.sim.throttle = None
    for _ in range(5):
        assert (await api.get("/applications")).status == 200


async def test_fault_server_error(api: Api) -> None:
    api.sim.faults.add("server_error", status=503, path=f"{PLANT}/devices")
    async with api.session.get(f"{api.sim.url}{PLANT}/devices") as response:
        assert response.status == 503
        assert response.content_type == "text/html"
    assert (await api.get(f"{PLANT}/devices")).status == 200


async def test_fault_latency(api: Api) -> None:
    api.sim.faults.add("latency", seconds=0.2)
    start = time.monotonic()
    assert (await api.get("/applications")).status == 200
    assert time.monotonic() - start >= 0.2


async def test_fault_malformed_json(api: Api) -> None:
    path = f"{PLANT}/devices/compositeState"
    api.sim.faults.add("malformed_json", path=path)
    async with api.session.get(
        f"{api.sim.url}{path}", headers={"Authorization": f"Bearer {api.token}"}
    ) as response:
        assert response.status == 200
        with pytest.raises(json.JSONDecodeError):
            json.loads(await response.text())


async def test_fault_rate_limit_speaks_wegnology(api: Api) -> None:
    api.sim.faults.add("rate_limit", retry_after=7)
    reply = await api.get("/applications")
    reply.error(429, "TooManyRequests")
    assert reply.headers["Retry-After"] == "7"


async def test_fault_disconnect(api: Api) -> None:
    # aiohttp retries an idempotent request once after a disconnect: a single
    # disconnect on a GET goes unseen, two are not.
    api.sim.faults.add("disconnect")
    assert (await api.get("/applications")).status == 200
    api.sim.faults.add("disconnect", count=2)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await api.get("/applications")
    api.sim.faults.add("disconnect")
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await api.command(BOILER_RELAY_ID, RELAY_ON)
    assert api.sim.commands == []
    assert (await api.get("/applications")).status == 200


async def test_fault_patch_response(api: Api) -> None:
    def drop_state(document: dict[str, Any]) -> None:
        """Make the first device arrive without its composite state."""
        del document["items"][0]["compositeState"]

    path = f"{PLANT}/devices/compositeState"
    api.sim.faults.add("patch_response", patch=drop_state, path=path)
    items = (await api.get(path)).body["items"]
    assert "compositeState" not in items[0]
    assert "compositeState" in items[1]


async def test_unexpected_failure_answers_500_json(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_principal: Any) -> list[Any]:
        """Fail as a backend bug would."""
        raise KeyError("items")

    monkeypatch.setattr(api.sim.state, "visible_applications", broken)
    (await api.get("/applications")).error(500, "ServerError")
    assert "WEGnology simulator failed" in caplog.text


# --- Data, scale and CLI -------------------------------------------------------------


def test_demo_data_is_deterministic_and_complete() -> None:
    first, second = demo_data(), demo_data()
    assert [list(a.devices) for a in first.applications] == [
        list(a.devices) for a in second.applications
    ]
    plant, bench = first.applications
    assert (plant.id, plant.name, len(plant.devices)) == (
        DEMO_APPLICATION_ID,
        "Demo Plant",
        31,
    )
    assert (bench.name, len(bench.devices)) == ("Test Bench", 3)
    devices = [*plant.devices.values(), *bench.devices.values()]
    assert all(OBJECT_ID.match(d.id) for d in devices)
    assert len({d.id for d in devices}) == 34
    offline = [d.name for d in devices if not d.connected]
    # System and floating devices never connect; workflows or gateways report for them.
    assert offline == ["Yard Sensor", "Plant Overview", "Bench Probe"]
    silent = [d.name for d in devices if not d.state]
    assert silent == ["Spare Sensor"]
    assert sum(1 for d in devices if d.firmware is not None) == 2
    (user,) = first.users
    assert (user.email, user.password) == (DEMO_EMAIL, DEMO_PASSWORD)
    assert {t.token for t in first.api_tokens} == {DEMO_API_TOKEN, DEMO_USER_API_TOKEN}


async def test_generated_data_serves_a_thousand_devices(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    start = time.perf_counter()
    data = generated_data(1000)
    assert time.perf_counter() - start < 0.5
    (app,) = data.applications
    assert len(app.devices) == 1000
    assert list(app.devices) == list(generated_data(1000).applications[0].devices)
    assert all(OBJECT_ID.match(device_id) for device_id in app.devices)
    classes = [d.device_class for d in app.devices.values()]
    assert classes.count("gateway") == 100
    assert classes.count("peripheral") == 300
    assert sum(1 for d in app.devices.values() if not d.connected) == 100
    assert sum(1 for d in app.devices.values() if not d.state) == 40
    async with WegnologySimulator(data) as sim:
        api = Api(session, sim, DEMO_API_TOKEN)
        path = f"/applications/{app.id}/devices/compositeState"
        start = time.perf_counter()
        items = await api.all_pages(path, 100)
        elapsed = time.perf_counter() - start
        assert len(items) == len({i["id"] for i in items}) == 1000
        whole = await api.get(path, params={"perPage": 1000})
        assert whole.body["count"] == 1000
        devices = await api.get(f"/applications/{app.id}/devices")
        assert devices.body["totalCount"] == 1000
        relay = next(d for d in app.devices.values() if d.firmware is not None)
        relay_path = f"/applications/{app.id}/devices/{relay.id}/command"
        assert (await api.post(relay_path, {"name": RELAY_ON})).status == 200
        await sim.wait_background()
        assert relay.state["relay"].value is True
    assert elapsed < 5


def test_cli_options() -> None:
    args = build_parser().parse_args([])
    assert args.wegnology_port == 8303
    assert not args.wegnology_no_bulk_state
    assert args.wegnology_token_lifetime == 30 * 86400
    args = build_parser().parse_args(["--wegnology-port", "-1"])
    assert args.wegnology_port == -1


async def test_cli_serves_wegnology(
    socket_enabled: None, capsys: pytest.CaptureFixture[str]
) -> None:
    args = build_parser().parse_args(
        ["--wegnology-port", "0", "--wegnology-no-bulk-state"]
    )
    for vendor in VENDORS:
        if vendor.key != "wegnology":
            setattr(args, f"{vendor.key.replace('-', '_')}_port", -1)
    task = asyncio.ensure_future(serve(args))
    output = ""
    while "Press Ctrl-C" not in output and not task.done():
        await asyncio.sleep(0.01)
        output += capsys.readouterr().out
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert "WEGnology simulator http://127.0.0.1:" in output
    assert DEMO_EMAIL in output
    assert DEMO_PASSWORD in output
    assert DEMO_API_TOKEN in output
    assert "bulk state        off" in output
    assert f"Demo Plant ({DEMO_APPLICATION_ID}, 31 devices)" in output
