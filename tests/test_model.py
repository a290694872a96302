"""The neutral model and WiZ Pro's light mapping, as plain functions."""

from collections.abc import Callable
import copy
from dataclasses import replace
from typing import Any

import pytest

from custom_components.cloud_bridge.light_states import combine_light_states
from custom_components.cloud_bridge.model import (
    Device,
    LightCommand,
    LightFeatures,
    LightState,
    Point,
    PointUpdate,
    SensorSpec,
    Snapshot,
)
from custom_components.cloud_bridge.vendors.wiz_pro.light_modes import (
    LIGHT_MODES,
    BulbClass,
    bulb_class,
)
from custom_components.cloud_bridge.vendors.wiz_pro.mapping import (
    combined_features,
    light_state,
    piloting_input,
)
from custom_components.cloud_bridge.vendors.wiz_pro.models import (
    Building,
    Light,
    LightModel,
    PilotingState,
    TokenSet,
    WizProParseError,
    favorite_state,
    parse_building,
    parse_time,
)

RGBTW = LightFeatures(
    color_modes=frozenset({"color_temp", "rgbww"}),
    brightness_range=(10, 100),
    kelvin_range=(2200, 6500),
    effects=tuple(LIGHT_MODES.values()),
)
TW = LightFeatures(
    color_modes=frozenset({"color_temp"}),
    brightness_range=(10, 100),
    kelvin_range=(2700, 5000),
    effects=("Cozy", "Warm white"),
)
DW = LightFeatures(
    color_modes=frozenset({"brightness"}),
    brightness_range=(10, 100),
    effects=("Wake up",),
)


# --- Snapshot -------------------------------------------------------------------------


def snapshot() -> Snapshot:
    """Return a Snapshot of two devices with two points each."""
    return Snapshot(
        {
            key: Device(
                key=key,
                name=key.title(),
                points={
                    "power": Point(key="power", spec=SensorSpec(), value=1.0),
                    "rssi": Point(key="rssi", spec=SensorSpec(), value=-60),
                },
            )
            for key in ("lamp", "spot")
        }
    )


def test_with_updates_shares_untouched_devices() -> None:
    """Only the updated point is new; everything else is the same object."""
    before = snapshot()
    after = before.with_updates(
        [PointUpdate(device_key="lamp", point_key="power", value=7.5)]
    )
    assert after is not before
    assert after.devices["spot"] is before.devices["spot"]
    assert after.devices["lamp"] is not before.devices["lamp"]
    assert after.point("lamp", "power").value == 7.5
    assert after.devices["lamp"].points["rssi"] is before.devices["lamp"].points["rssi"]
    # The old Snapshot is not changed.
    assert before.point("lamp", "power").value == 1.0


@pytest.mark.parametrize(
    "updates",
    [
        [],
        [PointUpdate(device_key="gone", point_key="power", value=1)],
        [PointUpdate(device_key="lamp", point_key="colour", value=1)],
    ],
    ids=["nothing", "unknown_device", "unknown_point"],
)
def test_with_updates_ignores_unknown(updates: list[PointUpdate]) -> None:
    """Updates for devices or points the Snapshot lacks change nothing."""
    before = snapshot()
    after = before.with_updates(updates)
    assert after is before
    assert after.point("gone", "power") is None
    assert after.point("lamp", "colour") is None


def test_with_updates_mixed() -> None:
    """Known updates apply and unknown ones are dropped in the same call."""
    before = snapshot()
    after = before.with_updates(
        [
            PointUpdate(device_key="gone", point_key="power", value=3),
            PointUpdate(device_key="spot", point_key="rssi", value=-70),
            PointUpdate(device_key="spot", point_key="colour", value=3),
            PointUpdate(device_key="spot", point_key="rssi", value=-71),
        ]
    )
    assert after.point("spot", "rssi").value == -71
    assert set(after.devices["spot"].points) == {"power", "rssi"}
    assert after.devices["lamp"] is before.devices["lamp"]
    assert set(after.devices) == {"lamp", "spot"}


