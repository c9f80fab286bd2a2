/**
 * Routes and the shell around them: macaw-ui's theme (following the dashboard's), and a
 * connection gate so no page asks the API before the dashboard has sent a token.
 */
import { Box, ThemeProvider, useTheme } from "@saleor/macaw-ui";
import { type ReactNode, useEffect, useState } from "react";
import { Navigate, Route, Routes, useNavigate } from "react-router-dom";

import { setNavigator, useAppBridgeState } from "./app/bridge";
import { BuilderPage } from "./builder/BuilderPage";
import { EmptyState, Loading } from "./components";
import { FlowsPage } from "./pages/flows/FlowsPage";
import { TemplateGalleryPage } from "./pages/flows/TemplateGalleryPage";
import { JourneyPage } from "./pages/journey/JourneyPage";
import { CustomerWidgetPage } from "./pages/journey/CustomerWidgetPage";
import { OrderActionPage } from "./pages/order/OrderActionPage";
import { SettingsPage } from "./pages/settings/SettingsPage";
import { StatsPage } from "./stats/StatsPage";

/** How long to wait for the dashboard's handshake before explaining why nothing happens. */
const HANDSHAKE_PATIENCE_MS = 4000;

function ThemeSync() {
  const { theme } = useAppBridgeState();
  const { setTheme } = useTheme();
  useEffect(() => {
    setTheme(theme === "dark" ? "defaultDark" : "defaultLight");
  }, [theme, setTheme]);
  return null;
}

function NavigatorBinding() {
  const routerNavigate = useNavigate();
  useEffect(() => {
    setNavigator((path) => routerNavigate(path));
    return () => setNavigator(null);
  }, [routerNavigate]);
  return null;
}

function ConnectionGate({ children }: { children: ReactNode }) {
  const { ready } = useAppBridgeState();
  const [patienceOver, setPatienceOver] = useState(false);
  useEffect(() => {
    const timer = window.setTimeout(() => setPatienceOver(true), HANDSHAKE_PATIENCE_MS);
    return () => window.clearTimeout(timer);
  }, []);
  if (ready) return <>{children}</>;
  if (!patienceOver) return <Loading label="Connecting to the Saleor dashboard…" />;
  return (
    <Box padding={6}>
      <EmptyState title="Open this page from the Saleor dashboard">
        This is the Marketing Automation app&apos;s dashboard extension. It gets its access
        token from the Saleor dashboard, so open it from Apps → Marketing Automation (or the
        customer and order pages) instead of directly.
      </EmptyState>
    </Box>
  );
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/" element={<Navigate to="/flows" replace />} />
      <Route path="/flows" element={<FlowsPage />} />
      <Route path="/flows/new" element={<TemplateGalleryPage />} />
      <Route path="/flows/:flowId/edit" element={<BuilderPage />} />
      <Route path="/flows/:flowId/stats" element={<StatsPage />} />
      <Route path="/journey" element={<JourneyPage />} />
      <Route path="/settings" element={<SettingsPage />} />
      <Route path="/widgets/customer" element={<CustomerWidgetPage />} />
      <Route path="/actions/order" element={<OrderActionPage />} />
      <Route
        path="*"
        element={
          <Box padding={6}>
            <EmptyState title="Page not found">This address is not part of the app.</EmptyState>
          </Box>
        }
      />
    </Routes>
  );
}

export function App() {
  const { theme } = useAppBridgeState();
  return (
    <ThemeProvider defaultTheme={theme === "dark" ? "defaultDark" : "defaultLight"}>
      <ThemeSync />
      <NavigatorBinding />
      <Box backgroundColor="default1" color="default1" style={{ minHeight: "100vh" }}>
        <ConnectionGate>
          <AppRoutes />
        </ConnectionGate>
      </Box>
    </ThemeProvider>
  );
}
