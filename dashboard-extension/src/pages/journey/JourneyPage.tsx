/** Contact journey: look a person up by email and see every flow they went through. */
import { Box, Button, Input } from "@saleor/macaw-ui";
import { useState } from "react";
import { useSearchParams } from "react-router-dom";

import { gql } from "../../api/client";
import { EmptyState, ErrorState, Loading, PageLayout, useQuery } from "../../components";
import { JOURNEY_QUERY, JourneyView } from "./JourneyView";
import type { ContactJourney } from "./timeline";

export function JourneyPage() {
  const [params, setParams] = useSearchParams();
  const email = (params.get("email") ?? "").trim();
  const [draft, setDraft] = useState(email);

  const journey = useQuery(async () => {
    if (!email) return null;
    const data = await gql<{ contactJourney: ContactJourney | null }>(JOURNEY_QUERY, { email });
    return data.contactJourney;
  }, [email]);

  let body;
  if (!email) {
    body = (
      <EmptyState title="Look up a contact">
        Enter an email address to see the flows this person entered, the messages they got and
        what they did with them.
      </EmptyState>
    );
  } else if (journey.status === "loading") {
    body = <Loading label="Looking up the contact…" />;
  } else if (journey.status === "error") {
    body = <ErrorState error={journey.error} title="Could not load the journey" onRetry={journey.reload} />;
  } else if (journey.data === null) {
    body = (
      <EmptyState title="No contact with this email">
        The app knows the customers it has seen in checkouts, orders and accounts. Check the
        address, or import history from Settings → Backfill.
      </EmptyState>
    );
  } else {
    body = <JourneyView journey={journey.data} />;
  }

  return (
    <PageLayout title="Contact journey" subtitle="One person's path through your flows.">
      <Box
        as="form"
        role="search"
        aria-label="Find a contact"
        display="flex"
        flexWrap="wrap"
        gap={3}
        alignItems="flex-end"
        marginBottom={5}
        onSubmit={(event) => {
          event.preventDefault();
          const next = new URLSearchParams(params);
          if (draft.trim()) next.set("email", draft.trim());
          else next.delete("email");
          setParams(next);
        }}
      >
        <Box style={{ flex: "1 1 260px" }}>
          <Input
            label="Email address"
            type="email"
            name="email"
            autoComplete="off"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
          />
        </Box>
        <Button type="submit" variant="primary">
          Search
        </Button>
      </Box>
      {body}
    </PageLayout>
  );
}
