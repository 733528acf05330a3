-- Durable webhook delivery: a routed notification is a row here from its claim until it is delivered (then the
-- row is deleted) or has used up its attempts (then it stays, with dead_at set, as a dead letter). Workers lease
-- due rows with FOR UPDATE SKIP LOCKED, so two instances never lease one row at once; a lease that ends without
-- an outcome (the instance crashed) makes the row due again.

CREATE TABLE webhook_outbox (
  id              TEXT    NOT NULL PRIMARY KEY,
  route           TEXT    NOT NULL,
  account         TEXT    NOT NULL,
  trigger         TEXT    NOT NULL,
  payload         TEXT    NOT NULL, -- the JSON body as sent: text, not jsonb, so every attempt signs the same bytes
  attempts        BIGINT  NOT NULL DEFAULT 0,
  next_attempt_at BIGINT  NOT NULL,
  lease_owner     TEXT,
  lease_until     BIGINT,
  last_error      TEXT,
  created_at      BIGINT  NOT NULL,
  dead_at         BIGINT
);

CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at) WHERE dead_at IS NULL;
