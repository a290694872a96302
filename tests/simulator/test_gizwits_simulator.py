"""Tests of the Gizwits Open API simulator itself, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
import json
import re
import socket
import time
from typing import Any

import aiohttp
import pytest

from simulator.__main__ import VENDORS, build_parser
from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_aep import AEP_DEVICES_PATH, AEP_LOGIN_PATH, AEP_REFRESH_PATH
from simulator.gizwits_demo import (
    AIR_CONDITIONER,
    ALL_DEVICES_GROUP_ID,
    AWAY_SCENE_ID,
    BALCONY_PLUG_DID,
    BEDROOM_AC_DID,
    CEILING_LAMP_DID,
    DEMO_APP_ID,
    DEMO_EMAIL,
    DEMO_MOVED_EMAIL,
    DEMO_MOVED_PASSWORD,
    DEMO_MOVED_UID,
    DEMO_MOVED_USERNAME,
    DEMO_PASSWORD,
    DEMO_PHONE,
    DEMO_UID,
    DEMO_USERNAME,
    DESK_LAMP_DID,
    DIMMABLE_LAMP,
    FLOOR_LAMP_DID,
    HOME_SCENE_ID,
    LIVING_AC_DID,
    LIVING_LIGHTS_GROUP_ID,
    PET_HOUSE,
    PET_HOUSE_DID,
    PRODUCTS,
    SMART_PLUG,
    TV_PLUG_DID,
    demo_data,
    generated_data,
    run_demo_activity,
)
from simulator.gizwits_model import (
    ERROR_MESSAGES,
    Datapoint,
    Device,
    Scenario,
    SceneTask,
    UintSpec,
    User,
)
from simulator.gizwits_push import WS_PATH

from .command_line import only, run_until_ready
from .rest_api import Reply as BaseReply, RestApi

DID = re.compile(r"^[0-9A-Za-z]{22}$")
HEX32 = re.compile(r"^[0-9a-f]{32}$")
BINDING_FIELDS = {
    "product_key",
    "did",
    "mac",
    "is_online",
    "passcode",
    "host",
    "port",
    "port_s",
    "ws_port",
    "wss_port",
    "remark",
    "is_disabled",
    "type",
    "dev_alias",
    "dev_label",
    "wifi_soft_version",
    "is_sandbox",
    "role",
}
TASK_FIELDS = {
    "task_type",
    "did",
    "product_key",
    "group_name",
    "raw",
    "attrs",
    "dev_remark",
    "time",
    "group_id",
    "verbose_name",
    "dev_alias",
}


@dataclass
class Reply(BaseReply):
    """A Gizwits reply."""

    def error(self, code: int, status: int) -> None:
        """Assert this is the Open API error code with HTTP status."""
        assert self.status == status, self.body
        assert self.body["error_code"] == code
        assert self.body["error_message"] == ERROR_MESSAGES[code]
        assert "detail_message" in self.body


@dataclass
class Api(RestApi):
    """A test client of one simulator holding a token of the demo user."""

    reply_type = Reply

    sim: GizwitsSimulator

    def headers(
        self, token: str | None, app_id: str | None = DEMO_APP_ID, **options: Any
    ) -> dict[str, str]:
        """Send the AppID and the user token, as the Open API wants."""
        headers = {}
        if app_id is not None:
            headers["X-Gizwits-Application-Id"] = app_id
        if token is not None:
            headers["X-Gizwits-User-token"] = token
        return headers

    async def control(self, did: str, attrs: dict[str, Any]) -> Reply:
        """Send attrs to a device."""
        return await self.post(f"/app/control/{did}", {"attrs": attrs})

    async def latest(self, did: str) -> dict[str, Any]:
        """Return the device's latest attr object (over HTTP, without a token)."""
        reply = await self.get(f"/app/devdata/{did}/latest", token=None)
        assert reply.status == 200
        attr: dict[str, Any] = reply.body["attr"]
        return attr

    async def login(self, username: str, password: str = DEMO_PASSWORD) -> Reply:
        """POST /app/login."""
        return await self.post(
            "/app/login", {"username": username, "password": password}, token=None
        )


@pytest.fixture
async def sim(socket_enabled: None) -> AsyncIterator[GizwitsSimulator]:
    """Run a simulator with the demo home."""
    async with GizwitsSimulator() as simulator:
        yield simulator


@pytest.fixture
def api(session: aiohttp.ClientSession, sim: GizwitsSimulator) -> Api:
    """Return a client holding a valid token."""
    return Api(session, sim, sim.issue_token().token)


# --- Login, AppID and tokens ---------------------------------------------------------


@pytest.mark.parametrize("login", [DEMO_USERNAME, DEMO_EMAIL, DEMO_PHONE])
async def test_login_by_username_email_or_phone(api: Api, login: str) -> None:
    reply = await api.login(login)
    assert reply.status == 200
    assert set(reply.body) == {"token", "uid", "expire_at"}
    assert reply.body["uid"] == DEMO_UID
    assert HEX32.match(reply.body["token"])
    assert abs(reply.body["expire_at"] - (time.time() + 7 * 86400)) < 5
    again = await api.login(login)
    assert again.body["token"] != reply.body["token"]
    for token in (reply.body["token"], again.body["token"], api.token):
        assert (await api.get("/app/bindings", token=token)).status == 200


async def test_login_errors(api: Api) -> None:
    (await api.login(DEMO_USERNAME, "wrong")).error(9020, 401)
    (await api.login("nobody@example.com")).error(9005, 401)
    (await api.post("/app/login", {"username": DEMO_USERNAME}, token=None)).error(
        9015, 400
    )
    form = await api.call(
        "POST", "/app/login", data="username=demo&password=demo-password", token=None
    )
    form.error(9015, 400)
    lang = {"username": DEMO_USERNAME, "password": DEMO_PASSWORD, "lang": "en"}
    assert (await api.post("/app/login", lang, token=None)).status == 200
    api.sim.user().moved = True
    (await api.login(DEMO_USERNAME)).error(9026, 403)


async def test_app_id_is_required_everywhere(api: Api) -> None:
    for app_id in (None, "someone-elses-app"):
        (await api.get("/app/bindings", app_id=app_id)).error(9003, 403)
        (await api.get(f"/app/devdata/{TV_PLUG_DID}/latest", app_id=app_id)).error(
            9003, 403
        )
        login = {"username": DEMO_USERNAME, "password": DEMO_PASSWORD}
        (await api.post("/app/login", login, app_id=app_id)).error(9003, 403)


async def test_tokens_missing_unknown_expired(api: Api) -> None:
    (await api.get("/app/bindings", token=None)).error(9004, 401)
    (await api.get("/app/bindings", token="0" * 32)).error(9004, 401)
    api.sim.expire_tokens()
    reply = await api.get("/app/group")
    reply.error(9006, 401)
    assert reply.body["error_message"] == "token expired"
    fresh = (await api.login(DEMO_USERNAME)).body["token"]
    assert (await api.get("/app/group", token=fresh)).status == 200


