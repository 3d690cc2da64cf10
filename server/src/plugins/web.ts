import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const hasWebBuild = (root: string | undefined): root is string =>
  root !== undefined && existsSync(join(root, 'index.html'));

/** Serves the built board's files; the errors plugin's not-found handler sends index.html for pages. */
export const webPlugin = fp(
  async (app: FastifyInstance, { root }: { root: string }) => {
    await app.register(fastifyStatic, { root, wildcard: false, index: false });
    app.get('/', { config: { public: true }, schema: { hide: true } }, (_request, reply) =>
      reply.type('text/html; charset=utf-8').sendFile('index.html'),
    );
  },
  { name: 'web', dependencies: ['errors'] },
);
