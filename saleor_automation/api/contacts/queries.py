"""A contact's journey, looked up by email."""

from collections.abc import Iterable

import strawberry
import strawberry_django
from strawberry_django.relay import DjangoListConnection

from ...contacts.models import Contact
from ...contacts.selectors import contact_get
from ...flows.models import Enrollment
from ...flows.selectors import enrollment_list_for_contact
from ..context import Info
from ..permissions import READ
from .types import ContactType, EnrollmentType


@strawberry.type
class ContactJourney:
    contact: ContactType

    @strawberry_django.connection(DjangoListConnection[EnrollmentType])
    def enrollments(self, info: Info) -> Iterable[Enrollment]:
        """Every flow the contact entered, latest first."""
        contact: Contact = self.contact  # type: ignore[assignment]
        return enrollment_list_for_contact(
            installation=info.context.installation, contact_id=contact.pk
        )


@strawberry.type
class Query:
    @strawberry.field(extensions=READ())
    def contact_journey(self, info: Info, email: str) -> ContactJourney | None:
        """The contact with this email (any case) and what the flows did with them."""
        contact = contact_get(info.context.installation, email=email)
        if contact is None:
            return None
        return ContactJourney(contact=contact)  # type: ignore[arg-type]
