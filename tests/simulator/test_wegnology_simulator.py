"""Tests of the WEGnology REST API simulator itself, over real HTTP on 127.0.0.1."""

from __future__ import annotations

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

from simulator.__main__ import build_parser
from simulator.wegnology import WegnologySimulator
from simulator.wegnology_demo import (
    ACK_PUMP_BUTTON_KEY,
    ACK_PUMP_BUTTON_LABEL,
    ACK_PUMP_COMMENT,
    ACK_PUMP_FLOW_ID,
    BATTERY_LOW_EVENT_ID,
    BENCH_EDGE_BUTTON_KEY,
    BENCH_EDGE_FLOW_ID,
    BOILER_RELAY_ID,
    BOILER_ROOM_SENSOR_ID,
    DEMO_API_TOKEN,
    DEMO_APPLICATION_ID,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_USER_API_TOKEN,
    DEMO_USER_ID,
    FAN_RELAY_ID,
    FLUSH_VALVE_BUTTON_KEY,
    FLUSH_VALVE_FLOW_ID,
    GUARD_DOOR_EVENT_ID,
    INLET_VALVE_ID,
    LINE_2_COUNTER_ID,
    LINE_2_POWER_METER_ID,
    OLD_PUMP_FAULT_EVENT_ID,
    PLANT_ALERTS_FLOW_ID,
    PLANT_SYSTEM_ID,
    PUMP_FAULT_EVENT_ID,
    PUMP_FAULT_SUBJECT,
    PUMP_GATEWAY_ID,
    PUMP_ID,
    RELAY_OFF,
    RELAY_ON,
    RESET_COUNTER_BUTTON_KEY,
    RESET_COUNTER_BUTTON_LABEL,
    RESET_COUNTER_FLOW_ID,
    SET_RELAY,
    SHIFT_EVENT_ID,
    SPARE_SENSOR_ID,
    TANK_LEVEL_ID,
    TEST_BENCH_APPLICATION_ID,
    YARD_OFFLINE_EVENT_ID,
    YARD_SENSOR_ID,
    DemoAlerts,
    demo_data,
    generated_data,
    run_demo_activity,
)
from simulator.wegnology_events import Event, Source
from simulator.wegnology_flows import Workflow
from simulator.wegnology_model import (
    SCOPE_WITHOUT_BUTTON_PRESS,
    SCOPE_WITHOUT_EVENTS,
    Application,
    Attribute,
    Device,
    Tag,
    User,
    iso,
    scopes_except,
)

from .command_line import only, run_until_ready
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
BENCH = f"/applications/{TEST_BENCH_APPLICATION_ID}"
EVENTS = f"{PLANT}/events"
MOST_RECENT = f"{EVENTS}/mostRecentBySeverity"
FLOWS = f"{PLANT}/flows"


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


# --- /auth/user and tokens ------------------------------------------------------------


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


# --- Applications ---------------------------------------------------------------------


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


# --- Devices --------------------------------------------------------------------------


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


# --- Composite state ------------------------------------------------------------------


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


# --- Commands -------------------------------------------------------------------------


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


# --- Throttling, faults, failures -----------------------------------------------------


async def test_throttling_answers_429_with_retry_after(api: Api) -> None:
    now = [1000.0]
    api.sim.clock = lambda: now[0]
    api.sim.throttle = (3, 30)
    for _ in range(3):
        assert (await api.get("/applications")).status == 200
    now[0] += 10
    reply = await api.get(f"{PLANT}/devices/compositeState")
    reply.error(429, "TooManyRequests")
    assert reply.headers["Retry-After"] == "20"
    (await api.login()).error(429, "TooManyRequests")  # counted before auth
    now[0] += 20
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
    api.sim.faults.add("latency", seconds=0.01)
    assert (await api.get("/applications")).status == 200
    assert (await api.get("/applications")).status == 200
    assert api.sim.faults.delays == [0.01]


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


# --- Data, scale and CLI --------------------------------------------------------------


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
    data = generated_data(1000)
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
        items = await api.all_pages(path, 100)
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
    args = only("wegnology", "--wegnology-port", "0", "--wegnology-no-bulk-state")
    output = await run_until_ready(args, capsys)
    assert "WEGnology simulator http://127.0.0.1:" in output
    assert DEMO_EMAIL in output
    assert DEMO_PASSWORD in output
    assert DEMO_API_TOKEN in output
    assert "bulk state        off" in output
    assert f"Demo Plant ({DEMO_APPLICATION_ID}, 31 devices, 6 events" in output


async def test_cli_serves_wegnology_variants(
    socket_enabled: None, capsys: pytest.CaptureFixture[str]
) -> None:
    args = only(
        "wegnology",
        "--wegnology-port",
        "0",
        "--wegnology-max-per-page",
        "50",
        "--wegnology-app-token-list-401",
        "--wegnology-recent-unresolved",
    )
    output = await run_until_ready(args, capsys)
    assert "perPage           at most 50" in output
    assert "/applications → 401" in output
    assert "among new and acknowledged events" in output
    assert "4 workflows, 3 virtual buttons" in output
    assert "one scripted alert every 180 s" in output


def test_cli_options_of_events_and_variants() -> None:
    args = build_parser().parse_args([])
    assert args.wegnology_alert_interval == 180
    assert args.wegnology_max_per_page == 1000
    assert not args.wegnology_app_token_list_401
    assert not args.wegnology_recent_unresolved
    args = build_parser().parse_args(
        [
            "--wegnology-alert-interval",
            "0",
            "--wegnology-max-per-page",
            "50",
            "--wegnology-app-token-list-401",
            "--wegnology-recent-unresolved",
        ]
    )
    assert args.wegnology_alert_interval == 0
    assert args.wegnology_max_per_page == 50
    assert args.wegnology_app_token_list_401
    assert args.wegnology_recent_unresolved