def test_with_online() -> None:
    """Going offline replaces one device; no change gives the same Snapshot."""
    before = snapshot()
    assert before.with_online("lamp", True) is before
    assert before.with_online("gone", False) is before
    after = before.with_online("lamp", False)
    assert after.devices["lamp"].online is False
    assert after.devices["lamp"].points is before.devices["lamp"].points
    assert after.devices["spot"] is before.devices["spot"]


# --- light commands -------------------------------------------------------------------

COLOURED = LightState(
    on=True,
    brightness=50,
    color_mode="rgbww",
    rgbww_color=(255, 0, 0, 0, 0),
    effect="Ocean",
)


# --- combined features and state ---------------------------------------------------


@pytest.mark.parametrize(
    ("members", "modes", "kelvin"),
    [
        ([RGBTW], {"color_temp", "rgbww"}, (2200, 6500)),
        ([RGBTW, TW], {"color_temp", "rgbww"}, (2700, 5000)),
        ([TW, replace(TW, kelvin_range=(3000, 6500))], {"color_temp"}, (3000, 5000)),
        # No Kelvin every member accepts: no colour temperature at all.
        (
            [TW, replace(TW, kelvin_range=(5500, 6500))],
            {"brightness"},
            None,
        ),
        ([RGBTW, replace(TW, kelvin_range=(6500, 6500))], {"rgbww"}, None),
        # Brightness-only bulbs next to colour ones: brightness is not a mode.
        ([DW, TW], {"color_temp"}, (2700, 5000)),
        ([DW, RGBTW], {"color_temp", "rgbww"}, (2200, 6500)),
        ([DW, DW], {"brightness"}, None),
    ],
    ids=[
        "one",
        "kelvin_intersection",
        "kelvin_intersection_tw",
        "kelvin_disjoint",
        "kelvin_single_value",
        "brightness_dropped_tw",
        "brightness_dropped_rgbtw",
        "brightness_only",
    ],
)
def test_combined_features(
    members: list[LightFeatures],
    modes: set[str],
    kelvin: tuple[int, int] | None,
) -> None:
    """Modes are the union, the Kelvin range the intersection."""
    combined = combined_features(members)
    assert combined is not None
    assert combined.color_modes == modes
    assert combined.kelvin_range == kelvin
    assert combined.brightness_range == (10, 100)


def test_combined_effects_and_empty() -> None:
    """Effects are the union in the light-mode table's order; no members, None."""
    combined = combined_features([TW, DW, replace(DW, effects=("Ocean", "Cozy"))])
    assert combined is not None
    assert combined.effects == ("Ocean", "Cozy", "Wake up", "Warm white")
    assert combined_features([]) is None


def lit(brightness: int, **changes: object) -> LightState:
    """Return a bulb that is on in white."""
    return replace(
        LightState(
            on=True,
            brightness=brightness,
            color_mode="color_temp",
            color_temp_kelvin=3000,
        ),
        **changes,
    )


OFF = LightState(on=False, brightness=90, color_mode="color_temp")


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ([], LightState()),
        ([LightState(), LightState()], LightState()),
        ([OFF, OFF], LightState(on=False, color_mode="color_temp")),
        (
            [lit(80), OFF],
            LightState(
                on=True, brightness=80, color_mode="color_temp", color_temp_kelvin=3000
            ),
        ),
        (
            [lit(40, color_temp_kelvin=3000), lit(60, color_temp_kelvin=4000), OFF],
            LightState(
                on=True, brightness=50, color_mode="color_temp", color_temp_kelvin=3500
            ),
        ),
        (
            [lit(30, effect="Cozy"), lit(30, effect="Cozy")],
            LightState(
                on=True,
                brightness=30,
                color_mode="color_temp",
                color_temp_kelvin=3000,
                effect="Cozy",
            ),
        ),
        (
            [lit(30, effect="Cozy"), lit(30)],
            LightState(
                on=True, brightness=30, color_mode="color_temp", color_temp_kelvin=3000
            ),
        ),
        (
            [
                lit(20, color_mode="rgbww", rgbww_color=(255, 0, 0, 0, 0)),
                lit(40, color_mode="rgbww", rgbww_color=(0, 255, 0, 0, 0)),
                lit(60),
            ],
            LightState(
                on=True,
                brightness=40,
                color_mode="rgbww",
                rgbww_color=(255, 0, 0, 0, 0),
            ),
        ),
    ],
    ids=[
        "no_members",
        "nothing_known",
        "all_off",
        "any_on",
        "mean_of_lit",
        "shared_effect",
        "mixed_effects",
        "most_common_mode",
    ],
)
def test_combine_light_states(members: list[LightState], expected: LightState) -> None:
    """On when any member is on; brightness and Kelvin the lit members' mean."""
    assert combine_light_states(members, RGBTW) == expected


