-- The cohort update trigger only has work when first_exposed_at, converted_at or expansion_mrr change, so it
-- now fires only for updates that set one of them: ingest's update of last_exposed_at and exposures (every
-- repeat exposure) no longer runs it. Same body and WHEN as in 002_cohorts.

DROP TRIGGER exposures_cohort_update;

CREATE TRIGGER exposures_cohort_update AFTER UPDATE OF first_exposed_at, converted_at, expansion_mrr ON exposures
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