# --- Events ---------------------------------------------------------------------------

EVENT_FIELDS = {
    "id",
    "eventId",
    "applicationId",
    "creationDate",
    "lastUpdated",
    "sourceType",
    "sourceId",
    "sourceName",
    "level",
    "state",
    "subject",
    "updates",
}


async def test_events_list_shape_and_default_order(api: Api) -> None:
    reply = await api.get(EVENTS)
    assert reply.status == 200, reply.body
    body = reply.body
    assert set(body) >= LIST_FIELDS
    assert (body["count"], body["totalCount"], body["perPage"], body["page"]) == (
        6,
        6,
        100,
        0,
    )
    assert (body["sortField"], body["sortDirection"]) == ("creationDate", "desc")
    assert body["applicationId"] == DEMO_APPLICATION_ID
    items = body["items"]
    assert [e["id"] for e in items] == [
        PUMP_FAULT_EVENT_ID,
        BATTERY_LOW_EVENT_ID,
        SHIFT_EVENT_ID,
        GUARD_DOOR_EVENT_ID,
        OLD_PUMP_FAULT_EVENT_ID,
        YARD_OFFLINE_EVENT_ID,
    ]
    fault = items[0]
    assert set(fault) == EVENT_FIELDS | {
        "message",
        "data",
        "deviceId",
        "deviceName",
        "eventTags",
    }
    assert fault["eventId"] == fault["id"]
    assert OBJECT_ID.match(fault["id"])
    assert (fault["level"], fault["state"], fault["subject"]) == (
        "error",
        "new",
        PUMP_FAULT_SUBJECT,
    )
    assert (fault["deviceId"], fault["deviceName"]) == (PUMP_ID, "Feed Pump")
    assert fault["data"] == {"current": 12.4, "limit": 10}
    assert fault["eventTags"] == {"area": "Pump station"}
    assert (fault["sourceType"], fault["sourceId"], fault["sourceName"]) == (
        "flow",
        PLANT_ALERTS_FLOW_ID,
        "Plant Alerts",
    )
    assert ISO.match(fault["creationDate"])
    assert fault["updates"] == []
    shift = items[2]
    assert set(shift) == EVENT_FIELDS  # no message, data, device or tags
    assert (shift["sourceType"], shift["sourceId"]) == ("user", DEMO_USER_ID)
    (acknowledged,) = items[5]["updates"]
    assert acknowledged["stateChange"] == {"old": "new", "new": "acknowledged"}
    assert acknowledged["state"] == "acknowledged"
    assert acknowledged["comment"] == "Battery flat; spare ordered"
    assert ISO.match(acknowledged["creationDate"])
    assert [u["state"] for u in items[3]["updates"]] == ["acknowledged", "resolved"]
    assert items[3]["lastUpdated"] == items[3]["updates"][-1]["creationDate"]
    one = await api.get(f"{EVENTS}/{PUMP_FAULT_EVENT_ID}")
    assert one.body == fault
    (await api.get(f"{EVENTS}/{'0' * 24}")).error(404, "NotFound")
    bench = await api.get(f"{BENCH}/events")
    assert (bench.body["items"], bench.body["totalCount"]) == ([], 0)


async def test_events_paging_and_sorting(api: Api) -> None:
    events = await api.all_pages(EVENTS, 4)
    assert len(events) == len({e["id"] for e in events}) == 6
    page = await api.get(EVENTS, params={"perPage": 4, "page": 1})
    assert (page.body["count"], page.body["totalCount"]) == (2, 6)
    beyond = await api.get(EVENTS, params={"perPage": 4, "page": 2})
    assert (beyond.body["items"], beyond.body["totalCount"]) == ([], 6)
    by_level = await api.get(
        EVENTS, params={"sortField": "level", "sortDirection": "asc"}
    )
    levels = [e["level"] for e in by_level.body["items"]]
    assert levels == ["info", "info", "warning", "error", "error", "critical"]
    by_state = await api.get(EVENTS, params={"sortField": "state"})
    states = [e["state"] for e in by_state.body["items"]]
    assert states == ["resolved"] * 2 + ["acknowledged"] + ["new"] * 3
    by_subject = await api.get(
        EVENTS, params={"sortField": "subject", "sortDirection": "asc"}
    )
    subjects = [e["subject"] for e in by_subject.body["items"]]
    assert subjects == sorted(subjects, key=str.lower)
    oldest = await api.get(EVENTS, params={"sortDirection": "asc", "perPage": 1})
    assert oldest.body["items"][0]["id"] == YARD_OFFLINE_EVENT_ID


