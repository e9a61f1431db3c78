import { describe, expect, it } from 'vitest';
import type { CollectorHealthView, DiscoveredView } from '../../server/src/contracts/collectors.js';
import { collectorLevel, configState, roundRate, SILENT_AFTER_MS, sortCollectors, sortDiscovered, suggestedName, troubles } from '../../web/src/lib/transforms/collectors.js';
import { formatAge } from '../../web/src/lib/transforms/format.js';

const NOW = Date.UTC(2026, 11, 2, 4, 0, 0);
const c = (depot: string, o: Partial<CollectorHealthView> = {}): CollectorHealthView => ({
  depot, name: `Kho ${depot}`, region: 'R1', state: 'online', since: NOW - 3600_000, lastSeen: NOW - 2000, version: '1.0', configVersion: 5, configPublished: null,
  spooled: 0, dropped: 0, ratePerMin: 12, rejected: 0, rejections: [], samples: [], ...o,
});

describe('collectors tab transforms', () => {
  it('says behind only when the collector reports an older configuration than the centre runs', () => {
    expect(configState(4, 5)).toBe('behind');
    expect(configState(5, 5)).toBe('current');
    expect(configState(6, 5)).toBe('ahead');
    expect(configState(null, 5)).toBe('unreported');
    // a depot's retained collector/config moves only with its own part: at v3 while the site is at v5 it is current
    expect(troubles(c('K1', { configVersion: 3, configPublished: 3 }), 5, NOW)).toEqual([]);
    expect(troubles(c('K1', { configVersion: 2, configPublished: 3 }), 5, NOW)).toEqual(['behind']);
  });

  it('lists every trouble, and a healthy collector has none', () => {
    expect(troubles(c('K1'), 5, NOW)).toEqual([]);
    expect(troubles(c('K1', { state: 'offline', dropped: 3, configVersion: 2, rejected: 1, spooled: 9 }), 5, NOW)).toEqual(['offline', 'dropped', 'behind', 'rejections', 'spooled']);
    // online by its last status but heard nothing for longer than the silence limit
    expect(troubles(c('K1', { lastSeen: NOW - SILENT_AFTER_MS - 1 }), 5, NOW)).toEqual(['silent']);
    expect(troubles(c('K1', { state: 'unknown', lastSeen: null, configVersion: null }), 5, NOW)).toEqual(['unknown']);
  });

  it('puts depots with trouble first, the worst on top, and the healthy ones by id', () => {
    const list = [c('K3'), c('K1', { rejected: 4 }), c('K9', { state: 'offline' }), c('K2'), c('K5', { configVersion: 4 }), c('K4', { state: 'unknown', lastSeen: null })];
    expect(sortCollectors(list, 5, NOW).map((x) => x.depot)).toEqual(['K9', 'K4', 'K5', 'K1', 'K2', 'K3']);
  });

  it('gives each state a shape as well as a colour: online ✓, offline or silent ▲, unknown ?', () => {
    expect(collectorLevel(c('K1'), NOW)).toBe('ready');
    expect(collectorLevel(c('K1', { state: 'offline' }), NOW)).toBe('degraded');
    expect(collectorLevel(c('K1', { lastSeen: NOW - SILENT_AFTER_MS - 1 }), NOW)).toBe('degraded');
    expect(collectorLevel(c('K1', { state: 'unknown', lastSeen: null }), NOW)).toBe('unknown');
  });

  it('writes ages and rates for the eye', () => {
    expect(formatAge(NOW - 3 * 60_000, NOW, 'vi')).toBe('3 phút trước');
    expect(formatAge(NOW - 3 * 60_000, NOW, 'en')).toBe('3 min ago');
    expect(formatAge(null, NOW, 'vi')).toBeNull();
    expect([roundRate(0), roundRate(0.44), roundRate(9.96), roundRate(12.4), roundRate(1250.6)]).toEqual([0, 0.4, 10, 12, 1251]);
  });
});

describe('discovered tab transforms', () => {
  const d = (depotId: string, id: string, lastSeen: number): DiscoveredView => ({ key: `${depotId}.sensor.${id}`, depotId, type: 'sensor', id, firstSeen: lastSeen - 1000, lastSeen, messages: 1 });
  it('lists the most recently heard first, ties by depot and id', () => {
    expect(sortDiscovered([d('K2', 'A', NOW - 10), d('K1', 'B', NOW), d('K1', 'A', NOW)]).map((x) => x.key)).toEqual(['K1.sensor.A', 'K1.sensor.B', 'K2.sensor.A']);
  });
  it('suggests a name from the zone', () => {
    expect(suggestedName('Nhà kho A', 'T9')).toBe('Nhà kho A – T9');
    expect(suggestedName(undefined, 'T9')).toBe('T9');
  });
});

describe('rejection reasons on the collectors tab', () => {
  it('has a word in both languages for every reason the centre counts', async () => {
    const { REJECT_REASONS } = await import('../../server/src/ingest/normalise.js');
    const { isMessageKey, translate } = await import('../../web/src/lib/i18n/index.js');
    for (const r of REJECT_REASONS) {
      const key = `reject.${r}`;
      expect(isMessageKey(key), key).toBe(true);
      if (isMessageKey(key)) expect(translate('en', key)).not.toBe(translate('vi', key));
    }
  });
});
