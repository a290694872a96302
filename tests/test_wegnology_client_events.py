"""The WEGnology client's events, workflows, device queries and page sizes."""

from datetime import UTC, datetime
import json
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.cloud_bridge.vendors.wegnology.client import (
    WegnologyApiError,
    WegnologyClient,
)
from custom_components.cloud_bridge.vendors.wegnology.models import (
    Event,
    MostRecent,
    VirtualButton,
    WegnologyParseError,
    Workflow,
)
from simulator.server import SimulatorServer
from simulator.wegnology import WegnologySimulator
from simulator.wegnology_demo import (
    ACK_PUMP_BUTTON_KEY,
    ACK_PUMP_BUTTON_LABEL,
    ACK_PUMP_FLOW_ID,
    BOILER_ROOM_SENSOR_ID,
    DEMO_API_TOKEN,
    DEMO_APPLICATION_ID,
    FLUSH_VALVE_FLOW_ID,
    PLANT_ALERTS_FLOW_ID,
    PUMP_FAULT_EVENT_ID,
    PUMP_ID,
    RESET_COUNTER_BUTTON_KEY,
    RESET_COUNTER_BUTTON_LABEL,
    RESET_COUNTER_FLOW_ID,
    TEST_BENCH_APPLICATION_ID,
    YARD_OFFLINE_EVENT_ID,
    generated_data,
)

from .wegnology_helpers import devices_path, events_path

GENERATED = generated_data(1).applications[0].id


def client_of(
    sim: SimulatorServer, session: aiohttp.ClientSession, token: str = DEMO_API_TOKEN
) -> WegnologyClient:
    """Return a client with a pasted API token."""
    return WegnologyClient(session, base_url=sim.url, token=token)


# --- events -----------------------------------------------------------------------