async def test_token_belongs_to_its_app_id(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    async with GizwitsSimulator(app_ids=(DEMO_APP_ID, "other-app")) as sim:
        api = Api(session, sim, sim.issue_token().token)
        assert (await api.get("/app/bindings")).status == 200
        (await api.get("/app/bindings", app_id="other-app")).error(9004, 401)


async def test_token_lifetime_and_status_table_are_settable(api: Api) -> None:
    api.sim.token_lifetime = timedelta(hours=1)
    reply = await api.login(DEMO_USERNAME)
    assert abs(reply.body["expire_at"] - (time.time() + 3600)) < 5
    api.sim.http_status[9004] = 400
    (await api.get("/app/bindings", token="nope")).error(9004, 400)


# --- Bindings and device details -----------------------------------------------------


async def test_bindings_fields(api: Api) -> None:
    reply = await api.get("/app/bindings")
    devices = reply.body["devices"]
    assert set(reply.body) == {"devices"}
    assert len(devices) == 10
    assert all(set(device) == BINDING_FIELDS for device in devices)
    by_did = {device["did"]: device for device in devices}
    assert by_did[BEDROOM_AC_DID]["is_online"] is False
    assert by_did[LIVING_AC_DID]["dev_alias"] == "客厅空调"
    assert by_did[PET_HOUSE_DID]["dev_alias"] == ""
    assert by_did[PET_HOUSE_DID]["product_key"] == PET_HOUSE.product_key
    assert all(DID.match(did) for did in by_did)
    with_proto = await api.get("/app/bindings", params={"show_proto_ver": 1})
    assert all(d["proto_ver"] == "04" for d in with_proto.body["devices"])


async def test_bindings_paging_clamp_and_end(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    async with GizwitsSimulator(generated_data(130)) as sim:
        api = Api(session, sim, sim.issue_token().token)
        first = await api.get("/app/bindings")
        assert len(first.body["devices"]) == 20
        clamped = await api.get("/app/bindings", params={"limit": 500})
        assert len(clamped.body["devices"]) == 100
        seen: list[str] = []
        skip = 0
        while True:
            page = await api.get("/app/bindings", params={"limit": 50, "skip": skip})
            seen += [d["did"] for d in page.body["devices"]]
            if len(page.body["devices"]) < 50:
                break
            skip += 50
        assert len(seen) == len(set(seen)) == 130
        assert seen[:20] == [d["did"] for d in first.body["devices"]]
        beyond = await api.get("/app/bindings", params={"skip": 500})
        assert beyond.body == {"devices": []}
        for bad in ({"limit": 0}, {"limit": "ten"}, {"skip": -1}, {"limit": "1.5"}):
            (await api.get("/app/bindings", params=bad)).error(9015, 400)


async def test_disabled_devices_and_unbinding(api: Api) -> None:
    api.sim.device(TV_PLUG_DID).disabled = True
    listed = {d["did"] for d in (await api.get("/app/bindings")).body["devices"]}
    assert TV_PLUG_DID not in listed
    shown = await api.get("/app/bindings", params={"show_disabled": 1})
    assert TV_PLUG_DID in {d["did"] for d in shown.body["devices"]}
    (await api.control(TV_PLUG_DID, {"switch": False})).error(9023, 400)
    api.sim.unbind(CEILING_LAMP_DID)
    listed = {d["did"] for d in (await api.get("/app/bindings")).body["devices"]}
    assert CEILING_LAMP_DID not in listed
    assert CEILING_LAMP_DID not in api.sim.group(LIVING_LIGHTS_GROUP_ID).dids
    api.sim.bind(CEILING_LAMP_DID)
    assert len((await api.get("/app/bindings")).body["devices"]) == 9


async def test_device_details(api: Api) -> None:
    reply = await api.get(f"/app/devices/{LIVING_AC_DID}")
    assert reply.status == 200
    assert reply.body["did"] == LIVING_AC_DID
    assert reply.body["role"] == "special"
    assert "wifi_soft_version" not in reply.body
    (await api.get("/app/devices/NoSuchDevice00000000000")).error(9014, 404)


# --- Datapoint definitions -----------------------------------------------------------


async def test_datapoint_definition_shape(api: Api) -> None:
    reply = await api.get(
        "/app/datapoint", params={"product_key": PET_HOUSE.product_key}, token=None
    )
    assert reply.status == 200
    body = reply.body
    assert set(body) == {
        "name",
        "entities",
        "protocolType",
        "product_key",
        "packetVersion",
        "ui",
    }
    assert (body["name"], body["protocolType"]) == ("宠物屋", "standard")
    assert body["packetVersion"] == "0x00000004"
    entity = body["entities"][0]
    assert (entity["id"], entity["name"]) == (0, "entity0")
    # The document's example attr, exactly.
    assert entity["attrs"][0] == {
        "display_name": "开启/关闭红色灯",
        "name": "LED_OnOff",
        "data_type": "bool",
        "position": {"bit_offset": 0, "len": 1, "unit": "bit", "byte_offset": 0},
        "type": "status_writable",
        "id": 0,
        "desc": ".....",
    }
    assert body["ui"]["object"] == {"version": 4, "showEditButton": False}
    element = body["ui"]["sections"][0]["elements"][0]
    assert element == {
        "boolValue": False,
        "object": {"action": "entity0", "bind": ["entity0.LED_OnOff"], "perm": "W"},
        "type": "QBooleanElement",
        "key": "entity0.LED_OnOff",
        "title": "开启/关闭红色灯",
    }
    temperature = entity["attrs"][2]
    assert temperature["uint_spec"] == {
        "min": 0,
        "max": 63,
        "ratio": 1,
        "addition": -13,
    }
    assert {a["type"] for a in entity["attrs"]} == {
        "status_writable",
        "status_readonly",
        "alert",
        "fault",
    }


async def test_datapoint_of_the_air_conditioner(api: Api) -> None:
    reply = await api.get(
        "/app/datapoint", params={"product_key": AIR_CONDITIONER.product_key}
    )
    attrs = {a["name"]: a for a in reply.body["entities"][0]["attrs"]}
    assert attrs["mode"]["enum"] == ["自动", "制冷", "制热", "送风", "除湿"]
    assert attrs["mode"]["position"]["len"] == 3
    assert "uint_spec" not in attrs["mode"]
    assert attrs["room_temp"]["uint_spec"]["addition"] == -30
    assert attrs["status_code"]["data_type"] == "binary"
    assert attrs["status_code"]["position"]["len"] == 4
    assert attrs["status_code"]["position"]["unit"] == "byte"
    elements = {e["key"]: e for e in reply.body["ui"]["sections"][0]["elements"]}
    assert elements["entity0.mode"]["items"] == attrs["mode"]["enum"]
    assert elements["entity0.room_temp"]["minimumValue"] == -30
    assert elements["entity0.alert_full"]["object"]["perm"] == "N"
    assert elements["entity0.fault_roomtemp"]["object"]["perm"] == "E"


async def test_datapoint_needs_a_super_app_id(api: Api) -> None:
    params = {"product_key": PET_HOUSE.product_key}
    (await api.get("/app/datapoint", params={"product_key": "0" * 32})).error(9002, 400)
    (await api.get("/app/datapoint")).error(9015, 400)
    api.sim.super_app_ids.clear()
    reply = await api.get("/app/datapoint", params=params)
    reply.error(9003, 403)
    assert reply.body["detail_message"] == "not a super AppID"


# --- Latest status -------------------------------------------------------------------


async def test_devdata_latest_serves_scaled_values_and_labels(api: Api) -> None:
    reply = await api.get(f"/app/devdata/{LIVING_AC_DID}/latest", token=None)
    assert reply.status == 200
    assert set(reply.body) == {"did", "updated_at", "attr"}
    assert abs(reply.body["updated_at"] - time.time()) < 120
    assert reply.body["attr"] == {
        "switch": 1,
        "mode": "制冷",
        "fan_speed": "自动",
        "fan_swing": 0,
        "set_temp": 26,
        "room_temp": 28,
        "on_timing": 0,
        "off_timing": 0,
        "alert_full": 0,
        "alert_shutdown": 0,
        "fault_roomtemp": 0,
        "status_code": "0000a1b2",
    }
    assert (await api.latest(PET_HOUSE_DID))["Temperature"] == -5
    plug = await api.latest(TV_PLUG_DID)
    assert plug == {
        "switch": 1,
        "power": 85.3,
        "energy": 123.45,
        "voltage": 229.8,
        "current": 0.371,
    }
    offline = await api.latest(BEDROOM_AC_DID)
    assert offline["mode"] == "制热"


async def test_devdata_latest_without_data(api: Api) -> None:
    reply = await api.get(f"/app/devdata/{BALCONY_PLUG_DID}/latest")
    assert reply.body == {"did": BALCONY_PLUG_DID, "updated_at": 0, "attr": {}}
    api.sim.device(TV_PLUG_DID).updated_at = int(time.time()) - 25 * 3600
    assert await api.latest(TV_PLUG_DID) == {}
    (await api.get("/app/devdata/NoSuchDevice00000000000/latest")).error(9014, 404)


async def test_state_switches(api: Api) -> None:
    api.sim.set_attr(LIVING_AC_DID, "room_temp", -12)
    api.sim.set_attr(LIVING_AC_DID, "mode", "除湿")
    api.sim.set_attr(LIVING_AC_DID, "alert_full", 1)
    api.sim.set_attr(LIVING_AC_DID, "status_code", bytes.fromhex("deadbeef"))
    api.sim.set_attr(BALCONY_PLUG_DID, "power", 12.5)
    latest = await api.latest(LIVING_AC_DID)
    assert (latest["room_temp"], latest["mode"], latest["alert_full"]) == (
        -12,
        "除湿",
        1,
    )
    assert latest["status_code"] == "deadbeef"
    assert api.sim.attrs(BALCONY_PLUG_DID)["power"] == 12.5
    assert api.sim.attrs(BALCONY_PLUG_DID)["switch"] == 0
    with pytest.raises(ValueError):
        api.sim.set_attr(LIVING_AC_DID, "room_temp", 71)
    with pytest.raises(ValueError):
        api.sim.set_attr(LIVING_AC_DID, "mode", "turbo")
    api.sim.set_online(LIVING_AC_DID, False)
    assert (await api.latest(LIVING_AC_DID))["room_temp"] == -12
    api.sim.add_device(Device("NewPlug000000000000001A", SMART_PLUG.product_key, "x"))
    assert len((await api.get("/app/bindings")).body["devices"]) == 11


# --- Control -------------------------------------------------------------------------


async def test_control_bool(api: Api) -> None:
    before = api.sim.device(LIVING_AC_DID).updated_at
    reply = await api.control(LIVING_AC_DID, {"switch": False, "fan_swing": True})
    assert (reply.status, reply.body) == (200, {})
    latest = await api.latest(LIVING_AC_DID)
    assert (latest["switch"], latest["fan_swing"]) == (0, 1)
    assert api.sim.device(LIVING_AC_DID).updated_at > before
    assert api.sim.controls == [(LIVING_AC_DID, {"switch": False, "fan_swing": True})]
    for value in (0, 1, "true", None):
        (await api.control(LIVING_AC_DID, {"switch": value})).error(9025, 400)
    assert len(api.sim.controls) == 1


async def test_control_numbers_edges_grid_and_range(api: Api) -> None:
    for value in (16, 30, 24.0):
        assert (await api.control(LIVING_AC_DID, {"set_temp": value})).status == 200
    assert (await api.latest(LIVING_AC_DID))["set_temp"] == 24
    for value in (15, 31, 24.5, "24", True):
        reply = await api.control(LIVING_AC_DID, {"set_temp": value})
        reply.error(9025, 400)
        assert reply.body["detail_message"].startswith("set_temp:")
    for value in (2700, 6500):
        assert (
            await api.control(CEILING_LAMP_DID, {"color_temp": value})
        ).status == 200
    for value in (2699, 6501):
        (await api.control(CEILING_LAMP_DID, {"color_temp": value})).error(9025, 400)
    assert (await api.control(DESK_LAMP_DID, {"brightness": 1})).status == 200
    (await api.control(DESK_LAMP_DID, {"brightness": 0})).error(9025, 400)


def test_scaling_on_a_fractional_grid() -> None:
    spec = UintSpec(0, 1000, 0.5, -10)
    assert spec.scaled(0) == -10.0
    assert spec.scaled(1000) == 490.0
    assert spec.raw(-9.5) == 1
    assert spec.raw(490) == 1000
    for value in (-9.7, 490.5, -10.5, float("nan"), float("inf")):
        with pytest.raises(ValueError):
            spec.raw(value)
    power = UintSpec(0, 65535, 0.1)
    assert power.scaled(853) == 85.3
    assert power.raw(0.3) == 3
    assert UintSpec(0, 16000, 0.001).raw(0.371) == 371


def test_binary_values() -> None:
    blob = Datapoint(0, "blob", "数据", "status_writable", "binary", length=5)
    assert blob.from_control("1234567000") == bytes.fromhex("1234567000")
    assert blob.from_control("EjRWcAA=", "base64") == bytes.fromhex("1234567000")
    for value in ("1234567", "12345670", "123456700000", "zz34567000", 12):
        with pytest.raises(ValueError):
            blob.from_control(value)
    assert blob.served(bytes.fromhex("00ff00ff00")) == "00ff00ff00"
    with pytest.raises(ValueError):
        Datapoint(1, "bad", "坏", "status_writable", "uint8")


async def test_control_enum_takes_the_order_number(api: Api) -> None:
    assert (await api.control(LIVING_AC_DID, {"mode": 2})).status == 200
    assert (await api.latest(LIVING_AC_DID))["mode"] == "制热"
    for value in ("制冷", 5, -1, True, 1.0):
        (await api.control(LIVING_AC_DID, {"mode": value})).error(9025, 400)


async def test_control_refusals(api: Api) -> None:
    for attrs in ({"room_temp": 20}, {"alert_full": True}, {"status_code": "00" * 4}):
        (await api.control(LIVING_AC_DID, attrs)).error(9025, 400)
    (await api.control(LIVING_AC_DID, {"turbo": True})).error(9025, 400)
    (await api.control(LIVING_AC_DID, {})).error(9015, 400)
    (await api.post(f"/app/control/{LIVING_AC_DID}", {})).error(9015, 400)
    (await api.post(f"/app/control/{LIVING_AC_DID}", [1])).error(9015, 400)
    (await api.control(BEDROOM_AC_DID, {"switch": True})).error(9042, 400)
    (await api.control(BEDROOM_AC_DID, {"switch": 1})).error(9025, 400)
    (await api.control("NoSuchDevice00000000000", {"switch": True})).error(9014, 404)
    api.sim.unbind(DESK_LAMP_DID)
    (await api.control(DESK_LAMP_DID, {"switch": True})).error(9017, 403)
    (await api.get(f"/app/devices/{DESK_LAMP_DID}")).error(9017, 403)
    assert api.sim.controls == []


async def test_control_raw_is_recorded_not_decoded(api: Api) -> None:
    before = dict(api.sim.device(TV_PLUG_DID).attr)
    reply = await api.post(f"/app/control/{TV_PLUG_DID}", {"raw": [97, 98, 99]})
    assert (reply.status, reply.body) == (200, {})
    hexed = {"raw": "616263", "binary_coding": "hex"}
    assert (await api.post(f"/app/control/{TV_PLUG_DID}", hexed)).status == 200
    assert api.sim.raw_controls == [(TV_PLUG_DID, b"abc"), (TV_PLUG_DID, b"abc")]
    assert api.sim.device(TV_PLUG_DID).attr == before
    assert api.sim.controls == []
    for body in (
        {"raw": [256]},
        {"raw": []},
        {"raw": "616263"},
        {"raw": "zz", "binary_coding": "hex"},
        {"raw": [1], "binary_coding": "base32"},
    ):
        (await api.post(f"/app/control/{TV_PLUG_DID}", body)).error(9015, 400)


# --- Groups --------------------------------------------------------------------------


async def test_groups_and_their_devices(api: Api) -> None:
    groups = (await api.get("/app/group")).body
    assert [g["group_name"] for g in groups] == ["客厅灯", "全部设备"]
    assert groups[0] == {
        "created_at": "2024-03-02T08:15:00Z",
        "updated_at": "2024-03-02T08:15:00Z",
        "product_key": DIMMABLE_LAMP.product_key,
        "group_name": "客厅灯",
        "verbose_name": "调光灯",
        "id": LIVING_LIGHTS_GROUP_ID,
    }
    assert (groups[1]["product_key"], groups[1]["verbose_name"]) == ("", "")
    members = (await api.get(f"/app/group/{LIVING_LIGHTS_GROUP_ID}/devices")).body
    assert members == [
        {
            "did": CEILING_LAMP_DID,
            "type": "normal",
            "verbose_name": "调光灯",
            "dev_alias": "客厅吸顶灯",
            "product_key": DIMMABLE_LAMP.product_key,
        },
        {
            "did": FLOOR_LAMP_DID,
            "type": "normal",
            "verbose_name": "调光灯",
            "dev_alias": "客厅落地灯",
            "product_key": DIMMABLE_LAMP.product_key,
        },
    ]
    mixed = (await api.get(f"/app/group/{ALL_DEVICES_GROUP_ID}/devices")).body
    assert len(mixed) == 10
    assert {(m["product_key"], m["verbose_name"]) for m in mixed} == {("", "")}
    (await api.get("/app/group/000000000000000000000000/devices")).error(9015, 404)


async def test_group_control_with_an_offline_member(api: Api) -> None:
    api.sim.set_online(FLOOR_LAMP_DID, False)
    path = f"/app/group/{LIVING_LIGHTS_GROUP_ID}/control"
    reply = await api.post(path, {"attrs": {"power": True, "brightness": 55}})
    assert reply.status == 200
    assert reply.body == [
        {"did": CEILING_LAMP_DID, "result": True},
        {"did": FLOOR_LAMP_DID, "result": False},
    ]
    assert (await api.latest(CEILING_LAMP_DID))["brightness"] == 55
    floor = await api.latest(FLOOR_LAMP_DID)
    assert (floor["power"], floor["brightness"]) == (0, 40)
    assert api.sim.controls == [
        (LIVING_LIGHTS_GROUP_ID, {"power": True, "brightness": 55})
    ]
    (await api.post(path, {"attrs": {"brightness": 101}})).error(9025, 400)
    (await api.post(path, {"attrs": {"switch": True}})).error(9025, 400)


async def test_mixed_group_cannot_be_controlled(api: Api) -> None:
    path = f"/app/group/{ALL_DEVICES_GROUP_ID}/control"
    reply = await api.post(path, {"attrs": {"switch": False}})
    reply.error(9015, 400)
    unknown = "/app/group/000000000000000000000000/control"
    (await api.post(unknown, {"attrs": {"power": True}})).error(9015, 404)


# --- Scenes --------------------------------------------------------------------------


async def test_scene_list_shape(api: Api) -> None:
    scenes = (await api.get("/app/scene")).body
    assert [s["scene_name"] for s in scenes] == ["回家", "离家"]
    home, away = scenes
    assert set(home) == {
        "remark",
        "tasks",
        "created_at",
        "updated_at",
        "scene_name",
        "id",
    }
    assert all(set(task) == TASK_FIELDS for s in scenes for task in s["tasks"])
    ac_task = home["tasks"][2]
    assert ac_task["attrs"] == {"switch": True, "mode": 1, "set_temp": 24}
    assert (ac_task["dev_alias"], ac_task["verbose_name"]) == ("客厅空调", "空调")
    group_task, delay_task = away["tasks"][:2]
    assert group_task["group_name"] == "客厅灯"
    assert group_task["product_key"] == DIMMABLE_LAMP.product_key
    assert (delay_task["task_type"], delay_task["time"]) == ("delay", 30)


async def test_scene_run_applies_its_tasks(api: Api) -> None:
    status = f"/app/scene/{HOME_SCENE_ID}/task"
    assert (await api.get(status)).body == {"status": 3}
    api.sim.set_attr(LIVING_AC_DID, "mode", "送风")
    reply = await api.post(status)
    assert (reply.status, reply.body) == (200, {})
    await api.sim.wait_background()
    assert (await api.get(status)).body == {"status": 1}
    assert (await api.latest(FLOOR_LAMP_DID))["power"] == 1
    ac = await api.latest(LIVING_AC_DID)
    assert (ac["switch"], ac["mode"], ac["set_temp"]) == (1, "制冷", 24)
    assert [(r.scene_id, r.status) for r in api.sim.scene_runs] == [(HOME_SCENE_ID, 1)]
    assert api.sim.controls == []


async def test_scene_with_a_delay_and_a_failing_task(api: Api) -> None:
    api.sim.scene_delay_cap = 0.5
    api.sim.set_online(LIVING_AC_DID, False)
    status = f"/app/scene/{AWAY_SCENE_ID}/task"
    assert (await api.post(status)).status == 200
    assert (await api.get(status)).body == {"status": 0}
    assert (await api.latest(CEILING_LAMP_DID))["power"] == 0
    assert (await api.latest(DESK_LAMP_DID))["switch"] == 1
    await api.sim.wait_background()
    assert (await api.get(status)).body == {"status": 2}
    assert (await api.latest(DESK_LAMP_DID))["switch"] == 0
    assert (await api.latest(TV_PLUG_DID))["switch"] == 0
    assert api.sim.scene_runs[0].failed == [2]


async def test_scene_not_found_or_not_yours(api: Api) -> None:
    other = User(
        uid="f" * 32,
        username="other",
        password="secret",
        scenes=[Scenario("66ffffffffffffffffffffff", "别人的", [SceneTask("delay")])],
    )
    api.sim.users.append(other)
    (await api.get("/app/scene/66ffffffffffffffffffffff/task")).error(9221, 400)
    (await api.post("/app/scene/66ffffffffffffffffffffff/task")).error(9221, 400)
    (await api.post("/app/scene/000000000000000000000000/task")).error(9220, 404)


# --- Throttling, faults, failures ----------------------------------------------------


async def test_throttling_answers_9041_with_retry_after(api: Api) -> None:
    now = [1000.0]
    api.sim.clock = lambda: now[0]
    api.sim.throttle = (3, 30)
    for _ in range(3):
        assert (await api.get("/app/group")).status == 200
    now[0] += 10
    reply = await api.get(f"/app/devdata/{TV_PLUG_DID}/latest")
    reply.error(9041, 429)
    assert reply.headers["Retry-After"] == "20"
    now[0] += 20
    assert (await api.get("/app/group")).status == 200
    api.sim.throttle = None
    for _ in range(5):
        assert (await api.get("/app/group")).status == 200


async def test_fault_server_error(api: Api) -> None:
    api.sim.faults.add("server_error", status=502, path="/app/bindings")
    async with api.session.get(f"{api.sim.url}/app/bindings") as response:
        assert response.status == 502
        assert response.content_type == "text/html"
    assert (await api.get("/app/bindings")).status == 200


async def test_fault_latency(api: Api) -> None:
    api.sim.faults.add("latency", seconds=0.01, path="/app/group")
    api.sim.faults.add("latency", seconds=0.02, path="/app/group")
    assert (await api.get("/app/group")).status == 200
    assert (await api.get("/app/group")).status == 200
    assert api.sim.faults.delays == [0.03]


async def test_fault_malformed_json(api: Api) -> None:
    api.sim.faults.add("malformed_json", path=f"/app/devdata/{LIVING_AC_DID}/latest")
    async with api.session.get(
        f"{api.sim.url}/app/devdata/{LIVING_AC_DID}/latest",
        headers={"X-Gizwits-Application-Id": DEMO_APP_ID},
    ) as response:
        assert response.status == 200
        with pytest.raises(json.JSONDecodeError):
            json.loads(await response.text())


async def test_fault_rate_limit_speaks_gizwits(api: Api) -> None:
    api.sim.faults.add("rate_limit", retry_after=7)
    reply = await api.get("/app/bindings")
    reply.error(9041, 429)
    assert reply.headers["Retry-After"] == "7"


async def test_fault_disconnect(api: Api) -> None:
    # aiohttp retries an idempotent request once after a disconnect: a single
    # disconnect on a GET goes unseen, two are not.
    api.sim.faults.add("disconnect")
    assert (await api.get("/app/bindings")).status == 200
    api.sim.faults.add("disconnect", count=2)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await api.get("/app/bindings")
    api.sim.faults.add("disconnect")
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await api.control(LIVING_AC_DID, {"switch": False})
    assert api.sim.controls == []
    assert (await api.get("/app/bindings")).status == 200


async def test_fault_patch_response(api: Api) -> None:
    def drop_alias(document: dict[str, Any]) -> None:
        """Make the first device arrive without its alias."""
        del document["devices"][0]["dev_alias"]

    api.sim.faults.add("patch_response", patch=drop_alias, path="/app/bindings")
    devices = (await api.get("/app/bindings")).body["devices"]
    assert "dev_alias" not in devices[0]
    assert "dev_alias" in devices[1]


async def test_unexpected_failure_answers_9008(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_user: User) -> list[dict[str, Any]]:
        """Fail as a backend bug would."""
        raise KeyError("string indices must be integers")

    monkeypatch.setattr(api.sim.state, "groups", broken)
    (await api.get("/app/group")).error(9008, 500)
    assert "Gizwits simulator failed" in caplog.text


# --- Data, scale and CLI -------------------------------------------------------------


def test_demo_data_is_deterministic_and_complete() -> None:
    first, second = demo_data(), demo_data()
    assert [d.did for d in first.devices] == [d.did for d in second.devices]
    assert len(first.devices) == 10
    assert all(DID.match(d.did) for d in first.devices)
    assert len({d.mac for d in first.devices}) == 10
    assert [d.online for d in first.devices].count(False) == 1
    assert [d.updated_at for d in first.devices].count(0) == 1
    assert {d.product_key for d in first.devices} == {
        p.product_key for p in first.products
    }
    (user,) = first.users
    assert HEX32.match(user.uid)
    assert user.logins() == {DEMO_USERNAME, DEMO_EMAIL, DEMO_PHONE}


async def test_generated_data_serves_two_hundred_devices(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    data = generated_data(200)
    assert len(data.devices) == 200
    assert len({d.did for d in data.devices}) == 200
    assert len({d.mac for d in data.devices}) == 200
    assert all(DID.match(d.did) for d in data.devices)
    assert [d.did for d in data.devices] == [d.did for d in generated_data(200).devices]
    async with GizwitsSimulator(data) as sim:
        api = Api(session, sim, sim.issue_token().token)
        page = await api.get("/app/bindings", params={"limit": 100, "skip": 100})
        latest = await asyncio.gather(
            *(api.latest(d["did"]) for d in page.body["devices"])
        )
        assert len(latest) == 100
        assert sum(1 for attr in latest if not attr) == 4
        groups = (await api.get("/app/group")).body
        assert len(groups) == len(PRODUCTS)
        assert all(g["product_key"] for g in groups)
        scene = (await api.get("/app/scene")).body[0]
        assert (await api.post(f"/app/scene/{scene['id']}/task")).status == 200
        await sim.wait_background()
        assert sim.scene_runs[0].status in (1, 2)


def test_cli_options() -> None:
    args = build_parser().parse_args([])
    assert args.gizwits_port == 8302
    assert not args.gizwits_no_super_app
    assert args.gizwits_token_lifetime == 7 * 86400
    assert args.gizwits_aep_token_lifetime == 180 * 86400
    assert args.gizwits_activity_interval == 60
    switches = (
        "numeric_codes",
        "no_refresh",
        "refuse_aep_bindings",
        "refuse_sockets",
        "partial_attrs",
        "is_online",
        "server_req_sn",
    )
    assert not any(getattr(args, f"gizwits_{name}") for name in switches)
    args = build_parser().parse_args(
        ["--gizwits-no-super-app", "--gizwits-app-id", "a", "--gizwits-app-id", "b"]
        + [f"--gizwits-{name.replace('_', '-')}" for name in switches]
    )
    assert args.gizwits_no_super_app
    assert args.gizwits_app_ids == ["a", "b"]
    assert all(getattr(args, f"gizwits_{name}") for name in switches)


async def test_cli_serves_gizwits(
    socket_enabled: None, capsys: pytest.CaptureFixture[str]
) -> None:
    args = only("gizwits", "--gizwits-port", "0", "--gizwits-no-super-app")
    output = await run_until_ready(args, capsys)
    assert "Gizwits simulator   http://127.0.0.1:" in output
    assert DEMO_APP_ID in output
    assert "super AppID: no" in output
    assert DEMO_PASSWORD in output
    assert DEMO_EMAIL in output
    assert "AEP login         POST http://127.0.0.1:" in output
    assert AEP_LOGIN_PATH in output
    assert DEMO_MOVED_EMAIL in output
    assert DEMO_MOVED_PASSWORD in output
    assert f"{WS_PATH}\n" in output
    assert "app WebSocket     ws://127.0.0.1:" in output
    assert "one scripted event every 60 s" in output


async def test_cli_switches_reach_the_simulator(socket_enabled: None) -> None:
    (vendor,) = [v for v in VENDORS if v.key == "gizwits"]
    args = build_parser().parse_args(
        [
            "--gizwits-numeric-codes",
            "--gizwits-no-refresh",
            "--gizwits-refuse-aep-bindings",
            "--gizwits-refuse-sockets",
            "--gizwits-partial-attrs",
            "--gizwits-is-online",
            "--gizwits-server-req-sn",
            "--gizwits-aep-token-lifetime",
            "3600",
            "--gizwits-activity-interval",
            "0",
        ]
    )
    running = await vendor.start(args, "127.0.0.1", 0)
    try:
        sim = running.server
        assert isinstance(sim, GizwitsSimulator)
        assert sim.aep.numeric_codes
        assert not sim.aep.refresh_available
        assert sim.aep.bindings_refused
        assert sim.aep.token_lifetime == timedelta(hours=1)
        assert sim.push.refuse
        assert not sim.push.full_attrs
        assert sim.push.online_field == "is_online"
        assert sim.push.server_req_sn
        assert sim.user(DEMO_MOVED_USERNAME).moved
        assert running.tasks == []
        assert any("refused (503)" in line for line in running.lines)
    finally:
        await running.server.stop()


# --- The newer app login (AEP) -------------------------------------------------------


def aep_body(
    account: str = DEMO_MOVED_EMAIL,
    password: str = DEMO_MOVED_PASSWORD,
    *,
    app_key: str = DEMO_APP_ID,
    refresh: bool = True,
) -> dict[str, Any]:
    """Return the body of an AEP login."""
    return {
        "appKey": app_key,
        "version": "1.0",
        "data": {
            "account": account,
            "password": password,
            "lang": "en",
            "refreshToken": refresh,
        },
    }


async def aep_login(api: Api, body: Any = None, *, app_id: str = DEMO_APP_ID) -> Reply:
    """POST the AEP login."""
    return await api.post(
        AEP_LOGIN_PATH, aep_body() if body is None else body, token=None, app_id=app_id
    )


async def aep_devices(
    api: Api, authorization: str | None, version: str | None = "1.0"
) -> Reply:
    """GET the AEP device list with a bare token in Authorization."""
    headers = {}
    if authorization is not None:
        headers["Authorization"] = authorization
    if version is not None:
        headers["Version"] = version
    async with api.session.get(
        f"{api.sim.url}{AEP_DEVICES_PATH}", headers=headers
    ) as response:
        return Reply(response.status, await response.json(), dict(response.headers))


def aep_data(reply: Reply, code: int | str = "200") -> Any:
    """Assert a successful AEP envelope; return its data."""
    assert reply.status == 200, reply.body
    assert set(reply.body) == {"code", "message", "data", "error"}
    assert (reply.body["code"], reply.body["error"]) == (code, False), reply.body
    return reply.body["data"]


def aep_error(reply: Reply, code: int | str) -> None:
    """Assert an AEP error envelope with code."""
    assert reply.status == 200, reply.body
    assert set(reply.body) == {"code", "message", "data", "error"}
    assert (reply.body["code"], reply.body["error"]) == (code, True), reply.body
    assert reply.body["data"] is None
    assert isinstance(reply.body["message"], str)


def test_demo_data_has_a_moved_account_on_request() -> None:
    (classic,) = demo_data().users
    data = demo_data(moved_user=True)
    demo, moved = data.users
    assert (demo.username, demo.moved, demo.bindings) == (
        DEMO_USERNAME,
        False,
        classic.bindings,
    )
    assert (demo.groups[0].id, len(demo.scenes)) == (LIVING_LIGHTS_GROUP_ID, 2)
    assert (moved.uid, moved.username, moved.email) == (
        DEMO_MOVED_UID,
        DEMO_MOVED_USERNAME,
        DEMO_MOVED_EMAIL,
    )
    assert moved.moved
    assert moved.password == DEMO_MOVED_PASSWORD
    assert list(moved.bindings) == list(demo.bindings)
    assert set(moved.bindings.values()) == {"normal"}
    assert (moved.groups, moved.scenes) == ([], [])


async def test_moved_account_needs_the_new_login(api: Api) -> None:
    (await api.login(DEMO_MOVED_USERNAME, DEMO_MOVED_PASSWORD)).error(9026, 403)
    (await api.login(DEMO_MOVED_EMAIL, DEMO_MOVED_PASSWORD)).error(9026, 403)
    assert (await api.login(DEMO_USERNAME)).status == 200


@pytest.mark.parametrize("account", [DEMO_MOVED_EMAIL, DEMO_MOVED_USERNAME])
async def test_aep_login(api: Api, account: str) -> None:
    reply = await aep_login(api, aep_body(account))
    data = aep_data(reply)
    assert reply.body["message"]
    assert set(data) == {
        "userToken",
        "uid",
        "userId",
        "refreshToken",
        "createdAt",
        "expiredAt",
        "jwtAuthenticationDto",
    }
    assert data["uid"] == DEMO_MOVED_UID
    assert isinstance(data["userId"], int)
    assert data["userToken"] == data["jwtAuthenticationDto"]["token"]
    assert data["userToken"].count(".") == 2
    assert HEX32.match(data["refreshToken"])
    assert abs(data["createdAt"] - time.time()) < 5
    assert data["expiredAt"] - data["createdAt"] == 180 * 86400
    token = api.sim.tokens[data["userToken"]]
    assert (token.uid, token.app_id, token.kind) == (DEMO_MOVED_UID, DEMO_APP_ID, "aep")
    again = aep_data(await aep_login(api, aep_body(account)))
    assert again["userToken"] != data["userToken"]
    assert again["refreshToken"] != data["refreshToken"]


@pytest.mark.parametrize(
    ("numeric", "ok", "no_user", "password"),
    [
        (False, "200", "1000000", "1000033"),
        (True, 200, 1000000, 1000033),
    ],
)
async def test_aep_login_failures_with_string_or_number_codes(
    api: Api, numeric: bool, ok: int | str, no_user: int | str, password: int | str
) -> None:
    api.sim.aep.numeric_codes = numeric
    aep_error(await aep_login(api, aep_body("nobody@example.com")), no_user)
    # An account that did not move is unknown to the new login.
    aep_error(await aep_login(api, aep_body(DEMO_USERNAME, DEMO_PASSWORD)), no_user)
    aep_error(await aep_login(api, aep_body(password="wrong")), password)
    aep_data(await aep_login(api), ok)


async def test_aep_login_refuses_a_bad_app_or_body(api: Api) -> None:
    aep_error(await aep_login(api, app_id="someone-elses-app"), "1000001")
    aep_error(await aep_login(api, aep_body(app_key="someone-elses-app")), "1000001")
    aep_error(await aep_login(api, {**aep_body(), "version": "2.0"}), "400")
    aep_error(await aep_login(api, {**aep_body(), "data": None}), "400")
    aep_error(await aep_login(api, {**aep_body(), "data": {"password": "x"}}), "400")
    aep_error(await aep_login(api, ["not", "an", "object"]), "400")
    no_refresh = aep_data(await aep_login(api, aep_body(refresh=False)))
    assert no_refresh["refreshToken"] is None
    assert api.sim.aep.refresh_tokens == {}


async def test_aep_token_works_on_the_open_api(api: Api) -> None:
    data = aep_data(await aep_login(api))
    moved = Api(api.session, api.sim, data["userToken"])
    bindings = (await moved.get("/app/bindings")).body["devices"]
    assert [d["did"] for d in bindings] == list(api.sim.user().bindings)
    assert {d["role"] for d in bindings} == {"normal"}
    assert (await moved.control(LIVING_AC_DID, {"switch": False})).status == 200
    assert (await moved.latest(LIVING_AC_DID))["switch"] == 0
    assert (await moved.get(f"/app/devices/{TV_PLUG_DID}")).status == 200
    # In Authorization instead of X-Gizwits-User-token it is no token at all.
    async with api.session.get(
        f"{api.sim.url}/app/bindings",
        headers={
            "X-Gizwits-Application-Id": DEMO_APP_ID,
            "Authorization": data["userToken"],
        },
    ) as response:
        assert (response.status, (await response.json())["error_code"]) == (401, 9004)
    api.sim.expire_tokens()
    (await moved.get("/app/bindings")).error(9006, 401)


async def test_aep_tokens_can_differ_and_live_as_set(api: Api) -> None:
    api.sim.aep.distinct_jwt = True
    api.sim.aep.token_lifetime = timedelta(hours=1)
    data = aep_data(await aep_login(api))
    user_token, jwt = data["userToken"], data["jwtAuthenticationDto"]["token"]
    assert user_token != jwt
    assert data["expiredAt"] - data["createdAt"] == 3600
    for token in (user_token, jwt):
        assert (await api.get("/app/bindings", token=token)).status == 200
        assert aep_data(await aep_devices(api, token))
    session = api.sim.aep.issue()
    assert session.token != session.jwt
    assert session.refresh_token in api.sim.aep.refresh_tokens


async def test_aep_refresh(api: Api) -> None:
    data = aep_data(await aep_login(api))
    api.sim.expire_tokens()
    body = {
        "appKey": DEMO_APP_ID,
        "version": "1.0",
        "data": {
            "clientId": DEMO_APP_ID,
            "refresh": True,
            "refresh_token": data["refreshToken"],
        },
    }
    fresh = aep_data(await api.post(AEP_REFRESH_PATH, body, token=None))
    assert set(fresh) == {"token", "refresh_token", "created_at", "expired_at"}
    assert fresh["expired_at"] - fresh["created_at"] == 180 * 86400
    assert fresh["refresh_token"] != data["refreshToken"]
    assert (await api.get("/app/bindings", token=fresh["token"])).status == 200
    assert aep_data(await aep_devices(api, fresh["token"]))
    # A refresh token works once; the bare (unwrapped) body is read too.
    aep_error(await api.post(AEP_REFRESH_PATH, body, token=None), "526")
    bare = {"clientId": DEMO_APP_ID, "refresh": True}
    again = await api.post(
        AEP_REFRESH_PATH, {**bare, "refresh_token": fresh["refresh_token"]}, token=None
    )
    assert aep_data(again)["token"] != fresh["token"]
    refresh_token = aep_data(again)["refresh_token"]
    bad_app = {**bare, "clientId": "other", "refresh_token": refresh_token}
    aep_error(await api.post(AEP_REFRESH_PATH, bad_app, token=None), "1000001")
    no_refresh = {**bare, "refresh": False, "refresh_token": refresh_token}
    aep_error(await api.post(AEP_REFRESH_PATH, no_refresh, token=None), "400")
    aep_error(await api.post(AEP_REFRESH_PATH, [1], token=None), "400")


async def test_aep_refresh_can_be_unavailable(api: Api) -> None:
    data = aep_data(await aep_login(api))
    api.sim.aep.refresh_available = False
    body = {"clientId": DEMO_APP_ID, "refresh": True, "refresh_token": "x"}
    async with api.session.post(
        f"{api.sim.url}{AEP_REFRESH_PATH}", json=body
    ) as response:
        assert response.status == 404
    assert data["refreshToken"] in api.sim.aep.refresh_tokens


async def test_aep_device_list(api: Api) -> None:
    token = aep_data(await aep_login(api))["userToken"]
    devices = aep_data(await aep_devices(api, token))
    assert [d["did"] for d in devices] == list(api.sim.user().bindings)
    assert all(
        set(d)
        == {"did", "productKey", "mac", "name", "remark", "userId", "onlineStatus"}
        for d in devices
    )
    by_did = {d["did"]: d for d in devices}
    assert by_did[BEDROOM_AC_DID]["onlineStatus"] == 0
    assert by_did[LIVING_AC_DID]["onlineStatus"] == 1
    assert by_did[LIVING_AC_DID]["name"] == "客厅空调"
    assert by_did[PET_HOUSE_DID]["name"] == PET_HOUSE.name  # no alias
    assert by_did[PET_HOUSE_DID]["productKey"] == PET_HOUSE.product_key
    api.sim.device(TV_PLUG_DID).disabled = True
    assert len(aep_data(await aep_devices(api, token))) == 9
    aep_error(await aep_devices(api, token, version=None), "400")
    aep_error(await aep_devices(api, f"Bearer {token}"), "526")
    aep_error(await aep_devices(api, None), "526")
    aep_error(await aep_devices(api, api.token), "526")  # a classic token
    api.sim.aep.numeric_codes = True
    api.sim.expire_tokens()
    aep_error(await aep_devices(api, token), 505)


async def test_bindings_can_refuse_aep_tokens(api: Api) -> None:
    token = aep_data(await aep_login(api))["userToken"]
    assert (await api.get("/app/bindings", token=token)).status == 200
    api.sim.aep.bindings_refused = True
    reply = await api.get("/app/bindings", token=token)
    reply.error(9026, 404)
    assert (await api.get("/app/bindings")).status == 200  # classic tokens still work
    assert (await api.get(f"/app/devices/{TV_PLUG_DID}", token=token)).status == 200
    assert aep_data(await aep_devices(api, token))


# --- The app WebSocket ---------------------------------------------------------------

LIVING_AC_PUSHED = {
    "switch": True,
    "mode": "制冷",
    "fan_speed": "自动",
    "fan_swing": False,
    "set_temp": 26,
    "room_temp": 28,
    "on_timing": 0,
    "off_timing": 0,
    "alert_full": False,
    "alert_shutdown": False,
    "fault_roomtemp": False,
    "status_code": [0x00, 0x00, 0xA1, 0xB2],
}


class FakeClock:
    """A monotonic clock a test moves by hand."""

    def __init__(self) -> None:
        """Start at 1000 s."""
        self.now = 1000.0

    def __call__(self) -> float:
        """Return the time."""
        return self.now


@dataclass
class AppWs:
    """A test app socket on the simulator."""

    ws: aiohttp.ClientWebSocketResponse

    async def send(self, cmd: str, data: Any = None, **top: Any) -> None:
        """Send one frame (top: fields beside cmd and data, e.g. req_sn)."""
        frame: dict[str, Any] = {"cmd": cmd, **top}
        if data is not None:
            frame["data"] = data
        await self.ws.send_json(frame)

    async def message(self) -> aiohttp.WSMessage:
        """Return the next message of any type."""
        async with asyncio.timeout(5):
            return await self.ws.receive()

    async def receive(self) -> dict[str, Any]:
        """Return the next frame."""
        message = await self.message()
        assert message.type is aiohttp.WSMsgType.TEXT, message
        frame: dict[str, Any] = json.loads(message.data)
        return frame

    async def sync(self) -> list[dict[str, Any]]:
        """Ping; return every frame that arrived before the pong."""
        await self.send("ping")
        frames = []
        while (frame := await self.receive())["cmd"] != "pong":
            frames.append(frame)
        return frames

    async def login(self, token: str, uid: str = DEMO_UID, **options: Any) -> bool:
        """Log in (auto_subscribe false unless given); return success."""
        data = {
            "appid": DEMO_APP_ID,
            "uid": uid,
            "token": token,
            "p0_type": "attrs_v4",
            "heartbeat_interval": 180,
            "auto_subscribe": False,
            **options,
        }
        await self.send("login_req", data)
        reply = await self.receive()
        assert reply["cmd"] == "login_res"
        assert set(reply["data"]) == {"success"}
        success: bool = reply["data"]["success"]
        return success

    async def subscribe(self, *dids: str) -> dict[str, Any]:
        """Subscribe dids; return subscribe_res's data."""
        await self.send("subscribe_req", [{"did": did} for did in dids])
        reply = await self.receive()
        assert reply["cmd"] == "subscribe_res"
        data: dict[str, Any] = reply["data"]
        return data


type Connect = Callable[..., Awaitable[AppWs]]


@pytest.fixture
async def connect(
    session: aiohttp.ClientSession, sim: GizwitsSimulator
) -> AsyncIterator[Connect]:
    """Return a function that opens an app socket (default: the simulator's URL)."""
    opened: list[aiohttp.ClientWebSocketResponse] = []

    async def open_socket(url: str | None = None) -> AppWs:
        """Open one socket."""
        ws = await session.ws_connect(url or f"{sim.url}{WS_PATH}")
        opened.append(ws)
        return AppWs(ws)

    yield open_socket
    for ws in opened:
        await ws.close()


@pytest.fixture
async def app_ws(api: Api, connect: Connect) -> AppWs:
    """Return a socket logged in as the demo user, subscribed to nothing."""
    sock = await connect()
    assert await sock.login(api.token)
    return sock


async def test_bindings_point_at_the_simulator_socket(api: Api) -> None:
    devices = (await api.get("/app/bindings")).body["devices"]
    port = int(api.sim.url.rsplit(":", 1)[1])
    assert {(d["host"], d["ws_port"], d["wss_port"]) for d in devices} == {
        ("127.0.0.1", port, 0)
    }
    details = (await api.get(f"/app/devices/{TV_PLUG_DID}")).body
    assert (details["host"], details["ws_port"], details["wss_port"]) == (
        "127.0.0.1",
        port,
        0,
    )
    api.sim.device(TV_PLUG_DID).host = "localhost"
    devices = (await api.get("/app/bindings")).body["devices"]
    hosts = sorted({(d["host"], d["ws_port"]) for d in devices})
    assert hosts == [("127.0.0.1", port), ("localhost", port)]
    # IPv4 only: the tests may reach 127.0.0.1, not ::1.
    connector = aiohttp.TCPConnector(family=socket.AF_INET)
    async with aiohttp.ClientSession(connector=connector) as ipv4:
        for host, ws_port in hosts:
            async with ipv4.ws_connect(f"ws://{host}:{ws_port}{WS_PATH}") as ws:
                assert await AppWs(ws).login(api.token)
                assert api.sim.push.open_sockets[-1].host == f"{host}:{ws_port}"
    assert [s.host for s in api.sim.push.sockets] == [
        f"127.0.0.1:{port}",
        f"localhost:{port}",
    ]


async def test_socket_login(api: Api, connect: Connect) -> None:
    sock = await connect()
    moved_token = api.sim.aep.issue().token
    refused: list[dict[str, Any]] = [
        {"appid": "someone-elses-app"},
        {"uid": "e" * 32},
        {"token": "0" * 32},
        {"token": moved_token},  # another user's token
        {"heartbeat_interval": 181},
        {"heartbeat_interval": 0},
        {"heartbeat_interval": "60"},
        {"p0_type": "attrs_v5"},
        {"auto_subscribe": "yes"},
    ]
    for options in refused:
        token = options.pop("token", api.token)
        uid = options.pop("uid", DEMO_UID)
        assert not await sock.login(token, uid, **options), (token, uid, options)
    await sock.send("login_req")
    assert (await sock.receive())["data"] == {"success": False}
    assert await sock.login(api.token)
    assert await sock.login(moved_token, DEMO_MOVED_UID)  # an AEP token
    logins = api.sim.push.logins
    assert [login.success for login in logins] == [False] * 10 + [True, True]
    assert logins[-1].uid == DEMO_MOVED_UID
    assert api.sim.push.sockets[0].login == logins[-1]
    assert api.sim.push.sockets[0].cmds == ["login_req"] * 12


async def test_frames_without_a_login_answer_1009(api: Api, connect: Connect) -> None:
    sock = await connect()
    await sock.send("subscribe_req", [{"did": TV_PLUG_DID}])
    invalid = await sock.receive()
    assert invalid["cmd"] == "s2c_invalid_msg"
    assert invalid["data"]["error_code"] == 1009
    assert isinstance(invalid["data"]["msg"], str)
    await sock.send("ping")
    assert (await sock.receive())["cmd"] == "pong"
    assert (await sock.receive())["data"]["error_code"] == 1009
    assert not await sock.login("nope")
    await sock.send("c2s_read", {"did": TV_PLUG_DID})
    assert (await sock.receive())["data"]["error_code"] == 1009


async def test_subscribe_and_push_on_rest_control(
    api: Api, app_ws: AppWs, connect: Connect
) -> None:
    api.sim.add_device(
        Device("NotMine0000000000000001", SMART_PLUG.product_key, "x"), bind_to=None
    )
    assert (await app_ws.sync()) == []
    result = await app_ws.subscribe(
        LIVING_AC_DID, "NoSuchDevice00000000000", "NotMine0000000000000001"
    )
    assert result == {
        "success": [{"did": LIVING_AC_DID, "error_code": 0, "msg": "ok"}],
        "failed": [
            {
                "did": "NoSuchDevice00000000000",
                "error_code": 9014,
                "msg": "device not found!",
            },
            {
                "did": "NotMine0000000000000001",
                "error_code": 9017,
                "msg": "device not bound!",
            },
        ],
    }
    other = await connect()
    assert await other.login(api.token)
    assert (await api.control(LIVING_AC_DID, {"switch": False})).status == 200
    noti = await app_ws.receive()
    assert noti == {
        "cmd": "s2c_noti",
        "data": {"did": LIVING_AC_DID, "attrs": {**LIVING_AC_PUSHED, "switch": False}},
    }
    await api.control(TV_PLUG_DID, {"switch": False})  # not subscribed
    assert await app_ws.sync() == []
    assert await other.sync() == []  # logged in, subscribed to nothing
    assert api.sim.push.sockets[0].subscriptions == [LIVING_AC_DID]


async def test_auto_subscribe_and_every_kind_of_change(
    api: Api, connect: Connect
) -> None:
    sock = await connect()
    assert await sock.login(api.token, auto_subscribe=True)
    assert api.sim.push.sockets[0].subscriptions == list(api.sim.user().bindings)
    api.sim.set_attr(TV_PLUG_DID, "power", 99.5)
    noti = await sock.receive()
    assert noti["data"]["did"] == TV_PLUG_DID
    assert noti["data"]["attrs"]["power"] == 99.5
    assert noti["data"]["attrs"]["switch"] is True
    assert (
        await api.post(
            f"/app/group/{LIVING_LIGHTS_GROUP_ID}/control", {"attrs": {"power": True}}
        )
    ).status == 200
    lamps = [await sock.receive(), await sock.receive()]
    assert [n["data"]["did"] for n in lamps] == [CEILING_LAMP_DID, FLOOR_LAMP_DID]
    assert all(n["data"]["attrs"]["power"] is True for n in lamps)
    assert (await api.post(f"/app/scene/{HOME_SCENE_ID}/task")).status == 200
    await api.sim.wait_background()
    scene = await sock.sync()
    assert [n["data"]["did"] for n in scene] == [
        CEILING_LAMP_DID,
        FLOOR_LAMP_DID,
        LIVING_AC_DID,
    ]
    await run_demo_activity(api.sim, 0, rounds=1)
    activity = await sock.sync()
    assert [(f["cmd"], f["data"]["did"]) for f in activity] == [
        ("s2c_noti", TV_PLUG_DID),
        ("s2c_noti", PET_HOUSE_DID),
        ("s2c_noti", FLOOR_LAMP_DID),
        ("s2c_online_status", BEDROOM_AC_DID),
        ("s2c_noti", TV_PLUG_DID),
        ("s2c_noti", PET_HOUSE_DID),
        ("s2c_noti", FLOOR_LAMP_DID),
        ("s2c_online_status", BEDROOM_AC_DID),
    ]
    assert activity[0]["data"]["attrs"]["power"] == 120.5
    assert activity[4]["data"]["attrs"]["power"] == 85.3
    assert api.sim.device(BEDROOM_AC_DID).online is False


async def test_partial_attrs(api: Api, app_ws: AppWs) -> None:
    api.sim.push.full_attrs = False
    await app_ws.subscribe(LIVING_AC_DID)
    api.sim.set_attr(LIVING_AC_DID, "room_temp", 31)
    assert (await app_ws.receive())["data"] == {
        "did": LIVING_AC_DID,
        "attrs": {"room_temp": 31},
    }
    await api.control(LIVING_AC_DID, {"mode": 2, "fan_swing": True})
    assert (await app_ws.receive())["data"]["attrs"] == {
        "mode": "制热",
        "fan_swing": True,
    }


async def test_c2s_read(api: Api, app_ws: AppWs, connect: Connect) -> None:
    other = await connect()
    assert await other.login(api.token)
    await other.subscribe(LIVING_AC_DID)
    await app_ws.subscribe(LIVING_AC_DID)
    await app_ws.send("c2s_read", {"did": LIVING_AC_DID}, req_sn=7)
    assert await app_ws.receive() == {
        "cmd": "s2c_noti",
        "res_sn": 7,
        "data": {"did": LIVING_AC_DID, "attrs": LIVING_AC_PUSHED},
    }
    heard = await other.receive()  # the device's report reaches every subscriber
    assert "res_sn" not in heard
    assert heard["data"]["attrs"] == LIVING_AC_PUSHED
    # Fixed-length data points: names are ignored, every datapoint comes back.
    await app_ws.send("c2s_read", {"did": LIVING_AC_DID, "names": ["mode"]})
    assert (await app_ws.receive())["data"]["attrs"] == LIVING_AC_PUSHED
    api.sim.push.full_attrs = False
    await app_ws.send("c2s_read", {"did": LIVING_AC_DID, "names": ["mode"]}, req_sn=8)
    answer = await app_ws.receive()
    assert (answer["res_sn"], answer["data"]["attrs"]) == (8, {"mode": "制冷"})
    await app_ws.send("c2s_read", {"did": LIVING_AC_DID}, req_sn=9)
    assert (await app_ws.receive())["data"]["attrs"] == LIVING_AC_PUSHED
    # The balcony plug never reported: a read makes it report its state.
    await app_ws.subscribe(BALCONY_PLUG_DID)
    await app_ws.send("c2s_read", {"did": BALCONY_PLUG_DID})
    assert (await app_ws.receive())["data"]["attrs"]["switch"] is False
    assert (await api.latest(BALCONY_PLUG_DID))["switch"] == 0
    for did, code in (
        (BEDROOM_AC_DID, 9042),
        ("NoSuchDevice00000000000", 9014),
    ):
        await app_ws.send("c2s_read", {"did": did})
        assert (await app_ws.receive())["data"]["error_code"] == code
    await app_ws.send("c2s_read", {"did": LIVING_AC_DID}, req_sn="7")
    assert (await app_ws.receive())["data"]["error_code"] == 9015


async def test_c2s_write(api: Api, app_ws: AppWs) -> None:
    await app_ws.subscribe(LIVING_AC_DID)
    attrs = {"switch": False, "mode": "制热", "set_temp": 20}
    await app_ws.send("c2s_write", {"did": LIVING_AC_DID, "attrs": attrs}, req_sn=3)
    answer = await app_ws.receive()
    assert answer["res_sn"] == 3
    assert answer["data"]["attrs"] == {**LIVING_AC_PUSHED, **attrs}
    latest = await api.latest(LIVING_AC_DID)
    assert (latest["switch"], latest["mode"], latest["set_temp"]) == (0, "制热", 20)
    assert api.sim.controls == [(LIVING_AC_DID, attrs)]
    refused = [
        ({"mode": 2}, 9025),  # the WebSocket takes the enum's label
        ({"set_temp": 31}, 9025),
        ({"room_temp": 20}, 9025),  # read-only
        ({"nope": 1}, 9025),
        ({}, 9015),
    ]
    for bad, code in refused:
        await app_ws.send("c2s_write", {"did": LIVING_AC_DID, "attrs": bad})
        invalid = await app_ws.receive()
        assert invalid["cmd"] == "s2c_invalid_msg"
        assert invalid["data"]["error_code"] == code, bad
    await app_ws.send("c2s_write", {"did": BEDROOM_AC_DID, "attrs": {"switch": True}})
    assert (await app_ws.receive())["data"]["error_code"] == 9042
    api.sim.device(TV_PLUG_DID).disabled = True
    await app_ws.send("c2s_write", {"did": TV_PLUG_DID, "attrs": {"switch": True}})
    assert (await app_ws.receive())["data"]["error_code"] == 9023
    await app_ws.send("c2s_write", {"did": DESK_LAMP_DID, "attrs": {"switch": False}})
    assert await app_ws.sync() == []  # changed, but not subscribed: nothing heard
    assert (await api.latest(DESK_LAMP_DID))["switch"] == 0
    assert len(api.sim.controls) == 2


def test_binary_values_on_the_websocket() -> None:
    datapoint = Datapoint(0, "blob", "数据", "status_writable", "binary", length=2)
    assert datapoint.pushed(b"\x01\xff") == [1, 255]
    assert datapoint.from_push([1, 255]) == b"\x01\xff"
    for bad in ([1], [1, 256], "01ff", [True, 1]):
        with pytest.raises(ValueError):
            datapoint.from_push(bad)


async def test_server_req_sn_and_acks(api: Api, app_ws: AppWs) -> None:
    api.sim.push.server_req_sn = True
    await app_ws.subscribe(TV_PLUG_DID)
    api.sim.set_attr(TV_PLUG_DID, "power", 10.5)
    api.sim.set_attr(TV_PLUG_DID, "power", 11.5)
    first, second = await app_ws.receive(), await app_ws.receive()
    assert (first["req_sn"], second["req_sn"]) == (1, 2)
    await app_ws.send("c2s_read", {"did": TV_PLUG_DID}, req_sn=50)
    answer = await app_ws.receive()
    assert answer["res_sn"] == 50
    assert "req_sn" not in answer
    sock = api.sim.push.sockets[0]
    assert sock.unacked == {1: TV_PLUG_DID, 2: TV_PLUG_DID}
    await app_ws.ws.send_json({"cmd": "c2s_ack", "res_sn": 1, "did": TV_PLUG_DID})
    await app_ws.ws.send_json({"cmd": "c2s_ack", "data": {"res_sn": 2}})
    assert (await app_ws.receive())["data"]["error_code"] == 9015
    assert await app_ws.sync() == []
    assert api.sim.push.acks == [(1, 1, TV_PLUG_DID)]
    assert sock.unacked == {2: TV_PLUG_DID}


@pytest.mark.parametrize("field", ["online", "is_online"])
async def test_online_status(api: Api, app_ws: AppWs, field: str) -> None:
    api.sim.push.online_field = field
    await app_ws.subscribe(BEDROOM_AC_DID)
    api.sim.set_online(BEDROOM_AC_DID, True)
    api.sim.set_online(BEDROOM_AC_DID, True)  # no change, no message
    api.sim.set_online(TV_PLUG_DID, False)  # not subscribed
    device = api.sim.device(BEDROOM_AC_DID)
    assert await app_ws.sync() == [
        {
            "cmd": "s2c_online_status",
            "data": {
                "did": BEDROOM_AC_DID,
                "mac": device.mac,
                "passcode": device.passcode,
                field: True,
            },
        }
    ]


async def test_binding_changed(api: Api, app_ws: AppWs, connect: Connect) -> None:
    moved = await connect()
    assert await moved.login(api.sim.aep.issue().token, DEMO_MOVED_UID)
    await app_ws.subscribe(CEILING_LAMP_DID)
    api.sim.unbind(CEILING_LAMP_DID)
    assert await app_ws.receive() == {
        "cmd": "s2c_binding_changed",
        "data": {"did": CEILING_LAMP_DID, "bind": False},
    }
    assert api.sim.push.sockets[0].subscriptions == []
    api.sim.set_attr(CEILING_LAMP_DID, "brightness", 10)
    api.sim.unbind(CEILING_LAMP_DID)  # not bound any more: nothing to tell
    assert await app_ws.sync() == []
    api.sim.bind(CEILING_LAMP_DID)
    assert (await app_ws.receive())["data"] == {"did": CEILING_LAMP_DID, "bind": True}
    assert await moved.sync() == []  # the other user's bindings did not change


async def test_expired_token_answers_1009(api: Api, app_ws: AppWs) -> None:
    await app_ws.subscribe(TV_PLUG_DID)
    api.sim.expire_tokens()
    api.sim.set_attr(TV_PLUG_DID, "power", 1.5)  # not pushed any more
    await app_ws.send("subscribe_req", [{"did": TV_PLUG_DID}])
    assert (await app_ws.receive())["data"]["error_code"] == 1009
    assert api.sim.push.sockets[0].login is None
    fresh = (await api.login(DEMO_USERNAME)).body["token"]
    assert await app_ws.login(fresh)
    assert await app_ws.sync() == []


async def test_heartbeat_is_enforced_by_the_clock(api: Api, connect: Connect) -> None:
    clock = FakeClock()
    api.sim.push.clock = clock
    api.sim.push.auto_check = False
    idle, pinging = await connect(), await connect()
    clock.now += 179
    assert api.sim.push.check_heartbeats() == []
    assert await idle.login(api.token, heartbeat_interval=60)
    assert await pinging.login(api.token, heartbeat_interval=60)
    clock.now += 59
    assert api.sim.push.check_heartbeats() == []
    await pinging.sync()
    clock.now += 1  # exactly 60 s after the idle socket's login: too late
    assert api.sim.push.check_heartbeats() == [api.sim.push.sockets[0]]
    closed = await idle.message()
    assert (closed.type, closed.data) == (aiohttp.WSMsgType.CLOSE, 1000)
    assert closed.extra == "heartbeat timeout"
    assert api.sim.push.open_sockets == [api.sim.push.sockets[1]]
    clock.now += 58
    assert api.sim.push.check_heartbeats() == []
    assert await pinging.sync() == []
    never = await connect()
    clock.now += 180
    assert api.sim.push.check_heartbeats() == api.sim.push.sockets[1:]
    assert (await never.message()).type is aiohttp.WSMsgType.CLOSE


async def test_the_background_check_uses_the_clock(api: Api, connect: Connect) -> None:
    clock = FakeClock()
    api.sim.push.clock = clock
    sock = await connect()
    assert await sock.login(api.token, heartbeat_interval=30)
    clock.now += 30
    closed = await sock.message()  # the background check runs every second
    assert (closed.type, closed.data) == (aiohttp.WSMsgType.CLOSE, 1000)


async def test_drop_every_socket(api: Api, connect: Connect) -> None:
    first, second = await connect(), await connect()
    assert api.sim.push.drop() == 2
    for sock in (first, second):
        closed = await sock.message()
        assert (closed.type, closed.data) == (aiohttp.WSMsgType.CLOSE, 1001)
    assert api.sim.push.open_sockets == []
    third = await connect()
    assert await third.login(api.token)
    assert api.sim.push.drop(abrupt=True) == 1
    assert (await third.message()).type in (
        aiohttp.WSMsgType.CLOSED,
        aiohttp.WSMsgType.ERROR,
    )
    assert api.sim.push.drop() == 0


async def test_sockets_can_be_refused(api: Api, connect: Connect) -> None:
    api.sim.push.refuse = True
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await connect()
    assert refused.value.status == 503
    assert api.sim.push.sockets == []
    api.sim.push.refuse = False
    assert await (await connect()).login(api.token)
    async with api.session.get(f"{api.sim.url}{WS_PATH}") as response:
        assert response.status == 400  # no upgrade asked


async def test_invalid_frames(api: Api, app_ws: AppWs, connect: Connect) -> None:
    await app_ws.ws.send_str("not json")
    await app_ws.ws.send_json(["no", "cmd"])
    await app_ws.send("c2s_fly")
    await app_ws.ws.send_bytes(b"\x00")
    await app_ws.send("subscribe_req", {"did": TV_PLUG_DID})
    await app_ws.send("c2s_write", {"attrs": {"switch": True}})
    frames = await app_ws.sync()
    assert [f["data"]["error_code"] for f in frames] == [9015] * 6
    assert api.sim.push.sockets[0].cmds == [
        "login_req",
        None,
        None,
        "c2s_fly",
        None,
        "subscribe_req",
        "c2s_write",
        "ping",
    ]
    custom = await connect()
    assert await custom.login(api.token, p0_type="custom", auto_subscribe=True)
    await custom.send("c2s_read", {"did": TV_PLUG_DID})
    assert (await custom.receive())["data"]["error_code"] == 9015
    api.sim.set_attr(TV_PLUG_DID, "power", 2.5)  # no s2c_noti with p0_type custom
    api.sim.set_online(TV_PLUG_DID, False)
    assert [f["cmd"] for f in await custom.sync()] == ["s2c_online_status"]


async def test_c2s_raw_is_recorded(api: Api, app_ws: AppWs) -> None:
    raw = [0, 0, 0, 3, 4, 0, 0, 144, 1]
    await app_ws.send("c2s_raw", {"did": TV_PLUG_DID, "raw": raw})
    await app_ws.send("c2s_raw", {"did": TV_PLUG_DID, "raw": [256]})
    await app_ws.send("c2s_raw", {"did": BEDROOM_AC_DID, "raw": raw})
    frames = await app_ws.sync()
    assert [f["data"]["error_code"] for f in frames] == [9015, 9042]
    assert api.sim.raw_controls == [(TV_PLUG_DID, bytes(raw))]


async def test_stopping_cuts_open_sockets(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    sim = GizwitsSimulator()
    await sim.start()
    ws = await session.ws_connect(f"{sim.url}{WS_PATH}")
    sock = AppWs(ws)
    assert await sock.login(sim.issue_token().token)
    await sim.stop()
    assert (await sock.message()).type in (
        aiohttp.WSMsgType.CLOSED,
        aiohttp.WSMsgType.ERROR,
    )
    await ws.close()