async def test_events_state_subject_and_query_filters(api: Api) -> None:
    async def ids(**params: Any) -> set[str]:
        """Return the ids of the events listed with params."""
        reply = await api.get(EVENTS, params=params)
        assert reply.status == 200, reply.body
        for name in ("state", "filterField", "filter"):
            if name in params:
                assert reply.body[name] == params[name]
        return {e["id"] for e in reply.body["items"]}

    assert await ids(state="new") == {
        PUMP_FAULT_EVENT_ID,
        BATTERY_LOW_EVENT_ID,
        SHIFT_EVENT_ID,
    }
    assert await ids(state="acknowledged") == {YARD_OFFLINE_EVENT_ID}
    assert await ids(state="resolved") == {GUARD_DOOR_EVENT_ID, OLD_PUMP_FAULT_EVENT_ID}
    pump = {PUMP_FAULT_EVENT_ID, OLD_PUMP_FAULT_EVENT_ID}
    assert await ids(filterField="subject", filter="feed pump*") == pump
    assert await ids(filterField="subject", filter="feed pump*", state="new") == {
        PUMP_FAULT_EVENT_ID
    }
    assert len(await ids(filter="feed pump*")) == 6  # filter needs filterField
    severe = {"level": {"$in": ["error", "critical"]}}
    query = json.dumps(severe)
    assert await ids(query=query, state="new") == {  # query overrides state
        *pump,
        YARD_OFFLINE_EVENT_ID,
    }
    reply = await api.get(EVENTS, params={"query": query})
    assert reply.body["query"] == severe
    recent = json.dumps(
        {"creationDate": {"$gte": reply.body["items"][0]["creationDate"]}}
    )
    assert await ids(query=recent) == {PUMP_FAULT_EVENT_ID}
    by_device = json.dumps({"$and": [{"deviceId": PUMP_ID}, {"state": "resolved"}]})
    assert await ids(query=by_device) == {OLD_PUMP_FAULT_EVENT_ID}
    no_device = json.dumps({"deviceId": None})
    assert await ids(query=no_device) == {SHIFT_EVENT_ID}
    for bad in (
        {"state": "open"},
        {"query": "[1]"},
        {"filterField": "level", "filter": "error"},
        {"query": json.dumps({"colour": "red"})},
        {"query": json.dumps({"creationDate": {"$gt": "yesterday"}})},
        {"sortField": "name"},
        {"perPage": 1001},
    ):
        (await api.get(EVENTS, params=bad)).error(400, "Validation")
    (await api.get(f"/applications/{'0' * 24}/events")).error(404, "NotFound")


async def test_most_recent_by_severity(api: Api) -> None:
    fault = (await api.get(f"{EVENTS}/{PUMP_FAULT_EVENT_ID}")).body
    reply = await api.get(MOST_RECENT)
    assert (reply.status, reply.body) == (200, {"event": fault, "newCount": 3})
    battery = await api.get(MOST_RECENT, params={"filter": "*battery*"})
    assert battery.body["event"]["id"] == BATTERY_LOW_EVENT_ID
    assert battery.body["newCount"] == 1
    by_query = await api.get(
        MOST_RECENT,
        params={"query": json.dumps({"deviceId": YARD_SENSOR_ID}), "filter": "*"},
    )
    assert by_query.body == {"newCount": 0}  # acknowledged: not new
    # A newer event of the same level wins; a higher level wins over a newer one.
    newer = api.sim.raise_event("error", "Boiler flame failure", device_id=PUMP_ID)
    assert (await api.get(MOST_RECENT)).body["event"]["id"] == newer.id
    api.sim.raise_event("warning", "Filter dirty")
    body = (await api.get(MOST_RECENT)).body
    assert (body["event"]["id"], body["newCount"]) == (newer.id, 5)
    # The events document's reading: among new and acknowledged events.
    api.sim.most_recent_states = ("new", "acknowledged")
    body = (await api.get(MOST_RECENT)).body
    assert (body["event"]["id"], body["newCount"]) == (YARD_OFFLINE_EVENT_ID, 5)
    (await api.get(MOST_RECENT, params={"query": "{"})).error(400, "Validation")
    bench = await api.get(f"{BENCH}/events/mostRecentBySeverity")
    assert bench.body == {"newCount": 0}


async def test_patch_event_moves_it_and_records_the_update(api: Api) -> None:
    path = f"{EVENTS}/{PUMP_FAULT_EVENT_ID}"
    before = (await api.get(path)).body
    reply = await api.call(
        "PATCH",
        path,
        body={"state": "acknowledged", "comment": "On my way", "data": {"by": "HA"}},
    )
    assert reply.status == 200, reply.body
    assert reply.body["state"] == "acknowledged"
    assert reply.body["lastUpdated"] >= before["lastUpdated"]
    (update,) = reply.body["updates"]
    assert update == {
        "sourceType": "user",
        "sourceId": DEMO_USER_ID,
        "sourceName": "Demo User",
        "creationDate": update["creationDate"],
        "state": "acknowledged",
        "comment": "On my way",
        "data": {"by": "HA"},
        "stateChange": {"old": "new", "new": "acknowledged"},
    }
    assert reply.body["data"] == before["data"]  # the update holds the patch's data
    assert (await api.get(path)).body == reply.body
    assert api.sim.event(PUMP_FAULT_EVENT_ID).state == "acknowledged"
    resolved = await api.call(
        "PATCH", path, body={"state": "resolved"}, token=DEMO_API_TOKEN
    )
    last = resolved.body["updates"][-1]
    assert (last["sourceType"], last["sourceName"]) == ("apiToken", "Cloud Bridge")
    assert OBJECT_ID.match(last["sourceId"])
    assert "comment" not in last
    assert last["stateChange"] == {"old": "acknowledged", "new": "resolved"}
    changed = await api.call(
        "PATCH",
        path,
        body={
            "level": "critical",
            "subject": "Feed Pump tripped",
            "deviceId": None,
            "eventTags": {"area": "Pump station", "shift": "early"},
        },
    )
    last = changed.body["updates"][-1]
    assert last["levelChange"] == {"old": "error", "new": "critical"}
    assert last["subjectChange"] == {
        "old": PUMP_FAULT_SUBJECT,
        "new": "Feed Pump tripped",
    }
    assert last["deviceIdChange"] == {"old": PUMP_ID, "oldDeviceName": "Feed Pump"}
    assert last["tagsChange"] == {"shift": {"new": "early"}}
    assert "stateChange" not in last
    assert "deviceId" not in changed.body
    relinked = await api.call("PATCH", path, body={"deviceId": TANK_LEVEL_ID})
    assert relinked.body["deviceName"] == "Tank Level"
    same = await api.call("PATCH", path, body={"deviceId": TANK_LEVEL_ID})
    assert "deviceIdChange" not in same.body["updates"][-1]
    untouched = await api.call("PATCH", path, body={})
    assert untouched.body["updates"] == same.body["updates"]


