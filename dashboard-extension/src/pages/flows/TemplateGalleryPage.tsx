/** Start a flow: from one of the templates, or from an empty canvas. */
import { Box, Button, Input, Text } from "@saleor/macaw-ui";
import { useState } from "react";

import { gql, unwrapPayload } from "../../api/client";
import { navigate, notify } from "../../app/bridge";
import { EmptyState, ErrorState, errorMessages, Loading, PageLayout, Section, useQuery } from "../../components";

export const TEMPLATES_QUERY = `
  query DashboardFlowTemplates {
    flowTemplates { key name description priority }
  }
`;

export const CREATE_FROM_TEMPLATE = `
  mutation DashboardFlowFromTemplate($key: String!, $name: String) {
    flowCreateFromTemplate(templateKey: $key, name: $name) {
      __typename
      ... on Flow { id name }
      ... on OperationInfo { messages { message field code } }
    }
  }
`;

export const CREATE_EMPTY = `
  mutation DashboardFlowCreate($name: String!) {
    flowCreate(name: $name) {
      __typename
      ... on Flow { id name }
      ... on OperationInfo { messages { message field code } }
    }
  }
`;

interface Template {
  key: string;
  name: string;
  description: string;
  priority: number;
}

type Created = { __typename: "Flow"; id: string; name: string };

export function TemplateGalleryPage() {
  const templates = useQuery(
    async () => (await gql<{ flowTemplates: Template[] }>(TEMPLATES_QUERY)).flowTemplates,
    [],
  );
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [name, setName] = useState("");

  const create = async (key: string, run: () => Promise<Created>) => {
    setBusy(key);
    setError(null);
    try {
      const flow = await run();
      void notify("success", "Flow created", `"${flow.name}" is a draft until you activate it.`);
      navigate(`/flows/${encodeURIComponent(flow.id)}/edit`);
    } catch (caught) {
      setError(caught);
      void notify("error", "The flow was not created", errorMessages(caught).join(" "));
    } finally {
      setBusy(null);
    }
  };

  const fromTemplate = (template: Template) =>
    create(template.key, async () => {
      const data = await gql<{ flowCreateFromTemplate: Created }>(CREATE_FROM_TEMPLATE, {
        key: template.key,
      });
      return unwrapPayload(data.flowCreateFromTemplate) as Created;
    });

  const fromScratch = () =>
    create("", async () => {
      const data = await gql<{ flowCreate: Created }>(CREATE_EMPTY, { name: name.trim() });
      return unwrapPayload(data.flowCreate) as Created;
    });

  let gallery;
  if (templates.status === "loading") gallery = <Loading label="Loading templates…" />;
  else if (templates.status === "error")
    gallery = <ErrorState error={templates.error} title="Could not load the templates" onRetry={templates.reload} />;
  else if (templates.data.length === 0) gallery = <EmptyState title="No templates available" />;
  else
    gallery = (
      <Box
        as="ul"
        display="grid"
        gap={4}
        padding={0}
        margin={0}
        style={{ listStyle: "none", gridTemplateColumns: "repeat(auto-fill, minmax(240px, 1fr))" }}
      >
        {templates.data.map((template) => (
          <Box
            as="li"
            key={template.key}
            data-testid="template-card"
            display="flex"
            flexDirection="column"
            justifyContent="space-between"
            gap={3}
            padding={4}
            borderStyle="solid"
            borderWidth={1}
            borderColor="default1"
            borderRadius={4}
          >
            <Box display="flex" flexDirection="column" gap={2}>
              <Text as="h3" size={5} fontWeight="bold">
                {template.name}
              </Text>
              <Text color="default2">{template.description}</Text>
            </Box>
            <Box>
              <Button
                variant="secondary"
                disabled={busy !== null}
                onClick={() => void fromTemplate(template)}
                aria-label={`Use the ${template.name} template`}
              >
                {busy === template.key ? "Creating…" : "Use template"}
              </Button>
            </Box>
          </Box>
        ))}
      </Box>
    );

  return (
    <PageLayout title="New flow" subtitle="Start from a template and adapt it in the builder.">
      {error ? <ErrorState error={error} title="The flow was not created" /> : null}
      <Section title="Templates" id="templates">
        {gallery}
      </Section>
      <Section title="Start from scratch" id="scratch">
        <Box
          as="form"
          display="flex"
          flexWrap="wrap"
          gap={3}
          alignItems="flex-end"
          onSubmit={(event) => {
            event.preventDefault();
            if (name.trim()) void fromScratch();
          }}
        >
          <Box style={{ flex: "1 1 240px" }}>
            <Input label="Flow name" value={name} onChange={(event) => setName(event.target.value)} required />
          </Box>
          <Button type="submit" variant="primary" disabled={busy !== null || !name.trim()}>
            {busy === "" ? "Creating…" : "Create empty flow"}
          </Button>
        </Box>
      </Section>
    </PageLayout>
  );
}
