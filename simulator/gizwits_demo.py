"""Deterministic Gizwits data: the demo home and generated accounts for benchmarks."""

# ruff: noqa: RUF001  (Chinese display names and remarks use full-width punctuation)

from __future__ import annotations

import asyncio
import hashlib
import itertools
import logging
import time
from typing import TYPE_CHECKING, Any

from .gizwits_model import (
    ALERT,
    FAULT,
    READONLY,
    WRITABLE,
    Datapoint,
    Device,
    GizwitsData,
    Group,
    Product,
    Scenario,
    SceneTask,
    UintSpec,
    User,
)

if TYPE_CHECKING:
    from .gizwits import GizwitsSimulator

_LOGGER = logging.getLogger(__name__)

DEMO_APP_ID = "cloud-bridge-demo-app"
DEMO_USERNAME = "demo"
DEMO_EMAIL = "demo@example.com"
DEMO_PHONE = "13800000000"
DEMO_PASSWORD = "demo-password"  # noqa: S105 - the documented demo credential
DEMO_UID = hashlib.md5(b"cloud-bridge-demo-user", usedforsecurity=False).hexdigest()
# A second demo account that Gizwits moved to its newer app login ("AEP"): the classic
# login answers 9026 for it, POST /app/smart_home/login/pwd signs it in.
DEMO_MOVED_USERNAME = "demo-moved"
DEMO_MOVED_EMAIL = "moved@example.com"
DEMO_MOVED_PASSWORD = "moved-password"  # noqa: S105 - the documented demo credential
DEMO_MOVED_UID = hashlib.md5(
    b"cloud-bridge-moved-user", usedforsecurity=False
).hexdigest()

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _bool(i: int, name: str, display: str, kind: str = WRITABLE) -> Datapoint:
    """Return a bool datapoint."""
    return Datapoint(i, name, display, kind, "bool")


def _enum(i: int, name: str, display: str, labels: tuple[str, ...]) -> Datapoint:
    """Return a writable enum datapoint."""
    return Datapoint(i, name, display, WRITABLE, "enum", enum=labels)


def _uint(
    i: int,
    name: str,
    display: str,
    data_type: str,
    spec: UintSpec,
    *,
    kind: str = WRITABLE,
    unit: str | None = None,
) -> Datapoint:
    """Return a number datapoint (its unit, if any, written in desc)."""
    desc = f"单位：{unit}" if unit else "....."
    return Datapoint(i, name, display, kind, data_type, uint_spec=spec, desc=desc)


