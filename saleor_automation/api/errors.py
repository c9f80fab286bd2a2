"""Domain refusals that are not Django ValidationErrors, reported as mutation data."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ObjectDoesNotExist, ValidationError

from ..contacts.backfill import BackfillError
from ..flows.services import FlowStateError


@contextmanager
def as_validation_errors() -> Iterator[None]:
    """Turn a service's "not now" (a paused flow cannot be paused again, a backfill is
    running) into a ValidationError, which handle_django_errors returns as OperationInfo."""
    try:
        yield
    except (FlowStateError, BackfillError) as error:
        raise ValidationError(str(error), code="invalid_state") from error


def not_found(what: str) -> ObjectDoesNotExist:
    """The same answer for a missing object and one of another installation."""
    return ObjectDoesNotExist(f"{what} not found.")
