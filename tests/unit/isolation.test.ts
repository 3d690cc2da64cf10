import { assessPerson, type CarriedBomb, nextChangeAt, scoreOf, stateOf } from '@defuse/server/domain/isolation';
import { formatDuration } from '@defuse/server/domain/isolation-text';
import { DEFAULT_ISOLATION_SETTINGS, type IsolationSettings } from '@defuse/shared';
import { describe, expect, it } from 'vitest';

const S: IsolationSettings = DEFAULT_ISOLATION_SETTINGS;
const T0 = new Date('2026-03-02T09:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * 3_600_000);

function bomb(n: number, over: Partial<CarriedBomb> = {}): CarriedBomb {
  return {
    id: `00000000-0000-4000-8000-00000000000${n}`,
    key: `SHIP-${n}`,
    severity: 'normal',
    role: 'filer',
    claimed: false,
    unclaimed: false,
    carryStartAt: T0,
    lastOtherAt: null,
    lastOwnAt: null,
    claimDueAt: null,
    bounces: 0,
    disputed: false,
    ...over,
  };
}

describe('signals', () => {
  it('weighs load by severity: low 0.5, normal 1, high 2, critical 4', () => {
    const r = assessPerson(
      {
        bombs: [
          bomb(1, { severity: 'low' }),
          bomb(2),
          bomb(3, { severity: 'high' }),
          bomb(4, { severity: 'critical' }),
        ],
        others: [],
        loadBefore: null,
      },
      S,
      T0,
    );
    expect(r.signals.load).toBe(7.5);
    expect(r.signals.openBombs).toBe(4);
  });

  it('solo-carry runs from the last action by anyone else, summed and longest', () => {
    const r = assessPerson(
      { bombs: [bomb(1), bomb(2, { lastOtherAt: at(10) })], others: [], loadBefore: null },
      S,
      at(12),
    );
    expect(r.signals.maxSoloCarrySeconds).toBe(12 * 3600);
    expect(r.signals.soloCarrySeconds).toBe(14 * 3600);
  });

  it('the carrier acting alone does not end solo-carry', () => {
    const r = assessPerson({ bombs: [bomb(1, { lastOwnAt: at(40) })], others: [], loadBefore: null }, S, at(48));
    expect(r.signals.maxSoloCarrySeconds).toBe(48 * 3600);
    expect(r.signals.silentBombs).toBe(1);
  });

  it('silence starts exactly at the silence window', () => {
    const facts = { bombs: [bomb(1)], others: [], loadBefore: null };
    expect(assessPerson(facts, S, new Date(at(48).getTime() - 1000)).signals.silentBombs).toBe(0);
    expect(assessPerson(facts, S, at(48)).signals.silentBombs).toBe(1);
  });

  it('someone else acting within the window ends silence', () => {
    const r = assessPerson({ bombs: [bomb(1, { lastOtherAt: at(47) })], others: [], loadBefore: null }, S, at(48));
    expect(r.signals.silentBombs).toBe(0);
  });

  it('waiting counts unclaimed bombs and those past the claim deadline', () => {
    const r = assessPerson(
      {
        bombs: [bomb(1, { unclaimed: true, claimDueAt: at(24) }), bomb(2, { unclaimed: true, claimDueAt: at(30) })],
        others: [],
        loadBefore: null,
      },
      S,
      at(24),
    );
    expect(r.signals.maxWaitingSeconds).toBe(24 * 3600);
    expect(r.signals.overdueBombs).toBe(1);
  });

  it('breadth counts distinct others inside the window only', () => {
    const now = at(24 * 20);
    const r = assessPerson(
      {
        bombs: [bomb(1)],
        others: [
          { actorId: 'a', lastAt: at(24 * 19) },
          { actorId: 'b', lastAt: new Date(now.getTime() - 14 * 86_400_000) },
        ],
        loadBefore: null,
      },
      S,
      now,
    );
    expect(r.signals.breadth).toBe(1);
  });

  it('trend is load now minus load at the start of the window', () => {
    const r = assessPerson({ bombs: [bomb(1, { severity: 'critical' })], others: [], loadBefore: 1 }, S, T0);
    expect(r.signals.trend).toBe(3);
  });

  it('claim-and-sit: a claimed bomb with no action by its assignee for the idle window', () => {
    const facts = {
      bombs: [bomb(1, { role: 'assignee', claimed: true, lastOwnAt: at(2), lastOtherAt: at(2) })],
      others: [],
      loadBefore: null,
    };
    expect(assessPerson(facts, S, at(25.99)).signals.claimedIdleBombs).toBe(0);
    expect(assessPerson(facts, S, at(26)).signals.claimedIdleBombs).toBe(1);
  });

  it('waiting on the field contact is not claim-and-sit', () => {
    const facts = { bombs: [bomb(1, { role: 'assignee', claimed: false })], others: [], loadBefore: null };
    expect(assessPerson(facts, S, at(100)).signals.claimedIdleBombs).toBe(0);
  });
});

describe('score and state', () => {
  const zero = {
    load: 0,
    openBombs: 1,
    maxWaitingSeconds: 0,
    overdueBombs: 0,
    silentBombs: 0,
    soloCarrySeconds: 0,
    maxSoloCarrySeconds: 0,
    bounces: 0,
    disputedBombs: 0,
    breadth: 5,
    trend: 0,
    claimedIdleBombs: 0,
  };
  const flags = { soloLong: false, bounced: false, settled: false };

  it('adds each part up to its weight', () => {
    expect(scoreOf({ ...zero, silentBombs: 3 }, S, flags)).toBe(30);
    expect(scoreOf({ ...zero, silentBombs: 9 }, S, flags)).toBe(30);
    expect(scoreOf({ ...zero, load: 5 }, S, flags)).toBe(7.5);
    expect(scoreOf({ ...zero, overdueBombs: 1 }, S, flags)).toBe(7.5);
    expect(scoreOf({ ...zero, trend: 2 }, S, flags)).toBe(2.5);
    expect(scoreOf({ ...zero, breadth: 0 }, S, { ...flags, settled: true })).toBe(10);
    expect(scoreOf({ ...zero, breadth: 0 }, S, flags)).toBe(0);
    expect(scoreOf(zero, S, { ...flags, soloLong: true, bounced: true })).toBe(20);
    expect(scoreOf({ ...zero, claimedIdleBombs: 1 }, S, flags)).toBe(5);
  });

  it('is 0 with no open bombs', () => {
    expect(scoreOf({ ...zero, openBombs: 0, silentBombs: 3 }, S, flags)).toBe(0);
  });

  it('states at the thresholds, inclusive', () => {
    expect(stateOf(34.9, S)).toBe('ok');
    expect(stateOf(35, S)).toBe('watch');
    expect(stateOf(64.9, S)).toBe('watch');
    expect(stateOf(65, S)).toBe('isolated');
    expect(stateOf(50, { watchScore: 10, isolatedScore: 40 })).toBe('isolated');
  });
});

describe('reasons', () => {
  it('names silent bombs in Japanese and English', () => {
    const r = assessPerson({ bombs: [bomb(1), bomb(2), bomb(3)], others: [], loadBefore: null }, S, at(48));
    const silence = r.reasons.find((x) => x.code === 'silence');
    expect(silence?.messages.ja).toBe('3件の爆弾に2日間誰も反応していません（SHIP-1, SHIP-2, SHIP-3）');
    expect(silence?.messages.en).toBe('3 bombs nobody has answered for 2 days (SHIP-1, SHIP-2, SHIP-3)');
    expect(silence?.bombIds).toEqual([bomb(1).id, bomb(2).id, bomb(3).id]);
  });

  it('names a bomb that bounced past the limit', () => {
    const r = assessPerson(
      { bombs: [bomb(1, { bounces: 3 }), bomb(2, { bounces: 2 })], others: [], loadBefore: 2 },
      S,
      T0,
    );
    const bounced = r.reasons.filter((x) => x.code === 'bounced');
    expect(bounced).toHaveLength(1);
    expect(bounced[0]?.messages).toEqual({ ja: 'SHIP-1 は3回差し戻されました', en: 'SHIP-1 bounced 3 times' });
    expect(r.score).toBe(10 + 1.5 * 2);
  });

  it('says the load is a workload signal, not a performance rating', () => {
    const bombs = [1, 2, 3].map((n) => bomb(n, { severity: 'high', lastOtherAt: T0 }));
    const r = assessPerson(
      {
        bombs,
        others: [
          { actorId: 'x', lastAt: T0 },
          { actorId: 'y', lastAt: T0 },
        ],
        loadBefore: 6,
      },
      S,
      T0,
    );
    const load = r.reasons.find((x) => x.code === 'heavy_load');
    expect(load?.messages.en).toBe(
      'Carrying 3 open bombs (weighted load 6): a workload signal, not a performance rating',
    );
    expect(load?.messages.ja).toContain('評価ではありません');
    expect(r.reasons.map((x) => x.code)).toEqual(['heavy_load']);
  });

  it('claim-and-sit, narrow breadth, rising load, overdue, disputed and solo-long each explain themselves', () => {
    const r = assessPerson(
      {
        bombs: [
          bomb(1, { role: 'assignee', claimed: true }),
          bomb(2, { unclaimed: true, claimDueAt: at(1) }),
          bomb(3, { disputed: true }),
        ],
        others: [],
        loadBefore: 0,
      },
      S,
      at(24 * 6),
    );
    expect(r.reasons.map((x) => x.code)).toEqual([
      'silence',
      'claim_overdue',
      'solo_long',
      'disputed',
      'narrow_breadth',
      'load_rising',
      'claimed_idle',
    ]);
    const idle = r.reasons.find((x) => x.code === 'claimed_idle');
    expect(idle?.messages.en).toBe(
      '1 bomb claimed with no update for 1 day: they may need a hand (a workload signal, not a performance rating)',
    );
    expect(r.reasons.find((x) => x.code === 'narrow_breadth')?.messages.en).toBe(
      'Nobody else acted on these bombs in the last 14 days',
    );
    expect(r.reasons.find((x) => x.code === 'claim_overdue')?.bombIds).toEqual([bomb(2).id]);
    expect(r.state).toBe('isolated');
    // silence 30 + load 4.5 + solo 10 + overdue 7.5 + disputed 10 + breadth 10 + trend 3.75 + idle 5 = 80.75
    expect(r.score).toBe(80.8);
  });

  it('rising load is named when the trend passes half its full value', () => {
    const bombs = [bomb(1, { severity: 'critical', lastOtherAt: T0 })];
    const others = [
      { actorId: 'x', lastAt: T0 },
      { actorId: 'y', lastAt: T0 },
    ];
    expect(assessPerson({ bombs, others, loadBefore: 2.5 }, S, T0).reasons.map((x) => x.code)).toEqual([]);
    const r = assessPerson({ bombs, others, loadBefore: 2 }, S, T0);
    expect(r.reasons.find((x) => x.code === 'load_rising')?.messages).toEqual({
      ja: '負荷が7日前より2増えています（2 → 4）',
      en: 'Load up 2 from 7 days ago (2 → 4)',
    });
  });

  it('nobody without open bombs has reasons', () => {
    expect(assessPerson({ bombs: [], others: [], loadBefore: 10 }, S, T0)).toMatchObject({
      score: 0,
      state: 'ok',
      reasons: [],
    });
  });
});

describe('time', () => {
  it('formats windows in the largest whole unit', () => {
    expect(formatDuration(172_800)).toEqual({ ja: '2日', en: '2 days' });
    expect(formatDuration(5400)).toEqual({ ja: '1時間', en: '1 hour' });
    expect(formatDuration(90)).toEqual({ ja: '1分', en: '1 minute' });
    expect(formatDuration(5)).toEqual({ ja: '5秒', en: '5 seconds' });
  });

  it('next change is the earliest step: silence, deadline, idle, or the next day', () => {
    expect(nextChangeAt({ bombs: [], others: [], loadBefore: null }, S, T0)).toEqual(new Date('2026-03-03T00:00:00Z'));
    const short = { ...S, silenceSeconds: 600 };
    expect(nextChangeAt({ bombs: [bomb(1)], others: [], loadBefore: null }, short, T0)).toEqual(at(600 / 3600));
    const due = bomb(1, { unclaimed: true, claimDueAt: at(1) });
    expect(nextChangeAt({ bombs: [due], others: [], loadBefore: null }, S, T0)).toEqual(at(1));
    const claimed = bomb(1, { role: 'assignee', claimed: true, carryStartAt: at(-22), lastOwnAt: at(-20) });
    expect(nextChangeAt({ bombs: [claimed], others: [], loadBefore: null }, S, T0)).toEqual(at(4));
  });
});

describe('every reason, word for word (pinned: a changed message or a lost bomb id shows here)', () => {
  it('a person with one of each', () => {
    const bombs = [
      bomb(1, { role: 'assignee', claimed: true, bounces: 9 }),
      bomb(2, { unclaimed: true, claimDueAt: at(1) }),
      bomb(3, { disputed: true, severity: 'critical' }),
      bomb(4, { unclaimed: true, claimDueAt: at(24 * 30), severity: 'critical' }),
      bomb(5, { severity: 'critical', carryStartAt: at(24 * 6) }),
    ];
    const r = assessPerson({ bombs, others: [], loadBefore: 0 }, S, at(24 * 6));
    expect(r.reasons).toMatchInlineSnapshot(`
      [
        {
          "bombCount": 4,
          "bombIds": [
            "00000000-0000-4000-8000-000000000001",
            "00000000-0000-4000-8000-000000000002",
            "00000000-0000-4000-8000-000000000003",
            "00000000-0000-4000-8000-000000000004",
          ],
          "code": "silence",
          "messages": {
            "en": "4 bombs nobody has answered for 2 days (SHIP-1, SHIP-2, SHIP-3 +1)",
            "ja": "4件の爆弾に2日間誰も反応していません（SHIP-1, SHIP-2, SHIP-3 +1）",
          },
        },
        {
          "bombCount": 1,
          "bombIds": [
            "00000000-0000-4000-8000-000000000002",
          ],
          "code": "claim_overdue",
          "messages": {
            "en": "1 bomb past the claim deadline with no owner yet (SHIP-2)",
            "ja": "1件の爆弾が受付期限を過ぎても担当者が決まっていません（SHIP-2）",
          },
        },
        {
          "bombCount": 4,
          "bombIds": [
            "00000000-0000-4000-8000-000000000001",
            "00000000-0000-4000-8000-000000000002",
            "00000000-0000-4000-8000-000000000003",
            "00000000-0000-4000-8000-000000000004",
          ],
          "code": "solo_long",
          "messages": {
            "en": "SHIP-1, SHIP-2, SHIP-3 +1 carried alone for 5 days or more",
            "ja": "SHIP-1, SHIP-2, SHIP-3 +1 を5日以上ひとりで抱えています",
          },
        },
        {
          "bombCount": 1,
          "bombIds": [
            "00000000-0000-4000-8000-000000000001",
          ],
          "code": "bounced",
          "messages": {
            "en": "SHIP-1 bounced 9 times",
            "ja": "SHIP-1 は9回差し戻されました",
          },
        },
        {
          "bombCount": 1,
          "bombIds": [
            "00000000-0000-4000-8000-000000000003",
          ],
          "code": "disputed",
          "messages": {
            "en": "SHIP-3: no department accepts ownership; a PM needs to decide",
            "ja": "SHIP-3 は担当部署が決まらず、PMの判断待ちです",
          },
        },
        {
          "bombCount": 0,
          "bombIds": [],
          "code": "heavy_load",
          "messages": {
            "en": "Carrying 5 open bombs (weighted load 14): a workload signal, not a performance rating",
            "ja": "未解決の爆弾を5件（重み付け負荷 14）抱えています。負荷のシグナルであり、評価ではありません",
          },
        },
        {
          "bombCount": 0,
          "bombIds": [],
          "code": "narrow_breadth",
          "messages": {
            "en": "Nobody else acted on these bombs in the last 14 days",
            "ja": "直近14日、これらの爆弾に本人以外は誰も関わっていません",
          },
        },
        {
          "bombCount": 0,
          "bombIds": [],
          "code": "load_rising",
          "messages": {
            "en": "Load up 14 from 7 days ago (0 → 14)",
            "ja": "負荷が7日前より14増えています（0 → 14）",
          },
        },
        {
          "bombCount": 1,
          "bombIds": [
            "00000000-0000-4000-8000-000000000001",
          ],
          "code": "claimed_idle",
          "messages": {
            "en": "1 bomb claimed with no update for 1 day: they may need a hand (a workload signal, not a performance rating)",
            "ja": "担当中の1件の爆弾に1日以上動きがありません。手が足りていないかもしれません（評価ではなく負荷のシグナルです）",
          },
        },
      ]
    `);
    expect(r.signals).toMatchInlineSnapshot(`
      {
        "bounces": 9,
        "breadth": 0,
        "claimedIdleBombs": 1,
        "disputedBombs": 1,
        "load": 14,
        "maxSoloCarrySeconds": 518400,
        "maxWaitingSeconds": 518400,
        "openBombs": 5,
        "overdueBombs": 1,
        "silentBombs": 4,
        "soloCarrySeconds": 2073600,
        "trend": 14,
        "unclaimedBombs": 2,
      }
    `);
  });
  it('one bomb, one other person', () => {
    const bombs = [bomb(1, { severity: 'critical', lastOtherAt: at(-1) })];
    const r = assessPerson({ bombs, others: [{ actorId: 'x', lastAt: at(-1) }], loadBefore: 9 }, S, T0);
    expect(r.reasons).toMatchInlineSnapshot(`[]`);
    expect(r.signals).toMatchInlineSnapshot(`
      {
        "bounces": 0,
        "breadth": 1,
        "claimedIdleBombs": 0,
        "disputedBombs": 0,
        "load": 4,
        "maxSoloCarrySeconds": 0,
        "maxWaitingSeconds": 0,
        "openBombs": 1,
        "overdueBombs": 0,
        "silentBombs": 0,
        "soloCarrySeconds": 0,
        "trend": -5,
        "unclaimedBombs": 0,
      }
    `);
  });
});
