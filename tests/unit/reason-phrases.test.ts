import { describe, expect, it } from 'vitest';
import type { HandoverReport } from '../../server/src/contracts/alarms.js';
import { REASON_CODES, type ReasonCode } from '../../server/src/contracts/api.js';
import { reasonText, TEXT_LANGS, transitionText } from '../../server/src/domain/reason-text.js';
import { handoverCsv } from '../../server/src/services/handover.js';
import { isMessageKey, translate } from '../../web/src/lib/i18n/index.js';
import { alarmWhat } from '../../web/src/lib/transforms/alarm-text.js';
import { formatReason } from '../../web/src/lib/transforms/reasons.js';
import type { AlarmView, Lang } from '../../web/src/lib/types.js';

/**
 * Every reason code has its words in both languages, on the board and in exports; and with the params the
 * server sends (server/src/domain/conditions.ts for one device, readiness.ts for a depot's counts), the
 * Vietnamese board says it all in Vietnamese: no English alarm word, and never the shorter fallback phrase.
 */
const zone = { zone: 'Nhà kho đạn A', zoneId: 'A', zoneNameEn: 'Store A' };
const SENT: Record<ReasonCode, Record<string, string | number>[]> = {
  threshold_high: [{ ...zone, device: 'A-T1', kind: 'temperature', value: 31.2, unit: '°C', limit: 30 }],
  threshold_low: [{ ...zone, device: 'P-V1', kind: 'mains', value: 180, unit: 'V', limit: 190 }],
  rate_of_change: [{ ...zone, device: 'A-T1', kind: 'temperature', rate: 4.2, unit: '°C', limit: 2 }],
  state_active: [{ ...zone, device: 'A-SM1', kind: 'smoke' }, { ...zone, device: 'A-W1', kind: 'water' }, { ...zone, device: 'F1', kind: 'fence' }],
  door_outside_schedule: [{ ...zone, device: 'A-D1', kind: 'door' }],
  motion_outside_schedule: [{ ...zone, device: 'A-M1', kind: 'motion' }],
  cameras_offline: [{ ...zone, device: 'CAM01' }, { n: 2, total: 12, devices: 'CAM01, CAM02' }],
  cameras_not_recording: [{ ...zone, device: 'CAM01' }, { n: 1, total: 12, devices: 'CAM01' }],
  camera_tamper: [{ ...zone, device: 'CAM01' }, { n: 1, total: 12, devices: 'CAM01' }],
  camera_video_loss: [{ ...zone, device: 'CAM01' }, { n: 1, total: 12, devices: 'CAM01' }],
  collector_offline: [{ minutes: 12 }, { minutes: 0 }],
  not_reporting: [{ ...zone, device: 'A-T1', kind: 'temperature' }, { ...zone, device: 'CAM03', kind: 'camera' }, { n: 4 }],
  no_data: [{}],
  in_maintenance: [{ scope: 'depot' }, { scope: 'devices', n: 2, maintenance: 1, outOfService: 1, devices: 'SM1, C2' }],
};

// words of the server's English sentences (reason-text.ts) that must never reach a Vietnamese board
const ENGLISH = /\b(offline|online|recording|above|below|limit|tamper|video|loss|reporting|smoke|door|open|motion|fence|breach|water|mains|voltage|collector|changing|schedule|data|received|devices?|cameras|of|in)\b/i;

const alarmOf = (code: ReasonCode, params: Record<string, string | number>): AlarmView => ({
  id: `K101/${code}`, depot: 'K101', code, severity: 'critical',
  device: { type: code.startsWith('camera') ? 'camera' : code === 'collector_offline' ? 'collector' : 'sensor', id: String(params.device ?? 'collector'), zone: 'A', zoneName: 'Nhà kho đạn A' },
  params, text: reasonText(code, params), state: 'unack', active: true, chattering: false, raisedAt: 0, clearedAt: null, updatedAt: 0,
  ack: null, shelf: null, suppression: null, outOfService: null, incidentId: null,
});

