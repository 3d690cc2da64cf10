import {
  CATEGORIES,
  ISOLATION_STATES,
  LOCALES,
  PRODUCT_STAGES,
  ROLES,
  ROOT_CAUSES,
  SEVERITIES,
  STATUSES,
} from '@defuse/shared';
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
/**
 * Ids are UUIDv7 (time first, then random; defuse_uuidv7() in migration 0003): new rows land at
 * the right edge of every index keyed by id or bomb id, where random v4 ids scattered each filing
 * over pages of indexes that grow with the data (WAL per filing ×4 at a million bombs).
 */
const id = () => uuid('id').primaryKey().default(sql`defuse_uuidv7()`);

export const roleEnum = pgEnum('role', ROLES);
export const localeEnum = pgEnum('locale', LOCALES);
export const categoryEnum = pgEnum('category', CATEGORIES);
export const severityEnum = pgEnum('severity', SEVERITIES);
export const statusEnum = pgEnum('status', STATUSES);
export const rootCauseEnum = pgEnum('root_cause', ROOT_CAUSES);
export const productStageEnum = pgEnum('product_stage', PRODUCT_STAGES);
export const isolationStateEnum = pgEnum('isolation_state', ISOLATION_STATES);

export const people = pgTable('people', {
  id: id(),
  name: text('name').notNull(),
  email: text('email').notNull().unique(),
  role: roleEnum('role').notNull(),
  locale: localeEnum('locale').notNull().default('ja'),
  passwordHash: text('password_hash'),
  disabledAt: ts('disabled_at'),
  createdAt: ts('created_at').notNull(),
});

export const departments = pgTable('departments', {
  id: id(),
  name: text('name').notNull(),
  slug: text('slug').notNull().unique(),
  webhookUrl: text('webhook_url'),
  /** Signs each webhook body (HMAC-SHA256); made when the URL is set, shown once, never listed. */
  webhookSecret: text('webhook_secret'),
  createdAt: ts('created_at').notNull(),
});

export const departmentMembers = pgTable(
  'department_members',
  {
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id, { onDelete: 'cascade' }),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    isLead: boolean('is_lead').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.departmentId, t.personId] }), index('department_members_person').on(t.personId)],
);

export const products = pgTable('products', {
  id: id(),
  name: text('name').notNull(),
  slug: text('slug').notNull().unique(),
  stage: productStageEnum('stage').notNull(),
  pmId: uuid('pm_id').references(() => people.id),
  createdAt: ts('created_at').notNull(),
});

/** Numbers behind human keys (SHIP-12): one sequence, so filings never wait on a counter row. */
export const bombNumberSeq = pgSequence('bomb_number_seq');

export const bombs = pgTable(
  'bombs',
  {
    id: id(),
    number: bigint('number', { mode: 'number' }).notNull().unique(),
    key: text('key').notNull().unique(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    category: categoryEnum('category').notNull(),
    severity: severityEnum('severity').notNull(),
    status: statusEnum('status').notNull().default('open'),
    restricted: boolean('restricted').notNull().default(false),
    productId: uuid('product_id').references(() => products.id),
    customer: text('customer'),
    filedById: uuid('filed_by_id')
      .notNull()
      .references(() => people.id),
    departmentId: uuid('department_id').references(() => departments.id),
    assigneeId: uuid('assignee_id').references(() => people.id),
    helperIds: uuid('helper_ids').array().notNull().default(sql`'{}'::uuid[]`),
    tier: integer('tier').notNull().default(0),
    bounces: integer('bounces').notNull().default(0),
    disputed: boolean('disputed').notNull().default(false),
    rootCause: rootCauseEnum('root_cause'),
    claimDueAt: ts('claim_due_at'),
    resolveDueAt: ts('resolve_due_at'),
    /** While `waiting` on the field contact the resolve clock stands still from here. */
    pausedAt: ts('paused_at'),
    claimedAt: ts('claimed_at'),
    resolvedAt: ts('resolved_at'),
    closedAt: ts('closed_at'),
    /** Last time anyone other than the filer acted: the start of a monologue. */
    lastOtherActionAt: ts('last_other_action_at'),
    lastAssigneeActionAt: ts('last_assignee_action_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('bombs_created').on(t.createdAt.desc(), t.id.desc()),
    /** A department's queue per status in claim-deadline order (none last), so a page reads only its own rows. */
    index('bombs_department_queue').on(
      t.departmentId,
      t.status,
      sql`coalesce(${t.claimDueAt}, 'infinity'::timestamptz)`,
      t.id,
    ),
    index('bombs_filed_by').on(t.filedById, t.status),
    index('bombs_assignee').on(t.assigneeId, t.status),
    index('bombs_product').on(t.productId, t.resolvedAt),
  ],
);

export const events = pgTable(
  'events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    type: text('type').notNull(),
    bombId: uuid('bomb_id').references(() => bombs.id),
    personId: uuid('person_id').references(() => people.id),
    actorId: uuid('actor_id').references(() => people.id),
    at: ts('at').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    index('events_bomb').on(t.bombId, t.seq),
    index('events_person').on(t.personId, t.seq),
    index('events_actor_at').on(t.actorId, t.at),
    // The audit trail (admin.* events) pages by seq among few rows in a large log.
    index('events_admin').on(t.seq).where(sql`${t.type} like 'admin.%'`),
  ],
);

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    responseStatus: integer('response_status').notNull(),
    responseBody: jsonb('response_body').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.key] }), index('idempotency_keys_created').on(t.createdAt)],
);

