import { stateOf, type Actor, type Alarm, type AlarmEvent } from './alarm-engine.js';

/**
 * An alarm whose device (or depot) a new configuration version no longer has. Its condition can never
 * clear by itself and nobody can act on a device that is gone, so the alarm ends here: the condition
 * is cleared, the overlays come off and it returns to normal, recorded as a `cleared` event carrying
 * the engineer's name and a note that says why (the incident's timeline shows it). Pure.
 *
 *   before (any state but normal-and-inactive)  → normal, inactive, no shelf / suppression / out of service
 *   normal and inactive                         → unchanged, no event
 */
export function retire(a: Alarm, by: Actor): { alarm: Alarm; events: AlarmEvent[] } {
  if (!a.active && stateOf(a) === 'normal') return { alarm: a, events: [] };
  const next: Alarm = {
    ...a, active: false, annunciation: 'normal', shelf: null, suppression: null, outOfService: null,
    clearedAt: a.active ? by.at : a.clearedAt, updatedAt: by.at,
  };
  return { alarm: next, events: [{ type: 'cleared', alarmId: a.id, at: by.at, from: stateOf(a), to: 'normal', by: by.username, note: by.note, announce: false }] };
}
