/** The board's routes; hash-based so the server serves one index.html and a refresh keeps the view. */
export type Route = { name: 'wall' } | { name: 'depot'; id: string };

const DEPOT = /^#\/depot\/([A-Za-z0-9_-]{1,64})\/?$/;

export function parseHash(hash: string): Route {
  const m = DEPOT.exec(hash);
  return m?.[1] !== undefined ? { name: 'depot', id: m[1] } : { name: 'wall' };
}

export function routeHref(r: Route): string {
  switch (r.name) {
    case 'wall': return '#/';
    case 'depot': return `#/depot/${encodeURIComponent(r.id)}`;
  }
}
