import { departmentMembers, departments, people, products } from '@defuse/drizzle';
import type { Category, Locale, Role, RootCause, RoutingTable, Severity } from '@defuse/shared';
import { eq } from 'drizzle-orm';
import { hashPassword } from '../auth/passwords.ts';
import type { Clock } from '../clock.ts';
import { claimBomb } from '../commands/claim-bomb.ts';
import { fileBomb } from '../commands/file-bomb.ts';
import { transitionBomb } from '../commands/transition-bomb.ts';
import type { Deps } from '../deps.ts';
import { addSeconds } from '../domain/deadlines.ts';
import { loadViewer } from '../queries/people.ts';
import { putSetting } from '../queries/settings.ts';
import type { Viewer } from '../viewer.ts';

export const DEMO_PASSWORD = 'defuse-demo';

type DemoPerson = {
  key: string;
  name: string;
  email: string;
  role: Role;
  locale: Locale;
  departments: string[];
  lead?: string[];
};

const DEPARTMENTS = [
  { slug: 'logistics', name: '物流 Logistics' },
  { slug: 'documentation', name: 'ドキュメント Documentation' },
  { slug: 'production', name: '生産 Production' },
  { slug: 'customer-success', name: 'カスタマーサクセス Customer Success' },
  { slug: 'product-office', name: 'プロダクトオフィス Product Office' },
];

export const DEMO_PEOPLE: DemoPerson[] = [
  { key: 'sato', name: '佐藤 美咲', email: 'sato@defuse.test', role: 'field', locale: 'ja', departments: [] },
  { key: 'carter', name: 'Alex Carter', email: 'carter@defuse.test', role: 'field', locale: 'en', departments: [] },
  { key: 'suzuki', name: '鈴木 健太', email: 'suzuki@defuse.test', role: 'field', locale: 'ja', departments: [] },
  {
    key: 'tanaka',
    name: '田中 裕子',
    email: 'tanaka@defuse.test',
    role: 'lead',
    locale: 'ja',
    departments: ['logistics'],
    lead: ['logistics'],
  },
  {
    key: 'yamamoto',
    name: '山本 大輔',
    email: 'yamamoto@defuse.test',
    role: 'member',
    locale: 'ja',
    departments: ['logistics'],
  },
  {
    key: 'wilson',
    name: 'Emma Wilson',
    email: 'wilson@defuse.test',
    role: 'lead',
    locale: 'en',
    departments: ['documentation'],
    lead: ['documentation'],
  },
  {
    key: 'nakamura',
    name: '中村 翔',
    email: 'nakamura@defuse.test',
    role: 'member',
    locale: 'ja',
    departments: ['documentation'],
  },
  {
    key: 'kobayashi',
    name: '小林 真理',
    email: 'kobayashi@defuse.test',
    role: 'lead',
    locale: 'ja',
    departments: ['production'],
    lead: ['production'],
  },
  {
    key: 'chen',
    name: 'Liam Chen',
    email: 'chen@defuse.test',
    role: 'member',
    locale: 'en',
    departments: ['production'],
  },
  {
    key: 'kato',
    name: '加藤 直美',
    email: 'kato@defuse.test',
    role: 'lead',
    locale: 'ja',
    departments: ['customer-success'],
    lead: ['customer-success'],
  },
  {
    key: 'watanabe',
    name: '渡辺 彩',
    email: 'watanabe@defuse.test',
    role: 'pm',
    locale: 'ja',
    departments: ['product-office'],
    lead: ['product-office'],
  },
  { key: 'admin', name: '管理者 Admin', email: 'admin@defuse.test', role: 'admin', locale: 'ja', departments: [] },
];

type DemoBomb = {
  by: string;
  title: string;
  description: string;
  category: Category;
  severity: Severity;
  product: 'kumo' | 'hikari' | null;
  customer: string | null;
  daysAgo: number;
  then?: { claimBy: string; hoursLater: number; status?: 'waiting' | 'resolved' | 'closed'; rootCause?: RootCause };
  restricted?: boolean;
};

