/** The contact card and the timeline of each enrollment (journey page and customer widget). */
import { Box, Text } from "@saleor/macaw-ui";
import { Link } from "react-router-dom";

import { useAppBridgeState } from "../../app/bridge";
import { EmptyState, StatusBadge } from "../../components";
import { DASH, formatDateTime } from "../../lib/format";
import {
  type ContactJourney,
  enrollmentTimeline,
  type JourneyEnrollment,
  sortEnrollments,
  STATUS_TEXT,
} from "./timeline";

export const JOURNEY_QUERY = `
  query DashboardJourney($email: String, $customerId: String) {
    contactJourney(email: $email, customerId: $customerId) {
      contact {
        id email firstName lastName phone country languageCode marketingConsent
        orderCount firstOrderAt lastOrderAt createdAt isRegistered
      }
      enrollments(first: 50) {
        totalCount
        edges {
          node {
            id status entryKey currentNode nodeEnteredAt wakeAt holdout createdAt finishedAt
            finishReason convertedAt versionNumber
            flow { id name }
            steps { stepSeq nodeId nodeType enteredAt leftAt outcome }
            messages {
              id channel status nodeId subject createdAt sentAt error
              events { kind occurredAt }
            }
          }
        }
      }
    }
  }
`;

const TONES = { ACTIVE: "info", WAITING: "info", FINISHED: "success", FAILED: "critical" } as const;

function consentText(consent: boolean | null): string {
  if (consent === null) return "Not stated";
  return consent ? "Yes" : "No";
}

function ContactCard({ journey, compact }: { journey: ContactJourney; compact: boolean }) {
  const { locale } = useAppBridgeState();
  const contact = journey.contact;
  const name = [contact.firstName, contact.lastName].filter(Boolean).join(" ");
  const facts: [string, string][] = [
    ["Email", contact.email],
    ["Phone", contact.phone || DASH],
    ["Marketing consent", consentText(contact.marketingConsent)],
    ["Orders", String(contact.orderCount)],
    ["Last order", formatDateTime(contact.lastOrderAt, locale)],
  ];
  if (!compact) {
    facts.push(
      ["Country", contact.country || DASH],
      ["Language", contact.languageCode || DASH],
      ["Account", contact.isRegistered ? "Registered customer" : "Guest"],
      ["Known since", formatDateTime(contact.createdAt, locale)],
    );
  }
  return (
    <Box display="flex" flexDirection="column" gap={2} data-testid="contact-card">
      {name ? (
        <Text as="h2" size={6} fontWeight="bold">
          {name}
        </Text>
      ) : null}
      <Box
        as="dl"
        display="grid"
        gap={2}
        margin={0}
        style={{ gridTemplateColumns: "repeat(auto-fill, minmax(160px, 1fr))" }}
      >
        {facts.map(([label, value]) => (
          <Box key={label} display="flex" flexDirection="column">
            <Text as="span" size={2} color="default2">
              <dt>{label}</dt>
            </Text>
            <Text as="span" style={{ overflowWrap: "anywhere" }}>
              <dd style={{ margin: 0 }}>{value}</dd>
            </Text>
          </Box>
        ))}
      </Box>
    </Box>
  );
}

function EnrollmentCard({ enrollment, linkFlows }: { enrollment: JourneyEnrollment; linkFlows: boolean }) {
  const { locale } = useAppBridgeState();
  const items = enrollmentTimeline(enrollment);
  const headingId = `enrollment-${enrollment.id}`;
  return (
    <Box
      as="article"
      aria-labelledby={headingId}
      data-testid="enrollment"
      borderStyle="solid"
      borderWidth={1}
      borderColor="default1"
      borderRadius={4}
      padding={4}
      display="flex"
      flexDirection="column"
      gap={3}
    >
      <Box display="flex" flexWrap="wrap" gap={2} alignItems="center" justifyContent="space-between">
        <Text as="h3" size={5} fontWeight="bold" id={headingId}>
          {linkFlows ? (
            <Link to={`/flows/${encodeURIComponent(enrollment.flow.id)}/stats`}>{enrollment.flow.name}</Link>
          ) : (
            enrollment.flow.name
          )}
        </Text>
        <StatusBadge
          label={enrollment.holdout ? "Control group" : STATUS_TEXT[enrollment.status]}
          tone={enrollment.holdout ? "neutral" : TONES[enrollment.status]}
        />
      </Box>
      <ol className="sa-timeline" aria-label={`Timeline of ${enrollment.flow.name}`}>
        {items.map((item) => (
          <li key={item.key} data-kind={item.kind}>
            <Box display="flex" flexDirection="column">
              <Text size={2} color="default2">
                <time dateTime={item.at}>{formatDateTime(item.at, locale)}</time>
              </Text>
              <Text fontWeight="medium">{item.title}</Text>
              {item.detail ? (
                <Text size={2} color="default2">
                  {item.detail}
                </Text>
              ) : null}
              {item.dueAt ? (
                <Text size={2} color="default2">
                  Next step due {formatDateTime(item.dueAt, locale)}
                </Text>
              ) : null}
            </Box>
          </li>
        ))}
      </ol>
    </Box>
  );
}

export function JourneyView({
  journey,
  compact = false,
}: {
  journey: ContactJourney;
  compact?: boolean;
}) {
  const enrollments = sortEnrollments(journey.enrollments.edges.map((edge) => edge.node));
  const total = journey.enrollments.totalCount ?? enrollments.length;
  return (
    <Box display="flex" flexDirection="column" gap={4}>
      <ContactCard journey={journey} compact={compact} />
      {enrollments.length === 0 ? (
        <EmptyState title="No flows yet">This contact has not entered any flow.</EmptyState>
      ) : (
        <Box display="flex" flexDirection="column" gap={3}>
          <Text as="h2" size={5} fontWeight="bold">
            Flows ({total})
          </Text>
          {total > enrollments.length ? (
            <Text size={2} color="default2">
              Showing the latest {enrollments.length}.
            </Text>
          ) : null}
          {enrollments.map((enrollment) => (
            <EnrollmentCard key={enrollment.id} enrollment={enrollment} linkFlows={!compact} />
          ))}
        </Box>
      )}
    </Box>
  );
}
