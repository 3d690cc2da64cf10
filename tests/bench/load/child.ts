/**
 * One autocannon run in its own process, so the load generator never shares the server's event
 * loop. Prints autocannon's JSON result. Usage: child.ts '<LoadOptions as JSON>'
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { LoadOptions } from './autocannon.ts';

const o = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
// Each request takes the next path of the list, so no two requests act on the same thing.
const paths = o.pathsFile ? readFileSync(o.pathsFile, 'utf8').split('\n').filter(Boolean) : [];
let next = 0;

const result = await autocannon({
  url: o.url,
  connections: o.connections,
  ...(o.amount ? { amount: o.amount } : { duration: o.seconds ?? 5 }),
  requests: [
    {
      method: o.method ?? 'POST',
      headers: o.headers,
      ...(o.body !== undefined && { body: o.body }),
      setupRequest: (req) => ({
        ...req,
        ...(paths.length > 0 && { path: paths[next++ % paths.length] }),
        ...(o.idempotency && { headers: { ...req.headers, 'idempotency-key': randomUUID() } }),
      }),
    },
  ],
});
process.stdout.write(JSON.stringify(result));
