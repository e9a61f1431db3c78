import { parseSiteConfig } from '../../config/loader.js';
import type { SiteConfig } from '../../config/schema.js';
import { readFileSync } from 'node:fs';

/** A two-depot site with the shipped default rules: small enough to reason about in a test. */
export const SMALL_SITE_YAML = `
regions:
  - { id: R1, name: "Khu vực 1", nameEn: "Region 1" }
  - { id: R2, name: "Khu vực 2" }
depots:
  - id: D1
    name: "Kho D1"
    region: R1
    type: ammunition
    position: { lat: 21, lon: 105 }
    zones:
      - { id: A, name: "Store A", type: ammunition_store, doorSchedule: ["07:30-17:00"] }
      - { id: P, name: "Perimeter", type: perimeter }
    sensors:
      - { id: T1, zone: A, kind: temperature, intervalS: 10 }
      - { id: H1, zone: A, kind: humidity, intervalS: 10 }
      - { id: SM1, zone: A, kind: smoke, intervalS: 10 }
      - { id: DR1, zone: A, kind: door, intervalS: 10 }
      - { id: F1, zone: P, kind: fence, intervalS: 10 }
    cameras:
      - { id: C1, zone: A, intervalS: 10 }
      - { id: C2, zone: P, intervalS: 10 }
      - { id: C3, zone: P, intervalS: 10 }
  - id: D2
    name: "Kho D2"
    region: R2
    type: fuel
    position: { lat: 11, lon: 107 }
    zones:
      - { id: T, name: "Tank", type: fuel_store, limits: { temperature: { high: 33 } } }
    sensors:
      - { id: G1, zone: T, kind: gas, intervalS: 10 }
      - { id: T1, zone: T, kind: temperature, intervalS: 10 }
`;

export function smallSite(): SiteConfig {
  return parseSiteConfig([
    { name: 'site.yaml', text: SMALL_SITE_YAML },
    { name: 'rules.yaml', text: readFileSync('config/rules.yaml', 'utf8') },
  ]);
}
