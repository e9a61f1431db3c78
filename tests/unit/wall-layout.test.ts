import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { DepotSummary, ReadinessLevel, RegionSummary } from '../../server/src/contracts/api.js';
import { buildMapModel, clusterDepots } from '../../web/src/lib/transforms/map-model.js';
import { planWall, WALL_SIZES, type WallDepot, type WallPlan } from '../../web/src/lib/transforms/wall-layout.js';

/** The wall's tile area at 1080p and 4K is ~86 × 32 rem (the root size scales with the screen); a 1024×768 tablet ~50 × 30. */
const WALL = { width: 86, height: 32 };
const TABLET = { width: 50, height: 30 };

function estate(n: number, abnormal: number, regions = 7): WallDepot[] {
  const levels: ReadinessLevel[] = ['not_ready', 'degraded', 'unknown'];
  return Array.from({ length: n }, (_, i) => ({
    id: `K${String(i + 1).padStart(3, '0')}`,
    region: `QK${1 + Math.floor((i * regions) / n)}`,
    readiness: i < abnormal ? levels[i % 3]! : 'ready',
  }));
}

/** every depot of the input is either a tile, a chip, inside a folded region or counted as hidden */
function accounted(plan: WallPlan, depots: readonly WallDepot[]): number {
  if (plan.mode === 'full') return plan.tiles.length;
  const folded = new Set(plan.chips.folded.map((f) => f.region));
  const foldedReady = depots.filter((d) => d.readiness === 'ready' && folded.has(d.region)).length;
  return plan.large.tiles.length + plan.chips.abnormal.length + plan.chips.ready.length + foldedReady + plan.chips.hidden;
}

function cellsUsed(plan: WallPlan): number {
  if (plan.mode === 'full') return plan.tiles.length;
  return plan.chips.abnormal.length + plan.chips.ready.length + plan.chips.folded.length * WALL_SIZES.foldSpan + (plan.chips.hidden > 0 ? 1 : 0);
}

describe('wall density', () => {
  it('shows 13 depots as full tiles', () => {
    const plan = planWall(estate(13, 2, 3), WALL);
    expect(plan.mode).toBe('full');
    if (plan.mode !== 'full') return;
    expect(plan.tiles).toHaveLength(13);
    expect(plan.cols * plan.rows).toBeGreaterThanOrEqual(13);
  });

  it('shows 60 depots as abnormal full tiles first and the ready ones as chips, none folded', () => {
    const plan = planWall(estate(60, 4), WALL);
    expect(plan.mode).toBe('compact');
    if (plan.mode === 'full') return;
    expect(plan.large.tiles).toEqual(['K001', 'K002', 'K003', 'K004']);
    expect(plan.chips.ready).toHaveLength(56);
    expect(plan.chips.folded).toEqual([]);
    expect(cellsUsed(plan)).toBeLessThanOrEqual(plan.chips.cols * plan.chips.rows);
  });

  it('at 200 depots folds ready regions, never an abnormal depot', () => {
    const depots = estate(200, 17);
    const plan = planWall(depots, WALL);
    expect(plan.mode).toBe('collapsed');
    if (plan.mode === 'full') return;
    expect(plan.large.tiles.length + plan.chips.abnormal.length).toBe(17);
    expect(plan.chips.hidden).toBe(0);
    expect(plan.chips.folded.length).toBeGreaterThan(0);
    expect(accounted(plan, depots)).toBe(200);
  });

  it('at 500 depots with 37 abnormal gives up full-tile rows before it hides an abnormal depot', () => {
    const depots = estate(500, 37);
    const plan = planWall(depots, WALL);
    if (plan.mode === 'full') throw new Error('500 depots cannot be full tiles');
    expect(plan.large.tiles.length + plan.chips.abnormal.length).toBe(37);
    expect(plan.chips.hidden).toBe(0);
    expect(accounted(plan, depots)).toBe(500);
    expect(cellsUsed(plan)).toBeLessThanOrEqual(plan.chips.cols * plan.chips.rows);
  });

  it('in a storm over most of the estate says how many it could not show', () => {
    const depots = estate(500, 400);
    const plan = planWall(depots, TABLET);
    if (plan.mode === 'full') throw new Error('cannot be full');
    expect(plan.chips.hidden).toBeGreaterThan(0);
    expect(accounted(plan, depots)).toBe(500);
    expect(cellsUsed(plan)).toBeLessThanOrEqual(plan.chips.cols * plan.chips.rows);
  });

  it('keeps the wall order: abnormal depots before any ready one, in the order given', () => {
    const depots = estate(120, 9);
    const plan = planWall(depots, WALL);
    if (plan.mode === 'full') throw new Error('cannot be full');
    const shown = [...plan.large.tiles, ...plan.chips.abnormal];
    expect(shown).toEqual(depots.slice(0, 9).map((d) => d.id));
  });

  it('accounts for every depot and never overfills the grid, for any estate and screen', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 9 }),
      fc.record({ width: fc.integer({ min: 40, max: 120 }), height: fc.integer({ min: 20, max: 60 }) }),
      (n, a, r, area) => {
        const depots = estate(n, Math.min(a, n), r);
        const plan = planWall(depots, area);
        expect(accounted(plan, depots)).toBe(n);
        if (plan.mode !== 'full') {
          expect(cellsUsed(plan)).toBeLessThanOrEqual(plan.chips.cols * plan.chips.rows);
          const used = plan.large.rows * (WALL_SIZES.large.height + WALL_SIZES.gap) + plan.chips.rows * (WALL_SIZES.chip.height + WALL_SIZES.gap);
          expect(used).toBeLessThanOrEqual(area.height + WALL_SIZES.gap + 1e-9);
          // a ready depot is drawn only when no abnormal one is hidden
          if (plan.chips.hidden > 0) expect(plan.chips.ready.length === 0 || plan.chips.abnormal.length === depots.filter((d) => d.readiness !== 'ready').length - plan.large.tiles.length).toBe(true);
        }
      },
    ), { numRuns: 300 });
  });
});

