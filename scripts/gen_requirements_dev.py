"""Print requirements_dev.txt: the pins of everything `hass -c config/` sets up.

That is Home Assistant's always-loaded integrations, those config/configuration.yaml
names and the integrations cloud_bridge depends on, with their dependencies,
recursively; left out, Home Assistant would pip-install them at its first start.
After bumping Home Assistant in requirements_test.txt or changing the integrations
in config/configuration.yaml, run scripts/setup, then
    .venv/bin/python scripts/gen_requirements_dev.py > requirements_dev.txt
and scripts/setup again.
"""

import json
from pathlib import Path

from homeassistant import bootstrap, components
from homeassistant.const import __version__
from homeassistant.util.yaml import load_yaml_dict

ROOT = Path(__file__).parent.parent
BUILTIN = Path(components.__path__[0])
OURS = ROOT / "custom_components/cloud_bridge/manifest.json"
CONFIGURED = load_yaml_dict(ROOT / "config/configuration.yaml")
ROOTS = {
    *bootstrap.CORE_INTEGRATIONS,
    *bootstrap.DEFAULT_INTEGRATIONS,
    # config/configuration.yaml, but for the development-only cloud_bridge_demo
    *(domain for domain in CONFIGURED if (BUILTIN / domain).is_dir()),
    # cloud_bridge's dependencies, also read from its manifest once that exists
    "application_credentials",
    "conversation",
    "webhook",
}


def linked(manifest: dict[str, list[str]]) -> list[str]:
    """Return the integrations a manifest depends on."""
    return manifest.get("dependencies", []) + manifest.get("after_dependencies", [])


def main() -> None:
    """Walk the manifests and print the requirements they pin."""
    requirements: dict[str, str] = {}
    todo = sorted(ROOTS)
    if OURS.exists():
        ours = json.loads(OURS.read_text())
        todo += linked(ours)
        requirements |= {r.lower(): r for r in ours.get("requirements", [])}
    seen: set[str] = set()
    while todo:
        domain = todo.pop()
        if domain in seen:
            continue
        seen.add(domain)
        manifest = json.loads((BUILTIN / domain / "manifest.json").read_text())
        requirements |= {r.lower(): r for r in manifest.get("requirements", [])}
        todo += linked(manifest)
    print(f"# By scripts/gen_requirements_dev.py, for homeassistant {__version__}:")
    print("# what `hass -c config/` would otherwise pip-install at its first start.")
    print("-r requirements_test.txt")
    print(*(requirements[key] for key in sorted(requirements)), sep="\n")


if __name__ == "__main__":
    main()
