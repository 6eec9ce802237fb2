/**
 * Where supervisor pings go, per workspace or tenant: a Slack channel id, or a Teams
 * conversation reference for proactive messages. The target is opaque to the core.
 */
export interface Route {
  platform: 'slack' | 'teams';
  /** Slack team id or Teams tenant id. */
  tenant: string;
  target: Record<string, unknown>;
  updatedAt: string;
}

export interface RouteStore {
  set(route: Route): Promise<void>;
  get(platform: Route['platform'], tenant: string): Promise<Route | undefined>;
}