# The document's pet house (its datapoint example is LED_OnOff, kept as it is there).
PET_HOUSE = Product(
    "268162799f764b999f834b5a02eb894d",
    "宠物屋",
    [
        _bool(0, "LED_OnOff", "开启/关闭红色灯"),
        _bool(1, "Infrared", "红外探测", READONLY),
        _uint(
            2,
            "Temperature",
            "温度",
            "uint8",
            UintSpec(0, 63, 1, -13),
            kind=READONLY,
            unit="℃",
        ),
        _bool(3, "Alert_1", "报警1", ALERT),
        _bool(4, "Fault_LED", "LED故障", FAULT),
    ],
)
# The air conditioner of the document's devdata example.
AIR_CONDITIONER = Product(
    "a3c9e1f0b6d24f7e8c5a9b2d7e4f1c06",
    "空调",
    [
        _bool(0, "switch", "开关"),
        _enum(1, "mode", "模式", ("自动", "制冷", "制热", "送风", "除湿")),
        _enum(2, "fan_speed", "风速", ("低风", "中风", "高风", "自动")),
        _bool(3, "fan_swing", "摆风"),
        _uint(4, "set_temp", "设定温度", "uint8", UintSpec(16, 30), unit="℃"),
        _uint(
            5,
            "room_temp",
            "室内温度",
            "uint8",
            UintSpec(0, 100, 1, -30),
            kind=READONLY,
            unit="℃",
        ),
        _uint(6, "on_timing", "定时开机", "uint16", UintSpec(0, 1440), unit="分钟"),
        _uint(7, "off_timing", "定时关机", "uint16", UintSpec(0, 1440), unit="分钟"),
        _bool(8, "alert_full", "水满报警", ALERT),
        _bool(9, "alert_shutdown", "停机报警", ALERT),
        _bool(10, "fault_roomtemp", "室温传感器故障", FAULT),
        Datapoint(11, "status_code", "状态码", READONLY, "binary", length=4),
    ],
)
DIMMABLE_LAMP = Product(
    "5b1e8d2c9a7f4e3b8c6d1a2f9e7b4c30",
    "调光灯",
    [
        _bool(0, "power", "开关"),
        _uint(1, "brightness", "亮度", "uint8", UintSpec(0, 100), unit="%"),
        _uint(2, "color_temp", "色温", "uint16", UintSpec(0, 3800, 1, 2700), unit="K"),
    ],
)
COLOUR_LAMP = Product(
    "c8f2a6d4e1b94c7a8f3e2d6b9a1c5e72",
    "彩灯",
    [
        _bool(0, "switch", "开关"),
        _uint(1, "brightness", "亮度", "uint8", UintSpec(1, 255)),
        _uint(2, "R", "红", "uint8", UintSpec(0, 255)),
        _uint(3, "G", "绿", "uint8", UintSpec(0, 255)),
        _uint(4, "B", "蓝", "uint8", UintSpec(0, 255)),
    ],
)
SMART_PLUG = Product(
    "e6b4d2a8c1f94e3b7a5d8c2f6e9b1a43",
    "智能插座",
    [
        _bool(0, "switch", "开关"),
        _uint(
            1,
            "power",
            "功率",
            "uint16",
            UintSpec(0, 65535, 0.1),
            kind=READONLY,
            unit="W",
        ),
        _uint(
            2,
            "energy",
            "电量",
            "uint32",
            UintSpec(0, 99999999, 0.01),
            kind=READONLY,
            unit="kWh",
        ),
        _uint(
            3,
            "voltage",
            "电压",
            "uint16",
            UintSpec(0, 3000, 0.1),
            kind=READONLY,
            unit="V",
        ),
        _uint(
            4,
            "current",
            "电流",
            "uint16",
            UintSpec(0, 16000, 0.001),
            kind=READONLY,
            unit="A",
        ),
    ],
)
# A convector heater: its modes are presets (comfort, eco, frost protection), and
# its name (暖) says it heats.
HEATER = Product(
    "d4a7c1e9b3f2468a9c0e5b7d2f1a6c38",
    "电暖器",
    [
        _bool(0, "switch", "开关"),
        _enum(1, "mode", "模式", ("舒适", "节能", "防冻")),
        _uint(2, "set_temp", "设定温度", "uint8", UintSpec(10, 70, 0.5), unit="℃"),
        _uint(
            3,
            "room_temp",
            "室内温度",
            "uint16",
            UintSpec(0, 1000, 0.1, -20),
            kind=READONLY,
            unit="℃",
        ),
        _bool(4, "child_lock", "童锁"),
        _bool(5, "alert_overheat", "过热报警", ALERT),
    ],
)
# A fan made for an English-speaking market: twelve speeds, oscillation, breeze
# modes and a countdown.
TOWER_FAN = Product(
    "8e2b6f0a4c9d4173b5e1a7c3d9f0b264",
    "Tower Fan",
    [
        _bool(0, "power", "Power"),
        _uint(1, "speed", "Speed", "uint8", UintSpec(1, 12)),
        _bool(2, "oscillation", "Oscillation"),
        _enum(3, "mode", "Mode", ("Normal", "Natural", "Sleep")),
        _uint(4, "timer", "Timer", "uint16", UintSpec(0, 720), unit="min"),
    ],
)
PRODUCTS = (
    PET_HOUSE,
    AIR_CONDITIONER,
    DIMMABLE_LAMP,
    COLOUR_LAMP,
    SMART_PLUG,
    HEATER,
    TOWER_FAN,
)

