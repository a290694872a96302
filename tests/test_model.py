"""The neutral model and WiZ Pro's light mapping, as plain functions."""

from dataclasses import replace

import pytest

from custom_components.cloud_bridge.model import (
    Device,
    Kind,
    LightCommand,
    LightFeatures,
    LightState,
    Point,
    PointUpdate,
    Snapshot,
    apply_light_command,
)
from custom_components.cloud_bridge.vendors.wiz_pro.light_modes import (
    LIGHT_MODES,
    BulbClass,
    bulb_class,
)
from custom_components.cloud_bridge.vendors.wiz_pro.mapping import (
    combined_features,
    combined_state,
    light_state,
    piloting_input,
)
from custom_components.cloud_bridge.vendors.wiz_pro.models import (
    LightModel,
    PilotingState,
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
                    "power": Point(key="power", kind=Kind.SENSOR, value=1.0),
                    "rssi": Point(key="rssi", kind=Kind.SENSOR, value=-60),
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


@pytest.mark.parametrize(
    ("state", "command", "expected"),
    [
        (COLOURED, LightCommand(on=False), replace(COLOURED, on=False)),
        (
            replace(COLOURED, on=False),
            LightCommand(on=True),
            COLOURED,
        ),
        (
            COLOURED,
            LightCommand(on=True, brightness=80),
            replace(COLOURED, brightness=80),
        ),
        (
            COLOURED,
            LightCommand(on=True, color_temp_kelvin=3000),
            LightState(
                on=True, brightness=50, color_mode="color_temp", color_temp_kelvin=3000
            ),
        ),
        (
            LightState(on=False, color_mode="color_temp", color_temp_kelvin=3000),
            LightCommand(on=True, rgbww_color=(0, 0, 255, 0, 0)),
            LightState(on=True, color_mode="rgbww", rgbww_color=(0, 0, 255, 0, 0)),
        ),
        (
            LightState(on=True, color_mode="color_temp", color_temp_kelvin=3000),
            LightCommand(on=True, effect="Party", brightness=20),
            LightState(
                on=True,
                brightness=20,
                color_mode="color_temp",
                color_temp_kelvin=3000,
                effect="Party",
            ),
        ),
    ],
    ids=["off", "on", "brightness", "kelvin", "colour", "effect"],
)
def test_apply_light_command(
    state: LightState, command: LightCommand, expected: LightState
) -> None:
    """A light shows what a command asks, and drops what the command replaces."""
    assert apply_light_command(state, command) == expected


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
def test_combined_state(members: list[LightState], expected: LightState) -> None:
    """On when any member is on; brightness and Kelvin the lit members' mean."""
    assert combined_state(members, RGBTW) == expected


def test_combined_state_keeps_to_supported_modes() -> None:
    """A member's mode the group cannot show is not reported for the group."""
    members = [lit(50, color_mode="rgbww", rgbww_color=(1, 2, 3, 0, 0))]
    assert combined_state(members, TW).color_mode == "color_temp"
    assert combined_state(members, TW).rgbww_color is None
    assert combined_state([OFF], DW).color_mode == "brightness"


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
            ),
        ),
        (
            PilotingState(state=True, dimming=90, temperature=4000, r=0, g=0, b=0),
            RGBTW,
            LightState(
                on=True, brightness=90, color_mode="color_temp", color_temp_kelvin=4000
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
            ),
        ),
        (
            PilotingState(state=False, dimming=50, r=9, temperature=3000),
            TW,
            LightState(
                on=False, brightness=50, color_mode="color_temp", color_temp_kelvin=3000
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
        (PilotingState(), RGBTW, LightState(color_mode="color_temp")),
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
