"""What a Gizwits group shows, from its members' reports, without a cloud."""

from custom_components.cloud_bridge.vendors.gizwits.groups import (
    group_points,
    group_values,
)
from custom_components.cloud_bridge.vendors.gizwits.models import (
    Datapoint,
    ProductDefinition,
)
from custom_components.cloud_bridge.vendors.gizwits.product import Product

W = "status_writable"

HEATER = Product.of(
    ProductDefinition(
        product_key="pk",
        name="Heater",
        datapoints=(
            Datapoint(name="power", display_name="开关", type=W, data_type="bool"),
            Datapoint(
                name="level",
                display_name="Level",
                type=W,
                data_type="uint8",
                maximum=20,
                ratio=0.5,
            ),
            Datapoint(
                name="mode",
                display_name="Mode",
                type=W,
                data_type="enum",
                labels=("eco", "full"),
            ),
            Datapoint(
                name="fault",
                display_name="Fault",
                type="fault",
                data_type="bool",
            ),
        ),
    )
)


def test_any_switch_the_mean_number_and_a_label_all_agree_on() -> None:
    """On when any member is; the mean on the grid; a label only when all say it."""
    reports = [
        {"power": False, "level": 3, "mode": "eco"},
        {"power": 1, "level": 4.5, "mode": 0},
        {"power": "odd", "level": "odd", "mode": "odd"},
    ]
    assert group_values(HEATER, reports) == {
        "power": True,
        "level": 4.0,
        "mode": "eco",
    }
    assert "mode" not in group_values(HEATER, [*reports, {"mode": "full"}])


def test_nothing_known_shows_nothing() -> None:
    """Members that reported nothing readable leave the group's values unknown."""
    assert group_values(HEATER, []) == {}
    assert group_values(HEATER, [{"power": None}]) == {}


def test_a_group_has_only_writable_points() -> None:
    """A fault is each member's own: the group offers what can be set."""
    points = group_points(HEATER, [{"power": True, "level": 10, "fault": True}])
    assert {point.key: point.value for point in points} == {
        "power": True,
        "level": 10,
        "mode": None,
    }
