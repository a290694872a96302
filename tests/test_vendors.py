"""The vendor registry: every vendor decision reaches the core through it."""

import ast
import inspect
import json
from pathlib import Path

import pytest

from custom_components.cloud_bridge.config_flow import CloudBridgeConfigFlow
from custom_components.cloud_bridge.flow import VendorFlow, is_insecure
from custom_components.cloud_bridge.vendors import VENDORS

PACKAGE = Path(__file__).parent.parent / "custom_components" / "cloud_bridge"
TRANSLATIONS = json.loads((PACKAGE / "translations" / "en.json").read_text())


def _imported_modules(path: Path) -> set[str]:
    """Return every module a file imports, relative ones as written (..vendors.x)."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            modules.add("." * node.level + (node.module or ""))
            modules.update(
                "." * node.level + f"{node.module or ''}.{alias.name}".strip(".")
                for alias in node.names
            )
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


def test_core_modules_never_import_a_vendor() -> None:
    """Only the registry (vendors/__init__.py) names the vendor packages."""
    vendors = set(VENDORS)
    offenders = {
        path.name: sorted(
            module
            for module in _imported_modules(path)
            if any(part in vendors for part in module.replace(".", " ").split())
        )
        for path in PACKAGE.glob("*.py")
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_each_vendor_steps_live_in_its_own_namespace() -> None:
    """A cloud's steps are its VendorFlow's; their translations carry its id.

    The config flow itself defines only the cloud menu, reauth and reconfigure
    dispatch and Home Assistant's OAuth steps.
    """
    core_steps = {
        name.removeprefix("async_step_")
        for name, _ in inspect.getmembers(CloudBridgeConfigFlow)
        if name.startswith("async_step_")
    }
    translated = set(TRANSLATIONS["config"]["step"])
    assert translated & core_steps == {"user", "pick_implementation"}
    for vendor in VENDORS.values():
        assert issubclass(vendor.flow, VendorFlow)
        assert vendor.flow.vendor_id == vendor.id
        ours = {
            step
            for step in translated - core_steps
            if step == vendor.id or step.startswith(f"{vendor.id}_")
        }
        assert ours, vendor.id
        for step in ours:
            name = "user" if step == vendor.id else step.removeprefix(f"{vendor.id}_")
            assert hasattr(vendor.flow, f"async_step_{name}"), step
    claimed = {
        step
        for step in translated
        for vendor in VENDORS
        if step == vendor or step.startswith(f"{vendor}_")
    }
    assert translated - claimed == {"user", "pick_implementation"}


def test_steps_are_found_by_their_vendor_prefix() -> None:
    """The flow finds a cloud's step by its id; a step no cloud has is not there."""
    flow = CloudBridgeConfigFlow()
    assert hasattr(flow, "async_step_wiz_pro_link_paste")
    assert hasattr(flow, "async_step_gizwits_reauth_confirm")
    assert hasattr(flow, "async_step_wegnology")
    assert not hasattr(flow, "async_step_wiz_pro_no_such_step")
    assert not hasattr(flow, "async_step_nobody_link")
    with pytest.raises(AttributeError):
        flow.something_else  # noqa: B018


def test_the_manifest_says_how_the_clouds_connect() -> None:
    """The manifest's iot class is one a cloud has: push when any cloud pushes."""
    manifest = json.loads((PACKAGE / "manifest.json").read_text())
    classes = {vendor.iot_class for vendor in VENDORS.values()}
    assert manifest["iot_class"] in classes


def test_only_one_cloud_links_with_oauth() -> None:
    """Application credentials belong to the integration: one OAuth cloud at most."""
    assert sum(vendor.oauth is not None for vendor in VENDORS.values()) == 1


@pytest.mark.parametrize(
    ("url", "insecure"),
    [
        ("https://api.example.com", False),
        ("http://api.example.com", True),
        ("HTTP://API.EXAMPLE.COM/", True),
        ("http://192.168.1.10:8080", True),
        ("http://127.0.0.1:8301", False),
        ("http://127.5.5.5", False),
        ("http://[::1]:8302/", False),
        ("http://localhost:8303", False),
        ("  http://localhost  ", False),
    ],
)
def test_addresses_without_tls(url: str, insecure: bool) -> None:
    """Plain http warns, unless it stays on this machine (a test server)."""
    assert is_insecure(url) is insecure


# Names Home Assistant added after the oldest release we support (hacs.json):
# they come from compat.py, which has a stand-in for older releases.
_FROM_COMPAT = {
    "probatio",
    "homeassistant.components.repairs.RepairsFlowResult",
    "homeassistant.exceptions.ImplementationUnavailableError",
    "homeassistant.exceptions.UnknownImplementationError",
    "homeassistant.exceptions.OAuth2TokenRequestConnectionError",
}


def test_newer_home_assistant_names_come_from_compat() -> None:
    """No module imports what the minimum release lacks, but compat.py."""
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(_imported_modules(path) & _FROM_COMPAT)
        for path in PACKAGE.rglob("*.py")
        if path.name != "compat.py"
    }
    assert {name: found for name, found in offenders.items() if found} == {}
