"""The demo's configuration starts Home Assistant without notices of its own."""

import importlib.util
import json
from pathlib import Path

import pytest

from homeassistant import components
from homeassistant.const import __version__
from homeassistant.util.yaml import load_yaml_dict

ROOT = Path(__file__).parent.parent
CONFIGURED = load_yaml_dict(ROOT / "config/configuration.yaml")
# Its setup fails without the go2rtc program, and default_config with it (an
# "Invalid config" notification); dhcp needs libpcap.
LEFT_OUT = {"go2rtc", "dhcp"}


def test_default_config_parts_but_those_that_need_programs() -> None:
    """The demo names default_config's parts itself, leaving out only two."""
    manifest = Path(components.__path__[0]) / "default_config/manifest.json"
    parts = set(json.loads(manifest.read_text("utf-8"))["dependencies"])
    assert parts >= LEFT_OUT
    assert "default_config" not in CONFIGURED
    assert {key for key in CONFIGURED if key in parts} == parts - LEFT_OUT


def test_no_http_yaml_and_quiet_logs() -> None:
    """No http: (a Repairs notice); Home Assistant logs warnings, Cloud Bridge debug."""
    assert "http" not in CONFIGURED
    assert CONFIGURED["logger"]["default"] == "warning"
    assert CONFIGURED["logger"]["logs"]["custom_components.cloud_bridge"] == "debug"


def test_requirements_dev_is_generated_from_the_demo(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """requirements_dev.txt is what scripts/gen_requirements_dev.py prints now."""
    pinned = (ROOT / "requirements_dev.txt").read_text("utf-8")
    if f"homeassistant {__version__}:" not in pinned.splitlines()[0]:
        pytest.skip(f"requirements_dev.txt is not for homeassistant {__version__}")
    spec = importlib.util.spec_from_file_location(
        "gen_requirements_dev", ROOT / "scripts/gen_requirements_dev.py"
    )
    assert spec is not None
    assert spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    generator.main()
    assert capsys.readouterr().out == pinned