PET_HOUSE_DID = "Xb9S4tQmLkP2vH7nRcW3dE"
LIVING_AC_DID = "WCWGkbS42tynzwx9brzpEa"  # the document's devdata example
BEDROOM_AC_DID = "Hq3JmZ8vNc5RtY2wKp7LbF"  # offline
CEILING_LAMP_DID = "p7VxL2nQ9eRk4TcZm8WbYs"
FLOOR_LAMP_DID = "Tn4Wq8ZcR2mKv6XbL9pJdG"
DESK_LAMP_DID = "e3MhY7kPq2WzN9cVb5RtLx"
TV_PLUG_DID = "Jc8RzV3mQ6nLw2TkX9bHfP"
BALCONY_PLUG_DID = "uK5pN8wRz3QmY7cLb2VtHd"  # never reported
STUDY_HEATER_DID = "Rk7mT2xQw9LbN4vZc8HpYd"
BEDROOM_FAN_DID = "Fz6Lq3Wn8Tc2Xv5RbM9kPs"
LIVING_LIGHTS_GROUP_ID = "65e2e1a0c3b5d7001a2f4c01"
ALL_DEVICES_GROUP_ID = "65e2e1a0c3b5d7001a2f4c02"
HOME_SCENE_ID = "65e2e2b4c3b5d7001a2f4d01"
AWAY_SCENE_ID = "65e2e2b4c3b5d7001a2f4d02"


def _device(
    product: Product,
    did: str,
    mac: str,
    alias: str,
    readings: dict[str, Any] | None,
    *,
    online: bool = True,
    age: int = 120,
    remark: str = "",
) -> Device:
    """Return a device that reported readings age seconds ago (None: never)."""
    return Device(
        did=did,
        product_key=product.product_key,
        mac=mac,
        alias=alias,
        remark=remark,
        online=online,
        attr={} if readings is None else product.raw_values(readings),
        updated_at=0 if readings is None else int(time.time()) - age,
        passcode=hashlib.sha1(did.encode(), usedforsecurity=False)
        .hexdigest()[:10]
        .upper(),
    )


