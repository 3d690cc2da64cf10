import {
  ISOLATION_WEIGHTS,
  type IsolationReasonCode,
  type IsolationSettings,
  type IsolationSignals,
  type IsolationState,
  SEVERITY_WEIGHT,
  type Severity,
} from '@defuse/shared';
import { type Bilingual, countBombs, formatDuration, keyList, num } from './isolation-text.ts';

/**
 * Isolation maths, pure: the facts about the bombs one person carries → signals → score → state
 * → reasons in Japanese and English. The numbers describe the load around a person and whether
 * anyone else is answering; they say nothing about how well the person works.
 */

/** One bomb a person carries: filed and not closed (`filer`), or claimed and not resolved (`assignee`). */
export interface CarriedBomb {
  id: string;
  key: string;
  severity: Severity;
  role: 'filer' | 'assignee';
  /** Claimed (not waiting on the field contact): claim-and-sit applies. */
  claimed: boolean;
  /** Open with no assignee: waiting for a claim. */
  unclaimed: boolean;
  /** Filed (filer) or claimed (assignee): carrying starts here. */
  carryStartAt: Date;
  /** Last action on the bomb by anyone other than this person. */
  lastOtherAt: Date | null;
  /** Last action on the bomb by this person. */
  lastOwnAt: Date | null;
  claimDueAt: Date | null;
  bounces: number;
  disputed: boolean;
}

export interface PersonFacts {
  bombs: CarriedBomb[];
  /** Everyone else who acted on these bombs, each with the last time they did. */
  others: { actorId: string; lastAt: Date }[];
  /** Load at the start of the trend window, when known. */
  loadBefore: number | null;
}

export interface ReasonDraft {
  code: IsolationReasonCode;
  messages: Bilingual;
  /** The first MAX_REASON_BOMBS of them. */
  bombIds: string[];
  /** How many bombs the reason is about. */
  bombCount: number;
}

export interface IsolationResult {
  signals: IsolationSignals;
  score: number;
  state: IsolationState;
  reasons: ReasonDraft[];
}

const secondsBetween = (from: Date, to: Date) => Math.max(0, (to.getTime() - from.getTime()) / 1000);
const latest = (a: Date, b: Date | null) => (b && b > a ? b : a);
/** Reasons name their bombs; past this many the message still carries the full count. */
export const MAX_REASON_BOMBS = 50;

/** Since when nobody but the carrier has acted on the bomb. */
export const soloSince = (b: CarriedBomb) => latest(b.carryStartAt, b.lastOtherAt);
/** Since when the assignee has not acted on a claimed bomb. */
export const idleSince = (b: CarriedBomb) => latest(b.carryStartAt, b.lastOwnAt);

interface Classified {
  signals: IsolationSignals;
  silent: CarriedBomb[];
  soloLong: CarriedBomb[];
  overdue: CarriedBomb[];
  bounced: CarriedBomb[];
  disputed: CarriedBomb[];
  idle: CarriedBomb[];
  /** Carrying for longer than the silence window: only then is a narrow circle telling. */
  settled: boolean;
}

function classify(facts: PersonFacts, s: IsolationSettings, now: Date): Classified {
  const { bombs } = facts;
  const solo = bombs.map((b) => secondsBetween(soloSince(b), now));
  const waiting = bombs.filter((b) => b.unclaimed).map((b) => secondsBetween(b.carryStartAt, now));
  const load = bombs.reduce((sum, b) => sum + SEVERITY_WEIGHT[b.severity], 0);
  const silent = bombs.filter((_, i) => (solo[i] ?? 0) >= s.silenceSeconds);
  const soloLong = bombs.filter((_, i) => (solo[i] ?? 0) >= s.soloLongSeconds);
  const overdue = bombs.filter((b) => b.unclaimed && b.claimDueAt !== null && b.claimDueAt <= now);
  const bounced = bombs.filter((b) => b.bounces >= s.bounceLimit);
  const disputed = bombs.filter((b) => b.disputed);
  const idle = bombs.filter(
    (b) => b.role === 'assignee' && b.claimed && secondsBetween(idleSince(b), now) >= s.idleSeconds,
  );
  const windowStart = now.getTime() - s.breadthWindowSeconds * 1000;
  const breadth = facts.others.filter((o) => o.lastAt.getTime() > windowStart).length;
  const signals: IsolationSignals = {
    load,
    openBombs: bombs.length,
    maxWaitingSeconds: Math.max(0, ...waiting),
    unclaimedBombs: waiting.length,
    overdueBombs: overdue.length,
    silentBombs: silent.length,
    soloCarrySeconds: solo.reduce((a, b) => a + b, 0),
    maxSoloCarrySeconds: Math.max(0, ...solo),
    bounces: bombs.reduce((sum, b) => sum + b.bounces, 0),
    disputedBombs: disputed.length,
    breadth,
    trend: load - (facts.loadBefore ?? 0),
    claimedIdleBombs: idle.length,
  };
  const settled = bombs.some((b) => secondsBetween(b.carryStartAt, now) >= s.silenceSeconds);
  return { signals, silent, soloLong, overdue, bounced, disputed, idle, settled };
}

