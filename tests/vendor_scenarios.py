"""Each vendor as the shared scenarios drive it: its cloud, entities, costs and faults.

test_vendor_scenarios.py writes each scenario once; what differs between the
clouds (which request a poll makes, how the cloud fails, how an account loses
its sign-in) is a field of the vendor's ``VendorSteps`` here.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.components.climate import HVACMode
from homeassistant.components.diagnostics import REDACTED
from homeassistant.components.light import ATTR_BRIGHTNESS
from homeassistant.const import CONF_WEBHOOK_ID, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant

from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import (
    BEDROOM_AC_DID,
    DEMO_UID as GIZWITS_UID,
    LIVING_AC_DID,
    LIVING_LIGHTS_GROUP_ID,
    TV_PLUG_DID,
)
from simulator.server import SimulatorServer
from simulator.wegnology import WegnologySimulator
from simulator.wegnology_demo import (
    BOILER_ROOM_SENSOR_ID,
    DEMO_APPLICATION_ID,
    DEMO_EMAIL as WEGNOLOGY_EMAIL,
    DEMO_PASSWORD as WEGNOLOGY_PASSWORD,
    FLOW_METER_ID,
    TANK_LEVEL_ID,
)
from simulator.wiz_pro import WizProSimulator
from simulator.wiz_pro_demo import DEMO_BUILDING_ID, demo_data
from simulator.wiz_pro_model import Room

from . import gizwits_helpers as gizwits, wegnology_helpers as wegnology
from .helpers import paths
from .wiz_helpers import (
    GRAPHQL,
    TOKEN,
    bulb_entity,
    reported_before,
    sim_light,
    sim_room,
)


@dataclass(frozen=True)
class Shown:
    """What an entity must show: its state and some of its attributes."""

    entity_id: str
    state: str
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outage[S: SimulatorServer]:
    """One way the cloud fails every poll, and after how long a poll meets it."""

    name: str
    arm: Callable[[S], None]
    first_poll: float = 30


@dataclass(frozen=True)
class StaleDevice[S: SimulatorServer]:
    """A device the cloud stops having, and when a poll notices."""

    key: str  # its identifier in the device registry
    domains: frozenset[str]  # the platforms of its entities, disabled ones too
    remove: Callable[[S], None]
    noticed_after: float
    neighbour: Callable[[HomeAssistant, S], Shown]  # an entity nearby that stays
    before_setup: Callable[[dict[str, Any], MockConfigEntry], None] | None = None


@dataclass(frozen=True)
class VendorSteps[S: SimulatorServer]:
    """How the shared scenarios drive one vendor, and what they expect of it."""

    id: str
    sim_fixture: str  # conftest's simulator with the vendor's demo
    entry_fixture: str  # conftest's entry on it, not set up
    first_read: str  # the path setting up asks first
    # Entities of different devices, and what they show while all is well.
    watched: Callable[[HomeAssistant, S], list[Shown]]
    # What the cloud was asked, in the form the expected polls are written.
    requests: Callable[[S], list[str]]
    state_poll: Callable[[S], list[str]]
    topology_poll: Callable[[S], list[str]]  # every 10 minutes
    # A change made in the cloud (round n of several), and where it shows.
    change: Callable[[HomeAssistant, S, int], Shown]
    outages: tuple[Outage[S], ...]
    throttle: Callable[[S], None]  # the next poll is refused for retry_after s
    retry_after: int
    throttle_over: Callable[[S], None]  # the cloud takes requests again
    # The sign-in lost for good: no renewal works any more.
    lose_sign_in: Callable[[S], None]
    lose_sign_in_before_setup: Callable[[HomeAssistant, S, MockConfigEntry], None]
    reauth_poll: list[str]  # what the poll that meets it asks
    reauth_setup: list[str]  # what setting up asks before it gives up
    reauth_step: str
    stale: StaleDevice[S]
    # An access token the cloud no longer takes, which the entry renews.
    expire_token: Callable[[S], None]
    secrets: Callable[[MockConfigEntry], dict[str, str]]
    renewed: str  # the secret renewal replaces
    redacted: tuple[str, ...]  # entry data diagnostics must hide
    kept: Callable[[S, MockConfigEntry], dict[tuple[str, ...], Any]]  # and show


# --- WiZ Pro ------------------------------------------------------------------------


def _reception(sim: WizProSimulator) -> Room:
    """Return the demo office's reception (its last light is the one removed)."""
    return sim_room(sim, "Reception")