@pytest.mark.parametrize(
    "body",
    [
        {"state": "closed"},
        {"state": "acknowledged", "assignee": "me"},
        {"level": "fatal"},
        {"subject": ""},
        {"comment": 5},
        {"deviceId": "pump"},
        {"deviceId": "0" * 24},  # no such device
        {"eventTags": {"bad key": "x"}},
        {"eventTags": {"area": ""}},
        ["acknowledged"],
    ],
)
async def test_patch_event_validation(api: Api, body: Any) -> None:
    path = f"{EVENTS}/{PUMP_FAULT_EVENT_ID}"
    (await api.call("PATCH", path, body=body)).error(400, "Validation")
    assert api.sim.event(PUMP_FAULT_EVENT_ID).updates == []


async def test_patch_unknown_event(api: Api) -> None:
    reply = await api.call("PATCH", f"{EVENTS}/{'0' * 24}", body={"state": "resolved"})
    reply.error(404, "NotFound")
    assert reply.body["message"] == "Event was not found"


async def test_post_event(api: Api) -> None:
    reply = await api.post(EVENTS, {"level": "warning", "subject": "Filter dirty"})
    assert reply.status == 201, reply.body
    event = reply.body
    assert set(event) == EVENT_FIELDS
    assert OBJECT_ID.match(event["id"])
    assert (event["state"], event["sourceType"], event["sourceId"]) == (
        "new",
        "user",
        DEMO_USER_ID,
    )
    assert event["applicationId"] == DEMO_APPLICATION_ID
    listed = await api.get(EVENTS, params={"perPage": 1})
    assert listed.body["items"][0] == event
    full = await api.post(
        EVENTS,
        {
            "level": "critical",
            "state": "acknowledged",
            "subject": "Boiler pressure high",
            "message": "7.9 bar",
            "data": None,
            "deviceId": BOILER_RELAY_ID,
            "eventTags": {"area": "Boiler_room"},
            "creationDate": "2016-06-13T04:00:00.000Z",
            "disableTagChangeTracking": True,
        },
        token=DEMO_API_TOKEN,
    )
    assert full.status == 201, full.body
    made = full.body
    assert made["creationDate"] == "2016-06-13T04:00:00.000Z"
    assert (made["deviceId"], made["deviceName"]) == (BOILER_RELAY_ID, "Boiler Relay")
    assert made["data"] is None  # given, even as null
    assert (made["sourceType"], made["state"]) == ("apiToken", "acknowledged")
    by_ms = await api.post(
        EVENTS, {"level": "info", "subject": "x", "creationDate": 1465790400000}
    )
    assert by_ms.body["creationDate"] == "2016-06-13T04:00:00.000Z"
    by_date = await api.post(
        EVENTS,
        {"level": "info", "subject": "x", "creationDate": {"$date": "2016-06-13"}},
    )
    assert by_date.body["creationDate"] == "2016-06-13T00:00:00.000Z"
    assert (await api.get(EVENTS)).body["totalCount"] == 10


@pytest.mark.parametrize(
    "body",
    [
        {"subject": "x"},
        {"level": "info"},
        {"level": "fatal", "subject": "x"},
        {"level": "info", "subject": ""},
        {"level": "info", "subject": "x" * 256},
        {"level": "info", "subject": "x", "state": "open"},
        {"level": "info", "subject": "x", "message": 1},
        {"level": "info", "subject": "x", "deviceId": "abc"},
        {"level": "info", "subject": "x", "deviceId": "0" * 24},
        {"level": "info", "subject": "x", "eventTags": ["a"]},
        {"level": "info", "subject": "x", "creationDate": "soon"},
        {"level": "info", "subject": "x", "creationDate": {"$date": 1}},
        {"level": "info", "subject": "x", "creationDate": True},
        {"level": "info", "subject": "x", "disableTagChangeTracking": "yes"},
        {"level": "info", "subject": "x", "colour": "red"},
        "alert",
    ],
)
async def test_post_event_validation(api: Api, body: Any) -> None:
    (await api.post(EVENTS, body)).error(400, "Validation")
    assert len(api.sim.events(DEMO_APPLICATION_ID)) == 6


async def test_raise_event_helper(api: Api) -> None:
    made = api.sim.raise_event(
        "critical",
        "Tank overflow",
        device_id=TANK_LEVEL_ID,
        message="Level 101 %",
        data={"level": 101},
        event_tags={"area": "Pump station"},
        source=Source("device", TANK_LEVEL_ID, "Tank Level"),
        at="2030-01-01T00:00:00Z",
    )
    assert made.application_id == DEMO_APPLICATION_ID
    assert api.sim.events()[0] is made  # newest first
    assert api.sim.event(made.id) is made
    body = (await api.get(f"{EVENTS}/{made.id}")).body
    assert body["creationDate"] == "2030-01-01T00:00:00.000Z"
    assert (body["sourceType"], body["deviceName"]) == ("device", "Tank Level")
    bench = api.sim.raise_event(
        "info", "Probe calibrated", application_id=TEST_BENCH_APPLICATION_ID
    )
    assert [e.id for e in api.sim.events(TEST_BENCH_APPLICATION_ID)] == [bench.id]
    with pytest.raises(KeyError):
        api.sim.event("0" * 24)