async def test_events_asked_for_with_a_query_page_by_page(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """An advanced query as compact JSON, oldest first, a page per 100 events."""
    for index in range(150):
        wegnology_sim.raise_event("info", f"Tick {index}")
    client = client_of(wegnology_sim, session)
    wanted = {"state": {"$in": ["new", "acknowledged"]}}
    listing = await client.events(DEMO_APPLICATION_ID, query=wanted)
    assert len(listing.items) == 150 + 4
    assert {event.state for event in listing.items} == {"new", "acknowledged"}
    assert [r.query for r in wegnology_sim.requests] == [
        {
            "sortField": "lastUpdated",
            "sortDirection": "asc",
            "query": '{"state":{"$in":["new","acknowledged"]}}',
            "page": str(page),
            "perPage": "100",
        }
        for page in (0, 1)
    ]
    times = [event.updated for event in listing.items]
    assert times == sorted(times)


async def test_the_demo_events_read(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """The pump fault: level, state, subject, message, device, times."""
    listing = await client_of(wegnology_sim, session).events(DEMO_APPLICATION_ID)
    assert listing.skipped == ()
    pump = next(event for event in listing.items if event.id == PUMP_FAULT_EVENT_ID)
    served = wegnology_sim.event(PUMP_FAULT_EVENT_ID)
    assert pump == Event(
        id=PUMP_FAULT_EVENT_ID,
        level="error",
        state="new",
        subject="Feed Pump fault",
        message="Overcurrent trip on the feed pump motor (12.4 A)",
        device_id=PUMP_ID,
        device_name="Feed Pump",
        created=datetime.fromtimestamp(served.creation_date / 1000, UTC),
        updated=datetime.fromtimestamp(served.last_updated / 1000, UTC),
    )


@pytest.mark.parametrize(
    ("most_recent_states", "level", "state"),
    [(("new",), "error", "new"), (("new", "acknowledged"), "critical", "acknowledged")],
)
async def test_most_recent_by_severity(
    wegnology_sim: WegnologySimulator,
    session: aiohttp.ClientSession,
    most_recent_states: tuple[str, ...],
    level: str,
    state: str,
) -> None:
    """The new count and the worst event, in both readings of the endpoint."""
    wegnology_sim.most_recent_states = most_recent_states
    most = await client_of(wegnology_sim, session).most_recent_event(
        DEMO_APPLICATION_ID
    )
    assert most.new_count == 3
    assert most.event is not None
    assert (most.event.level, most.event.state) == (level, state)
    expected = PUMP_FAULT_EVENT_ID if state == "new" else YARD_OFFLINE_EVENT_ID
    assert most.event.id == expected


async def test_newest_events(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """The newest creation time and every id raised then; None without events."""
    client = client_of(wegnology_sim, session)
    first = wegnology_sim.raise_event("info", "One", at=1_900_000_000_000)
    second = wegnology_sim.raise_event("info", "Two", at=1_900_000_000_000)
    newest = await client.newest_events(DEMO_APPLICATION_ID)
    assert newest == (
        datetime.fromtimestamp(1_900_000_000, UTC),
        frozenset({first.id, second.id}),
    )
    assert wegnology_sim.requests[-1].query == {
        "sortField": "creationDate",
        "sortDirection": "desc",
        "page": "0",
        "perPage": "10",
    }
    bench = WegnologyClient(
        session, base_url=wegnology_sim.url, token=wegnology_sim.issue_user_token()
    )
    assert await bench.newest_events(TEST_BENCH_APPLICATION_ID) is None
    assert (await bench.most_recent_event(TEST_BENCH_APPLICATION_ID)) == MostRecent(
        0, None
    )


async def test_set_event_state_sends_state_and_comment(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """A PATCH with the state, and the comment only when there is one."""
    client = client_of(wegnology_sim, session)
    await client.set_event_state(
        DEMO_APPLICATION_ID, PUMP_FAULT_EVENT_ID, "acknowledged", "Seen"
    )
    await client.set_event_state(DEMO_APPLICATION_ID, PUMP_FAULT_EVENT_ID, "resolved")
    assert [(r.method, r.json) for r in wegnology_sim.requests] == [
        ("PATCH", {"state": "acknowledged", "comment": "Seen"}),
        ("PATCH", {"state": "resolved"}),
    ]
    assert wegnology_sim.event(PUMP_FAULT_EVENT_ID).state == "resolved"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            {
                "eventId": "e1",
                "level": "info",
                "state": "new",
                "creationDate": 1_700_000_000_000,
                "lastUpdated": 1_600_000_000_000,
                "deviceId": "",
                "message": "m" * 3000,
                "subject": 5,
            },
            {
                "id": "e1",
                "device_id": None,
                "subject": "",
                "updated": datetime.fromtimestamp(1_700_000_000, UTC),
                "message": "m" * 2000,
            },
            id="eventId, odd fields",
        ),
        pytest.param(
            {
                "id": "e2",
                "level": "critical",
                "state": "acknowledged",
                "creationDate": {"$date": "2024-05-01T12:00:00.000Z"},
            },
            {
                "created": datetime(2024, 5, 1, 12, tzinfo=UTC),
                "updated": datetime(2024, 5, 1, 12, tzinfo=UTC),
                "device_name": None,
            },
            id="no lastUpdated",
        ),
    ],
)
def test_event_from_json(data: dict[str, Any], expected: dict[str, Any]) -> None:
    """Variants of the event shape are read with sensible defaults."""
    event = Event.from_json(data)
    for name, value in expected.items():
        assert getattr(event, name) == value, name


@pytest.mark.parametrize(
    "data",
    [
        "not an object",
        {"level": "info", "state": "new", "creationDate": 1},
        {"id": "e", "level": "debug", "state": "new", "creationDate": 1},
        {"id": "e", "level": "info", "state": "open", "creationDate": 1},
        {"id": "e", "level": "info", "state": "new", "creationDate": "soon"},
    ],
)
def test_what_is_no_event(data: Any) -> None:
    """No id, an unknown level or state, no creation time: no event."""
    with pytest.raises(WegnologyParseError):
        Event.from_json(data)


def test_most_recent_from_json() -> None:
    """What cannot be read of Most Recent by Severity is None."""
    assert MostRecent.from_json("nothing") == MostRecent(None, None)
    assert MostRecent.from_json({"newCount": -1, "event": {"id": "x"}}) == (
        MostRecent(None, None)
    )


# --- workflows ---------------------------------------------------------------------


async def test_workflows_and_their_buttons(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """The demo's cloud workflows: buttons with labels and payloads; a timer is none."""
    listing = await client_of(wegnology_sim, session).workflows(DEMO_APPLICATION_ID)
    flows = {flow.id: flow for flow in listing.items}
    assert set(flows) == {
        PLANT_ALERTS_FLOW_ID,
        ACK_PUMP_FLOW_ID,
        RESET_COUNTER_FLOW_ID,
        FLUSH_VALVE_FLOW_ID,
    }
    assert flows[PLANT_ALERTS_FLOW_ID].buttons == ()
    assert flows[ACK_PUMP_FLOW_ID] == Workflow(
        id=ACK_PUMP_FLOW_ID,
        name="Acknowledge Pump Faults",
        enabled=True,
        buttons=(VirtualButton(ACK_PUMP_BUTTON_KEY, ACK_PUMP_BUTTON_LABEL),),
    )
    assert flows[RESET_COUNTER_FLOW_ID].buttons == (
        VirtualButton(
            RESET_COUNTER_BUTTON_KEY,
            RESET_COUNTER_BUTTON_LABEL,
            {"reason": "shift start"},
        ),
    )
    assert flows[FLUSH_VALVE_FLOW_ID].enabled is False


async def test_press_button_sends_key_and_payload(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """The key always; the payload when there is one."""
    client = client_of(wegnology_sim, session)
    await client.press_button(
        DEMO_APPLICATION_ID, RESET_COUNTER_FLOW_ID, RESET_COUNTER_BUTTON_KEY, {"a": 1}
    )
    await client.press_button(
        DEMO_APPLICATION_ID, ACK_PUMP_FLOW_ID, ACK_PUMP_BUTTON_KEY
    )
    assert [r.json for r in wegnology_sim.requests] == [
        {"key": RESET_COUNTER_BUTTON_KEY, "payload": {"a": 1}},
        {"key": ACK_PUMP_BUTTON_KEY},
    ]
    with pytest.raises(WegnologyApiError) as refused:
        await client.press_button(DEMO_APPLICATION_ID, FLUSH_VALVE_FLOW_ID, "nope")
    assert refused.value.status == 400


def test_workflow_from_json() -> None:
    """flowId, no name, no enabled, odd triggers and payloads."""
    flow = Workflow.from_json(
        {
            "flowId": "f1",
            "triggers": [
                {"type": "virtualButton", "key": "k1", "meta": {"label": " "}},
                {"type": "virtualButton", "key": "k2", "meta": {"payload": " "}},
                {"type": "virtualButton", "key": "k3", "meta": {"payload": [1]}},
                {"type": "virtualButton", "key": "k4", "meta": "odd"},
                {"type": "virtualButton", "key": ""},
                {"type": "timer", "key": "t"},
                "not a trigger",
            ],
        }
    )
    assert flow == Workflow(
        id="f1",
        name="f1",
        enabled=True,
        buttons=(
            VirtualButton("k1", None),
            VirtualButton("k2", None),
            VirtualButton("k3", None, [1]),
            VirtualButton("k4", None),
        ),
    )
    with pytest.raises(WegnologyParseError):
        Workflow.from_json(["f1"])


# --- device queries ---------------------------------------------------------------


async def test_devices_asked_for_with_a_query(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """Devices whose connection changed at or after a time, and only those."""
    wegnology_sim.set_connected(BOILER_ROOM_SENSOR_ID, False, at=1_900_000_000_000)
    query = {
        "$or": [
            {"connectedAt": {"$gte": "2030-03-17T17:46:40.000Z"}},
            {"disconnectedAt": {"$gte": "2030-03-17T17:46:40.000Z"}},
        ]
    }
    listing = await client_of(wegnology_sim, session).devices(
        DEMO_APPLICATION_ID, query=query
    )
    (device,) = listing.items
    assert device.id == BOILER_ROOM_SENSOR_ID
    assert device.connected is False
    assert device.connection_time == datetime.fromtimestamp(1_900_000_000, UTC)
    assert json.loads(wegnology_sim.requests[0].query["query"]) == query


# --- a server with smaller pages -----------------------------------------------------


async def test_a_server_with_smaller_pages(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    """A page above the server's limit: read again, smaller; later lists so too."""
    async with WegnologySimulator(generated_data(100), max_per_page=30) as sim:
        client = client_of(sim, session)
        devices = (await client.devices(GENERATED)).items
        assert len(devices) == 100
        states = await client.composite_states(GENERATED)
        assert len(states) == 100
        assert [r.query["perPage"] for r in sim.requests] == [
            "100",  # refused: "perPage must be <= 30"
            *["30"] * 4,
            *["30"] * 4,
        ]
        assert [
            r.query["page"] for r in sim.requests if r.path == devices_path(GENERATED)
        ] == [
            "0",
            "0",
            "1",
            "2",
            "3",
        ]
        sim.clear_requests()
        assert await client.newest_events(GENERATED) is None
        assert [r.query["perPage"] for r in sim.requests] == ["10"]


async def test_the_newest_events_on_a_server_with_tiny_pages(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """A first page refused at 10 items is read at the size the server takes."""
    wegnology_sim.max_per_page = 5
    client = client_of(wegnology_sim, session)
    newest = await client.newest_events(DEMO_APPLICATION_ID)
    assert newest is not None
    assert newest[1] == frozenset({PUMP_FAULT_EVENT_ID})
    assert [r.query["perPage"] for r in wegnology_sim.requests] == ["10", "5"]
    assert client.per_page == 5


class _PickyServer(SimulatorServer):
    """A server that refuses pages above 40 items without saying how many it takes."""

    def add_routes(self, app: web.Application) -> None:
        """Answer lists of 90 items, refusing perPage above 40 vaguely."""

        async def answer(request: web.Request) -> web.Response:
            per_page = int(request.query["perPage"])
            if per_page > 40:
                return web.json_response(
                    {"type": "Validation", "message": "perPage is too large"},
                    status=400,
                )
            page = int(request.query["page"])
            start = page * per_page
            items = [
                {"id": f"d{index}"} for index in range(start, min(start + per_page, 90))
            ]
            return web.json_response(
                {"items": items, "totalCount": 90, "perPage": per_page}
            )

        app.router.add_route("GET", "/{tail:.*}", answer)


async def test_a_page_limit_not_said_is_found_by_halving(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    """A limit the refusal does not say: halved until taken (100, 50, 25)."""
    server = _PickyServer()
    await server.start()
    try:
        client = client_of(server, session)
        devices = (await client.devices("app")).items
        assert len(devices) == 90
        assert client.per_page == 25
        assert [r.query["perPage"] for r in server.requests][:3] == ["100", "50", "25"]
    finally:
        await server.stop()


async def test_a_refusal_that_is_not_about_pages_is_raised(
    wegnology_sim: WegnologySimulator, session: aiohttp.ClientSession
) -> None:
    """A 400 for anything else (a bad query) is the cloud's refusal, not a page size."""
    client = client_of(wegnology_sim, session)
    with pytest.raises(WegnologyApiError) as refused:
        await client.events(DEMO_APPLICATION_ID, query={"color": "red"})
    assert refused.value.status == 400
    assert client.per_page == 100
    assert len(wegnology_sim.requests) == 1
    assert wegnology_sim.requests[0].path == events_path()


async def test_a_limit_that_cannot_be_met_is_raised(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    """A server that takes no page at all: the refusal is raised, not looped on."""
    async with WegnologySimulator(generated_data(5), max_per_page=0) as sim:
        client = client_of(sim, session)
        with pytest.raises(WegnologyApiError, match="perPage must be <= 0"):
            await client.devices(GENERATED)
        assert len(sim.requests) == 1
