/** The customer page's widget: this customer's journey (the dashboard adds ?customerId=). */
import { Box } from "@saleor/macaw-ui";
import { useSearchParams } from "react-router-dom";

import { gql } from "../../api/client";
import { EmptyState, ErrorState, Loading, useQuery } from "../../components";
import { JOURNEY_QUERY, JourneyView } from "./JourneyView";
import type { ContactJourney } from "./timeline";

export function CustomerWidgetPage() {
  const [params] = useSearchParams();
  const customerId = (params.get("customerId") ?? "").trim();

  const journey = useQuery(async () => {
    if (!customerId) return null;
    const data = await gql<{ contactJourney: ContactJourney | null }>(JOURNEY_QUERY, { customerId });
    return data.contactJourney;
  }, [customerId]);

  let body;
  if (!customerId) {
    body = <EmptyState title="No customer">Open this widget from a customer&apos;s page.</EmptyState>;
  } else if (journey.status === "loading") {
    body = <Loading label="Loading the journey…" />;
  } else if (journey.status === "error") {
    body = <ErrorState error={journey.error} title="Could not load the journey" onRetry={journey.reload} />;
  } else if (journey.data === null) {
    body = (
      <EmptyState title="Not in any flow yet">
        The app has not seen this customer in a checkout, order or account event yet.
      </EmptyState>
    );
  } else {
    body = <JourneyView journey={journey.data} compact />;
  }
  return (
    <Box as="main" padding={3} data-testid="customer-widget">
      {body}
    </Box>
  );
}