# --- Workflows and virtual buttons ----------------------------------------------------


async def test_flows_list_shape(api: Api) -> None:
    reply = await api.get(FLOWS)
    assert reply.status == 200, reply.body
    body = reply.body
    assert set(body) >= LIST_FIELDS
    assert body["applicationId"] == DEMO_APPLICATION_ID
    assert (body["sortField"], body["sortDirection"]) == ("name", "asc")
    flows = {f["name"]: f for f in body["items"]}
    assert list(flows) == [
        "Acknowledge Pump Faults",
        "Flush Inlet Valve",
        "Plant Alerts",
        "Reset Line 2 Counter",
    ]
    ack = flows["Acknowledge Pump Faults"]
    assert set(ack) == {
        "id",
        "flowId",
        "applicationId",
        "creationDate",
        "lastUpdated",
        "name",
        "description",
        "enabled",
        "flowClass",
        "triggers",
        "nodes",
        "globals",
        "stats",
    }
    assert (ack["id"], ack["flowId"], ack["enabled"], ack["flowClass"]) == (
        ACK_PUMP_FLOW_ID,
        ACK_PUMP_FLOW_ID,
        True,
        "cloud",
    )
    assert ack["triggers"] == [
        {
            "key": ACK_PUMP_BUTTON_KEY,
            "type": "virtualButton",
            "config": {},
            "meta": {
                "category": "trigger",
                "name": "virtualButton",
                "label": ACK_PUMP_BUTTON_LABEL,
            },
            "outputIds": [[]],
        }
    ]
    assert ACK_PUMP_BUTTON_KEY.startswith(f"{ACK_PUMP_FLOW_ID}-")
    assert ack["stats"] == {"runCount": 0, "errorCount": 0}
    reset = flows["Reset Line 2 Counter"]["triggers"][0]
    assert reset["meta"]["label"] == RESET_COUNTER_BUTTON_LABEL
    assert json.loads(reset["meta"]["payload"]) == {"reason": "shift start"}
    assert flows["Flush Inlet Valve"]["enabled"] is False
    (timer,) = flows["Plant Alerts"]["triggers"]
    assert (timer["type"], timer["config"]) == ("timer", {"seconds": 180})


async def test_flows_paging_and_filters(api: Api) -> None:
    async def names(path: str = FLOWS, **params: Any) -> list[str]:
        """Return the names of the workflows listed with params."""
        reply = await api.get(path, params=params)
        assert reply.status == 200, reply.body
        return [f["name"] for f in reply.body["items"]]

    flows = await api.all_pages(FLOWS, 3)
    assert len(flows) == len({f["id"] for f in flows}) == 4
    assert await names(perPage=1, page=1) == ["Flush Inlet Valve"]
    assert await names(sortDirection="desc") == [
        "Reset Line 2 Counter",
        "Plant Alerts",
        "Flush Inlet Valve",
        "Acknowledge Pump Faults",
    ]
    assert len(await names(**{"triggerFilter[0][type]": "virtualButton"})) == 3
    assert await names(
        **{
            "triggerFilter[0][type]": "virtualButton",
            "triggerFilter[0][key]": RESET_COUNTER_BUTTON_KEY,
        }
    ) == ["Reset Line 2 Counter"]
    assert await names(filterField="name", filter="*pump*") == [
        "Acknowledge Pump Faults"
    ]
    assert await names(query=json.dumps({"enabled": False})) == ["Flush Inlet Valve"]
    assert await names(flowClass="experience") == []
    assert await names(f"{BENCH}/flows") == []  # edge workflows: flowClass=edge
    assert await names(f"{BENCH}/flows", flowClass="edge") == ["Bench Agent Restart"]
    for bad in (
        {"flowClass": "lambda"},
        {"filterField": "description", "filter": "*"},
        {"triggerFilter[0]": "virtualButton"},
        {"query": json.dumps({"nodes": []})},
        {"sortField": "enabled"},
    ):
        (await api.get(FLOWS, params=bad)).error(400, "Validation")
    (await api.get(f"/applications/{'0' * 24}/flows")).error(404, "NotFound")


async def test_press_acknowledges_the_pump_faults(api: Api) -> None:
    path = f"{FLOWS}/{ACK_PUMP_FLOW_ID}/virtualButton"
    reply = await api.post(path, {"key": ACK_PUMP_BUTTON_KEY})
    assert (reply.status, reply.body) == (200, {"success": True})
    fault = (await api.get(f"{EVENTS}/{PUMP_FAULT_EVENT_ID}")).body
    assert fault["state"] == "acknowledged"
    (update,) = fault["updates"]
    assert (update["sourceType"], update["sourceId"], update["sourceName"]) == (
        "flow",
        ACK_PUMP_FLOW_ID,
        "Acknowledge Pump Faults",
    )
    assert update["comment"] == ACK_PUMP_COMMENT
    assert api.sim.event(BATTERY_LOW_EVENT_ID).state == "new"
    assert api.sim.event(OLD_PUMP_FAULT_EVENT_ID).state == "resolved"
    (press,) = api.sim.presses
    assert (press.flow_id, press.key, press.payload, press.device_id) == (
        ACK_PUMP_FLOW_ID,
        ACK_PUMP_BUTTON_KEY,
        None,
        None,
    )
    assert (press.source.type, press.source.id) == ("user", DEMO_USER_ID)
    assert api.sim.workflow(ACK_PUMP_FLOW_ID).run_count == 1
    flows = (await api.get(FLOWS)).body["items"]
    assert flows[0]["stats"]["runCount"] == 1
    recent = (await api.get(MOST_RECENT)).body
    assert (recent["event"]["id"], recent["newCount"]) == (BATTERY_LOW_EVENT_ID, 2)
    again = await api.post(path, {"key": ACK_PUMP_BUTTON_KEY})  # nothing left to do
    assert again.body == {"success": True}
    assert len(api.sim.event(PUMP_FAULT_EVENT_ID).updates) == 1


