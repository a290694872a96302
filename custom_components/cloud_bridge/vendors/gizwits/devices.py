"""Gizwits bindings, groups and scenarios as the model's devices."""

from ...model import Device, Point, SceneSpec
from .models import Binding, Group, Scenario
from .product import Product

MANUFACTURER = "Gizwits"


def bound_device(
    key: str,
    binding: Binding,
    product: Product | None,
    points: list[Point],
    *,
    online: bool,
) -> Device:
    """Return a bound device with its points."""
    mac = binding.mac.lower().replace(":", "")
    return Device(
        key=key,
        name=device_name(binding, product),
        manufacturer=MANUFACTURER,
        model=product.name if product and product.name else binding.product_key,
        mac=mac
        if len(mac) == 12 and all(c in "0123456789abcdef" for c in mac)
        else None,
        online=online,
        points={point.key: point for point in points},
    )


def device_name(binding: Binding, product: Product | None) -> str:
    """Return a device's name: its alias, else its product's name, else its did."""
    return binding.alias or (product.name if product else "") or binding.did


def group_device(
    key: str, group: Group, product: Product, points: list[Point]
) -> Device:
    """Return a one-product group with its points."""
    return Device(
        key=key,
        name=group.name,
        manufacturer=MANUFACTURER,
        model=product.name or group.product_key,
        points={point.key: point for point in points},
    )


def scenes_device(key: str, name: str, scenarios: list[Scenario]) -> Device:
    """Return the account as a device whose points are its scenarios."""
    return Device(
        key=key,
        name=name,
        manufacturer=MANUFACTURER,
        points={
            f"scene-{s.id}": Point(key=f"scene-{s.id}", spec=SceneSpec(name=s.name))
            for s in scenarios
        },
    )
