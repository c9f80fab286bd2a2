/**
 * The page is served under /dashboard/ (the manifest's appUrl and the extension URLs); the
 * dashboard also opens the app page's relative URL (/flows) at the app's root, or joins it
 * to appUrl with a doubled slash (/dashboard//flows). Routes are the same under all three.
 */
export const DASHBOARD_PREFIX = "/dashboard";

/** The path with runs of slashes collapsed ("/dashboard//flows" -> "/dashboard/flows"). */
export function normalizePath(pathname: string): string {
  return pathname.replace(/\/{2,}/g, "/");
}

export function routerBasename(pathname: string): string {
  const path = normalizePath(pathname);
  return path === DASHBOARD_PREFIX || path.startsWith(`${DASHBOARD_PREFIX}/`) ? DASHBOARD_PREFIX : "/";
}
