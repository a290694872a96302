"""What a thermostat and a fan share: one entity for several datapoints."""

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

from ...model import ClimateCommand, FanCommand, Point, Spec
from .mapping import write_value
from .models import Datapoint

# The translation key of both entities: where their preset modes are named.
TRANSLATION_KEY = "appliance"


class Appliance[C: ClimateCommand | FanCommand](ABC):
    """A product shown as one entity that stands for several of its datapoints."""

    __slots__ = ()
    key: ClassVar[str]
    # The command the entity takes: C, which a class variable cannot name.
    command_type: ClassVar[type[Any]]
    spec: Spec
    switch: Datapoint

    @property
    @abstractmethod
    def parts(self) -> tuple[Datapoint | None, ...]:
        """Return the datapoints the entity stands for (None for a part it lacks)."""

    @property
    def names(self) -> frozenset[str]:
        """Return the names of the datapoints the entity stands for."""
        return frozenset(part.name for part in self.parts if part is not None)

    @abstractmethod
    def state(self, values: Mapping[str, Any]) -> object:
        """Return what the entity shows, from the reported values."""

    def point(self, values: Mapping[str, Any]) -> Point:
        """Return the entity's point from the reported values."""
        return Point(key=self.key, spec=self.spec, value=self.state(values))

    def attrs(self, command: object) -> dict[str, Any]:
        """Return the datapoints to set for a command, in one request.

        ValueError when the command is not this entity's, or asks for something
        the product lacks.
        """
        if isinstance(command, self.command_type):
            wanted: dict[Datapoint, Any] = {}
            if command.on is not None:
                wanted[self.switch] = command.on
            wanted.update(self.wanted(command))
            return {dp.name: write_value(dp, value) for dp, value in wanted.items()}
        raise ValueError(f"not a {self.key} command")

    @abstractmethod
    def wanted(self, command: C) -> dict[Datapoint, Any]:
        """Return the value each datapoint takes for a command's other fields."""
