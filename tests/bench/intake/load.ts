/**
 * One autocannon run in its own process (so the load generator never shares the server's event
 * loop), with a fresh Idempotency-Key on every request. Prints autocannon's JSON result.
 * Usage: load.ts '{"url","headers","body","connections","seconds","idempotency"}'
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';

const o = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  seconds: number;
  idempotency: boolean;
};

const result = await autocannon({
  url: o.url,
  connections: o.connections,
  duration: o.seconds,
  requests: [
    {
      method: 'POST',
      headers: o.headers,
      body: o.body,
      ...(o.idempotency && {
        setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'idempotency-key': randomUUID() } }),
      }),
    },
  ],
});
process.stdout.write(JSON.stringify(result));
