-- Lift against a holdout compares like with like: for every trigger × variant (the holdout included), the accounts
-- that converted within the attribution window after their first exposure, whichever exposure the conversion was
-- credited to. Credit (`converted_at`) goes to the latest exposure only, so a held-out account whose free placement
-- showed another trigger's prompt, or a reached account shown a later prompt, would otherwise count as not
-- converted on one side only.
--
-- `exposures.window_converted_at`: the earliest conversion of the account at or after `first_exposed_at` and within
-- the attribution window of it, set when the conversion is recorded (from the exposures received by then, as credit
-- is). `cohorts.window_converted` counts those accounts per cohort day.

ALTER TABLE exposures ADD COLUMN window_converted_at BIGINT;
ALTER TABLE cohorts ADD COLUMN window_converted BIGINT NOT NULL DEFAULT 0;

-- Conversions recorded before this migration count where they were credited (the window an exposure row was
-- recorded against is not stored); conversions recorded from now on count for every exposure they followed.
-- The cohort triggers of 002 still run here and ignore the new column: the cohorts are set from `converted`.
UPDATE exposures SET window_converted_at = converted_at WHERE converted_at IS NOT NULL;
UPDATE cohorts SET window_converted = converted;

CREATE OR REPLACE FUNCTION nudgekit_cohorts_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO cohorts AS c (day, trigger, variant, accounts, converted, expansion_mrr, window_converted)
  SELECT date '1970-01-01' + (first_exposed_at / 86400000)::int AS day, trigger, variant, count(*),
         count(converted_at), sum(expansion_mrr), count(window_converted_at)
  FROM added GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (day, trigger, variant) DO UPDATE SET accounts = c.accounts + excluded.accounts,
    converted = c.converted + excluded.converted, expansion_mrr = c.expansion_mrr + excluded.expansion_mrr,
    window_converted = c.window_converted + excluded.window_converted;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION nudgekit_cohorts_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO cohorts AS c (day, trigger, variant, accounts, converted, expansion_mrr, window_converted)
  SELECT day, trigger, variant, sum(accounts), sum(converted), sum(expansion_mrr), sum(window_converted) FROM (
    SELECT date '1970-01-01' + (first_exposed_at / 86400000)::int AS day, trigger, variant, -1 AS accounts,
           -(converted_at IS NOT NULL)::int AS converted, -expansion_mrr AS expansion_mrr,
           -(window_converted_at IS NOT NULL)::int AS window_converted
    FROM old_rows
    UNION ALL
    SELECT date '1970-01-01' + (first_exposed_at / 86400000)::int, trigger, variant, 1,
           (converted_at IS NOT NULL)::int, expansion_mrr, (window_converted_at IS NOT NULL)::int
    FROM new_rows
  ) moved GROUP BY 1, 2, 3
  HAVING sum(accounts) <> 0 OR sum(converted) <> 0 OR sum(expansion_mrr) <> 0 OR sum(window_converted) <> 0
  ORDER BY 1, 2, 3
  ON CONFLICT (day, trigger, variant) DO UPDATE SET accounts = c.accounts + excluded.accounts,
    converted = c.converted + excluded.converted, expansion_mrr = c.expansion_mrr + excluded.expansion_mrr,
    window_converted = c.window_converted + excluded.window_converted;
  RETURN NULL;
END $$;