async def test_press_resets_the_line_2_counter(api: Api) -> None:
    assert (await api.state(LINE_2_COUNTER_ID))["count"]["value"] == 48_211
    body = {
        "key": RESET_COUNTER_BUTTON_KEY,
        "payload": {"reason": "test"},
        "deviceId": LINE_2_COUNTER_ID,
        "flowVersion": "develop",
    }
    path = f"{FLOWS}/{RESET_COUNTER_FLOW_ID}/virtualButton"
    reply = await api.post(path, body, token=DEMO_API_TOKEN)
    assert reply.body == {"success": True}
    assert (await api.state(LINE_2_COUNTER_ID))["count"]["value"] == 0
    (press,) = api.sim.presses
    assert (press.payload, press.device_id) == ({"reason": "test"}, LINE_2_COUNTER_ID)
    assert (press.source.type, press.source.name) == ("apiToken", "Cloud Bridge")


async def test_press_refusals(api: Api) -> None:
    valve = f"{FLOWS}/{FLUSH_VALVE_FLOW_ID}/virtualButton"
    disabled = await api.post(valve, {"key": FLUSH_VALVE_BUTTON_KEY})
    disabled.error(400, "Validation")
    assert (await api.state(INLET_VALVE_ID))["open"]["value"] is False
    ack = f"{FLOWS}/{ACK_PUMP_FLOW_ID}/virtualButton"
    (await api.post(ack, {"key": RESET_COUNTER_BUTTON_KEY})).error(400, "Validation")
    timer = f"{FLOWS}/{PLANT_ALERTS_FLOW_ID}/virtualButton"
    (await api.post(timer, {"key": f"{PLANT_ALERTS_FLOW_ID}-t1mer180"})).error(
        400, "Validation"
    )  # a timer is no button
    for bad in (
        {},
        {"key": 5},
        {"key": ACK_PUMP_BUTTON_KEY, "deviceId": "pump"},
        {"key": ACK_PUMP_BUTTON_KEY, "flowVersion": ""},
        {"key": ACK_PUMP_BUTTON_KEY, "label": "x"},
        [ACK_PUMP_BUTTON_KEY],
    ):
        (await api.post(ack, bad)).error(400, "Validation")
    unknown = await api.post(
        f"{FLOWS}/{'0' * 24}/virtualButton", {"key": ACK_PUMP_BUTTON_KEY}
    )
    unknown.error(404, "NotFound")
    assert unknown.body["message"] == "Flow was not found"
    other_app = f"{FLOWS}/{BENCH_EDGE_FLOW_ID}/virtualButton"
    (await api.post(other_app, {"key": BENCH_EDGE_BUTTON_KEY})).error(404, "NotFound")
    assert api.sim.presses == []
    assert api.sim.event(PUMP_FAULT_EVENT_ID).state == "new"


# --- Limited tokens -------------------------------------------------------------------


def test_scopes_except() -> None:
    assert "events.get" not in SCOPE_WITHOUT_EVENTS
    assert "event.patch" not in SCOPE_WITHOUT_EVENTS
    assert "flow.pressVirtualButton" in SCOPE_WITHOUT_EVENTS
    assert "devices.getCompositeState" in SCOPE_WITHOUT_EVENTS
    assert "flow.pressVirtualButton" not in SCOPE_WITHOUT_BUTTON_PRESS
    assert "flows.get" in SCOPE_WITHOUT_BUTTON_PRESS
    only_events = scopes_except("events.")
    assert "event.get" in only_events
    assert "events.mostRecentBySeverity" not in only_events


async def test_token_without_events_scope(api: Api) -> None:
    token = api.sim.add_api_token(
        application_id=DEMO_APPLICATION_ID, scope=SCOPE_WITHOUT_EVENTS
    ).token
    event = f"{EVENTS}/{PUMP_FAULT_EVENT_ID}"
    for reply in (
        await api.get(EVENTS, token=token),
        await api.get(MOST_RECENT, token=token),
        await api.get(event, token=token),
        await api.post(EVENTS, {"level": "info", "subject": "x"}, token=token),
        await api.call("PATCH", event, body={"state": "resolved"}, token=token),
    ):
        reply.error(403, "Forbidden")
    assert api.sim.event(PUMP_FAULT_EVENT_ID).state == "new"
    assert len(api.sim.events()) == 6
    assert (await api.get(f"{PLANT}/devices", token=token)).status == 200
    assert (await api.get(f"{PLANT}/devices/compositeState", token=token)).status == 200
    assert (await api.get(FLOWS, token=token)).status == 200
    press = f"{FLOWS}/{ACK_PUMP_FLOW_ID}/virtualButton"
    assert (
        await api.post(press, {"key": ACK_PUMP_BUTTON_KEY}, token=token)
    ).status == 200
    # events.* alone reads events but may not change one (that needs event.patch).
    reader = api.sim.add_api_token(
        application_id=DEMO_APPLICATION_ID, scope=("events.*",)
    ).token
    assert (await api.get(MOST_RECENT, token=reader)).status == 200
    (await api.call("PATCH", event, body={}, token=reader)).error(403, "Forbidden")


