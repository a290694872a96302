"""The WiZ Pro GraphQL endpoint: the vendor's schema, resolvers and request handling."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
    SelectionSetNode,
    build_schema,
    execute_sync,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
)
from graphql.execution.values import (
    VariableValues,
    get_argument_values,
    get_variable_values as coerce_variables,
)

from .recording import FieldCall, GraphQLOperation
from .wiz_pro_state import PilotResult, WizProError, WizProState

if TYPE_CHECKING:
    from collections.abc import Callable

    from .wiz_pro_model import Building, Light, Room

SCHEMA_PATH = Path(__file__).with_name("wiz_pro_schema.graphql")
type Info = GraphQLResolveInfo[GraphQLContext]
_CACHE_SIZE = 256


@dataclass(slots=True)
class GraphQLContext:
    """Per-request context: the cloud state and the lights the request changed."""

    state: WizProState
    changed: list[Light] = field(default_factory=list)


class GraphQLRequestError(Exception):
    """A request that is refused before execution (HTTP 400, Apollo-style)."""

    def __init__(self, errors: list[GraphQLError], code: str) -> None:
        """Keep the errors and their Apollo error code."""
        super().__init__(errors[0].message if errors else code)
        self.errors = errors
        self.code = code

    def body(self) -> dict[str, Any]:
        """Return the JSON body of the 400 reply."""
        formatted = []
        for error in self.errors:
            item: dict[str, Any] = {"message": error.message}
            if error.locations:
                item["locations"] = [loc.formatted for loc in error.locations]
            item["extensions"] = {"code": self.code}
            formatted.append(item)
        return {"errors": formatted}


@dataclass(slots=True)
class PreparedRequest:
    """A parsed, validated request with its operation and coerced variables."""

    document: DocumentNode
    operation: OperationDefinitionNode
    variables: dict[str, Any]
    variable_values: VariableValues


def _reports_errors[**P](
    resolver: Callable[P, PilotResult],
) -> Callable[P, bool]:
    """Turn a state operation into a resolver: WizProError -> GraphQL error."""

    @functools.wraps(resolver)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> bool:
        """Run the operation and collect the lights it changed."""
        info = args[1]
        try:
            result = resolver(*args, **kwargs)
        except WizProError as err:
            raise GraphQLError(str(err), extensions={"code": err.code}) from err
        if isinstance(info, GraphQLResolveInfo):
            info.context.changed.extend(result.changed)
        return result.success

    return wrapper


def _state(info: Info) -> WizProState:
    """Return the cloud state of the request."""
    state: WizProState = info.context.state
    return state


def _resolve_buildings(_root: Any, info: Info) -> list[Building]:
    """Return the buildings the user granted."""
    return _state(info).granted()


def _resolve_building_topology(
    _root: Any,
    info: Info,
    buildingId: str,  # noqa: N803
) -> Building:
    """Return one granted building."""
    try:
        return _state(info).building(buildingId)
    except WizProError as err:
        raise GraphQLError(str(err), extensions={"code": err.code}) from err


def _resolve_floors(
    building: Building, _info: Info, ids: list[str] | None = None
) -> list[Any]:
    """Return the floors, filtered by ids when given (unknown ids are ignored)."""
    if ids is None:
        return building.floors
    wanted = set(ids)
    return [floor for floor in building.floors if floor.id in wanted]


@_reports_errors
def _change_light_state(
    _root: Any,
    info: Info,
    *,
    floorId: str,  # noqa: N803
    lightId: str,  # noqa: N803
    provider: str,
    state: dict[str, Any],
    mac: str | None = None,
) -> PilotResult:
    """Resolve changeLightState."""
    return _state(info).change_light_state(floorId, lightId, provider, mac, state)


@_reports_errors
def _change_group_state(
    _root: Any,
    info: Info,
    *,
    floorId: str,  # noqa: N803
    groupId: str,  # noqa: N803
    state: dict[str, Any],
) -> PilotResult:
    """Resolve changeGroupState."""
    return _state(info).change_group_state(floorId, groupId, state)


@_reports_errors
def _change_room_state(
    _root: Any,
    info: Info,
    *,
    floorId: str,  # noqa: N803
    roomId: str,  # noqa: N803
    provider: str,
    state: dict[str, Any],
) -> PilotResult:
    """Resolve changeRoomState."""
    return _state(info).change_room_state(floorId, roomId, provider, state)


@_reports_errors
def _change_floor_state(
    _root: Any,
    info: Info,
    *,
    floorId: str,  # noqa: N803
    state: dict[str, Any],
) -> PilotResult:
    """Resolve changeFloorState."""
    return _state(info).change_floor_state(floorId, state)


@_reports_errors
def _change_building_state(
    _root: Any,
    info: Info,
    *,
    buildingId: str,  # noqa: N803
    state: dict[str, Any],
) -> PilotResult:
    """Resolve changeBuildingState."""
    return _state(info).change_building_state(buildingId, state)


@_reports_errors
def _apply_room_scene(
    _root: Any,
    info: Info,
    *,
    roomSceneId: str,  # noqa: N803
) -> PilotResult:
    """Resolve applyRoomScene."""
    return _state(info).apply_room_scene(roomSceneId)


def _favorite_resolver(index: int) -> Callable[[Room, Info], Any]:
    """Return the resolver of favorite<index + 1>."""

    def resolve(room: Room, _info: Info) -> Any:
        """Return the favorite as a union member."""
        return room.favorites[index].graphql()

    return resolve


def _resolve_favorite_type(value: Any, _info: Info, _type: Any) -> str:
    """Name the FavoriteState member of a favorite."""
    typename: str = value["__typename"]
    return typename


def load_schema() -> GraphQLSchema:
    """Build the vendor's schema and attach the simulator's resolvers."""
    schema = build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))

    def fields(type_name: str) -> dict[str, GraphQLField]:
        """Return the fields of an object type."""
        object_type = schema.get_type(type_name)
        if not isinstance(object_type, GraphQLObjectType):
            raise TypeError(f"{type_name} is not an object type")
        found: dict[str, GraphQLField] = object_type.fields
        return found

    query = fields("Query")
    query["buildings"].resolve = _resolve_buildings
    query["buildingTopology"].resolve = _resolve_building_topology
    fields("BuildingTopology")["floors"].resolve = _resolve_floors
    room = fields("BuildingRoom")
    room["roomScenes"].resolve = lambda room, _info: room.scenes
    for index in range(4):
        room[f"favorite{index + 1}"].resolve = _favorite_resolver(index)
    light = fields("BuildingLight")
    light["model"].resolve = lambda light, _info: light.model.graphql
    light["currentState"].resolve = lambda light, _info: light.state
    mutation = fields("Mutation")
    mutation["changeLightState"].resolve = _change_light_state
    mutation["changeGroupState"].resolve = _change_group_state
    mutation["changeRoomState"].resolve = _change_room_state
    mutation["changeFloorState"].resolve = _change_floor_state
    mutation["changeBuildingState"].resolve = _change_building_state
    mutation["applyRoomScene"].resolve = _apply_room_scene
    favorite = schema.get_type("FavoriteState")
    if not isinstance(favorite, GraphQLUnionType):
        raise TypeError("FavoriteState is not a union")
    favorite.resolve_type = _resolve_favorite_type
    return schema


class WizProGraphQL:
    """Parses, validates (with a cache per query text) and executes GraphQL requests."""

    def __init__(self, *, introspection: bool = False) -> None:
        """Load the schema; introspection is off, as on a production server."""
        self.schema = load_schema()
        self._rules = list(specified_rules)
        if not introspection:
            self._rules.append(NoSchemaIntrospectionCustomRule)
        self._documents: OrderedDict[str, DocumentNode | GraphQLRequestError] = (
            OrderedDict()
        )

    def _document(self, query: str) -> DocumentNode:
        """Return the parsed and validated document of query, or raise a 400 error."""
        cached = self._documents.get(query)
        if cached is None:
            try:
                cached = parse(query)
            except GraphQLError as err:
                cached = GraphQLRequestError([err], "GRAPHQL_PARSE_FAILED")
            else:
                if errors := validate(self.schema, cached, self._rules):
                    cached = GraphQLRequestError(errors, "GRAPHQL_VALIDATION_FAILED")
            self._documents[query] = cached
            if len(self._documents) > _CACHE_SIZE:
                self._documents.popitem(last=False)
        else:
            self._documents.move_to_end(query)
        if isinstance(cached, GraphQLRequestError):
            raise cached
        return cached

    def prepare(
        self,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> PreparedRequest:
        """Parse, validate, coerce variables; GraphQLRequestError when refused."""
        document = self._document(query)
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            message = (
                f"Unknown operation named '{operation_name}'."
                if operation_name
                else "Must provide operation name if query contains"
                " multiple operations."
            )
            raise GraphQLRequestError(
                [GraphQLError(message)], "OPERATION_RESOLUTION_FAILURE"
            )
        coerced = coerce_variables(
            self.schema, operation.variable_definitions or (), variables or {}
        )
        if isinstance(coerced, list):
            raise GraphQLRequestError(coerced, "BAD_USER_INPUT")
        return PreparedRequest(document, operation, variables or {}, coerced)

    def describe(self, prepared: PreparedRequest) -> GraphQLOperation:
        """Return the operation's kind, top-level fields and resolved arguments."""
        operation = prepared.operation
        kind = operation.operation.value
        root = self.schema.get_root_type(operation.operation)
        fragments = {
            definition.name.value: definition
            for definition in prepared.document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        calls: list[FieldCall] = []
        for node in _top_level_fields(operation.selection_set, fragments):
            name = node.name.value
            field_def = root.fields.get(name) if root is not None else None
            arguments: dict[str, Any] = {}
            if field_def is not None:
                try:
                    arguments = get_argument_values(
                        field_def, node, prepared.variable_values
                    )
                except GraphQLError:
                    arguments = {}
            alias = node.alias.value if node.alias else None
            calls.append(FieldCall(name, arguments, alias))
        operation_name = operation.name.value if operation.name else None
        return GraphQLOperation(kind=kind, name=operation_name, calls=calls)

    def execute(
        self, prepared: PreparedRequest, context: GraphQLContext
    ) -> ExecutionResult:
        """Execute a prepared request (execution errors end up in the result)."""
        return execute_sync(
            self.schema,
            prepared.document,
            context_value=context,
            variable_values=prepared.variables,
            operation_name=(
                prepared.operation.name.value if prepared.operation.name else None
            ),
        )


def _top_level_fields(
    selection_set: SelectionSetNode,
    fragments: dict[str, FragmentDefinitionNode],
) -> list[FieldNode]:
    """Return a selection set's fields, fragments flattened, without __typename."""
    found: list[FieldNode] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value != "__typename":
                found.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            found.extend(_top_level_fields(selection.selection_set, fragments))
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                found.extend(_top_level_fields(fragment.selection_set, fragments))
    return found
