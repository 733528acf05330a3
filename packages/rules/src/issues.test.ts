import { describe, expect, it } from 'vitest'
import { formatIssues, formatPath, RulesError, summarizeIssues, type RulesIssue } from './issues.ts'
import { suggest } from './suggest.ts'

const unknownMetric: RulesIssue = {
  code: 'unknown_metric', severity: 'error', file: 'acme.yaml', line: 12, column: 15,
  path: 'triggers[0].when.usage', message: "unknown metric 'invoice'", hint: "did you mean 'invoices'?",
}
const unsafe: RulesIssue = {
  code: 'unsafe_url', severity: 'warning', file: 'acme.yaml', line: 20, column: 30,
  path: 'routes[0].url', message: "webhook URL 'http://x' is not https", hint: 'send them over https',
}

describe('formatIssues', () => {
  it('prints compiler-style lines with the suggestion inline and other hints below', () => {
    expect(formatIssues([unknownMetric, unsafe])).toBe(
      "acme.yaml:12:15 error unknown metric 'invoice' — did you mean 'invoices'? (triggers[0].when.usage)\n" +
        "acme.yaml:20:30 warning webhook URL 'http://x' is not https (routes[0].url)\n  hint: send them over https",
    )
  })

  it('colours severity only when asked', () => {
    expect(formatIssues([unknownMetric], { color: true })).toContain('\u001b[31merror\u001b[0m')
    expect(formatIssues([unknownMetric])).not.toContain('\u001b')
  })

  it('escapes control characters from the file, so a value cannot drive the terminal', () => {
    const hostile = { ...unknownMetric, message: "invalid id 'a\u001b]0;pwned\u0007'", hint: 'x\u001b[2J' }
    expect(formatIssues([hostile])).toBe("acme.yaml:12:15 error invalid id 'a\\u001b]0;pwned\\u0007' (triggers[0].when.usage)\n  hint: x\\u001b[2J")
  })

  it('leaves out the position of rules that did not come from text', () => {
    expect(formatIssues([{ ...unknownMetric, file: undefined, line: 0, column: 0 }])).toMatch(/^<rules> error /)
  })
})

describe('summarizeIssues and RulesError', () => {
  it('counts errors and warnings', () => {
    expect(summarizeIssues([unknownMetric, unsafe, unsafe])).toBe('1 error, 2 warnings')
  })

  it('carries the issues and says what failed and what to do', () => {
    const error = new RulesError([unknownMetric])
    expect(error).toBeInstanceOf(Error)
    expect(error.issues).toEqual([unknownMetric])
    expect(error.message).toBe("[nudgekit] Failed to load rules: 1 error; first: unknown metric 'invoice'. Run 'nudgekit validate' on the file for every problem.")
  })
})

describe('formatPath', () => {
  it('writes indices in brackets and odd keys quoted', () => {
    expect(formatPath(['triggers', 0, 'when', 'all', 1, 'usage'])).toBe('triggers[0].when.all[1].usage')
    expect(formatPath(['metrics', 'bad id'])).toBe('metrics["bad id"]')
  })
})

describe('suggest', () => {
  it('finds typos, transpositions and case slips, and nothing far away', () => {
    expect(suggest('invoice', ['invoices', 'contacts'])).toBe('invoices')
    expect(suggest('cotnacts', ['invoices', 'contacts'])).toBe('contacts')
    expect(suggest('Seats', ['seats'])).toBe('seats')
    expect(suggest('xyz', ['invoices', 'contacts'])).toBeUndefined()
  })
})
