"""WEGnology workflow buttons: the virtual buttons of the enabled workflows.

Workflows are read with the topology (every 10 minutes, and at start), so a
button added or removed in WEGnology follows without a reload; a press that
finds its workflow gone or changed reads them again at the next poll.

Free of Home Assistant, like the client.
"""

from functools import partial
import logging

from ...errors import CloudInvalidValueError, CloudRejectedError
from ...model import ButtonSpec, Point
from ..base import ProblemLog
from .alerts import Caller, refused
from .client import WegnologyClient
from .models import VirtualButton, Workflow

_LOGGER = logging.getLogger(__name__)

# A button's point key; "$" never starts an attribute's name.
BUTTON_PREFIX = "$button:"
LIST_SCOPES = "all.Application.read or flows.get"
PRESS_SCOPES = "all.Application, flow.* or flow.pressVirtualButton"


def button_name(workflow: str, label: str | None) -> str:
    """Return a button's name: the workflow's, and its button's label if that differs.

    A workflow with several buttons tells them apart by their labels.
    """
    if label is None or label.casefold() == workflow.casefold():
        return workflow
    return f"{workflow}: {label}"


class WorkflowButtons:
    """An application's workflow buttons as Cloud Bridge shows them."""

    def __init__(
        self, client: WegnologyClient, application_id: str, call: Caller
    ) -> None:
        """Read the workflows of an application through call."""
        self._client = client
        self._application_id = application_id
        self._call = call
        # None: not asked yet; False: the token may not list workflows.
        self.readable: bool | None = None
        # A press found the workflows changed: read them at the next poll.
        self.stale = False
        self._buttons: dict[str, tuple[Workflow, VirtualButton]] = {}
        self._problems = ProblemLog(_LOGGER, "WEGnology: a workflow skipped: %s")

    async def read(self) -> None:
        """Read the workflows; a token that may not (403) gets no buttons."""
        self.stale = False
        try:
            listing = await self._call(
                partial(self._client.workflows, self._application_id)
            )
        except CloudRejectedError as err:
            if not refused(err, 403, 404):
                raise
            if self.readable is not False:
                _LOGGER.info(
                    "WEGnology: the sign-in may not list the workflows of application "
                    "%s (it needs %s); no workflow buttons: %s",
                    self._application_id,
                    LIST_SCOPES,
                    err,
                )
            self.readable = False
            self._buttons = {}
            return
        self.readable = True
        for problem in listing.skipped:
            self._problems.report(problem)
        self._buttons = {
            f"{BUTTON_PREFIX}{workflow.id}:{button.key}": (workflow, button)
            for workflow in listing.items
            if workflow.enabled
            for button in workflow.buttons
        }

    def points(self) -> list[Point]:
        """Return a button point per virtual button of an enabled workflow."""
        return [
            Point(key=key, spec=ButtonSpec(name=button_name(flow.name, button.label)))
            for key, (flow, button) in self._buttons.items()
        ]

    def __contains__(self, key: str) -> bool:
        """Tell whether a point key is one of the buttons."""
        return key in self._buttons

    async def press(self, key: str) -> None:
        """Press a button as the web app does: its key and configured payload."""
        if (found := self._buttons.get(key)) is None:
            raise CloudInvalidValueError(f"{key} is no workflow button")
        workflow, button = found
        try:
            await self._call(
                partial(
                    self._client.press_button,
                    self._application_id,
                    workflow.id,
                    button.key,
                    button.payload,
                )
            )
        except CloudRejectedError as err:
            if refused(err, 403):
                raise CloudRejectedError(
                    f"the sign-in may list workflows but not press their buttons "
                    f"(it needs {PRESS_SCOPES})"
                ) from err
            if refused(err, 400, 404):
                # Disabled, its button removed, or deleted since the last read.
                self.stale = True
                raise CloudRejectedError(
                    f"workflow {workflow.name!r} did not take the press: {err}"
                ) from err
            raise

    @property
    def reported_problems(self) -> list[str]:
        """Return the unreadable workflows logged, for diagnostics."""
        return self._problems.reported
