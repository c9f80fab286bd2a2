/** The three states every data view has besides "loaded": loading, failed, nothing yet. */
import { Box, Button, Spinner, Text } from "@saleor/macaw-ui";
import type { ReactNode } from "react";

import { GraphQLRequestError } from "../api/client";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <Box
      role="status"
      aria-live="polite"
      display="flex"
      alignItems="center"
      gap={2}
      padding={6}
      data-testid="loading"
    >
      <Spinner />
      <Text color="default2">{label}</Text>
    </Box>
  );
}

/** Human-readable lines for any thrown value (GraphQLRequestError keeps the API's messages). */
export function errorMessages(error: unknown): string[] {
  if (error instanceof GraphQLRequestError) return error.messages;
  if (error instanceof Error && error.message) return [error.message];
  return ["Something went wrong."];
}

export function ErrorState({
  error,
  title = "Could not load this page",
  onRetry,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}) {
  return (
    <Box
      role="alert"
      display="flex"
      flexDirection="column"
      gap={3}
      padding={6}
      borderStyle="solid"
      borderWidth={1}
      borderColor="critical1"
      borderRadius={4}
      data-testid="error-state"
    >
      <Text size={5} fontWeight="bold" color="critical1">
        {title}
      </Text>
      {errorMessages(error).map((message) => (
        <Text key={message}>{message}</Text>
      ))}
      {onRetry ? (
        <Box>
          <Button variant="secondary" onClick={onRetry}>
            Try again
          </Button>
        </Box>
      ) : null}
    </Box>
  );
}

export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <Box
      display="flex"
      flexDirection="column"
      alignItems="flex-start"
      gap={3}
      padding={8}
      borderStyle="solid"
      borderWidth={1}
      borderColor="default1"
      borderRadius={4}
      data-testid="empty-state"
    >
      <Text size={5} fontWeight="bold">
        {title}
      </Text>
      {children ? <Text color="default2">{children}</Text> : null}
      {action}
    </Box>
  );
}
