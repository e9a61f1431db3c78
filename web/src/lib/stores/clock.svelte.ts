/**
 * One shared "now" for the whole board, ticking once a second: the header clock, every "last seen"
 * age and the lost-connection timer all move together, and only one timer runs.
 */
export class Clock {
  now = $state(Date.now());
  #timer: ReturnType<typeof setInterval> | null = null;

  start(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => { this.now = Date.now(); }, 1000);
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}
