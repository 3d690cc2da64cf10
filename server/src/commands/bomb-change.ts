import { bombs } from '@defuse/drizzle';
import {
  type Bomb,
  type BombAction,
  type DefuseEvent,
  judgeAction,
  type Policy,
  type Standing,
  standingOf,
  type Verdict,
} from '@defuse/shared';
import { eq } from 'drizzle-orm';
import type { Tx } from '../db/types.ts';
import type { Deps } from '../deps.ts';
import { addSeconds } from '../domain/deadlines.ts';
import { type PlannedEscalation, planEscalations } from '../domain/escalation.ts';
import { DomainError, forbidden, notFound } from '../errors.ts';
import { type BombRow, toBomb } from '../queries/bomb-row.ts';
import { lockVisibleBomb } from '../queries/bombs.ts';
import { cancelEscalations, scheduleEscalations } from '../queries/escalation-jobs.ts';
import { appendEvents, type BombEventDraft, bombEvent } from '../queries/events.ts';
import { addPausedSeconds, endSpan, markSpanClaimed, openSpan, type SpanEnd } from '../queries/ownership-spans.ts';
import { getPolicy } from '../queries/settings.ts';
import { enqueueWebhooks } from '../queries/webhooks.ts';
import type { Viewer } from '../viewer.ts';
import { runChange } from './run-change.ts';

export type BombPatch = Partial<Omit<typeof bombs.$inferInsert, 'id' | 'number' | 'key' | 'version'>>;

export interface ActionContext {
  tx: Tx;
  bomb: BombRow;
  viewer: Viewer;
  standing: Standing;
  now: Date;
}

export interface Outcome {
  set: BombPatch;
  events: BombEventDraft[];
  /** How the current department's ownership ends when the bomb leaves it. */
  spanEnd?: SpanEnd;
}

export interface ActionRequest {
  viewer: Viewer;
  bombId: string;
  /** The version the client last saw (If-Match); the change applies only to it. */
  ifMatch?: number | undefined;
}

export const invalidTransition = (from: string, to: string) =>
  new DomainError('invalid_transition', `A bomb cannot go from ${from} to ${to}`, undefined, { from, to });

/**
 * The shared rule's verdict on `action` (the board offers what it allows), with its refusals as
 * the API answers them: 403 with `forbiddenMessage`, 409 `already_claimed` or `invalid_transition`.
 * `ok` and `unchanged` come back for the action to act on.
 */
export function verdictOn(
  { viewer, bomb }: Pick<ActionContext, 'viewer' | 'bomb'>,
  action: BombAction,
  forbiddenMessage: string,
): Extract<Verdict, 'ok' | 'unchanged' | 'invalid_transition'> {
  const verdict = judgeAction(viewer, bomb, action);
  if (verdict === 'forbidden') throw forbidden(forbiddenMessage);
  if (verdict === 'already_claimed') {
    throw new DomainError('already_claimed', 'Someone else already holds this bomb', undefined, {
      assigneeId: bomb.assigneeId,
    });
  }
  return verdict;
}

/**
 * The one path of every bomb action: lock the row the viewer can see (404 otherwise), honour
 * If-Match, let the action decide, then write the row, its deadlines' escalation rows, its
 * ownership spans, its events and webhook notifications in the same transaction.
 * `decide` returning null means nothing changes.
 */
export async function changeBomb(
  deps: Pick<Deps, 'db' | 'clock' | 'signal'>,
  request: ActionRequest,
  decide: (ctx: ActionContext) => Promise<Outcome | null>,
): Promise<{ bomb: Bomb; events: DefuseEvent[] }> {
  const now = deps.clock.now();
  return runChange(deps, async (tx) => {
    const before = await lockVisibleBomb(tx, request.viewer, request.bombId);
    if (!before) throw notFound('No such bomb');
    if (request.ifMatch !== undefined && request.ifMatch !== before.version) {
      throw new DomainError('version_conflict', 'The bomb changed since you last saw it', undefined, {
        version: before.version,
      });
    }
    const { viewer } = request;
    const outcome = await decide({ tx, bomb: before, viewer, standing: standingOf(viewer, before), now });
    if (!outcome) return { result: { bomb: toBomb(before), events: [] }, events: [] };

    const assigneeAfter = outcome.set.assigneeId === undefined ? before.assigneeId : outcome.set.assigneeId;
    const byAssignee = viewer.id === before.assigneeId || viewer.id === assigneeAfter;
    const [after] = await tx
      .update(bombs)
      .set({
        ...outcome.set,
        ...(viewer.id !== before.filedById && { lastOtherActionAt: now }),
        ...(byAssignee && { lastAssigneeActionAt: now }),
        updatedAt: now,
        version: before.version + 1,
      })
      .where(eq(bombs.id, before.id))
      .returning();
    if (!after) throw new Error('locked bomb vanished');

    await syncDeadlines(tx, before, after, now, byAssignee);
    await syncSpans(tx, before, after, now, outcome.spanEnd);

    const bomb = toBomb(after);
    const events = await appendEvents(
      tx,
      outcome.events.map((e) => bombEvent(e, bomb, { actorId: viewer.id, at: now })),
    );
    await enqueueWebhooks(
      tx,
      outcome.events.flatMap((e, i) => {
        const seq = events[i]?.seq;
        return e.notify && seq !== undefined
          ? [{ departmentId: after.departmentId, eventSeq: seq, text: e.notify }]
          : [];
      }),
      now,
    );
    return { result: { bomb, events }, events };
  });
}

