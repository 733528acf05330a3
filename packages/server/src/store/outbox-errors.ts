// The `last_error` of deliveries the store dead-letters itself, as SQL both stores run (so they write the same text).

/** A delivery whose every lease ended without an outcome: `no outcome recorded after 6 attempts (…)`. */
export const NO_OUTCOME_ERROR = `'no outcome recorded after ' || attempts || ' attempts (the instance stopped mid-attempt)'`

/** A delivery of a route no instance serves: `route 'sales' is no longer in the rules (…)`. */
export const UNROUTED_ERROR = `'route ''' || route || ''' is no longer in the rules (removed, or disabled by an unset secret or a non-http url)'`
