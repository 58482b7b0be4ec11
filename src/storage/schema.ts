import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const workspaces = sqliteTable("workspaces", {
  id: text().primaryKey(),
  name: text().notNull(),
  createdAt: integer().notNull(),
});

/**
 * Agents: each one is its API key (one key an agent, shown once). Keys made before agents
 * existed are their workspace's `Owner`, an `admin`, through the column defaults.
 */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text().primaryKey(),
    workspaceId: text()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** Hex SHA-256 of the key; the key itself is shown once and never stored. */
    keyHash: text().notNull(),
    name: text().notNull().default("Owner"),
    role: text({ enum: ["admin", "agent"] })
      .notNull()
      .default("admin"),
    createdAt: integer().notNull(),
    updatedAt: integer(),
  },
  (t) => [uniqueIndex("api_keys_hash").on(t.keyHash), index("api_keys_workspace").on(t.workspaceId, t.createdAt)],
);

export const channels = sqliteTable(
  "channels",
  {
    id: text().primaryKey(),
    workspaceId: text()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    platform: text().notNull(),
    name: text().notNull(),
    /** Every credential, sealed with MASTER_KEY (src/lib/secret-box.ts). */
    credentialsSealed: text().notNull(),
    /** The identifiers among the credentials (appKey, phoneNumberId…), safe to show. */
    publicCredentials: text().notNull(),
    /** `active`, `needs_attention` or `disconnected` (src/channels/health.ts). */
    status: text().notNull().default("active"),
    statusReason: text(),
    /** Epoch ms when the access token expires, once the gateway knows it (a refresh tells); null otherwise. */
    tokenExpiresAt: integer(),
    createdAt: integer().notNull(),
    updatedAt: integer().notNull(),
  },
  (t) => [index("channels_workspace").on(t.workspaceId, t.createdAt)],
);

export const contacts = sqliteTable(
  "contacts",
  {
    id: text().primaryKey(),
    workspaceId: text().notNull(),
    channelId: text().notNull(),
    platformUserId: text().notNull(),
    displayName: text(),
    /** Follow state from the platform: `active`, `unfollowed` or `blocked`. */
    status: text({ enum: ["active", "unfollowed", "blocked"] })
      .notNull()
      .default("active"),
    tags: text().notNull().default("[]"),
    /** The team queue the contact is assigned to (`sales`, `support`…), null when none. */
    queue: text(),
    createdAt: integer().notNull(),
    updatedAt: integer().notNull(),
  },
  (t) => [
    uniqueIndex("contacts_platform_user").on(t.channelId, t.platformUserId),
    index("contacts_workspace").on(t.workspaceId, t.createdAt),
  ],
);

export const conversations = sqliteTable(
  "conversations",
  {
    id: text().primaryKey(),
    workspaceId: text().notNull(),
    channelId: text().notNull(),
    contactId: text().notNull(),
    platformThreadId: text().notNull(),
    lastMessageAt: integer().notNull(),
    /** The customer's last message: reply windows (WhatsApp, Messenger 24 h) count from it. */
    lastInboundAt: integer(),
    /** LINE's single-use reply token from the last inbound message, and when it stops working. */
    replyToken: text(),
    replyTokenExpiresAt: integer(),
    /** The latest click-to-Messenger ad referral (epoch ms) and its ad: Messenger's longer reply window counts from it. */
    adReferralAt: integer(),
    adId: text(),
    /** `bot` answers automatically; `awaiting_human` while a ticket is open. */
    state: text({ enum: ["bot", "awaiting_human"] })
      .notNull()
      .default("bot"),
    queue: text(),
    tags: text().notNull().default("[]"),
    createdAt: integer().notNull(),
    updatedAt: integer().notNull(),
  },
  (t) => [
    uniqueIndex("conversations_platform_thread").on(t.channelId, t.platformThreadId),
    index("conversations_workspace").on(t.workspaceId, t.lastMessageAt),
  ],
);

export const endpoints = sqliteTable(
  "endpoints",
  {
    id: text().primaryKey(),
    workspaceId: text()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    url: text().notNull(),
    /** JSON array of event types; `[]` means every type. */
    eventTypes: text().notNull().default("[]"),
    description: text(),
    enabled: integer({ mode: "boolean" }).notNull().default(true),
    secretSealed: text().notNull(),
    /** The secret the last rotation replaced; it signs alongside the new one until it expires. */
    previousSecretSealed: text(),
    previousSecretExpiresAt: integer(),
    /** Requests started in any one-second window, and in flight at once, at most (deliver/limiter.ts). */
    rateLimitPerSecond: integer().notNull().default(50),
    maxConcurrency: integer().notNull().default(20),
    /** The first failed attempt since the last success; null while the endpoint is healthy. */
    failingSince: integer(),
    /** Why it is disabled: by the API (`manual`), a 410 answer (`gone`), or failing too long (`failing`). */
    disabledReason: text({ enum: ["manual", "gone", "failing"] }),
    disabledAt: integer(),
    createdAt: integer().notNull(),
    updatedAt: integer().notNull(),
  },
  (t) => [index("endpoints_workspace").on(t.workspaceId, t.createdAt)],
);

/**
 * The state of one event's delivery to one endpoint: the source of truth the DELIVERIES
 * queue messages only wake up. `pending` has a wake-up on the way; `failed` (exhausted,
 * gone, too large, gateway error) and `held` (the endpoint was disabled) are kept for replay.
 */
