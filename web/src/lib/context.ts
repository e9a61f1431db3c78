import { getContext, setContext } from 'svelte';
import type { Actions } from './actions.js';
import type { AdminApi } from './api/admin.js';
import type { ApiClient } from './api/http.js';
import type { OpsApi } from './api/ops.js';
import type { HornStore } from './stores/horn.svelte.js';
import type { Clock } from './stores/clock.svelte.js';
import type { I18n } from './stores/i18n.svelte.js';
import type { LiveStore } from './stores/live.svelte.js';
import type { Router } from './stores/router.svelte.js';
import type { Session } from './stores/session.svelte.js';

/** Services reach components through Svelte context, not module singletons: a test mounts a component with its own. */
export interface AppServices {
  api: ApiClient;
  ops: OpsApi;
  admin: AdminApi;
  actions: Actions;
  horn: HornStore;
  session: Session;
  live: LiveStore;
  i18n: I18n;
  clock: Clock;
  router: Router;
}

const KEY = Symbol('depotwatch.services');

export function provideServices(s: AppServices): void {
  setContext(KEY, s);
}

export function services(): AppServices {
  const s = getContext<AppServices | undefined>(KEY);
  if (!s) throw new Error('DepotWatch services missing: components must be mounted inside App');
  return s;
}