def test_combine_light_states_keeps_to_supported_modes() -> None:
    """A member's mode the group cannot show is not reported for the group."""
    members = [lit(50, color_mode="rgbww", rgbww_color=(1, 2, 3, 0, 0))]
    assert combine_light_states(members, TW).color_mode == "color_temp"
    assert combine_light_states(members, TW).rgbww_color is None
    assert combine_light_states([OFF], DW).color_mode == "brightness"


def test_a_room_reports_kelvin_within_its_own_range() -> None:
    """Bulbs of wider ranges averaging outside the room's range are kept in it."""
    members = [
        lit(50, color_temp_kelvin=2200),
        lit(50, color_temp_kelvin=2400),
        lit(50, color_temp_kelvin=6500),
    ]
    assert combine_light_states(members[:2], TW).color_temp_kelvin == 2700
    assert combine_light_states(members[2:], TW).color_temp_kelvin == 5000
    assert combine_light_states(members, RGBTW).color_temp_kelvin == 3700


# --- one bulb -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "features", "expected"),
    [
        (
            PilotingState(state=True, dimming=70, r=255, g=140, b=0, cw=0, ww=0),
            RGBTW,
            LightState(
                on=True,
                brightness=70,
                color_mode="rgbww",
                rgbww_color=(255, 140, 0, 0, 0),
                effect="off",
            ),
        ),
        (
            PilotingState(state=True, dimming=90, temperature=4000, r=0, g=0, b=0),
            RGBTW,
            LightState(
                on=True,
                brightness=90,
                color_mode="color_temp",
                color_temp_kelvin=4000,
                effect="off",
            ),
        ),
        (
            PilotingState(state=True, dimming=40, cw=120, ww=0),
            RGBTW,
            LightState(
                on=True,
                brightness=40,
                color_mode="rgbww",
                rgbww_color=(0, 0, 0, 120, 0),
                effect="off",
            ),
        ),
        (
            PilotingState(state=False, dimming=50, r=9, temperature=3000),
            TW,
            LightState(
                on=False,
                brightness=50,
                color_mode="color_temp",
                color_temp_kelvin=3000,
                effect="off",
            ),
        ),
        (
            PilotingState(state=True, dimming=60, sceneId=6),
            RGBTW,
            LightState(on=True, brightness=60, color_mode="color_temp", effect="Cozy"),
        ),
        (
            PilotingState(state=True, dimming=60, sceneId=1),
            TW,
            LightState(on=True, brightness=60, color_mode="color_temp"),
        ),
        (
            PilotingState(state=True, dimming=30, sceneId=99, temperature=2700),
            DW,
            LightState(on=True, brightness=30, color_mode="brightness"),
        ),
        (PilotingState(), RGBTW, LightState(color_mode="color_temp", effect="off")),
    ],
    ids=[
        "colour",
        "white",
        "cold_white_channel",
        "tw_ignores_channels",
        "light_mode",
        "mode_the_bulb_cannot_play",
        "dw_unknown_mode",
        "nothing_known",
    ],
)
def test_light_state(
    state: PilotingState, features: LightFeatures, expected: LightState
) -> None:
    """A bulb's state is read in a colour mode it supports."""
    assert light_state(state, features) == expected


