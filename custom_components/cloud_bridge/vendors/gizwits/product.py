"""What a product's definition makes of its devices: a lamp, an appliance, the rest."""

from dataclasses import dataclass
from typing import Any

from ...model import LightCommand, Point
from .climate import Climate, find_climate
from .fan import Fan, find_fan
from .lamp import LIGHT_KEY, Lamp, find_lamp
from .mapping import datapoint_point, write_value
from .models import Datapoint, ProductDefinition


@dataclass(frozen=True, slots=True, kw_only=True)
class Product:
    """A product's datapoints, and the one entity a lamp or appliance makes of some."""

    name: str
    datapoints: dict[str, Datapoint]
    lamp: Lamp | None
    # A thermostat or a fan: one entity for the datapoints it stands for.
    appliance: Climate | Fan | None = None

    @classmethod
    def of(cls, definition: ProductDefinition) -> Product:
        """Index a definition."""
        lamp = find_lamp(definition.datapoints)
        return cls(
            name=definition.name,
            datapoints={dp.name: dp for dp in definition.datapoints},
            lamp=lamp,
            appliance=None
            if lamp
            else find_climate(definition) or find_fan(definition),
        )

    def points(
        self, values: dict[str, Any], *, writable_only: bool = False
    ) -> list[Point]:
        """Return the points of a device (or group) of this product."""
        points = [self.lamp.point(values)] if self.lamp else []
        covered = self.lamp.names if self.lamp else frozenset()
        if self.appliance is not None:
            points.append(self.appliance.point(values))
            covered = self.appliance.names
        points.extend(
            datapoint_point(dp, values.get(name))
            for name, dp in self.datapoints.items()
            if name not in covered and (dp.writable or not writable_only)
        )
        return points

    def attrs(self, point_key: str, value: Any) -> dict[str, Any]:
        """Return the datapoints a command sets; ValueError for a bad value."""
        if point_key == LIGHT_KEY and self.lamp is not None:
            if not isinstance(value, LightCommand):
                raise ValueError("not a light command")
            return self.lamp.attrs(value)
        if self.appliance is not None and point_key == self.appliance.key:
            return self.appliance.attrs(value)
        datapoint = self.datapoints.get(point_key)
        if datapoint is None or not datapoint.writable:
            raise ValueError(f"{point_key} cannot be set")
        return {point_key: write_value(datapoint, value)}

    def diagnostics(self) -> dict[str, Any]:
        """Return what the product is made of, for diagnostics."""
        return {
            "name": self.name,
            "datapoints": sorted(self.datapoints),
            "lamp": bool(self.lamp),
            "appliance": self.appliance.key if self.appliance else None,
        }