const part = (weight: number, value: number, full: number) => weight * Math.min(1, Math.max(0, value) / full);

/**
 * The 0–100 score: each signal adds up to its weight (ISOLATION_WEIGHTS, summing to 100),
 * reaching it at the settings' `*High` value. Nobody with no open bombs scores above 0.
 * @example
 * scoreOf({ load: 5, silentBombs: 3, overdueBombs: 0, … }, DEFAULT_ISOLATION_SETTINGS, flags)
 * // silence 30 (3 of 3) + load 7.5 (5 of 10) + … = 37.5 → watch
 */
export function scoreOf(
  signals: IsolationSignals,
  s: IsolationSettings,
  flags: { soloLong: boolean; bounced: boolean; settled: boolean },
): number {
  if (signals.openBombs === 0) return 0;
  const w = ISOLATION_WEIGHTS;
  const narrow = flags.settled ? Math.max(0, s.breadthLow - signals.breadth) : 0;
  const total =
    part(w.silence, signals.silentBombs, s.silentBombsHigh) +
    part(w.load, signals.load, s.loadHigh) +
    (flags.soloLong ? w.solo : 0) +
    part(w.waiting, signals.overdueBombs, s.overdueBombsHigh) +
    (flags.bounced ? w.bounces : 0) +
    part(w.breadth, narrow, s.breadthLow) +
    part(w.trend, signals.trend, s.trendHigh) +
    (signals.claimedIdleBombs > 0 ? w.claimIdle : 0);
  return Math.round(Math.min(100, total) * 10) / 10;
}

/**
 * @example stateOf(70, { watchScore: 35, isolatedScore: 65 }) // 'isolated'
 * @example stateOf(35, { watchScore: 35, isolatedScore: 65 }) // 'watch' (a threshold is reached at equality)
 */
export function stateOf(score: number, s: Pick<IsolationSettings, 'watchScore' | 'isolatedScore'>): IsolationState {
  if (score >= s.isolatedScore) return 'isolated';
  if (score >= s.watchScore) return 'watch';
  return 'ok';
}

const ids = (list: CarriedBomb[]) => list.slice(0, MAX_REASON_BOMBS).map((b) => b.id);
const keys = (list: CarriedBomb[]) => keyList(list.map((b) => b.key));

