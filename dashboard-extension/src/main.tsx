import "@saleor/macaw-ui/style";
import "./styles.css";

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router-dom";

import { App } from "./App";
import { getAppBridge } from "./app/bridge";
import { normalizePath, routerBasename } from "./app/basename";

// Create the bridge before the first render so the dashboard's handshake (sent when the
// iframe loads) finds a listener.
getAppBridge();

const { pathname, search, hash } = window.location;
if (normalizePath(pathname) !== pathname) {
  // Same document, tidier address: the router matches "/flows", never "//flows".
  window.history.replaceState(window.history.state, "", `${normalizePath(pathname)}${search}${hash}`);
}

createRoot(document.getElementById("root") as HTMLElement).render(
  <StrictMode>
    <BrowserRouter basename={routerBasename(window.location.pathname)}>
      <App />
    </BrowserRouter>
  </StrictMode>,
);
