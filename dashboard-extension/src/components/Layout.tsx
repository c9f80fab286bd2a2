/** Page chrome: title, actions, the app's navigation, and a content column that fits 360 px. */
import { Box, Text } from "@saleor/macaw-ui";
import type { ReactNode } from "react";
import { NavLink } from "react-router-dom";

const NAV = [
  { to: "/flows", label: "Flows" },
  { to: "/journey", label: "Contact journey" },
  { to: "/settings", label: "Settings" },
];

export function AppNav() {
  return (
    <Box
      as="nav"
      aria-label="Marketing automation"
      display="flex"
      flexWrap="wrap"
      gap={2}
      marginBottom={4}
      className="sa-nav"
    >
      {NAV.map((item) => (
        <NavLink key={item.to} to={item.to} className="sa-nav-link">
          {item.label}
        </NavLink>
      ))}
    </Box>
  );
}

export function PageLayout({
  title,
  subtitle,
  actions,
  children,
  nav = true,
}: {
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  nav?: boolean;
}) {
  return (
    <Box as="main" className="sa-page">
      {nav ? <AppNav /> : null}
      <Box
        display="flex"
        flexWrap="wrap"
        alignItems="center"
        justifyContent="space-between"
        gap={3}
        marginBottom={5}
      >
        <Box display="flex" flexDirection="column" gap={1}>
          <Text as="h1" size={8} fontWeight="bold">
            {title}
          </Text>
          {subtitle ? <Text color="default2">{subtitle}</Text> : null}
        </Box>
        {actions ? (
          <Box display="flex" flexWrap="wrap" gap={2}>
            {actions}
          </Box>
        ) : null}
      </Box>
      {children}
    </Box>
  );
}

/** A bordered block with an optional heading, the unit most pages are built from. */
export function Section({
  title,
  children,
  actions,
  id,
}: {
  title?: string;
  children: ReactNode;
  actions?: ReactNode;
  id?: string;
}) {
  const headingId = id ? `${id}-heading` : undefined;
  return (
    <Box
      as="section"
      aria-labelledby={headingId}
      borderStyle="solid"
      borderWidth={1}
      borderColor="default1"
      borderRadius={4}
      className="sa-section"
      marginBottom={5}
      display="flex"
      flexDirection="column"
      gap={3}
    >
      {title || actions ? (
        <Box display="flex" flexWrap="wrap" justifyContent="space-between" alignItems="center" gap={2}>
          {title ? (
            <Text as="h2" size={6} fontWeight="bold" id={headingId}>
              {title}
            </Text>
          ) : null}
          {actions}
        </Box>
      ) : null}
      {children}
    </Box>
  );
}
