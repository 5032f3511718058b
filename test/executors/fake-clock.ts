import type { Clock } from '../../src/app/ports/clock.js';

/** A clock that moves only when told to. */
export class FakeClock implements Clock {
  private ms: number;

  constructor(start = '2026-11-27T09:00:00Z') {
    this.ms = Date.parse(start);
  }

  now(): Date {
    return new Date(this.ms);
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}