def demo_data(*, moved_user: bool = False) -> GizwitsData:
    """Return the demo home: one user with 10 devices of 7 products, 2 groups, 2 scenes.

    The pet house has no alias (dev_alias ""), as a device nobody named; the balcony
    plug is online but never reported (updated_at 0, attr {}); the bedroom AC is
    offline. moved_user adds the moved demo account (DEMO_MOVED_*), bound to the same
    devices as a second binder ("normal"), without groups or scenes.
    """
    ac = {"fan_swing": False, "on_timing": 0, "off_timing": 0}
    alarms = {"alert_full": 0, "alert_shutdown": 0, "fault_roomtemp": 0}
    devices = [
        _device(
            PET_HOUSE,
            PET_HOUSE_DID,
            "accf2350d447",
            "",
            {"LED_OnOff": False, "Infrared": True, "Temperature": -5},
            remark="阳台",
        ),
        _device(
            AIR_CONDITIONER,
            LIVING_AC_DID,
            "accf2350d501",
            "客厅空调",
            {
                "switch": True,
                "mode": "制冷",
                "fan_speed": "自动",
                "set_temp": 26,
                "room_temp": 28,
                "status_code": "0000a1b2",
                **ac,
                **alarms,
            },
            age=60,
        ),
        _device(
            AIR_CONDITIONER,
            BEDROOM_AC_DID,
            "accf2350d502",
            "卧室空调",
            {
                "switch": False,
                "mode": "制热",
                "fan_speed": "低风",
                "set_temp": 22,
                "room_temp": 19,
                **ac,
                **alarms,
            },
            online=False,
            age=3 * 3600,
        ),
        _device(
            DIMMABLE_LAMP,
            CEILING_LAMP_DID,
            "5ccf7f1a2b01",
            "客厅吸顶灯",
            {"power": True, "brightness": 80, "color_temp": 4000},
        ),
        _device(
            DIMMABLE_LAMP,
            FLOOR_LAMP_DID,
            "5ccf7f1a2b02",
            "客厅落地灯",
            {"power": False, "brightness": 40, "color_temp": 2700},
        ),
        _device(
            COLOUR_LAMP,
            DESK_LAMP_DID,
            "5ccf7f1a2c01",
            "书房台灯",
            {"switch": True, "brightness": 200, "R": 255, "G": 120, "B": 0},
        ),
        _device(
            SMART_PLUG,
            TV_PLUG_DID,
            "dc4f22a10301",
            "电视插座",
            {
                "switch": True,
                "power": 85.3,
                "energy": 123.45,
                "voltage": 229.8,
                "current": 0.371,
            },
            age=30,
        ),
        _device(SMART_PLUG, BALCONY_PLUG_DID, "dc4f22a10302", "阳台插座", None),
        _device(
            HEATER,
            STUDY_HEATER_DID,
            "accf2350d601",
            "书房电暖器",
            {
                "switch": True,
                "mode": "舒适",
                "set_temp": 21.5,
                "room_temp": 18.6,
                "child_lock": False,
                "alert_overheat": 0,
            },
            age=45,
        ),
        _device(
            TOWER_FAN,
            BEDROOM_FAN_DID,
            "5ccf7f1a2d01",
            "Bedroom fan",
            {
                "power": False,
                "speed": 4,
                "oscillation": True,
                "mode": "Natural",
                "timer": 0,
            },
            age=90,
        ),
    ]
    living_lights = Group(
        LIVING_LIGHTS_GROUP_ID,
        "客厅灯",
        DIMMABLE_LAMP.product_key,
        [CEILING_LAMP_DID, FLOOR_LAMP_DID],
    )
    everything = Group(
        ALL_DEVICES_GROUP_ID,
        "全部设备",
        "",
        [device.did for device in devices],
        created_at="2024-03-02T08:16:30Z",
        updated_at="2024-05-11T19:02:12Z",
    )
    home = Scenario(
        HOME_SCENE_ID,
        "回家",
        [
            SceneTask("device", did=CEILING_LAMP_DID, attrs={"power": True}),
            SceneTask("device", did=FLOOR_LAMP_DID, attrs={"power": True}),
            SceneTask(
                "device",
                did=LIVING_AC_DID,
                attrs={"switch": True, "mode": 1, "set_temp": 24},
            ),
        ],
        remark="开灯，空调制冷24度",
    )
    away = Scenario(
        AWAY_SCENE_ID,
        "离家",
        [
            SceneTask("group", group_id=LIVING_LIGHTS_GROUP_ID, attrs={"power": False}),
            SceneTask("delay", time=30),
            SceneTask("device", did=LIVING_AC_DID, attrs={"switch": False}),
            SceneTask("device", did=DESK_LAMP_DID, attrs={"switch": False}),
            SceneTask("device", did=TV_PLUG_DID, attrs={"switch": False}),
        ],
        remark="全部关闭",
        created_at="2024-03-02T08:22:10Z",
        updated_at="2024-03-02T08:22:10Z",
    )
    user = User(
        uid=DEMO_UID,
        username=DEMO_USERNAME,
        password=DEMO_PASSWORD,
        email=DEMO_EMAIL,
        phone=DEMO_PHONE,
        bindings={device.did: "special" for device in devices},
        groups=[living_lights, everything],
        scenes=[home, away],
    )
    users = [user]
    if moved_user:
        users.append(
            User(
                uid=DEMO_MOVED_UID,
                username=DEMO_MOVED_USERNAME,
                password=DEMO_MOVED_PASSWORD,
                email=DEMO_MOVED_EMAIL,
                moved=True,
                bindings={device.did: "normal" for device in devices},
            )
        )
    return GizwitsData(products=list(PRODUCTS), devices=devices, users=users)


def did_for(seed: str) -> str:
    """Return a deterministic 22-character base62 did."""
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:17])
    chars = []
    for _ in range(22):
        number, digit = divmod(number, 62)
        chars.append(_BASE62[digit])
    return "".join(chars)


