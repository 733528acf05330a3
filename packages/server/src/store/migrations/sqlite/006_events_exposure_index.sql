-- Attribution credits a conversion to the account's latest exposure at or before it. The exposures rollup keeps
-- only the first and last exposure per trigger × variant × account, so when the account was exposed again after
-- the conversion (a late billing webhook), the latest one before it is read from events, by account and time.
-- Only exposure events (impressions and holdouts) are indexed, so every other event costs ingest nothing more.
-- IF NOT EXISTS (which checks the name only): an operator may build it beforehand, with this exact definition.
CREATE INDEX IF NOT EXISTS events_exposure ON events (account, ts) WHERE type IN ('impression', 'holdout');
