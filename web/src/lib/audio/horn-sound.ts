/**
 * The horn, synthesised with the Web Audio API: no sound file to ship or fetch. A square wave whose
 * pitch a square LFO flips between two tones (the hi-lo pattern people know as an alarm, not as a
 * notification), loud, with short ramps so it never clicks. An escalated incident flips faster and
 * higher. Browsers keep audio suspended until the page has had a user gesture: `status` says so and
 * the first tap or key press anywhere on the page resumes it.
 */
export type AudioStatus = 'running' | 'blocked' | 'unsupported';
export type HornPattern = 'normal' | 'escalated';

const PATTERNS: Readonly<Record<HornPattern, { base: number; swing: number; rate: number }>> = {
  normal: { base: 850, swing: 180, rate: 1.25 },
  escalated: { base: 1000, swing: 250, rate: 2.5 },
};
const VOLUME = 0.4;
const RAMP_S = 0.03;

type AudioContextCtor = typeof AudioContext;

export class HornSound {
  #ctx: AudioContext | null = null;
  #nodes: { osc: OscillatorNode; lfo: OscillatorNode; gain: GainNode } | null = null;
  #pattern: HornPattern | null = null;
  readonly #onStatus: (s: AudioStatus) => void;
  readonly #unlock = (): void => { void this.unlock(); };

  constructor(onStatus: (s: AudioStatus) => void) {
    this.#onStatus = onStatus;
    const Ctor = (globalThis as { AudioContext?: AudioContextCtor }).AudioContext;
    if (!Ctor) { onStatus('unsupported'); return; }
    // created up front, so a wall that cannot play sound says so before the first alarm, not during it
    this.#ctx = new Ctor();
    this.#ctx.onstatechange = () => this.#report();
    this.#report();
    addEventListener('pointerdown', this.#unlock, true);
    addEventListener('keydown', this.#unlock, true);
  }

  #report(): void {
    const s = this.#ctx?.state;
    this.#onStatus(s === 'running' ? 'running' : s === 'suspended' ? 'blocked' : 'unsupported');
  }

  /** must run inside a user gesture (a click) to be allowed */
  async unlock(): Promise<void> {
    if (this.#ctx?.state !== 'suspended') return;
    try { await this.#ctx.resume(); } catch { /* still blocked: the button stays */ }
    this.#report();
  }

  play(pattern: HornPattern): void {
    const ctx = this.#ctx;
    if (!ctx || this.#pattern === pattern) return;
    this.stop();
    const p = PATTERNS[pattern];
    const osc = ctx.createOscillator();
    osc.type = 'square';
    osc.frequency.value = p.base;
    const lfo = ctx.createOscillator();
    lfo.type = 'square';
    lfo.frequency.value = p.rate;
    const depth = ctx.createGain();
    depth.gain.value = p.swing;
    lfo.connect(depth).connect(osc.frequency);
    const gain = ctx.createGain();
    gain.gain.setValueAtTime(0, ctx.currentTime);
    gain.gain.linearRampToValueAtTime(VOLUME, ctx.currentTime + RAMP_S);
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    lfo.start();
    this.#nodes = { osc, lfo, gain };
    this.#pattern = pattern;
  }

  stop(): void {
    const ctx = this.#ctx;
    const n = this.#nodes;
    this.#nodes = null;
    this.#pattern = null;
    if (!ctx || !n) return;
    const end = ctx.currentTime + RAMP_S;
    n.gain.gain.setValueAtTime(n.gain.gain.value, ctx.currentTime);
    n.gain.gain.linearRampToValueAtTime(0, end);
    n.osc.stop(end + 0.01);
    n.lfo.stop(end + 0.01);
  }

  get playing(): boolean {
    return this.#nodes !== null;
  }

  dispose(): void {
    this.stop();
    removeEventListener('pointerdown', this.#unlock, true);
    removeEventListener('keydown', this.#unlock, true);
    void this.#ctx?.close();
    this.#ctx = null;
  }
}
