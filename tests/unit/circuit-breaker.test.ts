import { CircuitBreaker } from '@defuse/server/db/circuit-breaker';
import { DatabaseUnavailableError } from '@defuse/server/db/errors';
import { describe, expect, it } from 'vitest';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A promise that never settles: a query waiting for a connection that will not come. */
const waiting = <T>() => new Promise<T>(() => {});

describe('circuit breaker', () => {
  it('passes work through while the database answers, SQL errors included', async () => {
    const breaker = new CircuitBreaker(async () => {}, { probeEveryMs: 10, probeTimeoutMs: 10 });
    await expect(breaker.run(async () => 1)).resolves.toBe(1);
    const unique = Object.assign(new Error('duplicate key'), { code: '23505' });
    await expect(breaker.run(() => Promise.reject(unique))).rejects.toBe(unique);
    expect(breaker.isOpen).toBe(false);
    breaker.stop();
  });

  it('opens on an outage: cuts the waiting work, refuses new work unstarted, closes once a probe answers', async () => {
    let databaseBack = false;
    const breaker = new CircuitBreaker(
      async () => {
        if (!databaseBack) throw refused();
      },
      { probeEveryMs: 20, probeTimeoutMs: 20 },
    );
    const cancelled: string[] = [];
    const stuck = breaker.run(waiting, () => cancelled.push('stuck'));
    const failing = breaker.run(() => Promise.reject(refused()));
    await expect(failing).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(breaker.isOpen).toBe(true);
    await expect(stuck).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(cancelled).toEqual(['stuck']);

    let started = false;
    await expect(
      breaker.run(async () => {
        started = true;
      }),
    ).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(started).toBe(false);

    await sleep(100);
    expect(breaker.isOpen).toBe(true);
    databaseBack = true;
    await sleep(100);
    expect(breaker.isOpen).toBe(false);
    await expect(breaker.run(async () => 'back')).resolves.toBe('back');
    breaker.stop();
  });

  it('counts a probe that does not answer in time as failed', async () => {
    const breaker = new CircuitBreaker(waiting, { probeEveryMs: 10, probeTimeoutMs: 10 });
    await expect(breaker.run(() => Promise.reject(refused()))).rejects.toBeDefined();
    await sleep(100);
    expect(breaker.isOpen).toBe(true);
    breaker.stop();
  });
});
