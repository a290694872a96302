"""The oldest Home Assistant Cloud Bridge declares is the one CI tests."""

import json
from pathlib import Path
import re

ROOT = Path(__file__).parent.parent


def declared_minimum() -> str:
    """Return the Home Assistant release hacs.json asks for."""
    minimum: str = json.loads((ROOT / "hacs.json").read_text("utf-8"))["homeassistant"]
    return minimum


def test_the_declared_minimum_is_the_one_tested() -> None:
    """scripts/test --minimum installs exactly the release hacs.json declares."""
    pins = re.findall(
        r"^homeassistant==(\S+)$",
        (ROOT / "requirements_min.txt").read_text("utf-8"),
        re.MULTILINE,
    )
    assert pins == [declared_minimum()]


def test_the_readme_names_the_minimum() -> None:
    """The installation section says which release is the oldest supported."""
    minimum = declared_minimum()
    readme = " ".join((ROOT / "README.md").read_text("utf-8").split())
    feature_release = ".".join(minimum.split(".")[:2])
    assert f"needs Home Assistant {feature_release} or newer" in readme
    assert f"tested on Home Assistant {minimum}" in readme