def test_piloting_input_keeps_values_in_range() -> None:
    """Dimming stays within 10-100, Kelvin within the light's, channels 0-255."""
    for brightness in range(-20, 300, 7):
        dimming = piloting_input(LightCommand(on=True, brightness=brightness), RGBTW)
        assert dimming.dimming == min(max(brightness, 10), 100)
    for kelvin in range(1000, 9000, 250):
        change = piloting_input(LightCommand(on=True, color_temp_kelvin=kelvin), TW)
        assert change.temperature == min(max(kelvin, 2700), 5000)
    change = piloting_input(
        LightCommand(on=True, rgbww_color=(300, -5, 10, 256, 0)), RGBTW
    )
    assert (change.r, change.g, change.b, change.cw, change.ww) == (255, 0, 10, 255, 0)


@pytest.mark.parametrize(
    ("command", "features", "expected"),
    [
        (LightCommand(on=False, brightness=50), RGBTW, PilotingState(state=False)),
        (LightCommand(on=True), RGBTW, PilotingState(state=True)),
        (
            LightCommand(on=True, brightness=55, effect="Ocean"),
            RGBTW,
            PilotingState(state=True, dimming=55, sceneId=1),
        ),
        # A light without a Kelvin range is not sent one.
        (
            LightCommand(on=True, color_temp_kelvin=3000),
            DW,
            PilotingState(state=True),
        ),
    ],
    ids=["off", "on", "effect", "no_kelvin_range"],
)
def test_piloting_input(
    command: LightCommand, features: LightFeatures, expected: PilotingState
) -> None:
    """A command becomes the PilotingLightStateInput with only what it asks."""
    assert piloting_input(command, features) == expected


@pytest.mark.parametrize(
    ("name", "low", "high", "expected"),
    [
        ("A60 E27 RGBTW", 2200, 6500, BulbClass.RGBTW),
        ("Colour Strip", 2700, 6500, BulbClass.RGBTW),
        ("GU10 TW", 2700, 6500, BulbClass.TW),
        ("Panel Tunable White", 3000, 5000, BulbClass.TW),
        ("Filament ST64 DW", 2700, 2700, BulbClass.DW),
        ("Dimmable Bulb", 2700, 6500, BulbClass.DW),
        ("Mystery", 2700, 6500, BulbClass.TW),
        ("Mystery", 2700, 2700, BulbClass.DW),
    ],
)
def test_bulb_class(name: str, low: int, high: int, expected: BulbClass) -> None:
    """The class comes from the product name, else from the Kelvin range."""
    model = LightModel(
        id="1",
        brand="WiZ",
        name=name,
        has_ratio=False,
        temperature_min=low,
        temperature_max=high,
    )
    assert bulb_class(model) is expected


# --- WiZ Pro JSON, read leniently ---------------------------------------------------


@pytest.mark.parametrize("value", ["yesterday", "", "2019-13-45T99:00:00Z", None, 7])
def test_parse_time_refuses_garbage(value: Any) -> None:
    """Anything but an ISO 8601 time is a parse error, not a crash."""
    with pytest.raises(WizProParseError, match="not an ISO time"):
        parse_time(value)


def test_token_with_a_garbled_expiry_is_refused() -> None:
    """A token reply whose expiresAt is not a time is a parse error."""
    reply = {"accessToken": "a", "refreshToken": "r", "expiresAt": "soon"}
    with pytest.raises(WizProParseError, match="soon"):
        TokenSet.from_json(reply)
    reply["expiresAt"] = "2019-07-03T10:57:55.397Z"
    assert TokenSet.from_json(reply).expires_at.year == 2019


def model_json(**changes: Any) -> dict[str, Any]:
    """Return a LightModel as the API sends it, with keys changed (None: removed)."""
    model = {
        "id": "m1",
        "brand": "WiZ",
        "name": "A60 E27 RGBTW",
        "hasRatio": False,
        "temperatureMin": 2200,
        "temperatureMax": 6500,
    }
    model.update(changes)
    return {key: value for key, value in model.items() if value is not None}


