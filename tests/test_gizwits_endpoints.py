"""Where the app WebSockets are: each binding's endpoint, and the devices by socket."""

import pytest

from custom_components.cloud_bridge.vendors.gizwits.endpoints import (
    Endpoint,
    PushTargets,
    endpoint_for,
    is_loopback,
    push_targets,
)
from custom_components.cloud_bridge.vendors.gizwits.models import Binding


@pytest.mark.parametrize(
    ("host", "ws_port", "wss_port", "expected"),
    [
        ("m2m.gizwits.com", 8080, 8880, Endpoint("m2m.gizwits.com", 8880, True)),
        ("m2m.gizwits.com", 8080, 0, Endpoint("m2m.gizwits.com", 8080, False)),
        ("m2m.gizwits.com", 0, 8880, Endpoint("m2m.gizwits.com", 8880, True)),
        ("127.0.0.1", 8080, 8880, Endpoint("127.0.0.1", 8080, False)),
        ("localhost", 8080, 8880, Endpoint("localhost", 8080, False)),
        ("::1", 8080, 8880, Endpoint("::1", 8080, False)),
        ("127.0.0.1", 0, 8880, Endpoint("127.0.0.1", 8880, True)),
        ("m2m.gizwits.com", 0, 0, None),
        ("", 8080, 8880, None),
    ],
)
def test_wss_unless_no_tls_port_or_a_loopback_server(
    host: str, ws_port: int, wss_port: int, expected: Endpoint | None
) -> None:
    """Use wss in production; ws without a TLS port, or on a loopback test server."""
    assert endpoint_for(host, ws_port, wss_port) == expected


def test_endpoint_urls() -> None:
    """An endpoint's address: scheme, host (IPv6 in brackets), port and path."""
    assert str(Endpoint("m2m.gizwits.com", 8880, True).url) == (
        "wss://m2m.gizwits.com:8880/ws/app/v1"
    )
    assert str(Endpoint("::1", 8080, False).url) == "ws://[::1]:8080/ws/app/v1"
    assert is_loopback("[::1]")
    assert not is_loopback("m2m.gizwits.com")


def binding(did: str, host: str = "", *, online: bool = True) -> Binding:
    """Return a binding with a TLS socket on host (none without a host)."""
    return Binding(
        did=did,
        product_key="pk",
        mac="",
        online=online,
        alias="",
        remark="",
        host=host,
        ws_port=8080 if host else 0,
        wss_port=8880 if host else 0,
    )


def test_devices_are_grouped_by_socket() -> None:
    """One socket per endpoint; a device offline, or said offline, is not read."""
    targets = push_targets(
        [
            binding("a", "eu.gizwits.com"),
            binding("b", "eu.gizwits.com", online=False),
            binding("c", "us.gizwits.com"),
            binding("d"),
            binding("e", "us.gizwits.com"),
        ],
        offline={"e"},
    )
    assert targets == PushTargets(
        {
            Endpoint("eu.gizwits.com", 8880, True): {"a": True, "b": False},
            Endpoint("us.gizwits.com", 8880, True): {"c": True, "e": False},
        },
        ("d",),
    )