const B = (
  by: string,
  title: string,
  category: Category,
  severity: Severity,
  daysAgo: number,
  product: DemoBomb['product'],
  customer: string | null,
  then?: DemoBomb['then'],
  description = '',
): DemoBomb => ({ by, title, category, severity, daysAgo, product, customer, then, description });

const DEMO_BOMBS: DemoBomb[] = [
  B(
    'sato',
    '約束の納期に届かなかった（北陸物産）',
    'shipping',
    'high',
    4.2,
    'kumo',
    '北陸物産',
    undefined,
    '先週金曜の納品予定が未着。先方の導入説明会が延期に。',
  ),
  B('sato', '取扱説明書の初期設定手順がわからないと言われた', 'manual', 'normal', 3.5, 'kumo', '東和電機'),
  B('sato', '追加で20台欲しいが在庫なしと回答された', 'stock', 'high', 2.9, 'kumo', '北陸物産'),
  B('sato', '「効果が出ない」とクレーム。期待値のすり合わせ不足', 'expectation', 'critical', 2.2, 'kumo', 'みなと銀行'),
  B('sato', '設置後にセンサーが再起動を繰り返す', 'quality', 'high', 1.4, 'kumo', '東和電機'),
  B('sato', 'Pilot customer asks for an English manual', 'manual', 'low', 5.1, 'kumo', 'Osaka Global Trading'),
  B('sato', '配送伝票の宛先が旧住所のまま', 'shipping', 'normal', 0.6, 'kumo', 'みなと銀行'),
  B('carter', 'Shipment stuck in customs for a week', 'shipping', 'high', 6, 'hikari', 'Pacific Retail', {
    claimBy: 'yamamoto',
    hoursLater: 3,
    status: 'resolved',
    rootCause: 'shipping_operations',
  }),
  B('carter', 'Quick-start guide skips the pairing step', 'manual', 'normal', 9, 'hikari', 'Pacific Retail', {
    claimBy: 'nakamura',
    hoursLater: 5,
    status: 'closed',
    rootCause: 'manual_unclear',
  }),
  B('carter', 'Customer expected dashboard exports in v1', 'expectation', 'normal', 3, 'hikari', 'Northwind', {
    claimBy: 'kato',
    hoursLater: 2,
    status: 'waiting',
  }),
  B('carter', 'Out of stock for the 50-unit rollout', 'stock', 'critical', 1.2, 'hikari', 'Northwind', {
    claimBy: 'kobayashi',
    hoursLater: 1,
  }),
  B('carter', 'Hub LED stays red after firmware update', 'quality', 'high', 0.8, 'hikari', 'Contoso'),
  B('carter', 'Setup video link in the manual is dead', 'manual', 'low', 12, 'hikari', 'Contoso', {
    claimBy: 'wilson',
    hoursLater: 20,
    status: 'closed',
    rootCause: 'manual_unclear',
  }),
  B('carter', 'Delivery arrived without mounting brackets', 'shipping', 'normal', 2, 'hikari', 'Pacific Retail', {
    claimBy: 'tanaka',
    hoursLater: 4,
  }),
  B('suzuki', '納品日の再調整依頼（山陰ストア）', 'shipping', 'normal', 1.9, 'hikari', '山陰ストア', {
    claimBy: 'yamamoto',
    hoursLater: 1,
  }),
  B('suzuki', 'マニュアルの配線図が実機と違う', 'manual', 'high', 7, 'hikari', '山陰ストア', {
    claimBy: 'nakamura',
    hoursLater: 6,
    status: 'resolved',
    rootCause: 'manual_unclear',
  }),
  B('suzuki', '在庫引当の見込み日を知りたい', 'stock', 'normal', 4, 'hikari', 'さくら薬局', {
    claimBy: 'chen',
    hoursLater: 8,
    status: 'waiting',
  }),
  B('suzuki', '導入効果の測り方を先方と合意できていない', 'expectation', 'high', 5, 'hikari', 'さくら薬局', {
    claimBy: 'kato',
    hoursLater: 10,
  }),
  B('suzuki', '梱包材が多すぎるとの苦情', 'other', 'low', 10, 'hikari', '山陰ストア', {
    claimBy: 'watanabe',
    hoursLater: 30,
    status: 'closed',
    rootCause: 'other',
  }),
  B('suzuki', '電源アダプタが発熱する', 'quality', 'critical', 0.3, 'hikari', 'さくら薬局'),
  B('sato', '返品手続きの窓口が不明', 'other', 'normal', 8, 'kumo', '東和電機', {
    claimBy: 'watanabe',
    hoursLater: 12,
    status: 'resolved',
    rootCause: 'customer_side',
  }),
  B('carter', 'Manual translation has wrong units (inches vs cm)', 'manual', 'normal', 15, 'hikari', 'Northwind', {
    claimBy: 'nakamura',
    hoursLater: 9,
    status: 'closed',
    rootCause: 'manual_unclear',
  }),
  B('suzuki', '出荷が2回連続で遅延', 'shipping', 'high', 11, 'hikari', 'さくら薬局', {
    claimBy: 'tanaka',
    hoursLater: 2,
    status: 'closed',
    rootCause: 'shipping_operations',
  }),
  B('carter', 'Battery life far below what sales promised', 'expectation', 'high', 13, 'hikari', 'Contoso', {
    claimBy: 'kato',
    hoursLater: 7,
    status: 'resolved',
    rootCause: 'expectation_mismatch',
  }),
  B('suzuki', '量産ロットの色味が試作と違う', 'quality', 'normal', 6, 'hikari', '山陰ストア', {
    claimBy: 'kobayashi',
    hoursLater: 5,
  }),
  B('carter', 'Reseller wants 200 units next month', 'stock', 'normal', 2.5, 'hikari', 'Pacific Retail', {
    claimBy: 'chen',
    hoursLater: 3,
  }),
  B('sato', 'アプリのログイン手順が説明書にない', 'manual', 'normal', 0.2, 'kumo', 'みなと銀行'),
  B('suzuki', 'Customer asks about data residency', 'other', 'normal', 3.8, 'hikari', 'さくら薬局', {
    claimBy: 'watanabe',
    hoursLater: 6,
    status: 'waiting',
  }),
  B('carter', 'Courier left units at the wrong dock', 'shipping', 'low', 1, 'hikari', 'Contoso'),
  {
    ...B('sato', '顧客の契約条件に関する相談（社外秘）', 'other', 'high', 1.6, 'kumo', 'みなと銀行'),
    restricted: true,
  },
];

