-- Lift against a holdout compares like with like: for every trigger × variant (the holdout included), the accounts
-- that converted within the attribution window after their first exposure, whichever exposure the conversion was
-- credited to. Credit (`converted_at`) goes to the latest exposure only, so a held-out account whose free placement
-- showed another trigger's prompt, or a reached account shown a later prompt, would otherwise count as not
-- converted on one side only.
--
-- `exposures.window_converted_at`: the earliest conversion of the account at or after `first_exposed_at` and within
-- the attribution window of it, set when the conversion is recorded (from the exposures received by then, as credit
-- is). `cohorts.window_converted` counts those accounts per cohort day.

ALTER TABLE exposures ADD COLUMN window_converted_at INTEGER;
ALTER TABLE cohorts ADD COLUMN window_converted INTEGER NOT NULL DEFAULT 0;

-- Conversions recorded before this migration count where they were credited (the window an exposure row was
-- recorded against is not stored); conversions recorded from now on count for every exposure they followed.
UPDATE exposures SET window_converted_at = converted_at WHERE converted_at IS NOT NULL;
UPDATE cohorts SET window_converted = converted;

DROP TRIGGER exposures_cohort_insert;
DROP TRIGGER exposures_cohort_update;

CREATE TRIGGER exposures_cohort_insert AFTER INSERT ON exposures
BEGIN
  INSERT INTO cohorts (day, trigger, variant, accounts, converted, expansion_mrr, window_converted)
  VALUES (date(new.first_exposed_at / 1000, 'unixepoch'), new.trigger, new.variant, 1,
          new.converted_at IS NOT NULL, new.expansion_mrr, new.window_converted_at IS NOT NULL)
  ON CONFLICT (day, trigger, variant) DO UPDATE SET accounts = accounts + 1,
    converted = converted + excluded.converted, expansion_mrr = expansion_mrr + excluded.expansion_mrr,
    window_converted = window_converted + excluded.window_converted;
END;

CREATE TRIGGER exposures_cohort_update AFTER UPDATE OF first_exposed_at, converted_at, expansion_mrr, window_converted_at
ON exposures
WHEN old.first_exposed_at <> new.first_exposed_at OR old.converted_at IS NOT new.converted_at
  OR old.expansion_mrr <> new.expansion_mrr OR (old.window_converted_at IS NULL) <> (new.window_converted_at IS NULL)
BEGIN
  UPDATE cohorts SET accounts = accounts - 1, converted = converted - (old.converted_at IS NOT NULL),
    expansion_mrr = expansion_mrr - old.expansion_mrr,
    window_converted = window_converted - (old.window_converted_at IS NOT NULL)
  WHERE day = date(old.first_exposed_at / 1000, 'unixepoch') AND trigger = old.trigger AND variant = old.variant;
  INSERT INTO cohorts (day, trigger, variant, accounts, converted, expansion_mrr, window_converted)
  VALUES (date(new.first_exposed_at / 1000, 'unixepoch'), new.trigger, new.variant, 1,
          new.converted_at IS NOT NULL, new.expansion_mrr, new.window_converted_at IS NOT NULL)
  ON CONFLICT (day, trigger, variant) DO UPDATE SET accounts = accounts + 1,
    converted = converted + excluded.converted, expansion_mrr = expansion_mrr + excluded.expansion_mrr,
    window_converted = window_converted + excluded.window_converted;
END;

-- Conversions find the account's exposure rows through exposures_account (001).
