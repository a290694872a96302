"""The products of an account's devices: definitions kept, read, or missing."""

from collections.abc import Iterable
from typing import Any, Protocol

from ...errors import CloudRejectedError
from ..base import ProblemLog, neutral_error
from .client import GizwitsClient
from .core_errors import core_error
from .errors import GizwitsAppIdError, GizwitsDefinitionError, GizwitsError
from .models import ProductDefinition
from .product import Product

# Why a product has no definition: Gizwits refused it, or sent one without a
# datapoint that can be read.
REFUSED = "refused"
UNUSABLE = "unusable"


class DefinitionCache(Protocol):
    """Where product definitions are kept between restarts."""

    def get(self, product_key: str) -> ProductDefinition | None:
        """Return a kept definition."""

    def is_due(self, product_key: str) -> bool:
        """Tell whether a definition should be read from the cloud again."""

    async def async_put(self, definition: ProductDefinition) -> None:
        """Keep a definition read from the cloud."""


class ProductCatalog:
    """Each product key's Product, from the kept definition or the cloud's."""

    def __init__(
        self, client: GizwitsClient, cache: DefinitionCache, problems: ProblemLog
    ) -> None:
        """Read definitions through client, keep them in cache, report problems."""
        self._client = client
        self._cache = cache
        self._problems = problems
        self._products: dict[str, Product] = {}
        # Products without a definition: "refused" or "unusable" by product key.
        self.without_definition: dict[str, str] = {}

    def get(self, product_key: str) -> Product | None:
        """Return a product, or None while its definition is not known."""
        return self._products.get(product_key)

    async def async_update(
        self, product_keys: Iterable[str], *, stale_too: bool
    ) -> None:
        """Read the definitions of products not known yet (and stale ones when due)."""
        for product_key in sorted(set(product_keys)):
            due = stale_too and self._cache.is_due(product_key)
            if product_key in self._products and not due:
                continue
            # A refused definition is asked for again with the topology only.
            if product_key in self.without_definition and not stale_too:
                continue
            cached = self._cache.get(product_key)
            if cached is not None and not due:
                self._use(cached)
                continue
            try:
                definition = await self._client.definition(product_key)
            except GizwitsDefinitionError as err:
                # Nothing in it can be read: as good as refused, for this
                # product only.
                self._without(product_key, cached, UNUSABLE, str(err))
                continue
            except GizwitsError as err:
                neutral = neutral_error(err, core_error)
                # The document reserves /app/datapoint for a "super AppID"; an
                # ordinary one is refused (9003), which here is no account problem.
                if not isinstance(err, GizwitsAppIdError) and not isinstance(
                    neutral, CloudRejectedError
                ):
                    raise neutral from err
                self._without(product_key, cached, REFUSED, str(neutral))
                continue
            await self._cache.async_put(definition)
            self._use(definition)

    def _without(
        self,
        product_key: str,
        cached: ProductDefinition | None,
        reason: str,
        error: str,
    ) -> None:
        """Go on without a product's definition from the cloud: the kept one, or none.

        Without one, its devices show read-only entities inferred from their data.
        """
        self._problems.report(f"definition of {product_key} {reason}: {error}")
        if cached is not None:
            self._use(cached)
        else:
            self._products.pop(product_key, None)
            self.without_definition[product_key] = reason

    def _use(self, definition: ProductDefinition) -> None:
        """Take a definition into use."""
        self._products[definition.product_key] = Product.of(definition)
        self.without_definition.pop(definition.product_key, None)
        for problem in definition.problems:
            self._problems.report(
                f"datapoint of {definition.product_key} skipped: {problem}"
            )

    def diagnostics(self) -> dict[str, Any]:
        """Return the products known and those without a definition."""
        return {
            "products": {
                key: product.diagnostics()
                for key, product in sorted(self._products.items())
            },
            "without_definition": sorted(self.without_definition),
        }
