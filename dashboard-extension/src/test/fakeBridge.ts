/** A stand-in for AppBridge in unit tests: state you set, events you fire, actions recorded. */
import type { BridgeLike } from "../app/bridge";

type Event = "handshake" | "tokenRefresh" | "theme" | "localeChanged";

export class FakeBridge implements BridgeLike {
  state = {
    token: "token-1" as string | undefined,
    saleorApiUrl: "https://shop.example.com/graphql/",
    theme: "light" as "light" | "dark",
    locale: "en" as never,
    ready: true,
  };
  dispatched: { type: string; payload: Record<string, unknown> }[] = [];
  private listeners: Record<Event, Set<() => void>> = {
    handshake: new Set(),
    tokenRefresh: new Set(),
    theme: new Set(),
    localeChanged: new Set(),
  };

  getState() {
    return this.state;
  }

  subscribe(event: Event, cb: () => void): () => void {
    this.listeners[event].add(cb);
    return () => this.listeners[event].delete(cb);
  }

  async dispatch(action: { type: string; payload: Record<string, unknown> }): Promise<void> {
    this.dispatched.push(action);
  }

  /** What the dashboard's tokenRefresh does: new token in the state, then the event. */
  refreshToken(token: string): void {
    this.state = { ...this.state, token };
    this.listeners.tokenRefresh.forEach((cb) => cb());
  }
}
