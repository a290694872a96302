"""One cloud's steps of the config flow, in a namespace of their own.

Each vendor writes its steps as a ``VendorFlow`` with plain step names
(``async_step_user``, ``async_step_link``); the config flow shows them as
``<vendor id>`` and ``<vendor id>_<name>``, so two clouds never share a step,
a translation key or a flow attribute.
"""

from collections.abc import Coroutine, Iterable, Mapping
from functools import partialmethod
from ipaddress import ip_address
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from homeassistant.config_entries import ConfigEntry, ConfigFlowResult
from homeassistant.const import CONF_PASSWORD
from homeassistant.core import HomeAssistant
from homeassistant.helpers import selector

from .compat import probatio
from .const import CONF_VENDOR
from .errors import (
    CloudAccountError,
    CloudAuthError,
    CloudError,
    CloudRateLimitedError,
    CloudRedirectedError,
    CloudUnavailableError,
)
from .vendors.base import neutral_error
from .vendors.http import VendorClientError

if TYPE_CHECKING:
    from .config_flow import CloudBridgeConfigFlow

USER = "user"
# A step made of a vendor's method with its first arguments bound, as
# ``partialmethod(VendorFlow.menu_step, "auth", ["login", "token"])``.
type BoundStep = partialmethod[Coroutine[Any, Any, ConfigFlowResult]]
# The form error that warns of an address without TLS; a second submit accepts it.
INSECURE_ADDRESS = "insecure_address"
# Fields the clouds' forms share, and the form that asks for a password again.
PASSWORD_FIELD = selector.TextSelector(
    selector.TextSelectorConfig(type=selector.TextSelectorType.PASSWORD)
)
URL_FIELD = selector.TextSelector(
    selector.TextSelectorConfig(type=selector.TextSelectorType.URL)
)
PASSWORD_FORM = probatio.Schema({probatio.Required(CONF_PASSWORD): PASSWORD_FIELD})


def choice_field(
    choices: Iterable[tuple[str, str]], *, multiple: bool = False
) -> selector.SelectSelector:
    """Return a field to pick one of (value, label) choices, or several (multiple)."""
    return selector.SelectSelector(
        selector.SelectSelectorConfig(
            options=[
                selector.SelectOptionDict(value=value, label=label)
                for value, label in choices
            ],
            multiple=multiple,
        )
    )


def is_insecure(url: str) -> bool:
    """Tell whether an address would send secrets unencrypted.

    Plain http to a loopback address (a local test server) stays quiet.
    """
    parts = urlsplit(url.strip())
    if parts.scheme.lower() != "http":
        return False
    host = (parts.hostname or "").lower()
    if host == "localhost":
        return False
    try:
        return not ip_address(host).is_loopback
    except ValueError:
        return True


def form_error(err: CloudError | VendorClientError) -> str:
    """Return the form error (or abort reason) that tells the user what went wrong.

    A client's error is read as the core reads it: refused sign-in, cloud out of
    reach (or a redirect), throttling, an account problem, or anything else.
    """
    if isinstance(err, VendorClientError):
        err = neutral_error(err)
    match err:
        case CloudAuthError():
            return "invalid_auth"
        case CloudAccountError():
            return err.issue
        case CloudRateLimitedError():
            return "rate_limited"
        case CloudRedirectedError():
            return "redirected"
        case CloudUnavailableError():
            return "cannot_connect"
    return "unknown"


class VendorFlow:
    """The config-flow steps of one cloud: set up, sign in again, reconfigure."""

    vendor_id: ClassVar[str]

    def __init__(self, flow: CloudBridgeConfigFlow) -> None:
        """Belong to one running config flow."""
        self.flow = flow
        self._accepted_insecure: set[str] = set()

    def insecure_warning(self, url: str) -> bool:
        """Tell whether to warn of a plain-http address, once for each address.

        The form shows the warning; submitting the same address again uses it.
        """
        if not is_insecure(url) or url in self._accepted_insecure:
            return False
        self._accepted_insecure.add(url)
        return True

    @property
    def hass(self) -> HomeAssistant:
        """Return Home Assistant."""
        return self.flow.hass

    def step_id(self, name: str) -> str:
        """Return the flow's id of one of this cloud's steps."""
        return self.vendor_id if name == USER else f"{self.vendor_id}_{name}"

    def show_form(
        self,
        name: str,
        schema: probatio.Schema | None = None,
        *,
        errors: Mapping[str, str] | None = None,
        placeholders: Mapping[str, str] | None = None,
    ) -> ConfigFlowResult:
        """Show one of this cloud's forms."""
        return self.flow.async_show_form(
            step_id=self.step_id(name),
            data_schema=schema,
            errors=dict(errors) if errors is not None else None,
            description_placeholders=placeholders,
        )

    def show_menu(
        self,
        name: str,
        options: list[str],
        placeholders: Mapping[str, str] | None = None,
    ) -> ConfigFlowResult:
        """Show one of this cloud's menus; its options are this cloud's steps."""
        return self.flow.async_show_menu(
            step_id=self.step_id(name),
            menu_options=[self.step_id(option) for option in options],
            description_placeholders=placeholders,
        )

    async def menu_step(
        self, name: str, options: list[str], user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show a menu as a step (its name and options bound with partialmethod)."""
        return self.show_menu(name, options)

    def entries(self, *, exclude: ConfigEntry | None = None) -> list[ConfigEntry]:
        """Return this cloud's other entries."""
        return [
            entry
            for entry in self.flow.current_entries()
            if entry.data.get(CONF_VENDOR) == self.vendor_id and entry is not exclude
        ]

    async def async_create_entry(
        self,
        unique_id: str,
        title: str,
        data: Mapping[str, Any],
        **kwargs: Any,
    ) -> ConfigFlowResult:
        """Create this cloud's entry, unless one with the same unique id exists."""
        await self.flow.async_set_unique_id(unique_id)
        self.flow.abort_if_configured()
        return self.flow.async_create_entry(
            title=title, data={**data, CONF_VENDOR: self.vendor_id}, **kwargs
        )

    def unique_id_taken(self, unique_id: str, entry: ConfigEntry) -> bool:
        """Tell whether another entry already has a unique id."""
        return any(
            other.unique_id == unique_id and other.entry_id != entry.entry_id
            for other in self.flow.current_entries()
        )

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Set up an account of this cloud."""
        raise NotImplementedError

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Sign in again when the cloud no longer accepts the entry's sign-in."""
        raise NotImplementedError

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change where or how the entry connects, or what it covers."""
        raise NotImplementedError

    async def async_oauth_create_entry(self, data: dict[str, Any]) -> ConfigFlowResult:
        """Continue once Home Assistant's OAuth steps have tokens (OAuth clouds)."""
        raise NotImplementedError

    async def async_step_auth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Continue once an OAuth implementation is picked (OAuth clouds)."""
        raise NotImplementedError
