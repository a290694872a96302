"""The incremental poll: what a reply changed, and a building's devices from it."""

import copy
from typing import Any

import pytest

from custom_components.cloud_bridge.vendors.parse import ParseError
from custom_components.cloud_bridge.vendors.wiz_pro.building_view import (
    BuildingView,
    LightBook,
)
from custom_components.cloud_bridge.vendors.wiz_pro.models import PilotingState
from custom_components.cloud_bridge.vendors.wiz_pro.reply_diff import changed_lights
from custom_components.cloud_bridge.vendors.wiz_pro.telemetry import (
    PushRecord,
    Telemetry,
)

from .wiz_replies import building_json, changed, lights_of

LIGHT_1 = "b1:light-1"  # RGBTW, room 11 and its group, floor f1
LIGHT_9 = "b1:light-9"  # floor f2
ROOM_11 = "b1:room-11"
GROUP_11 = "b1:group-g11"
BUILDING = "b1:building-b1"


# --- what a reply changed -----------------------------------------------------------


def renamed_room(data: dict[str, Any]) -> None:
    """Rename the first room."""
    data["floors"][0]["rooms"][0]["name"] = "Hall"


def added_light(data: dict[str, Any]) -> None:
    """Add a light to the first room."""
    lights = data["floors"][0]["rooms"][0]["lights"]
    lights.append(copy.deepcopy(lights[0]) | {"id": "99"})


def new_model(data: dict[str, Any]) -> None:
    """Give the first light another model."""
    data["floors"][0]["rooms"][0]["lights"][0]["model"]["name"] = "A60 RGBW"


def scene_gone(data: dict[str, Any]) -> None:
    """Delete the first room's scene."""
    data["floors"][0]["rooms"][0]["roomScenes"] = []


def favorite_set(data: dict[str, Any]) -> None:
    """Set the first room's second favorite."""
    data["floors"][0]["rooms"][0]["favorite2"] = {
        "__typename": "FavoriteStateCustomWhite",
        "temperature": 4000,
        "dimming": 80,
    }


def floor_renamed(data: dict[str, Any]) -> None:
    """Rename the second floor."""
    data["floors"][1]["name"] = "Roof"


def rooms_not_a_list(data: dict[str, Any]) -> None:
    """Make the first floor's rooms something else."""
    data["floors"][0]["rooms"] = {"id": "x"}


@pytest.mark.parametrize(
    "change",
    [
        renamed_room,
        added_light,
        new_model,
        scene_gone,
        favorite_set,
        floor_renamed,
        rooms_not_a_list,
    ],
)
def test_a_change_of_topology_is_no_list_of_lights(change: Any) -> None:
    """Names, models, lights, scenes and favorites: the topology changed."""
    old = building_json()
    new = copy.deepcopy(old)
    change(new)
    assert changed_lights(old, new) is None


def test_the_lights_whose_state_moved() -> None:
    """Two lights in two rooms changed; the rest is the same."""
    old = building_json()
    new = changed(changed(old, "1", dimming=10), "9", state=False)
    found = changed_lights(old, new)
    assert found is not None
    assert [(room, light["id"]) for room, light in found] == [("11", "1"), ("21", "9")]
    assert changed_lights(old, copy.deepcopy(old)) == []


def test_lists_that_are_missing_alike_are_the_same() -> None:
    """A room without groups in both replies is no change."""
    old = building_json()
    del old["floors"][0]["rooms"][0]["groups"]
    assert changed_lights(old, copy.deepcopy(old)) == []


# --- a building's devices from its replies ------------------------------------------


def read(
    view: BuildingView,
    data: dict[str, Any],
    book: LightBook,
    *,
    due: bool = False,
    reread: set[str] | None = None,
) -> list[str]:
    """Read a reply into a view."""
    return view.read(data, book, topology_due=due, reread=reread or set())


def read_the_building() -> tuple[BuildingView, LightBook, dict[str, Any]]:
    """Read the demo building's reply into a new view; return view, book and reply."""
    view, book = BuildingView("b1"), LightBook()
    data = building_json()
    read(view, data, book)
    return view, book, data


def test_an_unchanged_reply_changes_nothing() -> None:
    """The same reply: the same devices, the same index."""
    view, book, data = read_the_building()
    devices, topology = view.devices, view.topology
    assert len(devices) == 1 + 4 + 4 + 16  # building, rooms, groups, lights
    read(view, copy.deepcopy(data), book)
    assert view.devices is devices
    assert view.topology is topology
    assert not view.fresh


