/**
 * The PostgreSQL schema, as numbered migrations applied in order at start under an
 * advisory lock (two replicas starting together never both migrate). Never edit a
 * released migration: add the next one.
 */
export const POSTGRES_MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
CREATE TABLE cases (
  id text PRIMARY KEY,
  open boolean NOT NULL DEFAULT true,
  channel jsonb,
  shown_wordings jsonb NOT NULL DEFAULT '[]',
  steps_taken jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  closed_at timestamptz,
  version integer NOT NULL DEFAULT 0,
  last_seq integer NOT NULL DEFAULT 0
);
CREATE INDEX cases_updated_at ON cases (updated_at);
CREATE TABLE case_turns (
  case_id text NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  role text NOT NULL CHECK (role IN ('customer', 'agent', 'note')),
  text text NOT NULL,
  reported boolean NOT NULL DEFAULT false,
  actions jsonb,
  assessment jsonb,
  at timestamptz NOT NULL,
  PRIMARY KEY (case_id, seq)
);
CREATE TABLE escalations (
  case_id text NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  reason text NOT NULL,
  summary text NOT NULL,
  created_at timestamptz NOT NULL,
  notified jsonb NOT NULL DEFAULT '[]',
  acknowledged_by text,
  acknowledged_at timestamptz,
  PRIMARY KEY (case_id, reason)
);
CREATE INDEX escalations_open ON escalations (created_at) WHERE acknowledged_by IS NULL;
CREATE TABLE routes (
  platform text NOT NULL,
  tenant text NOT NULL,
  target jsonb NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (platform, tenant)
);
CREATE TABLE processed_events (
  source text NOT NULL,
  event_id text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (source, event_id)
);
CREATE INDEX processed_events_expires_at ON processed_events (expires_at);
CREATE TABLE drill_sessions (
  id text PRIMARY KEY,
  user_id text NOT NULL,
  team text NOT NULL,
  status text NOT NULL,
  state jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version integer NOT NULL
);
CREATE INDEX drill_sessions_user ON drill_sessions (user_id, status);
CREATE TABLE scorecards (
  id text PRIMARY KEY,
  session_id text NOT NULL,
  user_id text NOT NULL,
  team text NOT NULL,
  card jsonb NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX scorecards_user ON scorecards (user_id, created_at);
`,
  },
  {
    version: 2,
    sql: `
ALTER TABLE cases ADD COLUMN agent text;
UPDATE cases SET agent = channel->'address'->>'agent' WHERE channel IS NOT NULL;
CREATE INDEX cases_agent ON cases (agent, updated_at);
CREATE TABLE case_feedback (
  case_id text NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  by text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('helpful', 'not_helpful')),
  at timestamptz NOT NULL
);
CREATE INDEX case_feedback_case ON case_feedback (case_id, at);
`,
  },
  {
    version: 3,
    sql: `
CREATE TABLE preferences (
  platform text NOT NULL,
  user_id text NOT NULL,
  muted boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (platform, user_id)
);
`,
  },
  {
    version: 4,
    sql: `
ALTER TABLE case_turns ADD COLUMN signal text CHECK (signal IN ('calmed'));
`,
  },
  {
    version: 5,
    sql: `
ALTER TABLE preferences ADD COLUMN leaderboard boolean NOT NULL DEFAULT false;
CREATE INDEX scorecards_team ON scorecards (team, created_at);
`,
  },
  {
    version: 6,
    sql: `
CREATE INDEX cases_open ON cases (updated_at) WHERE open;
CREATE INDEX case_turns_at ON case_turns (at);
CREATE INDEX escalations_created_at ON escalations (created_at);
CREATE INDEX scorecards_created_at ON scorecards (created_at);
`,
  },
];
