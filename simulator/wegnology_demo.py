"""Deterministic WEGnology data: the demo plant and generated applications.

The demo user owns two applications: "Demo Plant" (its id is the document's example
application id) with 31 devices of every kind, and a small "Test Bench". Ids are
ObjectId-shaped and the same on every run; state times are recent (relative to now).

The demo relays run :class:`~simulator.wegnology_model.RelayFirmware`: the commands
``relayOn`` and ``relayOff`` (no payload) and ``setRelay`` with
``{"state": true|false}`` switch the boolean attribute ``relay``, which the firmware
then reports back. Every other device, and any other command, only records the
command.

Demo Plant also has six events (three new: an error naming the Feed Pump, a warning,
an info; one acknowledged critical; two resolved) and four workflows: "Plant
Alerts" (a timer, no button), "Acknowledge Pump Faults" (a virtual button that
acknowledges the Feed Pump's new events), "Reset Line 2 Counter" (a virtual button
that makes the Line 2 Counter report ``count`` 0) and the disabled "Flush Inlet
Valve" (a button that cannot be pressed). Test Bench has one edge workflow with a
button (not listed unless ``flowClass=edge``). :class:`DemoAlerts` and
:func:`run_demo_activity` play the plant's scripted alerts.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import logging
import struct
import time
from typing import TYPE_CHECKING, Any

from .wegnology_events import Event, EventUpdate, Source
from .wegnology_flows import (
    Trigger,
    Workflow,
    acknowledge_events,
    report_state,
    virtual_button,
)
from .wegnology_model import (
    ApiToken,
    Application,
    Attribute,
    Device,
    RelayFirmware,
    Reported,
    Tag,
    User,
    WegnologyData,
    object_id,
)

if TYPE_CHECKING:
    from .wegnology import WegnologySimulator

_LOGGER = logging.getLogger(__name__)

DEMO_EMAIL = "demo@wegnology.example"
DEMO_PASSWORD = "demo-password"  # noqa: S105 - the documented demo credential
DEMO_API_TOKEN = "wegnology-demo-api-token"  # noqa: S105 - all.Application, Demo Plant
DEMO_USER_API_TOKEN = "wegnology-demo-user-api-token"  # noqa: S105 - all.User

RELAY_ON = "relayOn"
RELAY_OFF = "relayOff"
SET_RELAY = "setRelay"  # payload {"state": true|false}
RELAY_FIRMWARE = RelayFirmware("relay", RELAY_ON, RELAY_OFF, SET_RELAY, "state")

# Creation dates are fixed so that ids (which start with them) never change.
_BASE_MS = 1_678_784_400_000  # 2023-03-14T09:00:00.000Z
_HOUR_MS = 3_600_000

DEMO_USER_ID = object_id("user:demo", _BASE_MS - 400 * _HOUR_MS)
DEMO_APPLICATION_ID = "575ec8687ae143cd83dc4a97"  # the document's example id
TEST_BENCH_APPLICATION_ID = object_id("app:test-bench", _BASE_MS + 2_000 * _HOUR_MS)

ENVIRONMENT_ATTRIBUTES = (
    Attribute("temperature"),
    Attribute("humidity"),
    Attribute("co2"),
    Attribute("pressure"),
    Attribute("battery"),
    Attribute("location", "gps"),
    Attribute("firmware", "string"),
    Attribute("rawFrame", "blob"),
)
METER_ATTRIBUTES = (
    Attribute("voltage"),
    Attribute("current"),
    Attribute("power"),
    Attribute("energy"),
    Attribute("status", "string"),
)
RELAY_ATTRIBUTES = (Attribute("relay", "boolean"), Attribute("coilTemperature"))


def _created(index: int) -> int:
    """Return the creation time of the index-th demo device (one every 7 hours)."""
    return _BASE_MS + index * 7 * _HOUR_MS


def _id(name: str, index: int) -> str:
    """Return the deterministic id of a demo device."""
    return object_id(f"demo:{name}", _created(index))


def _frame(*values: float) -> str:
    """Return a blob value: the readings packed as little-endian floats, base64."""
    return base64.b64encode(struct.pack(f"<{len(values)}f", *values)).decode()


def _environment(
    temperature: float, humidity: float, co2: int, battery: int, *, lat: float = 51.5
) -> dict[str, Any]:
    """Return the state an environment sensor reports."""
    return {
        "temperature": temperature,
        "humidity": humidity,
        "co2": co2,
        "pressure": 1013.2,
        "battery": battery,
        "location": f"{lat},-0.12",
        "firmware": "2.4.1",
        "rawFrame": _frame(temperature, humidity, co2),
    }


def _meter(voltage: float, current: float, energy: float) -> dict[str, Any]:
    """Return the state a power meter reports."""
    return {
        "voltage": voltage,
        "current": current,
        "power": round(voltage * current, 1),
        "energy": energy,
        "status": "ok",
    }


def _tags(**pairs: str) -> list[Tag]:
    """Return tags from keyword pairs."""
    return [Tag(key, value) for key, value in pairs.items()]


def _device(
    index: int,
    name: str,
    attributes: tuple[Attribute, ...],
    state: dict[str, Any] | None,
    *,
    device_class: str = "standalone",
    description: str = "",
    tags: list[Tag] | None = None,
    parent: str | None = None,
    connected: bool = True,
    age: int = 60,
    firmware: RelayFirmware | None = None,
    now: int,
) -> Device:
    """Return a demo device whose state was reported age seconds ago (None: never)."""
    reported_at = now - age * 1000
    created = _created(index)
    return Device(
        id=_id(name, index),
        name=name,
        device_class=device_class,
        description=description,
        tags=tags or [],
        attributes=list(attributes),
        parent_id=parent,
        connected=connected,
        connection_time=reported_at if state else created,
        creation_date=created,
        last_updated=reported_at if state else created,
        state={k: Reported(v, reported_at) for k, v in (state or {}).items()},
        firmware=firmware,
    )


BOILER_ROOM_SENSOR_ID = _id("Boiler Room Sensor", 0)
WAREHOUSE_SOUTH_SENSOR_ID = _id("Warehouse South Sensor", 4)
YARD_SENSOR_ID = _id("Yard Sensor", 8)  # offline, old state
SPARE_SENSOR_ID = _id("Spare Sensor", 9)  # connected, never reported
LINE_2_POWER_METER_ID = _id("Line 2 Power Meter", 12)
PUMP_GATEWAY_ID = _id("Pump Station Gateway", 14)
TANK_LEVEL_ID = _id("Tank Level", 15)
PUMP_ID = _id("Feed Pump", 16)
FLOW_METER_ID = _id("Flow Meter", 17)
INLET_VALVE_ID = _id("Inlet Valve", 18)
LINE_2_GATEWAY_ID = _id("Line 2 Gateway", 19)
LINE_2_COUNTER_ID = _id("Line 2 Counter", 21)
LINE_2_GUARD_DOOR_ID = _id("Line 2 Guard Door", 22)
BOILER_RELAY_ID = _id("Boiler Relay", 23)
FAN_RELAY_ID = _id("Extractor Fan Relay", 24)
PLANT_SYSTEM_ID = _id("Plant Overview", 30)


def _plant_devices(now: int) -> list[Device]:
    """Return the 31 devices of Demo Plant."""
    env = ENVIRONMENT_ATTRIBUTES
    sensors = [
        ("Boiler Room Sensor", "0", "Boiler room", (31.4, 38.0, 612, 87)),
        ("Compressor Room Sensor", "0", "Compressors", (27.9, 41.5, 540, 92)),
        ("Office Sensor", "1", "Office", (21.6, 45.2, 780, 64)),
        ("Warehouse North Sensor", "0", "Warehouse", (17.2, 55.0, 455, 71)),
        ("Warehouse South Sensor", "0", "Warehouse", (17.8, 53.4, 470, 23)),
        ("Cold Store Sensor", "0", "Cold store", (3.9, 81.2, 420, 55)),
        ("Lab Sensor", "1", "Lab", (22.3, 39.9, 690, 98)),
        ("Roof Sensor", "2", "Roof", (12.5, 72.3, 410, 46)),
    ]
    devices = [
        _device(
            index,
            name,
            env,
            _environment(*values, lat=51.5 + index / 1000),
            description=f"Temperature, humidity and CO2 in the {area.lower()}",
            tags=_tags(floor=floor, area=area, kind="environment"),
            age=30 + index * 7,
            now=now,
        )
        for index, (name, floor, area, values) in enumerate(sensors)
    ]
    devices += [
        _device(
            8,
            "Yard Sensor",
            env,
            _environment(8.1, 88.0, 405, 3),
            description="Outdoor sensor by the loading yard (battery flat)",
            tags=_tags(floor="0", area="Yard", kind="environment"),
            connected=False,
            age=21 * 86400,
            now=now,
        ),
        _device(
            9,
            "Spare Sensor",
            env,
            None,
            description="Connected, not yet reporting (commissioning)",
            tags=_tags(floor="1", kind="environment"),
            now=now,
        ),
    ]
    meters = [
        ("Main Incomer Meter", (231.2, 84.5, 918_233.4)),
        ("Line 1 Power Meter", (230.8, 21.3, 203_117.9)),
        ("Line 2 Power Meter", (229.9, 17.8, 187_402.2)),
        ("HVAC Power Meter", (230.4, 12.7, 96_551.0)),
    ]
    devices += [
        _device(
            10 + offset,
            name,
            METER_ATTRIBUTES,
            _meter(*values),
            description="Three-phase energy meter",
            tags=_tags(floor="0", kind="meter", line=name.split()[1])
            if name.startswith("Line")
            else _tags(floor="0", kind="meter"),
            age=15,
            now=now,
        )
        for offset, (name, values) in enumerate(meters)
    ]
    pump = PUMP_GATEWAY_ID
    devices += [
        _device(
            14,
            "Pump Station Gateway",
            (Attribute("signal"), Attribute("uptime")),
            {"signal": -67, "uptime": 1_209_600},
            device_class="gateway",
            description="Modbus gateway of the pump station",
            tags=_tags(floor="-1", area="Pump station"),
            now=now,
        ),
        _device(
            15,
            "Tank Level",
            (Attribute("level"),),
            {"level": 72.5},
            device_class="peripheral",
            parent=pump,
            tags=_tags(floor="-1", area="Pump station"),
            now=now,
        ),
        _device(
            16,
            "Feed Pump",
            (Attribute("running", "boolean"), Attribute("speed")),
            {"running": True, "speed": 1450},
            device_class="peripheral",
            parent=pump,
            tags=_tags(floor="-1", area="Pump station"),
            now=now,
        ),
        _device(
            17,
            "Flow Meter",
            (Attribute("flowRate"),),
            {"flowRate": 12.8},
            device_class="peripheral",
            parent=pump,
            tags=_tags(floor="-1", area="Pump station"),
            now=now,
        ),
        _device(
            18,
            "Inlet Valve",
            (Attribute("open", "boolean"),),
            {"open": False},
            device_class="peripheral",
            parent=pump,
            tags=_tags(floor="-1", area="Pump station"),
            now=now,
        ),
    ]
    line = LINE_2_GATEWAY_ID
    devices += [
        _device(
            19,
            "Line 2 Gateway",
            (Attribute("signal"),),
            {"signal": -58},
            device_class="gateway",
            tags=_tags(floor="0", line="2"),
            now=now,
        ),
        _device(
            20,
            "Conveyor Motor",
            (Attribute("running", "boolean"), Attribute("speed")),
            {"running": True, "speed": 0.8},
            device_class="peripheral",
            parent=line,
            tags=_tags(floor="0", line="2"),
            now=now,
        ),
        _device(
            21,
            "Line 2 Counter",
            (Attribute("count"),),
            {"count": 48_211},
            device_class="peripheral",
            parent=line,
            tags=_tags(floor="0", line="2"),
            now=now,
        ),
        _device(
            22,
            "Line 2 Guard Door",
            (Attribute("open", "boolean"),),
            {"open": False},
            device_class="peripheral",
            parent=line,
            tags=_tags(floor="0", line="2"),
            now=now,
        ),
        _device(
            23,
            "Boiler Relay",
            RELAY_ATTRIBUTES,
            {"relay": False, "coilTemperature": 24.5},
            description="Burner enable relay (relayOn / relayOff / setRelay)",
            tags=_tags(floor="0", area="Boiler room", kind="relay"),
            firmware=RELAY_FIRMWARE,
            now=now,
        ),
        _device(
            24,
            "Extractor Fan Relay",
            RELAY_ATTRIBUTES,
            {"relay": True, "coilTemperature": 36.1},
            description="Extractor fan contactor (relayOn / relayOff / setRelay)",
            tags=_tags(floor="1", area="Lab", kind="relay"),
            firmware=RELAY_FIRMWARE,
            now=now,
        ),
        _device(
            25,
            "Chiller Controller",
            (
                Attribute("supplyTemp"),
                Attribute("returnTemp"),
                Attribute("setpoint"),
                Attribute("running", "boolean"),
                Attribute("mode", "string"),
            ),
            {
                "supplyTemp": 6.8,
                "returnTemp": 11.9,
                "setpoint": 7,
                "running": True,
                "mode": "cooling",
            },
            tags=_tags(floor="2", area="Roof"),
            now=now,
        ),
        _device(
            26,
            "Compressed Air Meter",
            (Attribute("flow"), Attribute("pressure"), Attribute("dewPoint")),
            {"flow": 3.4, "pressure": 7.1, "dewPoint": 3.2},
            tags=_tags(floor="0", area="Compressors", kind="meter"),
            now=now,
        ),
        _device(
            27,
            "Water Meter",
            (Attribute("volume"), Attribute("flowRate")),
            {"volume": 12_873.41, "flowRate": 0.6},
            # A "Room" tag says where a device is as an "area" tag does.
            tags=[*_tags(floor="0", kind="meter"), Tag("Room", "Plant room")],
            now=now,
        ),
        _device(
            28,
            "Forklift Charger",
            (
                Attribute("charging", "boolean"),
                Attribute("battery"),
                Attribute("voltage"),
            ),
            {"charging": True, "battery": 64, "voltage": 51.2},
            tags=_tags(floor="0", area="Warehouse"),
            now=now,
        ),
        _device(
            29,
            "Loading Dock Door",
            (Attribute("open", "boolean"), Attribute("openCount")),
            {"open": True, "openCount": 1_532},
            tags=_tags(floor="0", area="Yard"),
            age=400,
            now=now,
        ),
        _device(
            30,
            "Plant Overview",
            (Attribute("activeAlarms"), Attribute("shift", "string")),
            {"activeAlarms": 2, "shift": "early"},
            device_class="system",
            description="Plant totals reported by a workflow (never connects)",
            connected=False,
            age=120,
            now=now,
        ),
    ]
    return devices


def _bench_devices(now: int) -> list[Device]:
    """Return the 3 devices of Test Bench."""
    edge = _id("Bench Edge Agent", 40)
    return [
        _device(
            40,
            "Bench Edge Agent",
            (Attribute("cpu"), Attribute("agentVersion", "string")),
            {"cpu": 12.5, "agentVersion": "1.41.0"},
            device_class="edgeCompute",
            tags=_tags(bench="A"),
            now=now,
        ),
        _device(
            41,
            "Bench Probe",
            (Attribute("temperature"),),
            {"temperature": 24.0},
            device_class="floating",
            tags=_tags(bench="A"),
            parent=edge,
            connected=False,  # floating: its edge agent reports for it
            now=now,
        ),
        _device(
            42,
            "Bench Power Supply",
            (
                Attribute("voltage"),
                Attribute("current"),
                Attribute("output", "boolean"),
            ),
            {"voltage": 12.0, "current": 0.42, "output": True},
            tags=_tags(bench="A"),
            now=now,
        ),
    ]


def _user() -> User:
    """Return the demo user."""
    return User(DEMO_USER_ID, DEMO_EMAIL, DEMO_PASSWORD, "Demo", "User")


def _tokens(application_id: str) -> list[ApiToken]:
    """Return the pre-made API tokens: one for application_id, one for the user."""
    return [
        ApiToken(DEMO_API_TOKEN, DEMO_USER_ID, application_id, name="Cloud Bridge"),
        ApiToken(DEMO_USER_API_TOKEN, DEMO_USER_ID, name="Demo user token"),
    ]


# --- workflows and events -------------------------------------------------------------


def _flow_id(name: str, index: int) -> str:
    """Return the deterministic id of a demo workflow."""
    return object_id(f"demo-flow:{name}", _BASE_MS + (100 + index) * _HOUR_MS)


PLANT_ALERTS_FLOW_ID = _flow_id("Plant Alerts", 0)
ACK_PUMP_FLOW_ID = _flow_id("Acknowledge Pump Faults", 1)
RESET_COUNTER_FLOW_ID = _flow_id("Reset Line 2 Counter", 2)
FLUSH_VALVE_FLOW_ID = _flow_id("Flush Inlet Valve", 3)  # disabled
BENCH_EDGE_FLOW_ID = _flow_id("Bench Agent Restart", 4)  # flowClass edge
# Virtual button keys look like Losant's: <flow id>-<short id>.
ACK_PUMP_BUTTON_KEY = f"{ACK_PUMP_FLOW_ID}-r1ackPmp"
RESET_COUNTER_BUTTON_KEY = f"{RESET_COUNTER_FLOW_ID}-B1rstCnt"
FLUSH_VALVE_BUTTON_KEY = f"{FLUSH_VALVE_FLOW_ID}-H1flushV"
BENCH_EDGE_BUTTON_KEY = f"{BENCH_EDGE_FLOW_ID}-S1rstAgt"
ACK_PUMP_BUTTON_LABEL = "Acknowledge pump faults"
RESET_COUNTER_BUTTON_LABEL = "Reset Line 2 counter"
FLUSH_VALVE_BUTTON_LABEL = "Flush inlet valve"
ACK_PUMP_COMMENT = "Acknowledged from the Acknowledge Pump Faults workflow"
PLANT_ALERTS_SOURCE = Source("flow", PLANT_ALERTS_FLOW_ID, "Plant Alerts")


def _plant_workflows() -> list[Workflow]:
    """Return the 4 workflows of Demo Plant."""
    created = _BASE_MS + 120 * _HOUR_MS
    return [
        Workflow(
            PLANT_ALERTS_FLOW_ID,
            "Plant Alerts",
            "Raises an event when a plant reading leaves its range",
            triggers=[
                Trigger(
                    "timer",
                    f"{PLANT_ALERTS_FLOW_ID}-t1mer180",
                    "Every 3 minutes",
                    config={"seconds": 180},
                )
            ],
            creation_date=created,
        ),
        Workflow(
            ACK_PUMP_FLOW_ID,
            "Acknowledge Pump Faults",
            "Acknowledges every new event of the Feed Pump",
            triggers=[virtual_button(ACK_PUMP_BUTTON_KEY, ACK_PUMP_BUTTON_LABEL)],
            effect=acknowledge_events(ACK_PUMP_COMMENT, device_id=PUMP_ID),
            creation_date=created + _HOUR_MS,
        ),
        Workflow(
            RESET_COUNTER_FLOW_ID,
            "Reset Line 2 Counter",
            "Sets the Line 2 piece counter back to zero at the start of a shift",
            triggers=[
                virtual_button(
                    RESET_COUNTER_BUTTON_KEY,
                    RESET_COUNTER_BUTTON_LABEL,
                    '{"reason": "shift start"}',
                )
            ],
            effect=report_state(LINE_2_COUNTER_ID, {"count": 0}),
            creation_date=created + 2 * _HOUR_MS,
        ),
        Workflow(
            FLUSH_VALVE_FLOW_ID,
            "Flush Inlet Valve",
            "Opens the inlet valve to flush the line (disabled during commissioning)",
            enabled=False,
            triggers=[virtual_button(FLUSH_VALVE_BUTTON_KEY, FLUSH_VALVE_BUTTON_LABEL)],
            effect=report_state(INLET_VALVE_ID, {"open": True}),
            creation_date=created + 3 * _HOUR_MS,
        ),
    ]


def _bench_workflows() -> list[Workflow]:
    """Return the edge workflow of Test Bench."""
    return [
        Workflow(
            BENCH_EDGE_FLOW_ID,
            "Bench Agent Restart",
            "Restarts the bench's edge agent",
            flow_class="edge",
            triggers=[virtual_button(BENCH_EDGE_BUTTON_KEY, "Restart agent")],
            creation_date=_BASE_MS + 2_100 * _HOUR_MS,
        )
    ]


def _event_id(name: str, index: int) -> str:
    """Return the deterministic id of a demo event (its times are recent)."""
    return object_id(f"demo-event:{name}", _BASE_MS + (200 + index) * _HOUR_MS)


PUMP_FAULT_EVENT_ID = _event_id("Feed Pump fault", 0)  # error, new
BATTERY_LOW_EVENT_ID = _event_id("Warehouse South Sensor battery low", 1)  # warning
SHIFT_EVENT_ID = _event_id("Early shift started", 2)  # info, new, no device
YARD_OFFLINE_EVENT_ID = _event_id("Yard Sensor offline", 3)  # critical, acknowledged
GUARD_DOOR_EVENT_ID = _event_id("Line 2 guard door opened", 4)  # info, resolved
OLD_PUMP_FAULT_EVENT_ID = _event_id("Feed Pump fault (old)", 5)  # error, resolved
PUMP_FAULT_SUBJECT = "Feed Pump fault"
_MINUTE_MS = 60_000


def _plant_events(now: int, devices: dict[str, Device]) -> list[Event]:
    """Return the 6 events of Demo Plant, created minutes to weeks before now."""
    user = Source("user", DEMO_USER_ID, "Demo User")

    def event(
        event_id: str, minutes_ago: int, device_id: str | None, **kw: Any
    ) -> Event:
        """Return one event raised minutes_ago minutes ago."""
        made = Event(
            event_id,
            device_id=device_id,
            device_name=devices[device_id].name if device_id else None,
            creation_date=now - minutes_ago * _MINUTE_MS,
            **kw,
        )
        made.last_updated = max(
            [made.creation_date, *(u.creation_date for u in made.updates)]
        )
        return made

    def update(minutes_ago: int, old: str, new: str, comment: str) -> EventUpdate:
        """Return a state change made by the demo user minutes_ago minutes ago."""
        return EventUpdate(
            user,
            now - minutes_ago * _MINUTE_MS,
            new,
            comment,
            changes={"stateChange": {"old": old, "new": new}},
        )

    return [
        event(
            PUMP_FAULT_EVENT_ID,
            25,
            PUMP_ID,
            level="error",
            subject=PUMP_FAULT_SUBJECT,
            message="Overcurrent trip on the feed pump motor (12.4 A)",
            data={"current": 12.4, "limit": 10},
            event_tags={"area": "Pump station"},
            source=PLANT_ALERTS_SOURCE,
        ),
        event(
            BATTERY_LOW_EVENT_ID,
            120,
            WAREHOUSE_SOUTH_SENSOR_ID,
            level="warning",
            subject="Warehouse South Sensor battery low",
            message="Battery at 23 %",
            source=PLANT_ALERTS_SOURCE,
        ),
        event(
            SHIFT_EVENT_ID,
            300,
            None,
            level="info",
            subject="Early shift started",
            source=user,
        ),
        event(
            YARD_OFFLINE_EVENT_ID,
            21 * 1440,
            YARD_SENSOR_ID,
            level="critical",
            state="acknowledged",
            subject="Yard Sensor offline",
            message="No report for 15 minutes",
            source=PLANT_ALERTS_SOURCE,
            updates=[
                update(20 * 1440, "new", "acknowledged", "Battery flat; spare ordered")
            ],
        ),
        event(
            GUARD_DOOR_EVENT_ID,
            26 * 60,
            LINE_2_GUARD_DOOR_ID,
            level="info",
            state="resolved",
            subject="Line 2 guard door opened",
            event_tags={"line": "2"},
            source=PLANT_ALERTS_SOURCE,
            updates=[
                update(26 * 60 - 5, "new", "acknowledged", "Maintenance on line 2"),
                update(25 * 60, "acknowledged", "resolved", "Door closed again"),
            ],
        ),
        event(
            OLD_PUMP_FAULT_EVENT_ID,
            4 * 1440,
            PUMP_ID,
            level="error",
            state="resolved",
            subject=PUMP_FAULT_SUBJECT,
            message="Overcurrent trip on the feed pump motor (11.9 A)",
            source=PLANT_ALERTS_SOURCE,
            updates=[
                update(4 * 1440 - 30, "new", "resolved", "Motor cooled, restarted")
            ],
        ),
    ]


def demo_data() -> WegnologyData:
    """Return the demo user with Demo Plant (31 devices) and Test Bench (3 devices)."""
    now = int(time.time() * 1000)
    devices = {d.id: d for d in _plant_devices(now)}
    plant = Application(
        DEMO_APPLICATION_ID,
        "Demo Plant",
        DEMO_USER_ID,
        "Sensors, meters, pumps and relays of the demo factory",
        creation_date=_BASE_MS - 24 * _HOUR_MS,
        devices=devices,
        events={e.id: e for e in _plant_events(now, devices)},
        flows={f.id: f for f in _plant_workflows()},
    )
    bench = Application(
        TEST_BENCH_APPLICATION_ID,
        "Test Bench",
        DEMO_USER_ID,
        "Lab bench for firmware tests",
        creation_date=_BASE_MS + 2_000 * _HOUR_MS,
        devices={d.id: d for d in _bench_devices(now)},
        flows={f.id: f for f in _bench_workflows()},
    )
    return WegnologyData([_user()], [plant, bench], _tokens(DEMO_APPLICATION_ID))


def generated_data(devices: int = 1000) -> WegnologyData:
    """Return the demo user with one application "Generated Plant" of devices devices.

    Every 10 devices: a gateway with 3 peripherals, 3 environment sensors, 2 power
    meters and a relay. Every 10th device (an environment sensor) is offline, every
    25th never reported. The demo API token is scoped to this application.
    """
    now = int(time.time() * 1000)
    app_id = object_id("app:generated", _BASE_MS)
    made: dict[str, Device] = {}
    gateway = ""
    for index in range(devices):
        slot = index % 10
        created = _BASE_MS + index * 60_000
        device_id = object_id(f"generated:{index}", created)
        kind: dict[str, Any]
        if slot == 0:
            gateway = device_id
            kind = {
                "device_class": "gateway",
                "attributes": [Attribute("signal")],
                "state": {"signal": -50 - index % 40},
            }
        elif slot <= 3:
            kind = {
                "device_class": "peripheral",
                "parent_id": gateway,
                "attributes": [Attribute("level"), Attribute("running", "boolean")],
                "state": {"level": index % 100, "running": index % 2 == 0},
            }
        elif slot in (4, 5, 9):
            kind = {
                "attributes": list(ENVIRONMENT_ATTRIBUTES),
                "state": _environment(
                    15 + index % 150 / 10,
                    40 + index % 30,
                    400 + index % 500,
                    index % 101,
                ),
            }
        elif slot in (6, 7):
            kind = {
                "attributes": list(METER_ATTRIBUTES),
                "state": _meter(230.0 + index % 5, index % 40 / 2, index * 10.5),
            }
        else:
            kind = {
                "attributes": list(RELAY_ATTRIBUTES),
                "state": {"relay": index % 3 == 0, "coilTemperature": 30.0},
                "firmware": RELAY_FIRMWARE,
            }
        state = {} if index % 25 == 24 else kind.pop("state")
        kind.pop("state", None)
        reported_at = now - (index % 600) * 1000
        made[device_id] = Device(
            id=device_id,
            name=f"Device {index + 1:04d}",
            tags=[Tag("floor", str(index % 5)), Tag("batch", str(index // 100))],
            connected=slot != 9,
            connection_time=reported_at,
            creation_date=created,
            last_updated=reported_at if state else created,
            state={k: Reported(v, reported_at) for k, v in state.items()},
            **kind,
        )
    app = Application(
        app_id,
        "Generated Plant",
        DEMO_USER_ID,
        f"{devices} generated devices",
        creation_date=_BASE_MS,
        devices=made,
    )
    return WegnologyData([_user()], [app], _tokens(app_id))


# --- scripted alerts ------------------------------------------------------------------

# (level, subject, device, message): one alert per step, in order, forever. Each step
# also resolves the alert raised KEEP_OPEN steps before, if nobody resolved it yet, so
# at most KEEP_OPEN scripted alerts are open: the demo stays calm and repeatable.
_ALERTS: tuple[tuple[str, str, str | None, str], ...] = (
    ("warning", "Tank level low", TANK_LEVEL_ID, "Tank level fell below 20 %"),
    ("error", PUMP_FAULT_SUBJECT, PUMP_ID, "Overcurrent trip on the feed pump motor"),
    (
        "critical",
        "Boiler room over temperature",
        BOILER_ROOM_SENSOR_ID,
        "Boiler room above 45 °C",
    ),
    ("info", "Compressed air demand high", None, "Compressors running at 90 %"),
)
KEEP_OPEN = 2


class DemoAlerts:
    """The demo plant's scripted alerts, raised by its "Plant Alerts" workflow."""

    def __init__(self, sim: WegnologySimulator, keep_open: int = KEEP_OPEN) -> None:
        """Play alerts on sim's Demo Plant (it must have one)."""
        self._sim = sim
        self._keep_open = keep_open
        self._script = itertools.cycle(_ALERTS)
        self._raised: list[str] = []

    @property
    def raised(self) -> list[str]:
        """Return the ids of the events raised so far, oldest first."""
        return list(self._raised)

    def step(self, at: int | None = None) -> Event:
        """Raise the next scripted alert (at: ms; now) and resolve an older one."""
        level, subject, device_id, message = next(self._script)
        event = self._sim.raise_event(
            level,
            subject,
            application_id=DEMO_APPLICATION_ID,
            device_id=device_id,
            message=message,
            source=PLANT_ALERTS_SOURCE,
            at=at,
        )
        self._raised.append(event.id)
        if len(self._raised) > self._keep_open:
            old = self._sim.event(self._raised[-1 - self._keep_open])
            if old.state != "resolved":
                old.change(
                    PLANT_ALERTS_SOURCE,
                    at=at,
                    comment="Back to normal",
                    state="resolved",
                )
        _LOGGER.info("Demo alert: %s %s", level, subject)
        return event


async def run_demo_activity(
    sim: WegnologySimulator, interval: float, rounds: int | None = None
) -> None:
    """Raise one scripted alert every interval seconds (rounds=None: forever).

    A round is one pass through the script (4 alerts).
    """
    alerts = DemoAlerts(sim)
    steps = None if rounds is None else rounds * len(_ALERTS)
    for _ in itertools.count() if steps is None else range(steps):
        await asyncio.sleep(interval)
        alerts.step()