export const eventDeliveries = sqliteTable(
  "event_deliveries",
  {
    endpointId: text()
      .notNull()
      .references(() => endpoints.id, { onDelete: "cascade" }),
    eventId: text().notNull(),
    workspaceId: text().notNull(),
    eventType: text().notNull(),
    status: text({ enum: ["pending", "succeeded", "failed", "held"] }).notNull(),
    reason: text({ enum: ["exhausted", "gone", "endpoint_disabled", "too_large", "gateway_error"] }),
    /** Attempts made since the delivery was created or last replayed. */
    attempts: integer().notNull().default(0),
    /** No attempt before this (the schedule, or a subscriber's Retry-After). */
    nextAttemptAt: integer().notNull(),
    /** An attempt in progress: whoever holds the token until then may attempt; others wait. */
    claimToken: text(),
    claimedUntil: integer(),
    /** The last time a queue message for it was processed: the stall sweep's evidence of life. */
    wokenAt: integer(),
    lastAttemptAt: integer(),
    lastResponseStatus: integer(),
    lastError: text(),
    replays: integer().notNull().default(0),
    createdAt: integer().notNull(),
    updatedAt: integer().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.endpointId, t.eventId] }),
    index("event_deliveries_endpoint_status").on(t.endpointId, t.status, t.createdAt),
    index("event_deliveries_due").on(t.status, t.nextAttemptAt),
    index("event_deliveries_created").on(t.createdAt),
  ],
);

export const deadLetters = sqliteTable(
  "dead_letters",
  {
    id: text().primaryKey(),
    /** Null when the delivery could not be tied to a workspace (its channel is gone). */
    workspaceId: text(),
    channelId: text(),
    /** Which queue the message belongs back on when retried. */
    queue: text({ enum: ["inbound", "deliveries"] }).notNull(),
    reason: text().notNull(),
    /** The queue message, JSON, as it would be sent again. */
    body: text().notNull(),
    createdAt: integer().notNull(),
    retriedAt: integer(),
  },
  (t) => [index("dead_letters_workspace").on(t.workspaceId, t.createdAt)],
);

/** Raw deliveries too large for a queue message (128 KB) wait here for the consumer. */
export const inboundBlobs = sqliteTable("inbound_blobs", {
  id: text().primaryKey(),
  body: text().notNull(),
  createdAt: integer().notNull(),
});

/** Per-workspace settings (JSON, validated by src/settings.ts); defaults apply until set. */
export const workspaceSettings = sqliteTable("workspace_settings", {
  workspaceId: text().primaryKey(),
  settings: text().notNull(),
  updatedAt: integer().notNull(),
});

/** Every version of a workspace's routing rules; the highest version is in force. */
export const ruleSets = sqliteTable(
  "rule_sets",
  {
    workspaceId: text().notNull(),
    version: integer().notNull(),
    rules: text().notNull(),
    createdAt: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.version] })],
);

export const tickets = sqliteTable(
  "tickets",
  {
    id: text().primaryKey(),
    workspaceId: text().notNull(),
    conversationId: text().notNull(),
    contactId: text().notNull(),
    channelId: text().notNull(),
    status: text({ enum: ["open", "pending", "resolved"] }).notNull(),
    assignee: text(),
    reason: text().notNull(),
    /** JSON: intent, sentiment, orderId, orderStatus, lastMessages. */
    context: text().notNull(),
    createdAt: integer().notNull(),
    updatedAt: integer().notNull(),
  },
  (t) => [
    index("tickets_workspace").on(t.workspaceId, t.status, t.createdAt),
    index("tickets_conversation").on(t.conversationId, t.status),
  ],
);

/** Notes an agent or a rule left on a contact or a conversation. */
export const notes = sqliteTable(
  "notes",
  {
    id: text().primaryKey(),
    workspaceId: text().notNull(),
    contactId: text(),
    conversationId: text(),
    text: text().notNull(),
    author: text().notNull(),
    createdAt: integer().notNull(),
  },
  (t) => [index("notes_contact").on(t.contactId), index("notes_conversation").on(t.conversationId)],
);

/** Who did what, when: every write through the API by an agent's key (replies, assignments, admin changes). */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text().primaryKey(),
    workspaceId: text().notNull(),
    agentId: text().notNull(),
    /** The agent's name when it acted (the agent may be renamed or deleted since). */
    agentName: text().notNull(),
    /** The route as declared, `PATCH /v1/tickets/:id`. */
    action: text().notNull(),
    /** The object the route acted on (its path id, or the one it created), when there is one. */
    targetId: text(),
    /** JSON: what changed (a ticket's new status or assignee, a reply's message id). */
    detail: text(),
    status: integer().notNull(),
    createdAt: integer().notNull(),
  },
  (t) => [index("audit_workspace").on(t.workspaceId, t.createdAt)],
);

/** What the AI tier may answer from: a workspace's shipping, returns, payment… texts. */
export const knowledgeEntries = sqliteTable(
  "knowledge_entries",
  {
    id: text().primaryKey(),
    workspaceId: text().notNull(),
    title: text().notNull(),
    text: text().notNull(),
    /** `en`, `vi`, `th`, `id`, or null for any. */
    language: text(),
    createdAt: integer().notNull(),
    updatedAt: integer().notNull(),
  },
  (t) => [index("knowledge_workspace").on(t.workspaceId, t.createdAt)],
);

/** Model calls per workspace and UTC day: the AI tier's daily budget. */
export const aiUsage = sqliteTable(
  "ai_usage",
  {
    workspaceId: text().notNull(),
    /** `YYYY-MM-DD`, UTC. */
    day: text().notNull(),
    calls: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.day] })],
);