@pytest.mark.parametrize(
    ("model", "error"),
    [
        (model_json(temperatureMin=None), "range is missing"),
        (model_json(temperatureMax=None), "range is missing"),
        (model_json(temperatureMin="2200"), "range is missing"),
        (model_json(temperatureMax=True), "range is missing"),
        (model_json(temperatureMin=6500, temperatureMax=2200), "range is reversed"),
        ("A60", "model is missing"),
        (None, "model is missing"),
    ],
    ids=[
        "no_min",
        "no_max",
        "min_a_string",
        "max_a_bool",
        "reversed",
        "a_string",
        "absent",
    ],
)
def test_light_model_needs_a_temperature_range(model: Any, error: str) -> None:
    """A model without a usable Kelvin range cannot be described as a light."""
    with pytest.raises(WizProParseError, match=error):
        LightModel.from_json(model)


def test_light_model_with_one_temperature_is_read() -> None:
    """A range of one Kelvin value (a dimmable-white bulb) is a valid range."""
    model = LightModel.from_json(
        model_json(temperatureMin=2700, temperatureMax=2700, brand=None, name=5)
    )
    assert (model.temperature_min, model.temperature_max) == (2700, 2700)
    assert (model.brand, model.name) == ("WiZ", "")


@pytest.mark.parametrize("light", ["lamp", 7, None, ["id", "l1"]])
def test_a_light_that_is_not_an_object(light: Any) -> None:
    """A light that is not a JSON object is a parse error."""
    with pytest.raises(WizProParseError, match="light is not an object"):
        Light.from_json(light)


@pytest.mark.parametrize(
    ("favorite", "expected"),
    [
        (
            {"__typename": "FavoriteStateScene", "sceneId": 12, "specificDimming": 80},
            PilotingState(state=True, sceneId=12, dimming=80),
        ),
        ({"__typename": "FavoriteStateScene", "specificDimming": 80}, None),
        ({"__typename": "FavoriteStateScene", "sceneId": "12"}, None),
        (
            {"__typename": "FavoriteStateCustomWhite", "temperature": 4000},
            PilotingState(state=True, temperature=4000),
        ),
        ({"__typename": "FavoriteStateCustomWhite", "dimming": 90}, None),
        ({"__typename": "FavoriteStateMoment", "momentId": "m"}, None),
        ({"__typename": "FavoriteStateSomethingNew", "sceneId": 12}, None),
        ({"sceneId": 12, "temperature": 4000}, None),
        (
            {"__typename": "FavoriteStateStatus", "status": True},
            PilotingState(state=True),
        ),
        ({"__typename": "FavoriteStateStatus", "status": False}, None),
        ("FavoriteStateStatus", None),
    ],
    ids=[
        "scene",
        "scene_without_scene_id",
        "scene_id_a_string",
        "custom_white",
        "custom_white_without_temperature",
        "moment",
        "unknown_typename",
        "no_typename",
        "status_on",
        "unset",
        "not_an_object",
    ],
)
def test_favorite_state(favorite: Any, expected: PilotingState | None) -> None:
    """A favorite is applied only when it says fully what to set."""
    assert favorite_state(favorite) == expected


def light_json(light_id: str) -> dict[str, Any]:
    """Return a BuildingLight as the API sends it."""
    return {
        "id": light_id,
        "name": f"Lamp {light_id}",
        "mac": "A8:BB:50:00:00:01",
        "model": model_json(),
        "currentState": {"state": True, "dimming": 50, "temperature": 3000},
    }


def building_json() -> dict[str, Any]:
    """Return a well-formed buildingTopology: one floor, one room, one of each."""
    return {
        "id": "b1",
        "name": "Office",
        "floors": [
            {
                "id": "f1",
                "name": "Ground Floor",
                "rooms": [
                    {
                        "id": "r1",
                        "name": "Hall",
                        "lights": [light_json("l1"), light_json("l2")],
                        "groups": [
                            {"id": "g1", "name": "Desk", "lights": [{"id": "l1"}]}
                        ],
                        "roomScenes": [{"id": "s1", "name": "Evening"}],
                        "favorite1": {
                            "__typename": "FavoriteStateStatus",
                            "status": True,
                        },
                    }
                ],
            }
        ],
    }