describe('every reason code in both languages', () => {
  it('the board has a sentence and a short phrase for each, different in vi and en', () => {
    for (const code of REASON_CODES) {
      for (const key of [`reason.${code}`, `reasonShort.${code}`]) {
        if (key === `reason.${code}` && !isMessageKey(key)) continue; // some codes phrase through variants (_one, _count, _nodur)
        expect(isMessageKey(key), key).toBe(true);
      }
      const short = `reasonShort.${code}`;
      if (!isMessageKey(short)) throw new Error(`no ${short}`);
      expect(translate('vi', short)).not.toBe(translate('en', short));
    }
  });

  it('with the params the server sends, the Vietnamese board uses its full sentence and no English word', () => {
    const problems: string[] = [];
    for (const code of REASON_CODES) {
      for (const params of SENT[code]) {
        for (const lang of ['vi', 'en'] as Lang[]) {
          const reason = formatReason({ code, params }, lang, { now: 0 });
          // an alarm is about one device; a depot's counts (n) only appear as tile reasons
          const what = params.n === undefined ? alarmWhat(alarmOf(code, params), lang, 0) : reason;
          // these two say everything without params: their sentence is their short phrase
          const complete = [translate(lang, 'reason.no_data'), translate(lang, 'reason.collector_offline_nodur')];
          for (const [where, text] of [['reason', reason], ['what', what]] as const) {
            const short = `reasonShort.${code}`;
            if (where === 'reason' && isMessageKey(short) && text === translate(lang, short) && !complete.includes(text)) {
              problems.push(`${code} ${JSON.stringify(params)} ${lang}: fell back to "${text}"`);
            }
            if (lang === 'vi' && ENGLISH.test(text)) problems.push(`${code} ${JSON.stringify(params)} ${where}: English in "${text}"`);
            if (text.includes('{')) problems.push(`${code} ${lang} ${where}: unfilled placeholder in "${text}"`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('the server has an English and a Vietnamese sentence for each, for logs and exports', () => {
    for (const code of REASON_CODES) {
      for (const params of SENT[code]) {
        const [en, vi] = TEXT_LANGS.map((lang) => reasonText(code, params, lang));
        expect(en, code).not.toMatch(/undefined/);
        expect(vi, code).not.toMatch(/undefined/);
        expect(vi, code).not.toBe(en);
        expect(vi, `${code}: ${vi}`).not.toMatch(ENGLISH);
      }
    }
    expect(transitionText('raised: normal → unack', 'vi')).toBe('báo động: bình thường → chưa xác nhận');
    expect(transitionText('acknowledged: unack → acked', 'en')).toBe('acknowledged: unacknowledged → acknowledged');
  });
});

describe('the handover CSV in the language asked for', () => {
  const alarm = alarmOf('state_active', { device: 'A-SM1', kind: 'smoke', zone: 'Nhà kho đạn A', zoneId: 'A' });
  const report: HandoverReport = {
    from: 0, to: 1, generatedAt: 1, generatedBy: 'duty', actions: [], truncated: false, totals: { incidents: 1, actions: 0 },
    summary: { incidents: 1, critical: 1, stillOpen: 0, acknowledged: 1, escalated: 1 },
    incidents: [{
      id: 'INC-1', depot: 'K101', severity: 'critical', state: 'resolved', title: 'smoke in Nhà kho đạn A (A-SM1)', openedAt: 0, updatedAt: 1,
      assignee: null, escalatedAt: 1, unacked: 0, alarms: [alarm], timelineOmitted: 0,
      timeline: [
        { at: 0, type: 'opened', actor: 'system', alarmId: alarm.id, note: 'smoke in Nhà kho đạn A (A-SM1)' },
        { at: 0, type: 'alarm', actor: 'system', alarmId: alarm.id, detail: 'raised: normal → unack' },
        { at: 1, type: 'escalated', actor: 'system', note: 'not acknowledged within 5 min: escalated to duty officers' },
        { at: 1, type: 'acknowledged', actor: 'guard1', note: 'Checked the store' },
        { at: 1, type: 'resolved', actor: 'system', note: 'all alarms returned to normal' },
      ],
    }],
  };

  it('says the system\'s words in Vietnamese and keeps people\'s notes and the codes', () => {
    const vi = handoverCsv(report, 'vi');
    expect(vi.split('\r\n')[0]).toBe('section,incident,depot,severity,state,time,event,actor,alarm,detail,note,what,equipment');
    expect(vi).toContain('báo động: bình thường → chưa xác nhận');
    expect(vi).toContain('Nhà kho đạn A: khói (A-SM1)');
    expect(vi).toContain('mọi báo động đã trở về bình thường');
    expect(vi).toContain('Checked the store');
    expect(vi).not.toMatch(/escalated to|returned to normal|smoke in/);
    const en = handoverCsv(report);
    expect(en).toContain('all alarms returned to normal');
    expect(en).toContain('smoke in Nhà kho đạn A (A-SM1)');
  });
});
