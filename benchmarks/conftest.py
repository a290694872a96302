"""The benchmarks share the test fixtures."""

from tests.conftest import (  # noqa: F401
    auto_enable_custom_integrations,
    credential,
)