const resolveRunning = (b: BombRow) => (b.resolveDueAt && !b.pausedAt ? b.resolveDueAt : null);
const same = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

/**
 * Keeps escalation rows in step with the bomb's deadlines: a deadline that goes away or moves
 * cancels its pending rows; a new one schedules rows under the policy as it stands now.
 * The idle clock restarts whenever the assignee acts on a claimed bomb.
 */
export async function syncDeadlines(
  tx: Tx,
  before: BombRow,
  after: BombRow,
  now: Date,
  assigneeActed: boolean,
  /** The department's policy when the caller has read it already. */
  knownPolicy?: Policy,
): Promise<void> {
  let policy: Policy | undefined = knownPolicy;
  const policyOf = async () => {
    policy ??= await getPolicy(tx, after.departmentId ?? '');
    return policy;
  };
  if (!same(before.claimDueAt, after.claimDueAt) || before.departmentId !== after.departmentId) {
    await cancelEscalations(tx, after.id, ['claim_overdue'], now);
    if (after.claimDueAt)
      await scheduleEscalations(tx, after.id, planEscalations(await policyOf(), 'claim_overdue', after.claimDueAt));
  }
  const resolveBefore = resolveRunning(before);
  const resolveAfter = resolveRunning(after);
  if (!same(resolveBefore, resolveAfter)) {
    if (resolveBefore) await cancelEscalations(tx, after.id, ['resolve_overdue'], now);
    if (resolveAfter)
      await scheduleEscalations(tx, after.id, planEscalations(await policyOf(), 'resolve_overdue', resolveAfter));
  }
  const claimedBefore = before.status === 'claimed';
  const claimedAfter = after.status === 'claimed';
  const restartIdle = claimedAfter && (!claimedBefore || assigneeActed || before.assigneeId !== after.assigneeId);
  if (claimedBefore && (!claimedAfter || restartIdle)) await cancelEscalations(tx, after.id, ['claimed_idle'], now);
  if (restartIdle) {
    const p = await policyOf();
    await scheduleEscalations(tx, after.id, planEscalations(p, 'claimed_idle', addSeconds(now, p.idleSeconds)));
  }
}

/** What a bomb that has just come into being must escalate on: filing plans these in its one statement. */
export function initialEscalations(bomb: BombRow, now: Date, policy: Policy): PlannedEscalation[] {
  const resolveDue = resolveRunning(bomb);
  return [
    ...(bomb.claimDueAt ? planEscalations(policy, 'claim_overdue', bomb.claimDueAt) : []),
    ...(resolveDue ? planEscalations(policy, 'resolve_overdue', resolveDue) : []),
    ...(bomb.status === 'claimed' ? planEscalations(policy, 'claimed_idle', addSeconds(now, policy.idleSeconds)) : []),
  ];
}

/** Each department a bomb passes through keeps its own span: routed, claimed, paused, ended. */
async function syncSpans(tx: Tx, before: BombRow, after: BombRow, now: Date, spanEnd: SpanEnd | undefined) {
  if (before.pausedAt && !after.pausedAt) {
    await addPausedSeconds(tx, after.id, (now.getTime() - before.pausedAt.getTime()) / 1000);
  }
  const moved = before.departmentId !== after.departmentId;
  const resolved = after.status === 'resolved' && before.status !== 'resolved';
  const reopened = after.status === 'open' && (before.status === 'resolved' || before.status === 'closed');
  if (moved || resolved) await endSpan(tx, after.id, now, moved ? (spanEnd ?? 'rerouted') : 'resolved');
  if ((moved || reopened) && after.departmentId) {
    await openSpan(tx, { bombId: after.id, departmentId: after.departmentId, category: after.category, at: now });
  }
  if (after.status === 'claimed' && before.status === 'open') await markSpanClaimed(tx, after.id, now);
}