def test_a_changed_light_is_made_anew_with_what_holds_it() -> None:
    """One light dimmed: its device, its room, group and building are new; no other."""
    view, book, data = read_the_building()
    before = view.devices
    read(view, changed(data, "1", dimming=10), book)
    new = {key for key, device in view.devices.items() if device is not before[key]}
    assert new == {LIGHT_1, ROOM_11, GROUP_11, BUILDING}
    assert view.devices[LIGHT_1].points["light"].value.brightness == 10
    # The floor light of the other floor is the same point object.
    other_floor = "floor-f2"
    assert (
        view.devices[BUILDING].points[other_floor]
        is before[BUILDING].points[other_floor]
    )
    assert (
        view.devices[BUILDING].points["light"] is not before[BUILDING].points["light"]
    )


def test_the_index_is_read_again_when_due_and_kept_when_the_same() -> None:
    """Due: the reply is read whole; an unchanged topology keeps every spec."""
    view, book, data = read_the_building()
    topology, devices = view.topology, view.devices
    read(view, copy.deepcopy(data), book, due=True)
    assert view.topology is topology
    assert view.devices is devices
    assert not view.fresh


def test_a_changed_topology_makes_a_new_index() -> None:
    """A renamed room: a new index, the room's device renamed; specs still shared."""
    view, book, data = read_the_building()
    topology, before = view.topology, view.devices
    renamed = copy.deepcopy(data)
    renamed_room(renamed)
    read(view, renamed, book)
    assert view.fresh
    assert view.topology is not topology
    assert view.devices[ROOM_11].name == "Hall"
    # Lights are suggested the room's new name as their area: new devices.
    assert view.devices[LIGHT_1] is not before[LIGHT_1]
    assert view.devices[LIGHT_9] is before[LIGHT_9]


def test_a_light_that_becomes_unreadable_is_an_item_problem() -> None:
    """A currentState that is no object: the light is left out, the read incomplete."""
    view, book, data = read_the_building()
    broken = copy.deepcopy(data)
    lights_of(broken)[0]["currentState"] = "on"
    assert read(view, broken, book) == []
    assert LIGHT_1 not in view.devices
    assert view.problems == ("light '1' in room 11: currentState is missing",)
    # Whole again: back, and the read is complete.
    read(view, data, book)
    assert LIGHT_1 in view.devices
    assert view.problems == ()


def test_a_value_that_cannot_be_read_is_a_value_problem() -> None:
    """A dimming of 5000: that value is left out, the light and the read stay."""
    view, book, data = read_the_building()
    problems = read(view, changed(data, "1", dimming=5000, state=False), book)
    assert len(problems) == 1
    assert problems[0].startswith("light '1' in room 11: currentState dimming")
    assert view.problems == ()
    value = view.devices[LIGHT_1].points["light"].value
    assert value.on is False
    assert value.brightness is None


def test_a_reply_without_a_building_is_refused() -> None:
    """No id, no name: nothing to read."""
    view, book = BuildingView("b1"), LightBook()
    with pytest.raises(ParseError):
        read(view, {"floors": []}, book)


def test_a_bulb_set_since_the_last_poll_is_read_again() -> None:
    """A command showed it off; the cloud's unchanged reply says on: on it is."""
    view, book, data = read_the_building()
    bulb = view.topology.bulbs[LIGHT_1] if view.topology else None
    assert bulb is not None
    book.states.take(LIGHT_1, PilotingState(state=False), bulb.features)
    book.states.begin_poll()
    read(view, copy.deepcopy(data), book, reread=book.states.unread)
    book.states.end_poll()
    assert view.devices[LIGHT_1].points["light"].value.on is True


def test_a_disconnected_bulb_that_changed_is_back() -> None:
    """Pushed as disconnected; a later poll shows it changed: connected again."""
    record = PushRecord({"lights": {"a8bb50000001": {"connected": False}}})
    view = BuildingView("b1")
    book = LightBook(record=record)
    book.watch.pushed("a8bb50000001", connected=False)
    data = building_json()
    read(view, data, book)
    assert view.devices[LIGHT_1].online is False
    assert view.devices[LIGHT_1].points["connectivity"].value is False
    read(view, copy.deepcopy(data), book)
    assert view.devices[LIGHT_1].online is False
    read(view, changed(data, "1", dimming=20), book)
    assert view.devices[LIGHT_1].online is True
    assert view.devices[LIGHT_1].points["connectivity"].value is True
    assert record.telemetry("a8bb50000001") == Telemetry(connected=True)
