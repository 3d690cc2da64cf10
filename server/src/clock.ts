/** Time, injected: domain code asks a clock so escalation and isolation are testable without waiting. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
