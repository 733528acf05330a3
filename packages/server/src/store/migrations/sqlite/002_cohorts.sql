-- Cohort rollup: accounts per UTC day of their first exposure × trigger × variant, kept by triggers on
-- `exposures`, so stats over a date range read one row per day × trigger × variant instead of every account.

CREATE TABLE cohorts (
  day           TEXT    NOT NULL,
  trigger       TEXT    NOT NULL,
  variant       TEXT    NOT NULL,
  accounts      INTEGER NOT NULL DEFAULT 0,
  converted     INTEGER NOT NULL DEFAULT 0,
  expansion_mrr REAL    NOT NULL DEFAULT 0,
  PRIMARY KEY (day, trigger, variant)
) WITHOUT ROWID;

INSERT INTO cohorts (day, trigger, variant, accounts, converted, expansion_mrr)
SELECT date(first_exposed_at / 1000, 'unixepoch'), trigger, variant, count(*), count(converted_at), sum(expansion_mrr)
FROM exposures GROUP BY 1, 2, 3;

CREATE TRIGGER exposures_cohort_insert AFTER INSERT ON exposures
BEGIN
  INSERT INTO cohorts (day, trigger, variant, accounts, converted, expansion_mrr)
  VALUES (date(new.first_exposed_at / 1000, 'unixepoch'), new.trigger, new.variant, 1,
          new.converted_at IS NOT NULL, new.expansion_mrr)
  ON CONFLICT (day, trigger, variant) DO UPDATE SET accounts = accounts + 1,
    converted = converted + excluded.converted, expansion_mrr = expansion_mrr + excluded.expansion_mrr;
END;

CREATE TRIGGER exposures_cohort_update AFTER UPDATE ON exposures
WHEN old.first_exposed_at <> new.first_exposed_at OR old.converted_at IS NOT new.converted_at
  OR old.expansion_mrr <> new.expansion_mrr
BEGIN
  UPDATE cohorts SET accounts = accounts - 1, converted = converted - (old.converted_at IS NOT NULL),
    expansion_mrr = expansion_mrr - old.expansion_mrr
  WHERE day = date(old.first_exposed_at / 1000, 'unixepoch') AND trigger = old.trigger AND variant = old.variant;
  INSERT INTO cohorts (day, trigger, variant, accounts, converted, expansion_mrr)
  VALUES (date(new.first_exposed_at / 1000, 'unixepoch'), new.trigger, new.variant, 1,
          new.converted_at IS NOT NULL, new.expansion_mrr)
  ON CONFLICT (day, trigger, variant) DO UPDATE SET accounts = accounts + 1,
    converted = converted + excluded.converted, expansion_mrr = expansion_mrr + excluded.expansion_mrr;
END;

-- Days to convert are read for converted accounts only.
CREATE INDEX exposures_converted ON exposures (first_exposed_at) WHERE converted_at IS NOT NULL;

-- The server never reads events by account; the index cost about a third of SQLite's ingest time.
DROP INDEX events_account_ts;
