"""What the WiZ Pro adapter keeps of its bulbs between polls."""

from datetime import UTC, datetime
import json
import logging

import pytest

from custom_components.cloud_bridge.vendors.wiz_pro.bulb_states import BulbStates
from custom_components.cloud_bridge.vendors.wiz_pro.mode_memory import (
    LightModeMemory,
)
from custom_components.cloud_bridge.vendors.wiz_pro.models import (
    LightModel,
    PilotingState,
)
from custom_components.cloud_bridge.vendors.wiz_pro.offline import OfflineWatch
from custom_components.cloud_bridge.vendors.wiz_pro.status_change import (
    StatusChange,
)
from custom_components.cloud_bridge.vendors.wiz_pro.telemetry import (
    PushRecord,
    Telemetry,
    merge_status,
)

from .wiz_replies import MODELS, bulb

ON = PilotingState(state=True, dimming=50, temperature=3000)
OFF = PilotingState(state=False, dimming=50, temperature=3000)
FEATURES = bulb("RGBTW").features


# --- bulb states ---------------------------------------------------------------------


def test_a_poll_reads_what_a_command_set_before_it() -> None:
    """Turned off by a command, read on by the next poll: on (the cloud's word)."""
    states = BulbStates()
    states.begin_poll()
    assert states.read("1", ON, FEATURES)
    states.end_poll()
    states.take("1", OFF, FEATURES)
    assert states.values["1"].on is False
    states.begin_poll()
    assert states.unread == {"1"}
    assert states.read("1", ON, FEATURES)
    states.end_poll()
    assert states.values["1"].on is True
    # Read again, it is no longer to be read again.
    assert states.unread == set()


def test_a_command_while_a_poll_is_out_is_newer_than_its_answer() -> None:
    """Turned off while the poll was out: the poll's "on" does not undo it."""
    states = BulbStates()
    states.begin_poll()
    states.read("1", ON, FEATURES)
    states.end_poll()
    states.begin_poll()
    states.take("1", OFF, FEATURES)
    assert not states.read("1", ON, FEATURES)
    states.end_poll()
    assert states.values["1"].on is False
    assert states.polled["1"] == ON
    # The poll after reads it from the cloud again.
    assert states.unread == {"1"}


def test_a_poll_that_did_not_read_a_bulb_leaves_it_to_the_next() -> None:
    """A poll that failed (or skipped the bulb's building) reads it next time."""
    states = BulbStates()
    states.take("1", OFF, FEATURES)
    states.begin_poll()
    states.end_poll()
    assert states.unread == {"1"}


def test_a_bulb_read_anew_gets_its_value_again() -> None:
    """The same state with new features (a new model) is a new value."""
    states = BulbStates()
    states.begin_poll()
    states.read("1", ON, FEATURES)
    assert not states.read("1", ON, FEATURES)
    assert states.read("1", ON, bulb("DW").features, anew=True)
    assert states.values["1"].color_mode == "brightness"
    states.forget({"1"})
    assert "1" not in states.states


# --- offline bulbs ------------------------------------------------------------------


def test_a_disconnected_bulb_comes_back_when_a_poll_shows_it_changed() -> None:
    """Pushed offline; the first poll's state is its mark; a different one is back."""
    watch = OfflineWatch({"mac1"})
    assert not watch.is_online("mac1")
    assert not watch.polled("mac1", ON)
    assert not watch.polled("mac1", ON)
    watch.pushed("mac1", connected=False)  # said again: the mark stays
    assert watch.polled("mac1", OFF)
    assert watch.is_online("mac1")
    assert not watch.polled("mac1", ON)


def test_a_push_says_connected() -> None:
    """Connected again by a push; a poll of a connected bulb changes nothing."""
    watch = OfflineWatch()
    watch.pushed("mac1", connected=False)
    assert watch.offline == {"mac1"}
    watch.pushed("mac1", connected=True)
    assert watch.offline == set()
    assert not watch.polled("mac1", ON)


# --- light-mode memory --------------------------------------------------------------


A60 = LightModel.from_json(MODELS["RGBTW"])
PANEL = LightModel.from_json(MODELS["PANEL"])


def test_a_mode_stops_with_the_last_white_or_colour() -> None:
    """Seen in colour, then in a mode: stopping the mode goes back to the colour."""
    memory = LightModeMemory()
    colour = PilotingState(state=True, r=255, g=80, b=0, cw=0, ww=0)
    memory.remember("1", colour, FEATURES)
    playing = PilotingState(state=True, sceneId=4)
    memory.remember("1", playing, FEATURES)
    assert memory.mode_off_change("1", playing, A60, 60) == PilotingState(
        state=True, dimming=60, r=255, g=80, b=0, cw=0, ww=0
    )


