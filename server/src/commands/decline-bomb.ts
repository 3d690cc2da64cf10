import { departments } from '@defuse/drizzle';
import type { Bomb } from '@defuse/shared';
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/types.ts';
import type { Deps } from '../deps.ts';
import { invalidField } from '../errors.ts';
import { type ActionRequest, changeBomb, verdictOn } from './bomb-change.ts';
import { bounceOutcome } from './bounce.ts';

export async function assertDepartmentExists(db: DbOrTx, id: string, path: string): Promise<void> {
  const [row] = await db.select({ id: departments.id }).from(departments).where(eq(departments.id, id));
  if (!row) throw invalidField(path, `No department ${id}`);
}

/** A member hands the bomb on, with a reason, to the suggested department or the routing fallback. */
export async function declineBomb(
  deps: Pick<Deps, 'db' | 'clock' | 'signal'>,
  request: ActionRequest & { reason: string; suggestedDepartmentId?: string | undefined },
): Promise<Bomb> {
  const { bomb } = await changeBomb(deps, request, async (ctx) => {
    const verdict = verdictOn(ctx, 'decline', 'Only the department this bomb is routed to can decline it');
    const suggested = request.suggestedDepartmentId ?? null;
    if (suggested) {
      await assertDepartmentExists(ctx.tx, suggested, 'suggestedDepartmentId');
      if (suggested === ctx.bomb.departmentId) {
        throw invalidField('suggestedDepartmentId', 'Suggest a department other than the current one');
      }
    }
    return bounceOutcome(ctx, verdict, {
      kind: 'declined',
      wanted: suggested,
      reason: request.reason,
    });
  });
  return bomb;
}
