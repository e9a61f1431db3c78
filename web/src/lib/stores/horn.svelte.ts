import { HornSound, type AudioStatus } from '../audio/horn-sound.js';
import { HORN_IDLE, hornEscalated, hornState, pendingKeys, silence, type HornMemory, type HornState } from '../transforms/horn.js';
import type { Role } from '../types.js';
import type { LiveStore } from './live.svelte.js';

const HORN_ROLES: readonly Role[] = ['officer', 'guard', 'display'];

/** the people who answer alarms hear the horn: duty officers, guards and the wall display */
export function hasHorn(role: Role | null): role is Role {
  return role !== null && HORN_ROLES.includes(role);
}

/**
 * This station's horn: the pure state machine (transforms/horn.ts) over the live alarm list, plus
 * the sound it drives. Silencing is remembered here only — it is not an acknowledgement and no
 * other station hears of it.
 */
export class HornStore {
  memory = $state.raw<HornMemory>(HORN_IDLE);
  audio = $state<AudioStatus>('unsupported');
  /** false for roles without a horn and while signed out */
  enabled = $state(false);
  #sound: HornSound | null = null;
  readonly #live: LiveStore;

  constructor(live: LiveStore) {
    this.#live = live;
  }

  // closures: #live is set in the constructor, after the field initialisers run
  readonly pending: Set<string> = $derived.by(() => pendingKeys(this.#live.alarms));
  readonly state: HornState = $derived.by(() => (this.enabled ? hornState(this.pending, this.memory) : 'off'));
  readonly escalated: boolean = $derived.by(() => hornEscalated(this.#live.incidents));

  start(): void {
    if (this.#sound) return;
    this.enabled = true;
    this.#sound = new HornSound((s) => { this.audio = s; });
  }

  stop(): void {
    this.#sound?.dispose();
    this.#sound = null;
    this.enabled = false;
    this.memory = HORN_IDLE;
  }

  silence(): void {
    this.memory = silence(this.pending);
  }

  /** called from an effect whenever the state or the pattern changes */
  sync(): void {
    if (this.state === 'sounding') this.#sound?.play(this.escalated ? 'escalated' : 'normal');
    else this.#sound?.stop();
  }

  unlock(): Promise<void> {
    return this.#sound?.unlock() ?? Promise.resolve();
  }
}
