"""Every language Cloud Bridge ships says everything, with the same placeholders."""

import json
from pathlib import Path
import re
from typing import Any

import pytest

TRANSLATIONS = (
    Path(__file__).parent.parent / "custom_components/cloud_bridge/translations"
)
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Return every string of a translation file by its dotted key."""
    flat: dict[str, str] = {}
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            flat.update(flatten(value, path))
        else:
            flat[path] = value
    return flat


def load(language: str) -> dict[str, str]:
    """Return one language's strings."""
    return flatten(json.loads((TRANSLATIONS / f"{language}.json").read_text("utf-8")))


LANGUAGES = sorted(path.stem for path in TRANSLATIONS.glob("*.json"))


def test_languages_shipped() -> None:
    """English and Simplified Chinese are shipped."""
    assert LANGUAGES == ["en", "zh-Hans"]


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_same_keys_and_placeholders(language: str) -> None:
    """A translation has every English key, no other, and the same placeholders."""
    english, other = load("en"), load(language)
    assert sorted(set(english) - set(other)) == []
    assert sorted(set(other) - set(english)) == []
    for key, text in english.items():
        assert set(PLACEHOLDER.findall(other[key])) == set(PLACEHOLDER.findall(text)), (
            key
        )
        assert other[key].strip(), key