export const sessions = pgTable(
  'sessions',
  {
    id: id(),
    tokenHash: text('token_hash').notNull().unique(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull(),
    lastSeenAt: ts('last_seen_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('sessions_person').on(t.personId)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: id(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: ts('created_at').notNull(),
    /** Written at most once a minute per token, not on every request. */
    lastUsedAt: ts('last_used_at'),
    /** Optional: the token gets 401 from then on. */
    expiresAt: ts('expires_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [index('api_tokens_person').on(t.personId)],
);

/**
 * Sign-in attempts counted per address and per account in fixed windows, shared by every instance.
 * An attempt is counted (one upsert that adds and reads) before its password is checked, so a
 * parallel burst cannot get more evaluated than the limit. `blockedUntil` is the per-account delay.
 */
export const signInCounters = pgTable(
  'sign_in_counters',
  {
    /** `address` or `account`. */
    scope: text('scope').notNull(),
    /** The address, or the lower-cased email (known or not: the answer must not tell). */
    key: text('key').notNull(),
    attempts: integer('attempts').notNull(),
    windowStart: ts('window_start').notNull(),
    blockedUntil: ts('blocked_until').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index('sign_in_counters_window').on(t.windowStart)],
);

/** Workspace-wide settings by key: `routing`, `isolation`. Values are validated by shared schemas. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

/**
 * One row whose version triggers bump on every change to what routing reads (settings,
 * departments, members, policies): an instance keeps its routing context while the version holds.
 */
export const routingVersion = pgTable('routing_version', {
  id: integer('id').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull(),
});

export const departmentPolicies = pgTable('department_policies', {
  departmentId: uuid('department_id')
    .primaryKey()
    .references(() => departments.id, { onDelete: 'cascade' }),
  policy: jsonb('policy').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

/**
 * Due escalation work. One row per (bomb, deadline, tier), written when the deadline is set with
 * the policy as it stood then; the scheduler takes due rows with FOR UPDATE SKIP LOCKED.
 */
export const escalationJobs = pgTable(
  'escalation_jobs',
  {
    id: id(),
    bombId: uuid('bomb_id')
      .notNull()
      .references(() => bombs.id, { onDelete: 'cascade' }),
    reason: text('reason').notNull(),
    deadlineAt: ts('deadline_at').notNull(),
    tier: integer('tier').notNull(),
    target: text('target').notNull(),
    dueAt: ts('due_at').notNull(),
    firedAt: ts('fired_at'),
    cancelledAt: ts('cancelled_at'),
  },
  (t) => [
    uniqueIndex('escalation_jobs_once').on(t.bombId, t.reason, t.deadlineAt, t.tier),
    index('escalation_jobs_due').on(t.dueAt).where(sql`${t.firedAt} is null and ${t.cancelledAt} is null`),
  ],
);

/** Time a department held a bomb, from routing until claim, decline or resolution. */
export const ownershipSpans = pgTable(
  'ownership_spans',
  {
    id: id(),
    bombId: uuid('bomb_id')
      .notNull()
      .references(() => bombs.id, { onDelete: 'cascade' }),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    category: categoryEnum('category').notNull(),
    routedAt: ts('routed_at').notNull(),
    claimedAt: ts('claimed_at'),
    endedAt: ts('ended_at'),
    endReason: text('end_reason'),
    /** Seconds spent paused (waiting on the field contact) while this department held it. */
    pausedSeconds: integer('paused_seconds').notNull().default(0),
  },
  (t) => [
    index('ownership_spans_bomb').on(t.bombId),
    index('ownership_spans_department').on(t.departmentId, t.routedAt),
  ],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: id(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id, { onDelete: 'cascade' }),
    eventSeq: bigint('event_seq', { mode: 'number' }).notNull(),
    url: text('url').notNull(),
    payload: jsonb('payload').notNull(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull(),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull(),
    deliveredAt: ts('delivered_at'),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_once').on(t.departmentId, t.eventSeq),
    index('webhook_deliveries_due').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
  ],
);

/** The current isolation state per person, maintained as events are written and by the scheduler. */
export const personIsolation = pgTable(
  'person_isolation',
  {
    personId: uuid('person_id')
      .primaryKey()
      .references(() => people.id, { onDelete: 'cascade' }),
    state: isolationStateEnum('state').notNull().default('ok'),
    score: doublePrecision('score').notNull().default(0),
    signals: jsonb('signals').notNull(),
    reasons: jsonb('reasons').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  // The dashboard's order and keyset: GET /api/isolation reads one range of it per page.
  (t) => [index('person_isolation_rank').on(t.score.desc().nullsFirst(), t.personId)],
);

export const personDailyLoad = pgTable(
  'person_daily_load',
  {
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
    load: doublePrecision('load').notNull(),
    soloCarrySeconds: doublePrecision('solo_carry_seconds').notNull().default(0),
    state: isolationStateEnum('state').notNull().default('ok'),
  },
  (t) => [primaryKey({ columns: [t.personId, t.day] })],
);

/**
 * The isolation projector's place in the event log: one row per projector, locked FOR UPDATE
 * SKIP LOCKED while a batch is processed, so each event is projected once across instances.
 */
export const projectorCursors = pgTable('projector_cursors', {
  name: text('name').primaryKey(),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
  updatedAt: ts('updated_at').notNull(),
});

/**
 * The last time each person acted on each bomb, projected from the event log: what solo-carry,
 * silence, breadth and claim-and-sit are computed from without reading events.
 */
export const bombActors = pgTable(
  'bomb_actors',
  {
    bombId: uuid('bomb_id')
      .notNull()
      .references(() => bombs.id, { onDelete: 'cascade' }),
    actorId: uuid('actor_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    lastAt: ts('last_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.bombId, t.actorId] })],
);

/** The assignee the projector last saw per bomb, so the one a bomb left is recomputed too. */
export const bombCarriers = pgTable('bomb_carriers', {
  bombId: uuid('bomb_id')
    .primaryKey()
    .references(() => bombs.id, { onDelete: 'cascade' }),
  assigneeId: uuid('assignee_id').references(() => people.id, { onDelete: 'set null' }),
});

/** When a person's isolation state may next change with time alone (silence begins, a deadline passes, a day ends). */
export const personIsolationDue = pgTable(
  'person_isolation_due',
  {
    personId: uuid('person_id')
      .primaryKey()
      .references(() => people.id, { onDelete: 'cascade' }),
    dueAt: ts('due_at').notNull(),
  },
  (t) => [index('person_isolation_due_at').on(t.dueAt)],
);

/**
 * Every bomb each current reason names (up to 50 per reason), for a person's own page. The
 * person_isolation row keeps the first few only, so the dashboard list stays small to read.
 */
export const personIsolationReasons = pgTable('person_isolation_reasons', {
  personId: uuid('person_id')
    .primaryKey()
    .references(() => people.id, { onDelete: 'cascade' }),
  reasons: jsonb('reasons').notNull(),
});

/**
 * A person's inbox: one row per (event, person), written by the notification projector. Kind and
 * params are stored, never text, so the board renders each item in the reader's language. The
 * bigserial id is the keyset and the live cursor: only the projector inserts, one batch at a time
 * under its cursor lock, so ids become visible in order.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    eventSeq: bigint('event_seq', { mode: 'number' }).notNull(),
    kind: text('kind').notNull(),
    bombId: uuid('bomb_id').references(() => bombs.id, { onDelete: 'cascade' }),
    lessonId: uuid('lesson_id'),
    params: jsonb('params').$type<Record<string, unknown>>().notNull(),
    at: ts('at').notNull(),
    readAt: ts('read_at'),
  },
  (t) => [
    uniqueIndex('notifications_once').on(t.eventSeq, t.personId),
    index('notifications_person').on(t.personId, t.id.desc()),
    index('notifications_unread').on(t.personId, t.id.desc()).where(sql`${t.readAt} is null`),
  ],
);

/**
 * One row per (event, person, channel) that is to leave the board: e-mail at once, or gathered
 * into a digest. Claimed FOR UPDATE SKIP LOCKED with a lease, so each goes out at most once.
 */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    id: id(),
    notificationId: bigint('notification_id', { mode: 'number' })
      .notNull()
      .references(() => notifications.id, { onDelete: 'cascade' }),
    eventSeq: bigint('event_seq', { mode: 'number' }).notNull(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull(),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull(),
    sentAt: ts('sent_at'),
  },
  (t) => [
    uniqueIndex('notification_deliveries_once').on(t.eventSeq, t.personId, t.channel),
    index('notification_deliveries_due').on(t.channel, t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('notification_deliveries_log').on(t.createdAt.desc(), t.id.desc()),
  ],
);

/** What a person chose to hear where; no row means the defaults in docs/api.md. */
export const notificationPreferences = pgTable('notification_preferences', {
  personId: uuid('person_id')
    .primaryKey()
    .references(() => people.id, { onDelete: 'cascade' }),
  value: jsonb('value').notNull(),
  updatedAt: ts('updated_at').notNull(),
});