def _wiz_watched(hass: HomeAssistant, sim: WizProSimulator) -> list[Shown]:
    """Return two reception lights, both on."""
    return [
        Shown(bulb_entity(hass, sim_light(sim, name)), STATE_ON)
        for name in ("Reception Accent 1", "Reception Spot 1")
    ]


def _wiz_requests(sim: WizProSimulator) -> list[str]:
    """Return each request's path, and for GraphQL what it executed."""
    described = []
    for request in sim.requests:
        operation = request.graphql
        if operation is None or not operation.executed:
            described.append(request.path)
            continue
        calls = ", ".join(
            f"{call.name}({', '.join(f'{k}={v}' for k, v in call.arguments.items())})"
            for call in operation.calls
        )
        described.append(f"{request.path} {operation.kind} {calls}")
    return described


def _wiz_poll(sim: WizProSimulator) -> list[str]:
    """Return a poll of the demo office: one query, topology and state together."""
    del sim
    return [f"{GRAPHQL} query buildingTopology(buildingId={DEMO_BUILDING_ID})"]


DIMMING = (30, 55, 80, 45)


def _wiz_change(hass: HomeAssistant, sim: WizProSimulator, round_: int) -> Shown:
    """Dim a reception light at the wall."""
    dimming = DIMMING[round_ % len(DIMMING)]
    light = sim_light(sim, "Reception Accent 1")
    assert sim.change_light_locally(light.id, dimming=dimming)
    brightness = round(dimming * 255 / 100)
    return Shown(bulb_entity(hass, light), STATE_ON, {ATTR_BRIGHTNESS: brightness})


def _wiz_outage(kind: str) -> Outage[WizProSimulator]:
    """Return every GraphQL request failing in one way."""
    return Outage(kind, lambda sim: sim.faults.add(kind, path=GRAPHQL, count=None))


def _wiz_remove_accent(sim: WizProSimulator) -> None:
    """Delete the reception's last light in the cloud (from its groups too)."""
    room = _reception(sim)
    gone = room.lights.pop()
    assert gone.id == WIZ_GONE.id
    for group in room.groups:
        if gone in group.lights:
            group.lights.remove(gone)
    sim.reindex()


# The reception's last light, as the demo builds it (the same on every build).
WIZ_GONE = demo_data()[0].floors[0].rooms[0].lights[-1]


def _wiz_reported_before(hass_storage: dict[str, Any], entry: MockConfigEntry) -> None:
    """Give the light to be removed telemetry entities (Data export reported it)."""
    reported_before(hass_storage, entry, WIZ_GONE.mac)


def _wiz_secrets(entry: MockConfigEntry) -> dict[str, str]:
    """Return the tokens and the webhook id of an entry."""
    token = entry.data["token"]
    return {
        "access token": token["access_token"],
        "refresh token": token["refresh_token"],
        "webhook id": entry.data[CONF_WEBHOOK_ID],
    }


WIZ_PRO = VendorSteps[WizProSimulator](
    id="wiz_pro",
    sim_fixture="wiz_sim",
    entry_fixture="wiz_entry",
    first_read=GRAPHQL,
    watched=_wiz_watched,
    requests=_wiz_requests,
    state_poll=_wiz_poll,
    topology_poll=_wiz_poll,
    change=_wiz_change,
    outages=(
        _wiz_outage("server_error"),
        _wiz_outage("disconnect"),
        _wiz_outage("malformed_json"),
        # A reply that is not UTF-8 is as malformed as cut JSON.
        Outage("bad_bytes", lambda sim: sim.send_bad_bytes(GRAPHQL, count=3)),
    ),
    throttle=lambda sim: sim.faults.add("rate_limit", path=GRAPHQL, retry_after=120),
    retry_after=120,
    throttle_over=lambda sim: None,  # the 429 answered one request only
    lose_sign_in=WizProSimulator.revoke_tokens,
    lose_sign_in_before_setup=lambda hass, sim, entry: sim.revoke_tokens(),
    reauth_poll=[GRAPHQL, TOKEN],
    reauth_setup=[GRAPHQL, TOKEN],
    reauth_step="wiz_pro_reauth_confirm",
    stale=StaleDevice(
        key=f"wiz_pro:{DEMO_BUILDING_ID}:light-{WIZ_GONE.id}",
        domains=frozenset({"light", "number", "sensor", "binary_sensor"}),
        remove=_wiz_remove_accent,
        noticed_after=30,
        neighbour=lambda hass, sim: Shown(
            bulb_entity(hass, _reception(sim).lights[0]), STATE_ON
        ),
        before_setup=_wiz_reported_before,
    ),
    expire_token=WizProSimulator.expire_access_tokens,
    secrets=_wiz_secrets,
    renewed="access token",
    redacted=("token", CONF_WEBHOOK_ID),
    kept=lambda sim, entry: {("entry", "data", "api_url"): sim.url},
)


