import { describe, expect, it } from 'vitest';
import { reasonText } from '../../server/src/domain/reason-text.js';

describe('reasonText', () => {
  it('counts cameras for a depot reason and names the camera for an alarm', () => {
    expect(reasonText('cameras_offline', { n: 3, total: 24 })).toBe('3 of 24 cameras offline');
    expect(reasonText('cameras_offline', { device: 'CAM07', zone: 'Main gate' })).toBe('camera CAM07 offline in Main gate');
    expect(reasonText('cameras_not_recording', { device: 'CAM01', zone: 'Store A' })).toBe('camera CAM01 not recording in Store A');
    expect(reasonText('camera_tamper', { device: 'CAM02' })).toBe('camera tamper: CAM02');
  });
  it('phrases thresholds, rates, states and silence', () => {
    expect(reasonText('threshold_low', { zone: 'Power room', kind: 'mains', value: 180, unit: 'V', limit: 190 })).toBe('Power room mains voltage 180 V (below 190)');
    expect(reasonText('rate_of_change', { zone: 'Store A', kind: 'temperature', rate: 4.2, unit: 'C', limit: 2 })).toBe('Store A temperature changing 4.2 C/min (limit 2)');
    expect(reasonText('motion_outside_schedule', { zone: 'Store B', device: 'B-M1' })).toBe('motion outside schedule in Store B (B-M1)');
    expect(reasonText('not_reporting', { n: 4 })).toBe('4 devices not reporting');
    expect(reasonText('no_data', {})).toBe('no data received yet');
  });
});