const summary = (id: string, lat: number, lon: number, readiness: ReadinessLevel = 'ready', region = 'R1'): DepotSummary => ({
  id, name: `Kho ${id}`, region, type: 'ammunition', position: { lat, lon }, readiness, reasons: [],
  counts: { sensors: 0, sensorsAlarm: 0, sensorsStale: 0, cameras: 0, camerasOnline: 0 },
  collector: { state: 'online', ts: 1, spooled: 0, rejected: 0 }, lastSeen: 1,
});
const regionOf = (id: string, depots: readonly DepotSummary[]): RegionSummary => ({
  id, name: `Quân khu ${id}`, readiness: 'ready', depots: depots.filter((d) => d.region === id).map((d) => d.id),
  counts: { ready: 0, degraded: 0, not_ready: 0, unknown: 0 },
});
const sizing = { markerR: 13, fontSize: 16, regionFontSize: 17, regionPad: 29 };

describe('map clustering', () => {
  it('joins depots nearer than the distance and lets the abnormal one lead', () => {
    const at = new Map([['A', { x: 0, y: 0 }], ['B', { x: 10, y: 0 }], ['C', { x: 100, y: 0 }]]);
    const ds = [summary('A', 0, 0), summary('B', 0, 0, 'degraded'), summary('C', 0, 0)];
    const cs = clusterDepots(ds, at, 20);
    expect(cs.map((c) => c.members.map((m) => m.id))).toEqual([['B', 'A'], ['C']]);
  });

  it('draws 500 depots along Vietnam as far fewer markers, none on top of another', () => {
    const ds = Array.from({ length: 500 }, (_, i) => summary(`K${i}`, 23 - (14 * i) / 500, 104 + (i % 7) * 0.3, i % 13 === 0 ? 'not_ready' : 'ready', `R${i % 7}`));
    const m = buildMapModel(ds, ['R0', 'R1', 'R2', 'R3', 'R4', 'R5', 'R6'].map((r) => regionOf(r, ds)), { width: 400, height: 1150, padding: 50 }, sizing, (r) => r.name);
    expect(m.markers.length).toBeLessThan(120);
    expect(m.markers.reduce((n, x) => n + x.members.length, 0)).toBe(500);
    for (let i = 0; i < m.markers.length; i++) {
      for (let j = i + 1; j < m.markers.length; j++) {
        const a = m.markers[i]!;
        const b = m.markers[j]!;
        expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeGreaterThanOrEqual(sizing.markerR * 2.4 - 1e-9);
      }
    }
  });
});

describe('map labels', () => {
  /** the same box the model reserves, recomputed here so the test fails if placement ignores it */
  const box = (x: number, y: number, anchor: string, text: string, size: number) => {
    const w = text.length * size * 0.66;
    const x0 = anchor === 'start' ? x : anchor === 'end' ? x - w : x - w / 2;
    return { x0, y0: y - size * 0.95, x1: x0 + w, y1: y + size * 0.28 };
  };
  it('never places two labels (depot or region) over each other, nor outside the map', () => {
    fc.assert(fc.property(fc.array(fc.record({ lat: fc.double({ min: 9, max: 23, noNaN: true }), lon: fc.double({ min: 103, max: 109, noNaN: true }), bad: fc.boolean() }), { minLength: 2, maxLength: 120 }), (pts) => {
      const ds = pts.map((p, i) => summary(`K${i}`, p.lat, p.lon, p.bad ? 'not_ready' : 'ready', `R${i % 3}`));
      const W = 400; const H = 1000;
      const m = buildMapModel(ds, ['R0', 'R1', 'R2'].map((r) => regionOf(r, ds)), { width: W, height: H, padding: 50 }, sizing, (r) => r.name);
      const rects = [
        ...m.markers.filter((x) => x.label).map((x) => box(x.label!.x, x.label!.y, x.label!.anchor, x.id, sizing.fontSize)),
        ...m.regions.filter((r) => r.label).map((r) => box(r.label!.x, r.label!.y, r.label!.anchor, r.name, sizing.regionFontSize)),
      ];
      for (const r of rects) {
        expect(r.x0).toBeGreaterThanOrEqual(0);
        expect(r.x1).toBeLessThanOrEqual(W);
        expect(r.y0).toBeGreaterThanOrEqual(0);
        expect(r.y1).toBeLessThanOrEqual(H);
      }
      for (let i = 0; i < rects.length; i++) {
        for (let j = i + 1; j < rects.length; j++) {
          const a = rects[i]!; const b = rects[j]!;
          expect(a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1).toBe(false);
        }
      }
    }), { numRuns: 100 });
  });
});
