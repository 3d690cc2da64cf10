import type { Bomb } from '@defuse/shared';
import type { Deps } from '../deps.ts';
import { invalidField } from '../errors.ts';
import { type ActionRequest, changeBomb, verdictOn } from './bomb-change.ts';
import { bounceOutcome } from './bounce.ts';
import { assertDepartmentExists } from './decline-bomb.ts';

/** The lead of the current department, a pm or an admin sends the bomb to another department. */
export async function rerouteBomb(
  deps: Pick<Deps, 'db' | 'clock' | 'signal'>,
  request: ActionRequest & { departmentId: string; reason: string },
): Promise<Bomb> {
  const { bomb } = await changeBomb(deps, request, async (ctx) => {
    const verdict = verdictOn(
      ctx,
      'reroute',
      'Only the lead of the current department, a pm or an admin reroutes a bomb',
    );
    await assertDepartmentExists(ctx.tx, request.departmentId, 'departmentId');
    if (request.departmentId === ctx.bomb.departmentId) {
      throw invalidField('departmentId', 'The bomb is already with this department');
    }
    return bounceOutcome(ctx, verdict, {
      kind: 'rerouted',
      wanted: request.departmentId,
      reason: request.reason,
    });
  });
  return bomb;
}