const fixedClock = (at: Date): Clock => ({ now: () => at });

/** A living workspace for a first start: departments, people, products, routing, ~30 bombs of all ages. */
export async function seedDemo(deps: Pick<Deps, 'db' | 'clock' | 'signal'>): Promise<{ email: string; role: Role }[]> {
  const { db } = deps;
  const now = deps.clock.now();
  const hash = await hashPassword(DEMO_PASSWORD);
  const created = addSeconds(now, -30 * 86_400);

  const deptIds = new Map<string, string>();
  for (const d of DEPARTMENTS) {
    const [row] = await db
      .insert(departments)
      .values({ ...d, createdAt: created })
      .returning({ id: departments.id });
    if (row) deptIds.set(d.slug, row.id);
  }
  const personIds = new Map<string, string>();
  for (const p of DEMO_PEOPLE) {
    const [row] = await db
      .insert(people)
      .values({ name: p.name, email: p.email, role: p.role, locale: p.locale, passwordHash: hash, createdAt: created })
      .returning({ id: people.id });
    if (!row) continue;
    personIds.set(p.key, row.id);
    for (const slug of p.departments) {
      const departmentId = deptIds.get(slug);
      if (departmentId) {
        await db
          .insert(departmentMembers)
          .values({ departmentId, personId: row.id, isLead: p.lead?.includes(slug) ?? false });
      }
    }
  }
  const pmId = personIds.get('watanabe') ?? null;
  const productIds = new Map<string, string>();
  for (const p of [
    { key: 'kumo', name: '雲センサー Kumo Sensor', slug: 'kumo-sensor' },
    { key: 'hikari', name: 'ヒカリハブ Hikari Hub', slug: 'hikari-hub' },
  ]) {
    const [row] = await db
      .insert(products)
      .values({ name: p.name, slug: p.slug, stage: 'pilot', pmId, createdAt: created })
      .returning({ id: products.id });
    if (row) productIds.set(p.key, row.id);
  }
  const dept = (slug: string) => deptIds.get(slug) ?? '';
  const routing: RoutingTable = {
    rules: [
      { when: { categories: ['shipping'] }, departmentId: dept('logistics') },
      { when: { categories: ['manual'] }, departmentId: dept('documentation') },
      { when: { categories: ['stock', 'quality'] }, departmentId: dept('production') },
      { when: { categories: ['expectation'] }, departmentId: dept('customer-success') },
      { when: { keywords: ['配送', '納期', '出荷', 'delivery', 'shipment'] }, departmentId: dept('logistics') },
    ],
    fallbackDepartmentId: dept('product-office'),
  };
  await putSetting(db, 'routing', routing, created);

  const byPerson = new Map<string, typeof people.$inferSelect>();
  for (const row of await db.select().from(people)) byPerson.set(row.id, row);
  const viewerFor = async (key: string) => {
    const row = byPerson.get(personIds.get(key) ?? '');
    if (!row) throw new Error(`demo person ${key} missing`);
    return loadViewer(db, row);
  };

  for (const b of DEMO_BOMBS) {
    const filedAt = addSeconds(now, -b.daysAgo * 86_400);
    const { bomb } = await fileBomb(
      { ...deps, clock: fixedClock(filedAt) },
      {
        viewer: await viewerFor(b.by),
        input: {
          title: b.title,
          description: b.description,
          category: b.category,
          severity: b.severity,
          productId: b.product ? (productIds.get(b.product) ?? null) : null,
          customer: b.customer,
          restricted: b.restricted ?? false,
        },
      },
    );
    if (b.then) await progressDemoBomb(deps, bomb, viewerFor, filedAt, b.then);
  }
  return DEMO_PEOPLE.map((p) => ({ email: p.email, role: p.role }));
}