function reasonsOf(c: Classified, s: IsolationSettings): ReasonDraft[] {
  const { signals } = c;
  const out: ReasonDraft[] = [];
  if (c.silent.length > 0) {
    const n = countBombs(c.silent.length);
    const d = formatDuration(s.silenceSeconds);
    out.push({
      code: 'silence',
      messages: {
        ja: `${n.ja}に${d.ja}間誰も反応していません（${keys(c.silent)}）`,
        en: `${n.en} nobody has answered for ${d.en} (${keys(c.silent)})`,
      },
      bombIds: ids(c.silent),
      bombCount: c.silent.length,
    });
  }
  if (c.overdue.length > 0) {
    const n = countBombs(c.overdue.length);
    out.push({
      code: 'claim_overdue',
      messages: {
        ja: `${n.ja}が受付期限を過ぎても担当者が決まっていません（${keys(c.overdue)}）`,
        en: `${n.en} past the claim deadline with no owner yet (${keys(c.overdue)})`,
      },
      bombIds: ids(c.overdue),
      bombCount: c.overdue.length,
    });
  }
  if (c.soloLong.length > 0) {
    const d = formatDuration(s.soloLongSeconds);
    out.push({
      code: 'solo_long',
      messages: {
        ja: `${keys(c.soloLong)} を${d.ja}以上ひとりで抱えています`,
        en: `${keys(c.soloLong)} carried alone for ${d.en} or more`,
      },
      bombIds: ids(c.soloLong),
      bombCount: c.soloLong.length,
    });
  }
  for (const b of c.bounced) {
    out.push({
      code: 'bounced',
      messages: { ja: `${b.key} は${b.bounces}回差し戻されました`, en: `${b.key} bounced ${b.bounces} times` },
      bombIds: [b.id],
      bombCount: 1,
    });
  }
  if (c.disputed.length > 0) {
    out.push({
      code: 'disputed',
      messages: {
        ja: `${keys(c.disputed)} は担当部署が決まらず、PMの判断待ちです`,
        en: `${keys(c.disputed)}: no department accepts ownership; a PM needs to decide`,
      },
      bombIds: ids(c.disputed),
      bombCount: c.disputed.length,
    });
  }
  if (signals.load >= s.loadHigh / 2) {
    out.push({
      code: 'heavy_load',
      messages: {
        ja: `未解決の爆弾を${signals.openBombs}件（重み付け負荷 ${num(signals.load)}）抱えています。負荷のシグナルであり、評価ではありません`,
        en: `Carrying ${signals.openBombs} open ${signals.openBombs === 1 ? 'bomb' : 'bombs'} (weighted load ${num(signals.load)}): a workload signal, not a performance rating`,
      },
      bombIds: [],
      bombCount: 0,
    });
  }
  if (c.settled && signals.breadth < s.breadthLow) {
    const d = formatDuration(s.breadthWindowSeconds);
    out.push({
      code: 'narrow_breadth',
      messages:
        signals.breadth === 0
          ? {
              ja: `直近${d.ja}、これらの爆弾に本人以外は誰も関わっていません`,
              en: `Nobody else acted on these bombs in the last ${d.en}`,
            }
          : {
              ja: `直近${d.ja}、これらの爆弾に関わったのは本人以外に${signals.breadth}人だけです`,
              en: `Only ${signals.breadth} other ${signals.breadth === 1 ? 'person' : 'people'} acted on these bombs in the last ${d.en}`,
            },
      bombIds: [],
      bombCount: 0,
    });
  }
  if (signals.trend >= s.trendHigh / 2) {
    const d = formatDuration(s.trendWindowSeconds);
    const before = num(signals.load - signals.trend);
    out.push({
      code: 'load_rising',
      messages: {
        ja: `負荷が${d.ja}前より${num(signals.trend)}増えています（${before} → ${num(signals.load)}）`,
        en: `Load up ${num(signals.trend)} from ${d.en} ago (${before} → ${num(signals.load)})`,
      },
      bombIds: [],
      bombCount: 0,
    });
  }
  if (c.idle.length > 0) {
    const n = countBombs(c.idle.length);
    const d = formatDuration(s.idleSeconds);
    out.push({
      code: 'claimed_idle',
      messages: {
        ja: `担当中の${n.ja}に${d.ja}以上動きがありません。手が足りていないかもしれません（評価ではなく負荷のシグナルです）`,
        en: `${n.en} claimed with no update for ${d.en}: they may need a hand (a workload signal, not a performance rating)`,
      },
      bombIds: ids(c.idle),
      bombCount: c.idle.length,
    });
  }
  return out;
}

/**
 * Everything the board shows for one person at `now`.
 * @example
 * const now = new Date('2026-03-05T09:00:00Z');
 * assessPerson({ bombs: [three bombs filed 2026-03-02, nobody else acting], others: [], loadBefore: 0 },
 *   DEFAULT_ISOLATION_SETTINGS, now)
 * // → signals.silentBombs 3, reasons[0].messages.en "3 bombs nobody has answered for 2 days (…)"
 */
export function assessPerson(facts: PersonFacts, s: IsolationSettings, now: Date): IsolationResult {
  const c = classify(facts, s, now);
  const score = scoreOf(c.signals, s, {
    soloLong: c.soloLong.length > 0,
    bounced: c.bounced.length + c.disputed.length > 0,
    settled: c.settled,
  });
  return {
    signals: c.signals,
    score,
    state: stateOf(score, s),
    reasons: c.signals.openBombs > 0 ? reasonsOf(c, s) : [],
  };
}

/** The start of the next UTC day: daily history rows and the trend baseline move then. */
export function nextUtcMidnight(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

const plus = (d: Date, seconds: number) => new Date(d.getTime() + seconds * 1000);

/**
 * With no new events, the score only moves at these moments (every part is a step in time):
 * silence or solo-carry thresholds, a claim deadline, claim-and-sit, someone leaving the breadth
 * window, or a new day. The scheduler recomputes the person at the earliest one.
 * @example nextChangeAt({ bombs: [], others: [], loadBefore: null }, s, new Date('2026-03-02T09:00:00Z'))
 * // 2026-03-03T00:00:00Z
 */
export function nextChangeAt(facts: PersonFacts, s: IsolationSettings, now: Date): Date {
  const candidates: Date[] = [nextUtcMidnight(now)];
  for (const b of facts.bombs) {
    const since = soloSince(b);
    candidates.push(
      plus(since, s.silenceSeconds),
      plus(since, s.soloLongSeconds),
      plus(b.carryStartAt, s.silenceSeconds),
    );
    if (b.unclaimed && b.claimDueAt) candidates.push(b.claimDueAt);
    if (b.role === 'assignee' && b.claimed) candidates.push(plus(idleSince(b), s.idleSeconds));
  }
  if (facts.bombs.length > 0) for (const o of facts.others) candidates.push(plus(o.lastAt, s.breadthWindowSeconds));
  const future = candidates.filter((d) => d > now).map((d) => d.getTime());
  return new Date(Math.min(...future));
}