def test_a_bulb_never_seen_outside_a_mode_gets_its_middle_white() -> None:
    """A panel (3000-5000 K) goes to 4000 K; a remembered white beyond it is kept in."""
    memory = LightModeMemory()
    playing = PilotingState(state=True, sceneId=12)
    assert memory.mode_off_change("1", playing, PANEL, None) == PilotingState(
        state=True, temperature=4000
    )
    memory.remember("1", PilotingState(state=True, temperature=6500), FEATURES)
    assert memory.mode_off_change("1", playing, PANEL, None).temperature == 5000


def test_a_bulb_that_plays_no_mode_is_only_turned_on() -> None:
    """Nothing to stop: on, at the brightness asked."""
    memory = LightModeMemory()
    assert memory.mode_off_change("1", ON, A60, 30) == PilotingState(
        state=True, dimming=30
    )


# --- telemetry ------------------------------------------------------------------------


def status(**payload: object) -> StatusChange:
    """Return a STATUSCHANGE with a payload."""
    body = {"mac": "a8bb50000001", "connected": True, **payload}
    parsed = StatusChange.from_notification(
        {"type": "STATUSCHANGE", "payload": json.dumps(body)}
    )
    assert parsed is not None
    return parsed


def test_a_notification_keeps_what_it_leaves_out(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No rssi or power: the last ones stay; a Kelvin beyond the model is left out."""
    caplog.set_level(logging.DEBUG)
    known = Telemetry(connected=True, rssi=-60, power=3.5)
    state, telemetry = merge_status(
        ON, known, status(connected=False, colorTemperature=9000, dimming=20), A60
    )
    assert telemetry == Telemetry(connected=False, rssi=-60, power=3.5)
    assert state.temperature == 3000
    assert state.dimming == 20
    assert "outside" in caplog.text
    _, telemetry = merge_status(
        ON, known, status(rssi=-70, consumptionRateInHour=1), A60
    )
    assert telemetry == Telemetry(connected=True, rssi=-70, power=1.0)


def test_a_light_has_the_points_it_reported() -> None:
    """Connectivity with any notification; signal and power once they came."""
    saves: list[None] = []
    record = PushRecord(save=lambda: saves.append(None))
    assert record.points("m") == frozenset()
    assert record.report("m", Telemetry(connected=True))
    assert record.points("m") == {"connectivity"}
    assert record.report("m", Telemetry(connected=True, power=2.0))
    assert not record.report("m", Telemetry(connected=False, power=2.0))
    assert record.points("m") == {"connectivity", "power"}
    assert record.disconnected == {"m"}
    assert not record.report("m", Telemetry(connected=False, power=2.0))
    assert len(saves) == 3
    record.connected_again("m")
    record.connected_again("unknown")
    assert record.disconnected == set()
    assert len(saves) == 4


def test_the_record_outlives_a_restart() -> None:
    """What is saved reads back the same; the lights gone are forgotten."""
    record = PushRecord()
    record.report("a", Telemetry(connected=True, rssi=-50, power=4.2))
    record.report("b", Telemetry(connected=False))
    when = datetime(2026, 10, 3, 14, 5, tzinfo=UTC)
    record.delivered(when)
    again = PushRecord(json.loads(json.dumps(record.as_dict())))
    assert again.items == record.items
    assert again.last_delivery == when
    again.keep_only(["a", "c"])
    assert [mac for mac, _ in again.items] == ["a"]
    again.keep_only(["a"])
    assert [mac for mac, _ in again.items] == ["a"]


@pytest.mark.parametrize(
    "saved",
    [
        None,
        [],
        {"lights": []},
        {"lights": {"m": "on"}},
        {"lights": {"m": {"connected": "yes"}}},
        {"lights": {"m": {"connected": True, "rssi": 12}}},
        {"lights": {"m": {"connected": True, "power": float("nan")}}},
        {"lights": {"m": {"connected": True, "power": -1}}},
        {"lights": {7: {"connected": True}}},
        {"last_delivery": "yesterday"},
        {"last_delivery": 1700000000},
    ],
)
def test_a_record_that_is_not_one_is_left_out(saved: object) -> None:
    """Whatever the file holds that is not a record is read as nothing."""
    record = PushRecord(saved if isinstance(saved, dict) else None)
    assert record.items == []
    assert record.last_delivery is None
