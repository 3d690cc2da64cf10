import type postgres from 'postgres';
import type { CircuitBreaker } from './circuit-breaker.ts';
import { DatabaseUnavailableError } from './errors.ts';

type Begin = (...args: unknown[]) => Promise<unknown>;

/**
 * The postgres.js client as drizzle sees it, with every statement and transaction run through
 * `breaker`. drizzle awaits what `unsafe` returns (after `.values()` at most) and calls `begin`
 * for a transaction; nothing else of the client is used for queries.
 */
export function guardedBy(breaker: CircuitBreaker, client: postgres.Sql): postgres.Sql {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') {
        return (...args: Parameters<postgres.Sql['unsafe']>) => guardedQuery(breaker, target.unsafe(...args));
      }
      if (prop === 'begin') {
        return (...args: unknown[]) => {
          const fn = args.pop() as (tx: postgres.Sql) => unknown;
          const begin = Reflect.get(target, prop, receiver) as Begin;
          // A transaction the breaker answered for must not go on should it get its connection
          // later: its next statement throws, and it rolls back.
          let abandoned = false;
          return breaker.run(
            () => begin(...args, (tx: postgres.Sql) => fn(abandonable(tx, () => abandoned))),
            () => {
              abandoned = true;
            },
          );
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

/** A transaction's client whose statements throw once `abandoned()`. */
function abandonable(tx: postgres.Sql, abandoned: () => boolean): postgres.Sql {
  return new Proxy(tx, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== 'unsafe' || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (abandoned()) throw new DatabaseUnavailableError();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/**
 * The query as drizzle uses it (`.values()`, then awaited), awaited through the breaker. A
 * postgres.js query is lazy: refused by an open breaker, it is never sent; cut while it waits for
 * a connection, `cancel` takes it out of the pool's queue. One already sent is left to fail with
 * its connection (cancelling it would open yet another connection, to a database that is away).
 */
function guardedQuery<T extends ReturnType<postgres.Sql['unsafe']>>(breaker: CircuitBreaker, query: T): T {
  let answer: Promise<unknown> | undefined;
  const guarded = () => {
    answer ??= breaker.run(
      () => query,
      () => {
        if (!(query as unknown as { state: unknown }).state) void query.cancel();
      },
    );
    return answer;
  };
  const proxy: T = new Proxy(query, {
    get(target, prop) {
      if (prop === 'then' || prop === 'catch' || prop === 'finally') {
        const settled = guarded();
        return (settled[prop] as (...a: unknown[]) => unknown).bind(settled);
      }
      if (prop === 'values' || prop === 'raw') {
        return () => {
          target[prop]();
          return proxy;
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return proxy;
}
