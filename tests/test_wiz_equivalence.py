"""When two piloting changes do the same to a bulb, as WiZ applies them."""

import pytest

from custom_components.cloud_bridge.vendors.wiz_pro.equivalence import (
    accepted,
    merged,
    taken,
)
from custom_components.cloud_bridge.vendors.wiz_pro.models import PilotingState

from .wiz_replies import bulb

RED = PilotingState(state=True, r=255, g=0, b=0, cw=0, ww=0)
OCEAN = PilotingState(state=True, sceneId=1)
NIGHT_LIGHT = PilotingState(state=True, sceneId=14)


def white(kelvin: int) -> PilotingState:
    """Return a change to a white."""
    return PilotingState(state=True, temperature=kelvin)


@pytest.mark.parametrize(
    ("kind", "change", "expected"),
    [
        # Off is off, whatever else comes with it.
        ("RGBTW", PilotingState(state=False, dimming=30), PilotingState(state=False)),
        # Nothing asked, nothing taken.
        ("TW", PilotingState(), PilotingState()),
        # A speed alone turns a bulb on, as any field does.
        ("TW", PilotingState(speed=50), PilotingState(state=True, speed=50)),
        # Of a mode, a colour and a white, the first the bulb plays wins.
        ("RGBTW", PilotingState(state=True, sceneId=1, temperature=3000), OCEAN),
        ("TW", PilotingState(state=True, sceneId=1, temperature=3000), white(3000)),
        ("RGBTW", PilotingState(state=True, r=255, temperature=3000), RED),
        ("TW", PilotingState(state=True, r=255, temperature=3000), white(3000)),
        # A DW bulb's white is its own: a Kelvin, a colour, Ocean only turn it on.
        ("DW", white(4000), PilotingState(state=True)),
        ("DW", RED, PilotingState(state=True)),
        ("DW", OCEAN, PilotingState(state=True)),
        ("DW", NIGHT_LIGHT, NIGHT_LIGHT),
        # A Kelvin beyond the bulb shows as the nearest it has.
        ("TW", white(2000), white(2700)),
        ("RGBTW", white(2000), white(2200)),
        # A ratio only on dual-zone models.
        ("TW", PilotingState(ratio=30), PilotingState(state=True)),
        ("DUAL", PilotingState(ratio=30), PilotingState(state=True, ratio=30)),
    ],
)
def test_what_a_bulb_takes_of_a_change(
    kind: str, change: PilotingState, expected: PilotingState
) -> None:
    """A bulb takes of a change what its class can play."""
    assert taken(change, bulb(kind)) == expected


def test_a_kelvin_must_suit_every_white_tunable_bulb() -> None:
    """Panels take 3000-5000 K; DW bulbs do not bind; no Kelvin is always taken."""
    bulbs = [bulb("TW"), bulb("PANEL"), bulb("DW")]
    assert accepted(white(4000), bulbs)
    assert not accepted(white(6000), bulbs)
    assert not accepted(white(2700), bulbs)
    assert accepted(white(2700), [bulb("TW"), bulb("DW")])
    assert accepted(RED, bulbs)


def test_the_same_change_merges_as_it_is() -> None:
    """Equal changes need no looking at the bulbs."""
    assert merged(RED, [bulb("RGBTW")], RED, [bulb("TW")]) is RED


def test_a_dropped_kelvin_is_no_other_command() -> None:
    """A room's white and a DW bulb's plain "on" do the same to the DW bulb."""
    room = [bulb("RGBTW", "b1:light-1"), bulb("DW", "b1:light-2")]
    on = PilotingState(state=True)
    assert merged(white(4000), room, on, [room[1]]) == white(4000)


def test_a_room_colour_takes_its_tunable_bulbs_white() -> None:
    """Red for the room, the nearest white for its TW bulb: one change of both."""
    room = [
        bulb("RGBTW", "b1:light-1"),
        bulb("TW", "b1:light-2"),
        bulb("DW", "b1:light-3"),
    ]
    both = merged(RED, room, white(6279), [room[1]])
    assert both == PilotingState(
        state=True, r=255, g=0, b=0, cw=0, ww=0, temperature=6279
    )
    # Each bulb then takes what it was asked.
    assert taken(both, room[0]) == RED
    assert taken(both, room[1]) == white(6279)
    assert taken(both, room[2]) == PilotingState(state=True)


def test_a_white_beyond_a_room_bulb_is_not_merged() -> None:
    """A panel cannot show 6279 K: the TW bulb's white needs its own request."""
    room = [
        bulb("RGBTW", "b1:light-1"),
        bulb("TW", "b1:light-2"),
        bulb("PANEL", "b1:light-3"),
    ]
    assert merged(RED, room, white(6279), [room[1]]) is None


def test_one_bulb_gets_what_it_asked() -> None:
    """2700 K for the room, 2200 K for its RGBTW bulb: not the same to that bulb."""
    room = [bulb("RGBTW", "b1:light-1"), bulb("TW", "b1:light-2")]
    assert merged(white(2700), room, white(2200), [room[0]]) is None
    # The TW bulb, asked 2700 K, is the room's.
    assert merged(white(2700), room, white(2700), [room[1]]) == white(2700)


def test_a_light_mode_a_bulb_lacks_is_what_the_room_does_to_it() -> None:
    """Ocean for the room and for its TW bulb: the bulb just turns on either way."""
    room = [bulb("RGBTW", "b1:light-1"), bulb("TW", "b1:light-2")]
    assert merged(OCEAN, room, OCEAN, [room[1]]) == OCEAN
    dimmed = PilotingState(state=True, dimming=30)
    assert merged(OCEAN, room, dimmed, [room[1]]) is None