async def test_token_that_may_list_but_not_press(api: Api) -> None:
    press = f"{FLOWS}/{ACK_PUMP_FLOW_ID}/virtualButton"
    for scope in (SCOPE_WITHOUT_BUTTON_PRESS, ("all.Application.read",)):
        token = api.sim.add_api_token(
            application_id=DEMO_APPLICATION_ID, scope=scope
        ).token
        listed = await api.get(FLOWS, token=token)
        assert (listed.status, listed.body["totalCount"]) == (200, 4)
        reply = await api.post(press, {"key": ACK_PUMP_BUTTON_KEY}, token=token)
        reply.error(403, "Forbidden")
        assert (await api.get(EVENTS, token=token)).status == 200
    assert api.sim.presses == []
    assert api.sim.event(PUMP_FAULT_EVENT_ID).state == "new"
    # A token of the other application cannot press this one's buttons.
    bench = api.sim.add_api_token(application_id=TEST_BENCH_APPLICATION_ID).token
    (await api.post(press, {"key": ACK_PUMP_BUTTON_KEY}, token=bench)).error(
        403, "Forbidden"
    )


# --- Connectivity ---------------------------------------------------------------------


async def test_connectivity_query_finds_what_changed(api: Api) -> None:
    devices_path = f"{PLANT}/devices"

    async def names(query: Any, path: str = devices_path) -> set[str]:
        """Return the names of the devices matching an advanced query."""
        reply = await api.get(path, params={"query": json.dumps(query)})
        assert reply.status == 200, reply.body
        return {d["name"] for d in reply.body["items"]}

    plant = api.sim.application(DEMO_APPLICATION_ID)
    mark = max(d.connection_time for d in plant.devices.values())
    since = {
        "$or": [
            {"connectedAt": {"$gt": mark}},
            {"disconnectedAt": {"$gt": mark}},
        ]
    }
    assert await names(since) == set()
    api.sim.set_connected(YARD_SENSOR_ID, True, at=mark + 1000)
    api.sim.set_connected(BOILER_RELAY_ID, False, at=iso(mark + 2000))
    assert await names(since) == {"Yard Sensor", "Boiler Relay"}
    as_iso = {
        "$or": [
            {"connectedAt": {"$gt": iso(mark)}},
            {"disconnectedAt": {"$gt": iso(mark)}},
        ]
    }
    assert await names(as_iso) == {"Yard Sensor", "Boiler Relay"}
    as_digits = {"connectedAt": {"$gt": str(mark)}}
    assert await names(as_digits) == {"Yard Sensor"}
    assert await names({"disconnectedAt": {"$gte": mark + 2000}}) == {"Boiler Relay"}
    assert await names({"connectedAt": {"$gt": mark + 1000}}) == set()
    yard = (await api.get(f"{devices_path}/{YARD_SENSOR_ID}")).body
    assert yard["connectionInfo"] == {"connected": 1, "time": iso(mark + 1000)}
    # A gateway takes its peripherals along.
    api.sim.set_connected(PUMP_GATEWAY_ID, False, at=mark + 3000)
    pump_station = {
        "Pump Station Gateway",
        "Tank Level",
        "Feed Pump",
        "Flow Meter",
        "Inlet Valve",
    }
    assert await names({"disconnectedAt": {"$gt": mark + 2000}}) == pump_station
    offline = await names({"connectionStatus": "disconnected"})
    assert offline == {"Boiler Relay", *pump_station, "Plant Overview"}
    assert await names({"connectionStatus": {"$ne": "connected"}}) == offline
    # The system device never connected: it has neither time.
    assert await names({"$and": [{"connectedAt": None}, {"disconnectedAt": None}]}) == {
        "Plant Overview"
    }
    assert PLANT_SYSTEM_ID in {
        d.id for d in plant.devices.values() if d.connected_at is None
    }
    # A boolean is allowed by the schema and matches nothing.
    assert await names({"connectedAt": {"$gt": True}}) == set()
    # The bulk composite state takes the same query.
    state_path = f"{devices_path}/compositeState"
    assert await names(since, state_path) == {
        "Yard Sensor",
        "Boiler Relay",
        *pump_station,
    }
    for bad in (
        {"connectedAt": {"$gt": "yesterday"}},
        {"connectedAt": {"$gt": {"$date": iso(mark)}}},
        {"connectedAt": {"$after": mark}},
        {"connectionStatus": {"$in": "connected"}},
        {"name": {"$startsWith": ""}},
        {"name": {"$ci": "yes"}},
    ):
        reply = await api.get(devices_path, params={"query": json.dumps(bad)})
        reply.error(400, "Validation")


async def test_device_query_text_operators(api: Api) -> None:
    async def names(query: Any) -> set[str]:
        """Return the names of the devices matching an advanced query."""
        reply = await api.get(f"{PLANT}/devices", params={"query": json.dumps(query)})
        assert reply.status == 200, reply.body
        return {d["name"] for d in reply.body["items"]}

    assert await names({"name": {"$startsWith": "Line 2 G"}}) == {
        "Line 2 Gateway",
        "Line 2 Guard Door",
    }
    assert await names({"name": {"$endsWith": "Relay"}}) == {
        "Boiler Relay",
        "Extractor Fan Relay",
    }
    assert await names({"name": {"$contains": "pump"}}) == set()
    assert await names({"name": {"$contains": "pump", "$ci": True}}) == {
        "Feed Pump",
        "Pump Station Gateway",
    }
    assert await names({"name": {"$eq": "feed pump", "$ci": True}}) == {"Feed Pump"}
    assert await names({"name": {"$in": ["FEED PUMP"], "$ci": True}}) == {"Feed Pump"}
    assert len(await names({"deviceClass": {"$nin": ["standalone"]}})) == 10
    assert await names({"name": {"$gt": "Yard"}}) == {"Yard Sensor"}
    assert await names({"name": {"$lt": 5}}) == set()  # text against a number
    # Devices without a parent (null) never match a text operator.
    assert await names({"parentId": {"$endsWith": PUMP_GATEWAY_ID[-6:]}}) == {
        "Tank Level",
        "Feed Pump",
        "Flow Meter",
        "Inlet Valve",
    }
    first = min(
        d.creation_date
        for d in api.sim.application(DEMO_APPLICATION_ID).devices.values()
    )
    assert await names({"creationDate": {"$lte": first}}) == {"Boiler Room Sensor"}
    assert len(await names({"$nor": [{"deviceClass": "standalone"}]})) == 10