def inventory(building: Building) -> dict[str, list[str]]:
    """Return the ids of everything a building holds, by kind."""
    rooms = [room for floor in building.floors for room in floor.rooms]
    return {
        "floors": [floor.id for floor in building.floors],
        "rooms": [room.id for room in rooms],
        "lights": [light.id for room in rooms for light in room.lights],
        "groups": [group.id for room in rooms for group in room.groups],
        "scenes": [scene.id for room in rooms for scene in room.scenes],
        "favorites": [str(fav.slot) for room in rooms for fav in room.favorites],
    }


def room(data: dict[str, Any]) -> dict[str, Any]:
    """Return the room of a building_json()."""
    found: dict[str, Any] = data["floors"][0]["rooms"][0]
    return found


MALFORMED: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "light not an object": (
        lambda data: room(data)["lights"].append("lamp"),
        "light without id in room r1: light is not an object",
    ),
    "light with a reversed range": (
        lambda data: room(data)["lights"].append(
            {**light_json("l3"), "model": model_json(temperatureMin=7000)}
        ),
        "light 'l3' in room r1: model temperature range is reversed",
    ),
    "group without name": (
        lambda data: room(data)["groups"].append({"id": "g2", "lights": []}),
        "group 'g2' in room r1: name is missing or not a string",
    ),
    "group member without id": (
        lambda data: room(data)["groups"].append(
            {"id": "g3", "name": "Odd", "lights": [{"name": "x"}]}
        ),
        "group 'g3' in room r1: id is missing or not a string",
    ),
    "group not an object": (
        lambda data: room(data)["groups"].append(None),
        "group without id in room r1: id is missing or not a string",
    ),
    "room scene without name": (
        lambda data: room(data)["roomScenes"].append({"id": "s2", "name": ""}),
        "scene 's2' in room r1: name is missing or not a string",
    ),
    "room scene without id": (
        lambda data: room(data)["roomScenes"].append({"name": "Morning"}),
        "scene without id in room r1: id is missing or not a string",
    ),
    "room without name": (
        lambda data: data["floors"][0]["rooms"].append(
            {"id": "r2", "lights": [light_json("l9")]}
        ),
        "room 'r2' on floor f1: name is missing or not a string",
    ),
    "room not an object": (
        lambda data: data["floors"][0]["rooms"].append(["r3"]),
        "room without id on floor f1: id is missing or not a string",
    ),
    "floor without name": (
        lambda data: data["floors"].append(
            {"id": "f2", "rooms": [{"id": "r4", "name": "Attic"}]}
        ),
        "floor 'f2': name is missing or not a string",
    ),
    "floor with an id that is a number": (
        lambda data: data["floors"].append({"id": 2, "name": "Roof", "rooms": []}),
        "floor without id: id is missing or not a string",
    ),
}


@pytest.mark.parametrize(("change", "problem"), MALFORMED.values(), ids=list(MALFORMED))
def test_malformed_item_is_skipped_and_named(
    change: Callable[[dict[str, Any]], None], problem: str
) -> None:
    """One odd item is left out with a problem naming it; the rest is read."""
    expected = inventory(parse_building(building_json()))
    assert parse_building(building_json()).problems == ()
    data = building_json()
    change(data)
    try:
        building = parse_building(copy.deepcopy(data))
    except (AttributeError, TypeError) as err:
        pytest.fail(
            f"parse_building crashed ({err!r}) instead of skipping the item "
            f"and reporting {problem!r}"
        )
    assert building.problems == (problem,)
    assert inventory(building) == expected
    assert (building.id, building.name) == ("b1", "Office")


@pytest.mark.parametrize("data", [None, [], {"name": "Office"}, {"id": "b1"}])
def test_building_without_id_or_name_is_refused(data: Any) -> None:
    """A building that cannot be named is a parse error (the client's to report)."""
    with pytest.raises(WizProParseError):
        parse_building(data)