# --- Gizwits ------------------------------------------------------------------------


def _gizwits_watched(hass: HomeAssistant, sim: GizwitsSimulator) -> list[Shown]:
    """Return the living-room air conditioner (cooling) and the TV plug (on)."""
    del sim
    return [
        Shown(gizwits.entity(hass, "climate", LIVING_AC_DID, "climate"), HVACMode.COOL),
        Shown(gizwits.entity(hass, "switch", TV_PLUG_DID, "switch"), STATE_ON),
    ]


def _gizwits_requests(sim: GizwitsSimulator) -> list[str]:
    """Return the paths asked, in order; devices read side by side sorted."""
    asked: list[str] = []
    run: list[str] = []
    for path in [*paths(sim), ""]:
        if path.startswith("/app/devdata/"):
            run.append(path)
            continue
        asked.extend(sorted(run))
        run.clear()
        if path:
            asked.append(path)
    return asked


def _gizwits_bindings() -> list[str]:
    """Return the two pages of bindings a poll reads.

    The second page is empty and tells the list is over (a short page does
    not: the cloud may clamp the limit).
    """
    return [gizwits.BINDINGS, gizwits.BINDINGS]


def _gizwits_device_data(sim: GizwitsSimulator) -> list[str]:
    """Return each online device's data, sorted; the bedroom's offline AC is not."""
    online = [did for did in sim.user().bindings if did != BEDROOM_AC_DID]
    return sorted(map(gizwits.devdata, online))


def _gizwits_state_poll(sim: GizwitsSimulator) -> list[str]:
    """Return a state poll: the bindings, then each online device's data."""
    return [*_gizwits_bindings(), *_gizwits_device_data(sim)]


def _gizwits_topology_poll(sim: GizwitsSimulator) -> list[str]:
    """Return a poll with the topology: groups, the lamp group's members, scenes.

    Definitions are kept: the topology does not ask for them again.
    """
    return [
        *_gizwits_bindings(),
        gizwits.GROUPS,
        gizwits.group_devices(LIVING_LIGHTS_GROUP_ID),
        gizwits.SCENES,
        *_gizwits_device_data(sim),
    ]


def _gizwits_change(hass: HomeAssistant, sim: GizwitsSimulator, round_: int) -> Shown:
    """Switch the TV plug in the app: off, then on, then off again."""
    on = round_ % 2 == 1
    sim.set_attr(TV_PLUG_DID, "switch", on)
    plug = gizwits.entity(hass, "switch", TV_PLUG_DID, "switch")
    return Shown(plug, STATE_ON if on else STATE_OFF)


def _gizwits_outage(kind: str, path: str) -> Outage[GizwitsSimulator]:
    """Return every request to a path failing in one way."""
    name = f"{kind} {path}"
    return Outage(name, lambda sim: sim.faults.add(kind, path=path, count=None))


def _gizwits_throttle(sim: GizwitsSimulator) -> None:
    """Let the cloud take one request per 90 s (9041): the poll needs more."""
    sim.throttle = (1, 90)


def _gizwits_throttle_over(sim: GizwitsSimulator) -> None:
    """Let the cloud take requests at its usual rate again."""
    sim.throttle = None


def _gizwits_lose_sign_in(sim: GizwitsSimulator) -> None:
    """Change the password in the app; the token expires (9006, then 9020)."""
    sim.user().password = "changed-in-the-app"
    sim.expire_tokens()


