"""Tests of the Gizwits Open API simulator itself, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
import json
import re
import time
from typing import Any

import aiohttp
import pytest

from simulator.__main__ import VENDORS, build_parser, serve
from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import (
    AIR_CONDITIONER,
    ALL_DEVICES_GROUP_ID,
    AWAY_SCENE_ID,
    BALCONY_PLUG_DID,
    BEDROOM_AC_DID,
    CEILING_LAMP_DID,
    DEMO_APP_ID,
    DEMO_EMAIL,
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
    SMART_PLUG,
    TV_PLUG_DID,
    demo_data,
    generated_data,
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
    assert len(devices) == 8
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
    assert len((await api.get("/app/bindings")).body["devices"]) == 7


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
    assert len((await api.get("/app/bindings")).body["devices"]) == 9


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
    assert len(mixed) == 8
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
    api.sim.throttle = (3, 0.5)
    for _ in range(3):
        assert (await api.get("/app/group")).status == 200
    reply = await api.get(f"/app/devdata/{TV_PLUG_DID}/latest")
    reply.error(9041, 429)
    assert reply.headers["Retry-After"] == "1"
    await asyncio.sleep(0.55)
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
    api.sim.faults.add("latency", seconds=0.2)
    start = time.monotonic()
    assert (await api.get("/app/group")).status == 200
    assert time.monotonic() - start >= 0.2


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
    assert len(first.devices) == 8
    assert all(DID.match(d.did) for d in first.devices)
    assert len({d.mac for d in first.devices}) == 8
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
    start = time.perf_counter()
    data = generated_data(200)
    assert time.perf_counter() - start < 0.5
    assert len(data.devices) == 200
    assert len({d.did for d in data.devices}) == 200
    assert len({d.mac for d in data.devices}) == 200
    assert all(DID.match(d.did) for d in data.devices)
    assert [d.did for d in data.devices] == [d.did for d in generated_data(200).devices]
    async with GizwitsSimulator(data) as sim:
        api = Api(session, sim, sim.issue_token().token)
        start = time.perf_counter()
        page = await api.get("/app/bindings", params={"limit": 100, "skip": 100})
        latest = await asyncio.gather(
            *(api.latest(d["did"]) for d in page.body["devices"])
        )
        elapsed = time.perf_counter() - start
        assert len(latest) == 100
        assert sum(1 for attr in latest if not attr) == 4
        groups = (await api.get("/app/group")).body
        assert len(groups) == 5
        assert all(g["product_key"] for g in groups)
        scene = (await api.get("/app/scene")).body[0]
        assert (await api.post(f"/app/scene/{scene['id']}/task")).status == 200
        await sim.wait_background()
        assert sim.scene_runs[0].status in (1, 2)
    assert elapsed < 5


def test_cli_options() -> None:
    args = build_parser().parse_args([])
    assert args.gizwits_port == 8302
    assert not args.gizwits_no_super_app
    assert args.gizwits_token_lifetime == 7 * 86400
    args = build_parser().parse_args(
        ["--gizwits-no-super-app", "--gizwits-app-id", "a", "--gizwits-app-id", "b"]
    )
    assert args.gizwits_no_super_app
    assert args.gizwits_app_ids == ["a", "b"]


async def test_cli_serves_gizwits(
    socket_enabled: None, capsys: pytest.CaptureFixture[str]
) -> None:
    args = build_parser().parse_args(["--gizwits-port", "0", "--gizwits-no-super-app"])
    for vendor in VENDORS:
        if vendor.key != "gizwits":
            setattr(args, f"{vendor.key.replace('-', '_')}_port", -1)
    task = asyncio.ensure_future(serve(args))
    output = ""
    while "Press Ctrl-C" not in output and not task.done():
        await asyncio.sleep(0.01)
        output += capsys.readouterr().out
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert "Gizwits simulator   http://127.0.0.1:" in output
    assert DEMO_APP_ID in output
    assert "super AppID: no" in output
    assert DEMO_PASSWORD in output
    assert DEMO_EMAIL in output