/** Moves a demo bomb along its life through the real commands, so its events, deadlines and spans are genuine. */
async function progressDemoBomb(
  deps: Pick<Deps, 'db' | 'signal'>,
  bomb: { id: string; filedById: string },
  viewerFor: (key: string) => Promise<Viewer>,
  filedAt: Date,
  then: NonNullable<DemoBomb['then']>,
) {
  const claimedAt = addSeconds(filedAt, then.hoursLater * 3600);
  const assignee = await viewerFor(then.claimBy);
  await claimBomb({ ...deps, clock: fixedClock(claimedAt) }, { viewer: assignee, bombId: bomb.id });
  const steps: ('waiting' | 'resolved' | 'closed')[] =
    then.status === 'closed' ? ['resolved', 'closed'] : then.status ? [then.status] : [];
  for (const [i, to] of steps.entries()) {
    const at = addSeconds(claimedAt, (i + 1) * 6 * 3600);
    // The filer confirms a resolution; the assignee does the rest.
    const viewer = to === 'closed' ? await viewerById(deps, bomb.filedById) : assignee;
    await transitionBomb(
      { ...deps, clock: fixedClock(at) },
      { viewer, bombId: bomb.id, to, ...(to === 'resolved' && { rootCause: then.rootCause ?? 'other' }) },
    );
  }
}

async function viewerById(deps: Pick<Deps, 'db'>, id: string): Promise<Viewer> {
  const [row] = await deps.db.select().from(people).where(eq(people.id, id));
  if (!row) throw new Error('demo person missing');
  return loadViewer(deps.db, row);
}