def generated_data(devices: int = 200) -> GizwitsData:
    """Return the demo user with devices bound devices over the demo products.

    Every 10th device is offline, every 25th never reported; one single-product group
    per product (up to 10 devices each) and one scene that switches the first lamps on.
    """
    now = int(time.time())
    made: list[Device] = []
    for index in range(devices):
        product = PRODUCTS[index % len(PRODUCTS)]
        attr: dict[str, Any] = {}
        if index % 25 != 24:
            for dp in product.datapoints:
                if dp.data_type == "bool":
                    attr[dp.name] = (index + dp.id) % 2 == 0
                elif dp.uint_spec is not None:
                    spec = dp.uint_spec
                    attr[dp.name] = spec.min + (index * 7 + dp.id) % (
                        spec.max - spec.min + 1
                    )
                elif dp.data_type == "enum":
                    attr[dp.name] = index % len(dp.enum)
                else:
                    attr[dp.name] = index.to_bytes(dp.length)
        made.append(
            Device(
                did=did_for(f"generated-{index}"),
                product_key=product.product_key,
                mac=f"accf23{index:06x}",
                alias=f"{product.name}{index + 1}",
                online=index % 10 != 9,
                attr=attr,
                updated_at=now - index if attr else 0,
                passcode=f"PASS{index:06d}",
            )
        )
    groups = [
        Group(
            f"66a0{index:020x}",
            f"{product.name}分组",
            product.product_key,
            [d.did for d in made if d.product_key == product.product_key][:10],
        )
        for index, product in enumerate(PRODUCTS)
    ]
    lamps = [d.did for d in made if d.product_key == DIMMABLE_LAMP.product_key][:5]
    scene = Scenario(
        "66b0" + "0" * 20,
        "开灯",
        [SceneTask("device", did=did, attrs={"power": True}) for did in lamps],
    )
    user = User(
        uid=DEMO_UID,
        username=DEMO_USERNAME,
        password=DEMO_PASSWORD,
        email=DEMO_EMAIL,
        phone=DEMO_PHONE,
        bindings={device.did: "special" for device in made},
        groups=groups,
        scenes=[scene],
    )
    return GizwitsData(products=list(PRODUCTS), devices=made, users=[user])


# (did, description, what happens): one event per tick, in order, forever. A datapoint
# event is (name, value as devdata shows it); a bool takes the device online/offline.
# After a full round every device is back where it started: calm and repeatable.
_ACTIVITY: tuple[tuple[str, str, tuple[str, Any] | bool], ...] = (
    (TV_PLUG_DID, "TV plug draws more", ("power", 120.5)),
    (PET_HOUSE_DID, "pet house sees nobody", ("Infrared", 0)),
    (FLOOR_LAMP_DID, "floor lamp switched on at the wall", ("power", 1)),
    (BEDROOM_AC_DID, "bedroom AC came back online", True),
    (TV_PLUG_DID, "TV plug draws less", ("power", 85.3)),
    (PET_HOUSE_DID, "pet house sees the pet", ("Infrared", 1)),
    (FLOOR_LAMP_DID, "floor lamp switched off at the wall", ("power", 0)),
    (BEDROOM_AC_DID, "bedroom AC went offline", False),
)


async def run_demo_activity(
    sim: GizwitsSimulator, interval: float, rounds: int | None = None
) -> None:
    """Play the demo home's scripted events, one every interval seconds.

    rounds=None plays forever. Each event goes through set_attr/set_online, so the
    app WebSocket pushes it like any device report.
    """
    script = (
        itertools.cycle(_ACTIVITY)
        if rounds is None
        else itertools.chain.from_iterable(itertools.repeat(_ACTIVITY, rounds))
    )
    for did, what, event in script:
        await asyncio.sleep(interval)
        if did not in sim.devices:
            continue
        _LOGGER.info("Demo activity: %s", what)
        if isinstance(event, bool):
            sim.set_online(did, event)
        else:
            sim.set_attr(did, *event)
