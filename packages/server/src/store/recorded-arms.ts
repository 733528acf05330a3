// The arms the exposures rollup holds, found by skipping through its primary key: one SQL text for both stores.

/**
 * Every trigger × variant of `exposures` (primary key trigger, variant, account): the triggers by skipping from one
 * to the next, then each trigger's variants the same way, one index probe per row returned instead of a scan of the
 * accounts. An exposure row of the `holdout` arm comes of a holdout exposure (POST /v1/events refuses an impression
 * naming that arm), so `holdout` is listed only for a trigger that some served rules held accounts out of.
 */
export const RECORDED_ARMS_SQL = `WITH RECURSIVE triggers (trigger) AS (
    SELECT min(trigger) FROM exposures
    UNION ALL SELECT (SELECT min(trigger) FROM exposures WHERE trigger > triggers.trigger) FROM triggers WHERE trigger IS NOT NULL),
  arms (trigger, variant) AS (
    SELECT trigger, (SELECT min(variant) FROM exposures e WHERE e.trigger = triggers.trigger) FROM triggers WHERE trigger IS NOT NULL
    UNION ALL
    SELECT trigger, (SELECT min(variant) FROM exposures e WHERE e.trigger = arms.trigger AND e.variant > arms.variant) FROM arms
    WHERE variant IS NOT NULL)
  SELECT trigger, variant FROM arms WHERE variant IS NOT NULL`
