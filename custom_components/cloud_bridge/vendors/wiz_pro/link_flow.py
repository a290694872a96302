"""Linking a WiZ Pro account: the browser's way back, or a code pasted.

The steps of the WiZ Pro flow that end with tokens; the flow itself
(config_flow.py) lists the buildings they grant.
"""

from abc import abstractmethod
import asyncio
from collections.abc import Mapping
from functools import partialmethod
import re
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiohttp import ClientError

from homeassistant.config_entries import ConfigFlowResult
from homeassistant.exceptions import (
    OAuth2TokenRequestError,
    OAuth2TokenRequestReauthError,
)
from homeassistant.helpers import config_entry_oauth2_flow
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.helpers.selector import TextSelector, TextSelectorConfig

from ...compat import probatio
from ...const import LOGGER
from ...flow import BoundStep, VendorFlow
from .linking import CONFIRMATION_LENGTH, LINK_STEP, abort_reason, async_claim_code
from .oauth import WizProImplementation, redirect_uri

CONF_CODE = "code"
CONF_CONFIRMATION = "confirmation"
NO_URL_DOCS = "https://www.home-assistant.io/more-info/no-url-available"
# As long as Home Assistant's own creation step waits for the token endpoint.
TOKEN_TIMEOUT = config_entry_oauth2_flow.OAUTH_TOKEN_TIMEOUT_SEC
_CODE = re.compile(r"[A-Za-z0-9._~-]{6,}")


def code_from(text: str) -> str | None:
    """Return the authorization code in a pasted code, query or redirected address.

    Users paste the whole address, its query alone (``code=…&expires_at=…``,
    with or without the ``?``), or the bare code.
    """
    text = text.strip()
    if "code=" in text:
        parts = urlsplit(text)
        for query in (
            parts.query,
            parts.fragment,
            parts.fragment.partition("?")[2],
            # No scheme and no "?": the query was pasted on its own.
            text if not parts.scheme else "",
        ):
            if codes := parse_qs(query).get("code"):
                return codes[0] if _CODE.fullmatch(codes[0]) else None
        return None
    return text if _CODE.fullmatch(text) else None


class LinkSteps(VendorFlow):
    """The WiZ Pro steps that link the account and bring tokens back."""

    _api_url: str
    # What WiZ sent back to the browser step: a code, or an error's abort reason.
    _callback: Mapping[str, Any]

    @abstractmethod
    async def _linked(self, token: dict[str, Any]) -> ConfigFlowResult:
        """Continue with the tokens of a linked account."""

    async def async_step_auth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer to link in the browser or by pasting the code."""
        if isinstance(self.flow.flow_impl, WizProImplementation):
            self.flow.flow_impl = self.flow.flow_impl.for_server(self._api_url)
        return await self.async_step_link()

    # Ask how to bring WiZ's code back.
    async_step_link: BoundStep = partialmethod(
        VendorFlow.menu_step, "link", ["link_browser", "link_paste"]
    )

    async def async_step_link_browser(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Open WiZ Pro; the callback brings back the code, or a sign to confirm.

        The callback page configures this step with what WiZ sent: the code
        and our state, WiZ's error, or (for a code without our state, which
        could come from anyone) only the news that a code is waiting.
        """
        if user_input is not None:
            self._callback = user_input
            if "code" in user_input:
                return self.flow.async_external_step_done(
                    next_step_id=self.step_id("finish")
                )
            if "error" in user_input:
                return self.flow.async_external_step_done(
                    next_step_id=self.step_id("rejected")
                )
            return self.flow.async_external_step_done(
                next_step_id=self.step_id("confirm")
            )
        try:
            url = await self.flow.async_generate_authorize_url()
        except NoURLAvailableError:
            return self._no_url()
        return self.flow.async_external_step(step_id=LINK_STEP, url=url)

    async def async_step_finish(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Trade the code WiZ sent back with our state for tokens."""
        token, error = await self._resolve_code(str(self._callback["code"]))
        if token is None:
            return self.flow.async_abort(
                reason="oauth_unauthorized"
                if error == "code_refused"
                else "oauth_failed"
            )
        return await self._linked(token)

    async def async_step_rejected(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """End the flow with WiZ's error, as one of the reasons we know."""
        return self.flow.async_abort(reason=abort_reason(self._callback.get("error")))

    async def async_step_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the characters the WiZ Pro page showed, to take its code.

        A code that came back without our state finishes nothing by itself:
        only the person who saw the page knows which code is theirs.
        """
        errors: dict[str, str] = {}
        if user_input is not None:
            typed = str(user_input[CONF_CONFIRMATION]).strip()
            code = async_claim_code(self.hass, typed)
            if code is None and len(typed) > CONFIRMATION_LENGTH:
                code = code_from(typed)  # the whole code or address, pasted
            if code is None:
                errors[CONF_CONFIRMATION] = "confirmation_mismatch"
            else:
                token, error = await self._resolve_code(code)
                if token is not None:
                    return await self._linked(token)
                errors[CONF_CONFIRMATION if error == "code_refused" else "base"] = error
        return self.show_form(
            "confirm",
            probatio.Schema(
                {
                    probatio.Required(CONF_CONFIRMATION): TextSelector(
                        TextSelectorConfig()
                    )
                }
            ),
            errors=errors,
        )

    async def async_step_link_paste(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the WiZ Pro link and take the code the user copies back."""
        errors: dict[str, str] = {}
        if user_input is not None:
            if (code := code_from(user_input[CONF_CODE])) is None:
                errors[CONF_CODE] = "invalid_code"
            else:
                token, error = await self._resolve_code(code)
                if token is not None:
                    return await self._linked(token)
                errors[CONF_CODE if error == "code_refused" else "base"] = error
        try:
            placeholders = {
                "authorize_url": await self.flow.async_generate_authorize_url(),
                "redirect_uri": redirect_uri(self.hass),
            }
        except NoURLAvailableError:
            return self._no_url()
        return self.show_form(
            "link_paste",
            probatio.Schema(
                {probatio.Required(CONF_CODE): TextSelector(TextSelectorConfig())}
            ),
            placeholders=placeholders,
            errors=errors,
        )

    def _no_url(self) -> ConfigFlowResult:
        """Abort: Home Assistant has no address for WiZ to send the browser back to."""
        return self.flow.async_abort(
            reason="no_url_available",
            description_placeholders={"docs_url": NO_URL_DOCS},
        )

    async def _resolve_code(self, code: str) -> tuple[dict[str, Any] | None, str]:
        """Trade a code for tokens; else name the error to show.

        A mistyped or expired code only needs another try, and a cloud that did
        not answer leaves the code usable for a retry.
        """
        try:
            async with asyncio.timeout(TOKEN_TIMEOUT):
                token = await self.flow.flow_impl.async_resolve_external_data(
                    {"code": code, "state": None}
                )
        except OAuth2TokenRequestReauthError as err:
            LOGGER.debug("WiZ Pro refused the code: %s", err)
            return None, "code_refused"
        except (TimeoutError, OAuth2TokenRequestError, ClientError) as err:
            LOGGER.debug("Cannot trade the code: %s", err)
            return None, "cannot_connect"
        token["expires_at"] = time.time() + token["expires_in"]
        return token, ""
