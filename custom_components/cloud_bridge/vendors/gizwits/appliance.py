"""What a thermostat and a fan share: one entity for several datapoints."""

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

from ...model import Point, Spec
from .mapping import write_value
from .models import Datapoint

# The translation key of both entities: where their preset modes are named.
TRANSLATION_KEY = "appliance"


class Appliance(ABC):
    """A product shown as one entity that stands for several of its datapoints."""

    __slots__ = ()
    key: ClassVar[str]
    spec: Spec

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

    @abstractmethod
    def wanted(self, command: object) -> dict[Datapoint, Any] | None:
        """Return the value each datapoint takes for a command; None if not ours.

        ValueError when the command asks for something the product lacks.
        """

    def attrs(self, command: object) -> dict[str, Any]:
        """Return the datapoints to set for a command, in one request."""
        if (wanted := self.wanted(command)) is None:
            raise ValueError(f"not a {self.key} command")
        return {dp.name: write_value(dp, value) for dp, value in wanted.items()}
