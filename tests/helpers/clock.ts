import type { Clock } from '@defuse/server/clock';

export interface ManualClock extends Clock {
  advance(seconds: number): void;
  set(at: Date | string): void;
}

/** A clock tests move by hand: `clock.advance(minutes(30))` instead of sleeping. */
export function manualClock(start: Date | string = '2026-03-02T09:00:00.000Z'): ManualClock {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    advance: (seconds) => {
      t += seconds * 1000;
    },
    set: (at) => {
      t = new Date(at).getTime();
    },
  };
}

export const minutes = (n: number) => n * 60;
export const hours = (n: number) => n * 3600;
export const days = (n: number) => n * 86_400;
