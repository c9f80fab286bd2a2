"""Running a document against Saleor's real schema with dict data, the way Saleor answers.

Resolution is strict on purpose: a field whose data is missing from an emulated object is an
emulator bug (it is reported, not silently null), and so is a null for a non-null field.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLAbstractType,
    GraphQLError,
    GraphQLResolveInfo,
    GraphQLSchema,
    execute,
)

from .permissions import FieldRule

if TYPE_CHECKING:
    from .records import AppRecord
    from .store import Store

# (type, field) -> resolver(source, info, **args); type "*" matches any type.
Computed = Callable[..., Any]


class EmulatorDataError(Exception):
    """Emulated data does not fit the schema: fix the factory or the test's data."""


@dataclass
class RequestContext:
    """`info.context` for one execution: who asks, and against what data."""

    store: "Store"
    app: "AppRecord | None"
    rules: dict[tuple[str, str], FieldRule]
    computed: dict[tuple[str, str], Computed]
    # Events a mutation caused: (event type, subject, issuing principal), sent later on demand.
    emitted: list[tuple[str, dict, dict | None]] = field(default_factory=list)


def _field_resolver(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
    context: RequestContext = info.context
    parent, name = info.parent_type.name, info.field_name
    rule = context.rules.get((parent, name))
    if rule is not None and not rule.allows(context.app, source):
        raise rule.error()
    computed = context.computed.get((parent, name)) or context.computed.get(("*", name))
    if computed is not None:
        return computed(source, info, **args)
    if not isinstance(source, Mapping):
        raise EmulatorDataError(f"{parent}.{name}: the emulated value is not a dict: {source!r}")
    if name not in source:
        raise EmulatorDataError(
            f"emulated {parent} has no `{name}` (add it in tests/saleor_emulator factories)"
        )
    value = source[name]
    return value(info, **args) if callable(value) else value


def _type_resolver(value: Any, _info: GraphQLResolveInfo, abstract: GraphQLAbstractType) -> str:
    if isinstance(value, Mapping) and value.get("__typename"):
        return value["__typename"]
    raise EmulatorDataError(f"a value for {abstract.name} needs a `__typename`: {value!r}")


def run(
    schema: GraphQLSchema,
    document: DocumentNode,
    context: RequestContext,
    root: Any,
    variables: dict[str, Any] | None = None,
    operation_name: str | None = None,
) -> ExecutionResult:
    result = execute(
        schema,
        document,
        root_value=root,
        context_value=context,
        variable_values=variables,
        operation_name=operation_name,
        field_resolver=_field_resolver,
        type_resolver=_type_resolver,
    )
    if not isinstance(result, ExecutionResult):
        raise TypeError("the emulator executes synchronously; a resolver returned an awaitable")
    return result


def emulator_faults(result: ExecutionResult) -> list[str]:
    """Errors that mean the emulator's data or code is wrong, not the app's document."""
    faults = []
    for error in result.errors or []:
        original = error.original_error
        if error.message.startswith("Cannot return null for non-nullable field"):
            faults.append(f"{error.message} (path {error.path})")
        elif original is not None and not isinstance(original, GraphQLError):
            faults.append(f"{type(original).__name__}: {original} (path {error.path})")
    return faults


def format_error(error: GraphQLError) -> dict[str, Any]:
    """Saleor's error shape: message, locations, path, extensions.exception.code."""
    formatted: dict[str, Any] = {"message": error.message}
    if error.locations:
        formatted["locations"] = [
            {"line": loc.line, "column": loc.column} for loc in error.locations
        ]
    if error.path is not None:
        formatted["path"] = list(error.path)
    original = error.original_error
    code = "GraphQLError" if original is None else type(original).__name__
    extensions = dict(error.extensions or {}) or {"exception": {"code": code}}
    formatted["extensions"] = extensions
    return formatted
