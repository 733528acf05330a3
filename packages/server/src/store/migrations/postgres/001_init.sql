-- nudgekit schema v1 (PostgreSQL). Timestamps are epoch milliseconds (UTC); days are DATE (UTC).
-- Raw events are kept for analysts; the rollup tables below are what the server reads for stats.

CREATE TABLE events (
  source      TEXT    NOT NULL,
  id          TEXT    NOT NULL,
  type        TEXT    NOT NULL,
  ts          BIGINT  NOT NULL,
  received_at BIGINT  NOT NULL,
  account     TEXT    NOT NULL,
  user_id     TEXT    NOT NULL,
  trigger     TEXT,
  variant     TEXT,
  placement   TEXT,
  metric      TEXT,
  value       DOUBLE PRECISION,
  feature     TEXT,
  event       TEXT,
  props       JSONB,
  PRIMARY KEY (source, id)
);

CREATE INDEX events_account_ts ON events (account, ts);

CREATE TABLE daily_counts (
  day              DATE    NOT NULL,
  trigger          TEXT    NOT NULL,
  variant          TEXT    NOT NULL,
  impressions      BIGINT NOT NULL DEFAULT 0,
  clicks           BIGINT NOT NULL DEFAULT 0,
  dismissals       BIGINT NOT NULL DEFAULT 0,
  snoozes          BIGINT NOT NULL DEFAULT 0,
  upgrade_requests BIGINT NOT NULL DEFAULT 0,
  holdouts         BIGINT NOT NULL DEFAULT 0,
  eligible         BIGINT NOT NULL DEFAULT 0,
  conversions      BIGINT NOT NULL DEFAULT 0,
  expansion_mrr    DOUBLE PRECISION NOT NULL DEFAULT 0,
  PRIMARY KEY (day, trigger, variant)
);

CREATE TABLE exposures (
  trigger          TEXT    NOT NULL,
  variant          TEXT    NOT NULL,
  account          TEXT    NOT NULL,
  first_exposed_at BIGINT  NOT NULL,
  last_exposed_at  BIGINT  NOT NULL,
  exposures        BIGINT NOT NULL DEFAULT 0,
  converted_at     BIGINT,
  conversions      BIGINT NOT NULL DEFAULT 0,
  expansion_mrr    DOUBLE PRECISION NOT NULL DEFAULT 0,
  PRIMARY KEY (trigger, variant, account)
);

CREATE INDEX exposures_account ON exposures (account);
CREATE INDEX exposures_first ON exposures (first_exposed_at);

CREATE TABLE account_state (
  account       TEXT    NOT NULL,
  trigger       TEXT    NOT NULL,
  impressions   BIGINT NOT NULL DEFAULT 0,
  last_shown_at BIGINT,
  dismissed_at  BIGINT,
  snoozed_at    BIGINT,
  accepted_at   BIGINT,
  PRIMARY KEY (account, trigger)
);

CREATE TABLE eligibility (
  trigger           TEXT    NOT NULL,
  account           TEXT    NOT NULL,
  first_eligible_at BIGINT  NOT NULL,
  last_eligible_at  BIGINT  NOT NULL,
  PRIMARY KEY (trigger, account)
);

CREATE INDEX eligibility_last ON eligibility (last_eligible_at);

CREATE TABLE conversions (
  id          TEXT    NOT NULL PRIMARY KEY,
  account     TEXT    NOT NULL,
  target      TEXT    NOT NULL,
  mrr_delta   DOUBLE PRECISION NOT NULL,
  ts          BIGINT  NOT NULL,
  trigger     TEXT,
  variant     TEXT,
  exposed_at  BIGINT,
  recorded_at BIGINT  NOT NULL
);

CREATE INDEX conversions_account_ts ON conversions (account, ts);

CREATE TABLE notifications (
  route        TEXT    NOT NULL,
  account      TEXT    NOT NULL,
  trigger      TEXT    NOT NULL,
  last_sent_at BIGINT  NOT NULL,
  PRIMARY KEY (route, account, trigger)
);
