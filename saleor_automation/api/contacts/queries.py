"""A contact's journey, looked up by email or Saleor customer id."""

from collections.abc import Iterable

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
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
    def contact_journey(
        self, info: Info, email: str | None = None, customer_id: str | None = None
    ) -> ContactJourney | None:
        """The contact with this email (any case) or this Saleor customer (the User global
        ID the dashboard passes to customer widgets), and what the flows did with them.
        Exactly one of the two."""
        if (email is None) == (customer_id is None):
            raise ValidationError("Give exactly one of email and customerId.", code="invalid")
        if email is not None:
            contact = contact_get(info.context.installation, email=email)
        else:
            contact = contact_get(info.context.installation, saleor_user_id=customer_id)
        if contact is None:
            return None
        return ContactJourney(contact=contact)  # type: ignore[arg-type]
