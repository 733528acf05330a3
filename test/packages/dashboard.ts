// The dashboard of an installed server as an analyst meets it: the sign-in form, signing in, the report.
import assert from 'node:assert/strict'

/** What the sign-in page must show: the form posting the secret key (a blank 200 once passed for it). */
const SIGN_IN = ['<form method="post" action="/dashboard/login">', '<label for="key">Secret key</label>', '<input id="key" name="key" type="password"']

/**
 * GET /dashboard on the server at `base` shows the sign-in form, POST /dashboard/login with `secretKey` answers
 * 303 with a session cookie, and GET /dashboard with it renders the report with a row and a chart for `trigger`.
 * Throws with what the server answered; returns a note of what it saw.
 * @example await check('the dashboard signs in', () => walkDashboard('http://127.0.0.1:19123', keys.secret, 'contacts-80'))
 */
export async function walkDashboard(base: string, secretKey: string, trigger: string): Promise<string> {
  const login = await fetch(`${base}/dashboard`)
  const form = await login.text()
  assert.ok(login.status === 200, `GET /dashboard answered ${login.status}: ${excerpt(form)}`)
  const absent = SIGN_IN.filter((part) => !form.includes(part))
  assert.ok(!absent.length, `the sign-in page (${form.length} bytes) lacks ${absent.join(', ')}: ${excerpt(form)}`)

  const signIn = await fetch(`${base}/dashboard/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ key: secretKey }),
  })
  const cookie = signIn.headers.get('set-cookie')?.split(';')[0] ?? ''
  assert.ok(
    signIn.status === 303 && cookie.startsWith('nudgekit_session='),
    `POST /dashboard/login with the secret key answered ${signIn.status}, cookie '${cookie}': ${excerpt(await signIn.text())}`,
  )

  const report = await fetch(`${base}/dashboard`, { headers: { cookie } })
  const html = await report.text()
  assert.ok(report.status === 200, `GET /dashboard signed in answered ${report.status}: ${excerpt(html)}`)
  const missing = ['<h1>Acceptance by trigger</h1>', `<th scope="row">${trigger}</th>`, '<svg class="chart"'].filter((part) => !html.includes(part))
  assert.ok(!missing.length, `the report (${html.length} bytes) lacks ${missing.join(', ')}: ${excerpt(html)}`)
  return `sign-in form of ${form.length} bytes, 303 with a session, report of ${(html.length / 1024).toFixed(1)} KB with ${trigger}`
}

function excerpt(text: string): string {
  return text ? `${JSON.stringify(text.slice(0, 300))}${text.length > 300 ? '…' : ''}` : 'an empty body'
}
