"""Every language Cloud Bridge ships says everything, and as hassfest wants it.

hassfest (Home Assistant's integration validator) checks only en.json of a
custom integration, and only where its tool is at hand; these tests hold every
language file to the same rules, with hassfest's own ways of finding
placeholders (string.Formatter) and HTML (config_validation).
"""

import json
from pathlib import Path
import re
import string
from typing import Any

import pytest

from homeassistant.helpers import config_validation as cv

from custom_components.cloud_bridge.compat import probatio

TRANSLATIONS = (
    Path(__file__).parent.parent / "custom_components/cloud_bridge/translations"
)
LANGUAGES = sorted(path.stem for path in TRANSLATIONS.glob("*.json"))

# As script/hassfest/translations.py has them.
SINGLE_QUOTED_PLACEHOLDER = re.compile(r"'{\w+}'")
COMBINED_REFERENCE = re.compile(r"(.+\[%)|(%\].+)")
URL = re.compile(
    r"(((ftp|ftps|scp|http|https|mqtt|mqtts|socket|socks5):\/\/|www\.)"
    r"[a-z0-9]+([\-\.]{1}[a-z0-9]+)*\.[a-z]{2,5}(:[0-9]{1,5})?(\/.*)?)",
    re.IGNORECASE,
)

type Key = tuple[str, ...]


def flatten(tree: dict[str, Any], prefix: Key = ()) -> dict[Key, Any]:
    """Return every string of a translation file by its key path."""
    flat: dict[Key, Any] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(flatten(value, (*prefix, key)))
        else:
            flat[(*prefix, key)] = value
    return flat


def load_tree(language: str) -> dict[str, Any]:
    """Return one language's file as it is."""
    tree: dict[str, Any] = json.loads(
        (TRANSLATIONS / f"{language}.json").read_text("utf-8")
    )
    return tree


def load(language: str) -> dict[Key, Any]:
    """Return one language's strings."""
    return flatten(load_tree(language))


def placeholders(text: str) -> set[str]:
    """Return the placeholders of a string, found as hassfest finds them."""
    return {
        field_name
        for _, field_name, _, _ in string.Formatter().parse(text)
        if field_name
    }


def takes_no_placeholders(key: Key) -> bool:
    """Return whether hassfest refuses placeholders at this key.

    Entity states, state attribute names and states, and units are shown as
    they are: nothing fills a placeholder there.
    """
    match key:
        case ("entity", _, _, "state", _) | ("entity", _, _, "unit_of_measurement"):
            return True
        case ("entity", _, _, "state_attributes", _, "name" | "state", *_):
            return True
        case ("entity_component", _, "state", _):
            return True
        case ("entity_component", _, "state_attributes", _, "state", _):
            return True
    return False


def value_errors(key: Key, text: Any) -> list[str]:
    """Return what hassfest would say of one string (validate_translation_value)."""
    if not isinstance(text, str):
        return [f"not a string: {text!r}"]
    errors = []
    try:
        cv.string_with_no_html(text)
    except probatio.Invalid as err:
        errors.append(str(err))
    if SINGLE_QUOTED_PLACEHOLDER.search(text):
        errors.append("a placeholder inside single quotes")
    try:
        found = placeholders(text)
    except ValueError as err:  # an unmatched brace
        errors.append(f"unreadable placeholders: {err}")
    else:
        if found and takes_no_placeholders(key):
            errors.append(f"placeholders where none are allowed: {sorted(found)}")
        errors.extend(
            f"placeholder {name!r} is not an identifier"
            for name in sorted(found)
            if not name.isidentifier()
        )
    if COMBINED_REFERENCE.search(text):
        errors.append("a combined translation")
    if text != text.strip():
        errors.append("leading or trailing spaces")
    if URL.search(text):
        errors.append("a URL (use a description placeholder)")
    return errors


def flows(tree: dict[str, Any]) -> list[tuple[Key, dict[str, Any]]]:
    """Return every data entry flow of a file: config, options, issue fixes."""
    found = [(key,) for key in ("config", "options") if key in tree]
    found += [
        ("issues", issue, "fix_flow")
        for issue, strings in tree.get("issues", {}).items()
        if "fix_flow" in strings
    ]
    result = []
    for path in found:
        node = tree
        for part in path:
            node = node[part]
        result.append((path, node))
    return result


def test_languages_shipped() -> None:
    """English and Simplified Chinese are shipped."""
    assert LANGUAGES == ["en", "zh-Hans"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_strings_pass_hassfest(language: str) -> None:
    """No HTML, placeholders that are identifiers where allowed, no URLs."""
    errors = {
        ".".join(key): found
        for key, text in load(language).items()
        if (found := value_errors(key, text))
    }
    assert errors == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_issues_have_one_of_description_and_fix_flow(language: str) -> None:
    """An issue is explained by its description or by its fix flow, not both."""
    issues = load_tree(language).get("issues", {})
    assert issues, "Cloud Bridge raises repair issues"
    assert [issue for issue, strings in issues.items() if "title" not in strings] == []
    assert [
        issue
        for issue, strings in issues.items()
        if ("description" in strings) == ("fix_flow" in strings)
    ] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_data_descriptions_describe_fields(language: str) -> None:
    """Each step's data_description only names fields the step has."""
    for path, flow in flows(load_tree(language)):
        for step_id, step in flow.get("step", {}).items():
            extra = set(step.get("data_description", {})) - set(step.get("data", {}))
            assert not extra, (*path, "step", step_id)


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_same_keys_and_placeholders(language: str) -> None:
    """A translation has every English key, no other, and the same placeholders."""
    english, other = load("en"), load(language)
    assert sorted(set(english) - set(other)) == []
    assert sorted(set(other) - set(english)) == []
    for key, text in english.items():
        assert placeholders(other[key]) == placeholders(text), key
        assert other[key].strip(), key


@pytest.mark.parametrize(
    ("key", "text", "error"),
    [
        (
            ("options", "step", "s", "data_description", "on_payload"),
            'Such as {"state": true}.',
            "not an identifier",
        ),
        (("config", "step", "s", "description"), "`…/a/<id>/…`", "HTML"),
        (("config", "abort", "a"), "It is '{name}'.", "single quotes"),
        (("entity", "light", "x", "state", "on"), "On {level}", "none are allowed"),
        (("config", "error", "e"), "See https://example.com/help", "URL"),
        (("config", "error", "e"), "Unmatched { brace", "unreadable"),
        (("title",), "Cloud Bridge ", "spaces"),
    ],
)
def test_the_rules_catch_what_hassfest_refuses(key: Key, text: str, error: str) -> None:
    """Each rule refuses what hassfest refuses."""
    assert error in " ".join(value_errors(key, text))


def test_the_rules_pass_a_good_string() -> None:
    """Placeholders, code and punctuation are fine where placeholders are."""
    key = ("config", "step", "s", "description")
    assert value_errors(key, "Product {product_key}: paste its `JSON` here.") == []
