import { parseHash, routeHref, type Route } from '../transforms/route.js';

/** Hash routing: `#/` is the wall, `#/depot/K101` a depot, `#/desk`, `#/guard`… Back/forward and refresh just work. */
export class Router {
  route = $state<Route>({ name: 'wall' });
  readonly #onHash = (): void => { this.route = parseHash(location.hash); };

  start(): void {
    this.route = parseHash(location.hash);
    addEventListener('hashchange', this.#onHash);
  }

  stop(): void {
    removeEventListener('hashchange', this.#onHash);
  }

  go(r: Route): void {
    location.hash = routeHref(r);
  }

  /** show another page without a history entry: a landing page or a page the role may not open */
  replace(r: Route): void {
    history.replaceState(history.state, '', routeHref(r));
    this.route = r;
  }
}