def _gizwits_user_gone(
    hass: HomeAssistant, sim: GizwitsSimulator, entry: MockConfigEntry
) -> None:
    """Rename the user (9005 at login) of an entry whose token has expired."""
    hass.config_entries.async_update_entry(entry, data={**entry.data, "expire_at": 0})
    sim.user().username = "renamed"


def _gizwits_secrets(entry: MockConfigEntry) -> dict[str, str]:
    """Return the password, token, login name and AppID of an entry."""
    return {key: entry.data[key] for key in ("password", "token", "username", "app_id")}


def _gizwits_kept(
    sim: GizwitsSimulator, entry: MockConfigEntry
) -> dict[tuple[str, ...], Any]:
    """Return what helps to debug: the server, the user's id, the devices."""
    del entry
    return {
        ("entry", "title"): f"Gizwits {REDACTED}",
        ("entry", "unique_id"): f"gizwits:{REDACTED}:{GIZWITS_UID}",
        ("snapshot", f"{GIZWITS_UID}:account", "name"): f"Gizwits {REDACTED}",
        ("entry", "data", "base_url"): sim.url,
        ("entry", "data", "uid"): GIZWITS_UID,
        ("snapshot", f"{GIZWITS_UID}:{LIVING_AC_DID}", "name"): "客厅空调",
    }


GIZWITS = VendorSteps[GizwitsSimulator](
    id="gizwits",
    sim_fixture="gizwits_sim",
    entry_fixture="gizwits_entry",
    first_read=gizwits.BINDINGS,
    watched=_gizwits_watched,
    requests=_gizwits_requests,
    state_poll=_gizwits_state_poll,
    topology_poll=_gizwits_topology_poll,
    change=_gizwits_change,
    outages=(
        _gizwits_outage("server_error", gizwits.BINDINGS),
        _gizwits_outage("malformed_json", gizwits.BINDINGS),
        _gizwits_outage("disconnect", gizwits.BINDINGS),
        _gizwits_outage("malformed_json", gizwits.devdata(LIVING_AC_DID)),
    ),
    throttle=_gizwits_throttle,
    retry_after=90,
    throttle_over=_gizwits_throttle_over,
    lose_sign_in=_gizwits_lose_sign_in,
    lose_sign_in_before_setup=_gizwits_user_gone,
    reauth_poll=[gizwits.BINDINGS, gizwits.LOGIN],
    reauth_setup=[gizwits.LOGIN],
    reauth_step="gizwits_reauth_confirm",
    stale=StaleDevice(
        key=gizwits.device_key(TV_PLUG_DID),
        domains=frozenset({"switch", "sensor"}),
        remove=lambda sim: sim.unbind(TV_PLUG_DID),
        noticed_after=30,
        neighbour=lambda hass, sim: Shown(
            gizwits.entity(hass, "climate", LIVING_AC_DID, "climate"), HVACMode.COOL
        ),
    ),
    expire_token=GizwitsSimulator.expire_tokens,
    secrets=_gizwits_secrets,
    renewed="token",
    redacted=("password", "token", "username", "app_id"),
    kept=_gizwits_kept,
)


# --- WEGnology ----------------------------------------------------------------------


def _temperature(hass: HomeAssistant) -> str:
    """Return the boiler room's temperature sensor."""
    return wegnology.entity(hass, "sensor", BOILER_ROOM_SENSOR_ID, "temperature")


def _wegnology_watched(hass: HomeAssistant, sim: WegnologySimulator) -> list[Shown]:
    """Return the boiler room's temperature (31.4) and connectivity (on)."""
    del sim
    connected = wegnology.entity(
        hass, "binary_sensor", BOILER_ROOM_SENSOR_ID, "$connected"
    )
    return [Shown(_temperature(hass), "31.4"), Shown(connected, STATE_ON)]


def _wegnology_requests(sim: WegnologySimulator) -> list[str]:
    """Return the paths asked, in order; a device list read for changes only so."""
    return [
        f"{request.path} (changes)"
        if request.path == wegnology.devices_path() and "query" in request.query
        else request.path
        for request in sim.requests
    ]


def _wegnology_state_poll(sim: WegnologySimulator) -> list[str]:
    """Return a poll: the composite state page, connection changes, new alerts."""
    del sim
    bulk, changes, *alerts = wegnology.state_poll()
    return [bulk, f"{changes} (changes)", *alerts]


