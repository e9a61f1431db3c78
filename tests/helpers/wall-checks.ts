import type { Page } from 'playwright-core';

/**
 * What "readable" means for the wall, measured in the page: no text element narrower than its text
 * (cut or ellipsised), no two map labels over each other, no map label outside the map, and every
 * depot either drawn as a tile or counted in its region's roll-up.
 */
export interface WallReport {
  tiles: number;
  /** depots folded into their region's roll-up rather than drawn as tiles */
  collapsed: number;
  /** full, compact or collapsed (wall-layout.ts), and the full tiles' density */
  mode: string;
  density: string;
  /** text elements whose content is wider or taller than their box: "K101 tile .name: Kho kỹ thuật …" */
  overflow: string[];
  /** pairs of map labels whose boxes overlap */
  overlaps: string[];
  /** map labels (partly) outside the map */
  outside: string[];
  markers: number;
  clusters: number;
}

export async function measureWall(page: Page): Promise<WallReport> {
  // tsx (esbuild keepNames) wraps named functions in __name(), which the page does not have
  await page.evaluate('globalThis.__name ??= (f) => f');
  return page.evaluate(() => {
    const overflow: string[] = [];
    const where = (el: Element): string => {
      const tile = el.closest('[data-testid^="depot-tile-"], [data-testid^="region-"], [data-testid="alarm-ticker"]');
      const cls = typeof el.className === 'string' ? el.className.split(' ')[0] : el.tagName;
      return `${tile?.getAttribute('data-testid') ?? '?'} .${cls}: ${(el.textContent ?? '').trim().slice(0, 60)}`;
    };
    // every leaf that holds text, in tiles, region roll-ups and the ticker
    const scope = document.querySelectorAll('[data-testid^="depot-tile-"] *, [data-testid^="region-"] *, [data-testid="alarm-ticker"] *');
    for (const el of scope) {
      if (!(el instanceof HTMLElement)) continue;
      if (![...el.childNodes].some((c) => c.nodeType === Node.TEXT_NODE && (c.textContent ?? '').trim() !== '')) continue;
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden' || el.offsetParent === null) continue;
      // 1 px of tolerance for subpixel rounding
      if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) { overflow.push(where(el)); continue; }
      // cut by a clipping ancestor inside the tile: partly outside it (wholly outside is a part that wrapped away whole)
      const box = el.getBoundingClientRect();
      const stop = el.closest('[data-testid^="depot-tile-"], [data-testid^="region-"], [data-testid="alarm-ticker"]');
      for (let a = el.parentElement; a && stop && stop.contains(a); a = a.parentElement) {
        if (getComputedStyle(a).overflow === 'visible') continue;
        const cb = a.getBoundingClientRect();
        const outside = box.top >= cb.bottom - 1 || box.left >= cb.right - 1 || box.bottom <= cb.top + 1 || box.right <= cb.left + 1;
        const partly = !outside && (box.bottom > cb.bottom + 1 || box.right > cb.right + 1 || box.top < cb.top - 1 || box.left < cb.left - 1);
        if (partly) { overflow.push(`${where(el)} (cut by its ${a === stop ? 'tile' : 'box'})`); break; }
        if (outside) break;
      }
    }
    const map = document.querySelector('[data-testid="map"] svg');
    const mb = map?.getBoundingClientRect();
    const labels = [...document.querySelectorAll('[data-testid="map"] text.mlabel, [data-testid="map"] text.rlabel, [data-testid="map"] text.clabel')]
      .map((t) => ({ text: t.textContent ?? '', r: t.getBoundingClientRect() }));
    const overlaps: string[] = [];
    const outside: string[] = [];
    for (let i = 0; i < labels.length; i++) {
      const a = labels[i]!;
      if (mb && (a.r.left < mb.left - 1 || a.r.top < mb.top - 1 || a.r.right > mb.right + 1 || a.r.bottom > mb.bottom + 1)) outside.push(a.text);
      for (let j = i + 1; j < labels.length; j++) {
        const b = labels[j]!;
        if (a.r.left < b.r.right - 0.5 && b.r.left < a.r.right - 0.5 && a.r.top < b.r.bottom - 0.5 && b.r.top < a.r.bottom - 0.5) overlaps.push(`${a.text} × ${b.text}`);
      }
    }
    const grid = document.querySelector('[data-testid="tile-grid"]');
    let collapsed = 0;
    for (const el of document.querySelectorAll('[data-collapsed]')) collapsed += Number(el.getAttribute('data-collapsed')) || 0;
    return {
      tiles: document.querySelectorAll('[data-testid^="depot-tile-"]').length,
      collapsed,
      mode: grid?.getAttribute('data-mode') ?? '?',
      density: grid?.getAttribute('data-density') ?? '?',
      overflow, overlaps, outside,
      markers: document.querySelectorAll('[data-testid^="map-marker-"]').length,
      clusters: document.querySelectorAll('[data-testid^="map-cluster-"]').length,
    };
  });
}
