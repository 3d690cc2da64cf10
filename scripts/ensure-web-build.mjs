// `pnpm start` serves the built board: build it first when no build exists.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync(new URL('../web/dist/index.html', import.meta.url))) {
  console.log('No web build yet: building the board (pnpm build)…');
  execSync('pnpm --filter @defuse/web build', { stdio: 'inherit' });
}
