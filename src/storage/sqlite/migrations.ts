/**
 * The SQLite schema, as numbered migrations applied in order at start. Never edit a
 * released migration: add the next one. Times are ISO-8601 UTC text (they sort as text).
 */
export const SQLITE_MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
CREATE TABLE cases (
  id TEXT PRIMARY KEY,
  open INTEGER NOT NULL DEFAULT 1,
  channel TEXT,
  shown_wordings TEXT NOT NULL DEFAULT '[]',
  steps_taken TEXT NOT NULL DEFAULT '[]',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  closed_at TEXT,
  version INTEGER NOT NULL DEFAULT 0,
  last_seq INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX cases_updated_at ON cases(updated_at);
CREATE TABLE case_turns (
  case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('customer', 'agent', 'note')),
  text TEXT NOT NULL,
  reported INTEGER NOT NULL DEFAULT 0,
  actions TEXT,
  assessment TEXT,
  at TEXT NOT NULL,
  PRIMARY KEY (case_id, seq)
);
CREATE TABLE escalations (
  case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  reason TEXT NOT NULL,
  summary TEXT NOT NULL,
  created_at TEXT NOT NULL,
  notified TEXT NOT NULL DEFAULT '[]',
  acknowledged_by TEXT,
  acknowledged_at TEXT,
  PRIMARY KEY (case_id, reason)
);
CREATE INDEX escalations_open ON escalations(acknowledged_by, created_at);
CREATE TABLE routes (
  platform TEXT NOT NULL,
  tenant TEXT NOT NULL,
  target TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (platform, tenant)
);
CREATE TABLE processed_events (
  source TEXT NOT NULL,
  event_id TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  PRIMARY KEY (source, event_id)
);
CREATE INDEX processed_events_expires_at ON processed_events(expires_at);
CREATE TABLE drill_sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  team TEXT NOT NULL,
  status TEXT NOT NULL,
  state TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL
);
CREATE INDEX drill_sessions_user ON drill_sessions(user_id, status);
CREATE TABLE scorecards (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  team TEXT NOT NULL,
  card TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX scorecards_user ON scorecards(user_id, created_at);
`,
  },
  {
    version: 2,
    sql: `
ALTER TABLE cases ADD COLUMN agent TEXT;
UPDATE cases SET agent = json_extract(channel, '$.address.agent') WHERE channel IS NOT NULL;
CREATE INDEX cases_agent ON cases(agent, updated_at);
CREATE TABLE case_feedback (
  case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  by TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('helpful', 'not_helpful')),
  at TEXT NOT NULL
);
CREATE INDEX case_feedback_case ON case_feedback(case_id, at);
`,
  },
  {
    version: 3,
    sql: `
CREATE TABLE preferences (
  platform TEXT NOT NULL,
  user_id TEXT NOT NULL,
  muted INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (platform, user_id)
);
`,
  },
  {
    version: 4,
    sql: `
ALTER TABLE case_turns ADD COLUMN signal TEXT CHECK (signal IN ('calmed'));
`,
  },
  {
    version: 5,
    sql: `
ALTER TABLE preferences ADD COLUMN leaderboard INTEGER NOT NULL DEFAULT 0;
CREATE INDEX scorecards_team ON scorecards(team, created_at);
`,
  },
  {
    version: 6,
    sql: `
CREATE INDEX cases_open ON cases(open, updated_at);
CREATE INDEX case_turns_at ON case_turns(at);
CREATE INDEX escalations_created_at ON escalations(created_at);
CREATE INDEX scorecards_created_at ON scorecards(created_at);
`,
  },
];
