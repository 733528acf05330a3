-- nudgekit schema v1 (SQLite). Timestamps are epoch milliseconds (UTC); days are 'YYYY-MM-DD' (UTC).
-- Raw events are kept for analysts; the rollup tables below are what the server reads for stats.

CREATE TABLE events (
  source      TEXT    NOT NULL,
  id          TEXT    NOT NULL,
  type        TEXT    NOT NULL,
  ts          INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  account     TEXT    NOT NULL,
  user_id     TEXT    NOT NULL,
  trigger     TEXT,
  variant     TEXT,
  placement   TEXT,
  metric      TEXT,
  value       REAL,
  feature     TEXT,
  event       TEXT,
  props       TEXT,
  PRIMARY KEY (source, id)
) WITHOUT ROWID;

CREATE INDEX events_account_ts ON events (account, ts);

CREATE TABLE daily_counts (
  day              TEXT    NOT NULL,
  trigger          TEXT    NOT NULL,
  variant          TEXT    NOT NULL,
  impressions      INTEGER NOT NULL DEFAULT 0,
  clicks           INTEGER NOT NULL DEFAULT 0,
  dismissals       INTEGER NOT NULL DEFAULT 0,
  snoozes          INTEGER NOT NULL DEFAULT 0,
  upgrade_requests INTEGER NOT NULL DEFAULT 0,
  holdouts         INTEGER NOT NULL DEFAULT 0,
  eligible         INTEGER NOT NULL DEFAULT 0,
  conversions      INTEGER NOT NULL DEFAULT 0,
  expansion_mrr    REAL    NOT NULL DEFAULT 0,
  PRIMARY KEY (day, trigger, variant)
) WITHOUT ROWID;

CREATE TABLE exposures (
  trigger          TEXT    NOT NULL,
  variant          TEXT    NOT NULL,
  account          TEXT    NOT NULL,
  first_exposed_at INTEGER NOT NULL,
  last_exposed_at  INTEGER NOT NULL,
  exposures        INTEGER NOT NULL DEFAULT 0,
  converted_at     INTEGER,
  conversions      INTEGER NOT NULL DEFAULT 0,
  expansion_mrr    REAL    NOT NULL DEFAULT 0,
  PRIMARY KEY (trigger, variant, account)
) WITHOUT ROWID;

CREATE INDEX exposures_account ON exposures (account);
CREATE INDEX exposures_first ON exposures (first_exposed_at);

CREATE TABLE account_state (
  account       TEXT    NOT NULL,
  trigger       TEXT    NOT NULL,
  impressions   INTEGER NOT NULL DEFAULT 0,
  last_shown_at INTEGER,
  dismissed_at  INTEGER,
  snoozed_at    INTEGER,
  accepted_at   INTEGER,
  PRIMARY KEY (account, trigger)
) WITHOUT ROWID;

CREATE TABLE eligibility (
  trigger           TEXT    NOT NULL,
  account           TEXT    NOT NULL,
  first_eligible_at INTEGER NOT NULL,
  last_eligible_at  INTEGER NOT NULL,
  PRIMARY KEY (trigger, account)
) WITHOUT ROWID;

CREATE INDEX eligibility_last ON eligibility (last_eligible_at);

CREATE TABLE conversions (
  id          TEXT    NOT NULL PRIMARY KEY,
  account     TEXT    NOT NULL,
  target      TEXT    NOT NULL,
  mrr_delta   REAL    NOT NULL,
  ts          INTEGER NOT NULL,
  trigger     TEXT,
  variant     TEXT,
  exposed_at  INTEGER,
  recorded_at INTEGER NOT NULL
);

CREATE INDEX conversions_account_ts ON conversions (account, ts);

CREATE TABLE notifications (
  route        TEXT    NOT NULL,
  account      TEXT    NOT NULL,
  trigger      TEXT    NOT NULL,
  last_sent_at INTEGER NOT NULL,
  PRIMARY KEY (route, account, trigger)
) WITHOUT ROWID;