def _wegnology_topology_poll(sim: WegnologySimulator) -> list[str]:
    """Return a poll with the topology: the whole device list, events, workflows."""
    del sim
    return wegnology.topology_poll()


def _wegnology_change(
    hass: HomeAssistant, sim: WegnologySimulator, round_: int
) -> Shown:
    """Let the boiler room warm up a degree more each round."""
    temperature = 33.0 + round_
    sim.set_attribute(BOILER_ROOM_SENSOR_ID, "temperature", temperature)
    return Shown(_temperature(hass), str(temperature))


def _wegnology_outage(
    name: str, path: str, kind: str, first_poll: float = 30, **options: Any
) -> Outage[WegnologySimulator]:
    """Return every request to a path failing in one way."""
    return Outage(
        name,
        lambda sim: sim.faults.add(kind, path=path, count=None, **options),
        first_poll,
    )


def _wegnology_lose_sign_in(sim: WegnologySimulator) -> None:
    """Change the password in the web UI; the user token expires (401)."""
    sim.user().password = "changed-in-the-web-ui"
    sim.expire_user_tokens()


def _wegnology_secrets(entry: MockConfigEntry) -> dict[str, str]:
    """Return the password, user token and e-mail of an entry."""
    return {
        "password": WEGNOLOGY_PASSWORD,
        "user token": entry.data["user_token"],
        "e-mail": WEGNOLOGY_EMAIL,
    }


WEGNOLOGY = VendorSteps[WegnologySimulator](
    id="wegnology",
    sim_fixture="wegnology_sim",
    entry_fixture="wegnology_entry",
    first_read=wegnology.devices_path(),
    watched=_wegnology_watched,
    requests=_wegnology_requests,
    state_poll=_wegnology_state_poll,
    topology_poll=_wegnology_topology_poll,
    change=_wegnology_change,
    outages=(
        _wegnology_outage("500", wegnology.bulk_state_path(), "server_error"),
        _wegnology_outage(
            "502", wegnology.bulk_state_path(), "server_error", status=502
        ),
        _wegnology_outage("malformed", wegnology.bulk_state_path(), "malformed_json"),
        _wegnology_outage("disconnect", wegnology.bulk_state_path(), "disconnect"),
        # The device list is only read with the topology: get there.
        _wegnology_outage(
            "malformed device list",
            wegnology.devices_path(),
            "malformed_json",
            first_poll=600,
        ),
    ),
    throttle=lambda sim: sim.faults.add(
        "rate_limit", path=wegnology.bulk_state_path(), retry_after=90
    ),
    retry_after=90,
    throttle_over=lambda sim: None,  # the 429 answered one request only
    lose_sign_in=_wegnology_lose_sign_in,
    lose_sign_in_before_setup=lambda hass, sim, entry: _wegnology_lose_sign_in(sim),
    reauth_poll=[wegnology.bulk_state_path(), wegnology.AUTH_USER],
    reauth_setup=[wegnology.devices_path(), wegnology.AUTH_USER],
    reauth_step="wegnology_reauth_confirm",
    stale=StaleDevice(
        key=f"wegnology:{wegnology.device_key(FLOW_METER_ID)}",
        domains=frozenset({"sensor", "binary_sensor"}),
        remove=lambda sim: sim.remove_device(FLOW_METER_ID),
        # Devices leave with the device list, read with the topology.
        noticed_after=600,
        neighbour=lambda hass, sim: Shown(
            wegnology.entity(hass, "sensor", TANK_LEVEL_ID, "level"), "72.5"
        ),
    ),
    expire_token=WegnologySimulator.expire_user_tokens,
    secrets=_wegnology_secrets,
    renewed="user token",
    redacted=("password", "user_token", "email"),
    kept=lambda sim, entry: {
        ("entry", "data", "base_url"): sim.url,
        ("entry", "data", "application_id"): DEMO_APPLICATION_ID,
        ("entry", "data", "auth"): "login",
        ("entry", "unique_id"): DEMO_APPLICATION_ID,
    },
)

VENDORS: dict[str, VendorSteps[Any]] = {
    steps.id: steps for steps in (WIZ_PRO, GIZWITS, WEGNOLOGY)
}