# --- Server variants ------------------------------------------------------------------


async def test_app_token_listing_refused_with_401_variant(api: Api) -> None:
    api.sim.app_token_applications_status = 401
    reply = await api.get("/applications", token=DEMO_API_TOKEN)
    reply.error(401, "Unauthorized")
    assert reply.body["message"] == "An application API token cannot list applications"
    assert (await api.get("/applications", token=DEMO_USER_API_TOKEN)).status == 200
    assert (await api.get(PLANT, token=DEMO_API_TOKEN)).status == 200
    with pytest.raises(ValueError, match="401 or 403"):
        api.sim.app_token_applications_status = 400
    api.sim.app_token_applications_status = 403
    (await api.get("/applications", token=DEMO_API_TOKEN)).error(403, "Forbidden")


@pytest.mark.parametrize(
    "path",
    [
        "/applications",
        f"{PLANT}/devices",
        f"{PLANT}/devices/compositeState",
        EVENTS,
        FLOWS,
    ],
)
async def test_per_page_limit_variant(
    session: aiohttp.ClientSession, socket_enabled: None, path: str
) -> None:
    async with WegnologySimulator(max_per_page=25) as sim:
        api = Api(session, sim, sim.issue_user_token())
        reply = await api.get(path, params={"perPage": 26})
        reply.error(400, "Validation")
        assert "must be <= 25" in reply.body["message"]
        assert (await api.get(path, params={"perPage": 25})).status == 200
        assert (await api.get(path)).body["perPage"] == 25  # the default is capped


# --- Demo alerts and workflows --------------------------------------------------------


def test_demo_events_and_workflows() -> None:
    plant, bench = demo_data().applications
    assert list(plant.events) == list(demo_data().applications[0].events)
    states = sorted(e.state for e in plant.events.values())
    assert states == ["acknowledged", "new", "new", "new", "resolved", "resolved"]
    assert {e.level for e in plant.events.values()} == {
        "info",
        "warning",
        "error",
        "critical",
    }
    named = [e for e in plant.events.values() if e.device_id is not None]
    assert len(named) == 5
    assert all(plant.devices[e.device_id].name == e.device_name for e in named)
    assert all(OBJECT_ID.match(event_id) for event_id in plant.events)
    assert [f.name for f in plant.flows.values()] == [
        "Plant Alerts",
        "Acknowledge Pump Faults",
        "Reset Line 2 Counter",
        "Flush Inlet Valve",
    ]
    assert all(OBJECT_ID.match(flow_id) for flow_id in (*plant.flows, *bench.flows))
    assert [f.flow_class for f in bench.flows.values()] == ["edge"]
    assert not bench.events
    with pytest.raises(ValueError, match="level"):
        Event("0" * 24, "fatal", "x")
    with pytest.raises(ValueError, match="state"):
        Event("0" * 24, "info", "x", state="open")
    with pytest.raises(ValueError, match="flowClass"):
        Workflow("0" * 24, "x", flow_class="lambda")


async def test_demo_alerts_raise_and_resolve_in_turn(api: Api) -> None:
    alerts = DemoAlerts(api.sim)
    start = 2_000_000_000_000
    raised = [alerts.step(at=start + step * 180_000) for step in range(5)]
    assert [e.subject for e in raised] == [
        "Tank level low",
        PUMP_FAULT_SUBJECT,
        "Boiler room over temperature",
        "Compressed air demand high",
        "Tank level low",
    ]
    assert [e.level for e in raised[:4]] == ["warning", "error", "critical", "info"]
    assert alerts.raised == [e.id for e in raised]
    assert [e.state for e in raised] == [
        "resolved",
        "resolved",
        "resolved",
        "new",
        "new",
    ]
    (resolution,) = raised[0].updates
    assert resolution.comment == "Back to normal"
    assert resolution.source.id == PLANT_ALERTS_FLOW_ID
    assert resolution.creation_date == start + 2 * 180_000
    body = (await api.get(EVENTS, params={"perPage": 1})).body["items"][0]
    assert (body["id"], body["sourceName"], body["deviceId"]) == (
        raised[4].id,
        "Plant Alerts",
        TANK_LEVEL_ID,
    )
    # An alert somebody already resolved is left as it is.
    more = DemoAlerts(api.sim, keep_open=1)
    first = more.step(at=start + 10_000_000)
    first.change(Source("user", DEMO_USER_ID), state="resolved")
    more.step(at=start + 10_180_000)
    assert len(first.updates) == 1


async def test_run_demo_activity_plays_rounds(api: Api) -> None:
    await run_demo_activity(api.sim, 0, rounds=1)
    scripted = [e for e in api.sim.events() if e.source.id == PLANT_ALERTS_FLOW_ID]
    assert len(scripted) == 4 + 5  # four alerts on top of the demo's five
    played = scripted[:4]
    assert sorted(e.state for e in played) == ["new", "new", "resolved", "resolved"]
