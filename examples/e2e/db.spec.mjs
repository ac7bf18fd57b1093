// End to end with database sessions: the production build of examples/next-app-db (Auth.js v5,
// @auth/pg-adapter, session strategy "database") on a throw-away PostgreSQL cluster, signing in by
// email: a local SMTP server captures the magic-link mail and Chromium opens the link. A Route
// Handler, a Server Component and the separate Express API are checked against what Auth.js's own
// auth() says — signed in, after the row is expired by SQL, after sign-out, and with the database
// stopped (an error code, never null). Loopback only; every server is stopped by PID.
import test, { after, before } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import pg from 'pg'
import { startPostgres, SCHEMA } from '../../__test__/postgres.mjs'
import { children, emailSignIn, examples, freePort, install, launchChromium, run, start, startMailbox, stop, waitFor } from './harness.mjs'

const SECRET = 'e2e-db-secret-0123456789abcdef0123456789abcdef'
const COOKIE = 'authjs.session-token'
let db, pool, mailbox, browser, base, api

before(async () => {
  db = await startPostgres()
  pool = new pg.Pool({ host: db.host, port: db.port, user: db.user, database: db.database, max: 2 }).on('error', () => {})
  await pool.query(SCHEMA)
  mailbox = await startMailbox()
  for (const app of ['next-app-db', 'express-api']) install(app)
  run('npx', ['next', 'build'], join(examples, 'next-app-db'))
  const appPort = await freePort()
  const apiPort = await freePort()
  base = `http://localhost:${appPort}`
  api = `http://localhost:${apiPort}`
  const next = start('npx', ['next', 'start', '-H', '127.0.0.1', '-p', String(appPort)], {
    cwd: join(examples, 'next-app-db'),
    env: { AUTH_SECRET: SECRET, AUTH_URL: base, AUTH_TRUST_HOST: 'true', DATABASE_URL: db.url, ...mailbox.env, NODE_ENV: 'production' },
  })
  const express = start(process.execPath, ['server.mjs'], {
    cwd: join(examples, 'express-api'),
    env: { AUTH_SECRET: SECRET, PORT: String(apiPort), ALLOWED_ORIGIN: base, DATABASE_URL: db.url },
  })
  await waitFor(`http://127.0.0.1:${appPort}/`, next)
  await waitFor(`http://127.0.0.1:${apiPort}/me`, express)
  browser = await launchChromium()
})

after(async () => {
  await browser?.close()
  children.forEach(stop)
  await mailbox?.close()
  await pool?.end()
  db?.stop()
})

const signIn = (context, email) => emailSignIn(context, base, mailbox, email)

/** Every caller's answer: Route Handler, Server Component (store and no argument), the Express API from the page. */
async function everyAnswer(page) {
  const json = async (url) => {
    const r = await page.request.get(url)
    return { status: r.status(), body: await r.json() }
  }
  const route = await json(`${base}/api/session`)
  await page.goto(`${base}/rsc`)
  const rsc = JSON.parse(await page.textContent('#out'))
  const express = await page.evaluate(async (api) => {
    const r = await fetch(`${api}/session`, { credentials: 'include' })
    return { status: r.status, body: await r.json() }
  }, api)
  return { route, rsc, express }
}

test('database sessions: every caller agrees with Auth.js, then after expiry, sign-out and a database outage', { timeout: 240_000 }, async () => {
  const email = 'grace@example.test'
  const context = await browser.newContext()
  let page = await signIn(context, email)
  const cookie = (await context.cookies(base)).find((c) => c.name === COOKIE)
  assert.ok(cookie, 'the session cookie is set')
  const row = (await pool.query('SELECT "userId", expires FROM sessions WHERE "sessionToken" = $1', [cookie.value])).rows[0]
  assert.ok(row, 'the cookie holds the id of a session row the adapter wrote')

  const truth = (await page.request.get(`${base}/api/truth`).then((r) => r.json()))
  assert.equal(truth.email, email)
  const a = await everyAnswer(page)
  assert.deepEqual(a.route.body, { strategy: 'database', email, userId: row.userId, expires: row.expires.toISOString() })
  assert.deepEqual(a.rsc, { fromStore: email, fromContext: email })
  assert.deepEqual(a.express, { status: 200, body: { strategy: 'database', email, userId: row.userId } })

  // The row expired by SQL: every caller says so (and nothing writes to the row).
  await pool.query(`UPDATE sessions SET expires = now() - interval '1 minute' WHERE "sessionToken" = $1`, [cookie.value])
  const expired = await everyAnswer(page)
  assert.deepEqual(expired.route, { status: 401, body: { reason: 'SESSION_EXPIRED' } })
  assert.deepEqual(expired.rsc, { fromStore: null, fromContext: null })
  assert.deepEqual(expired.express, { status: 401, body: { error: 'unauthorized', reason: 'SESSION_EXPIRED' } })
  assert.equal((await pool.query('SELECT count(*)::int AS n FROM sessions WHERE "sessionToken" = $1', [cookie.value])).rows[0].n, 1)
  // Auth.js agrees (and, being the issuer, deletes the expired row).
  assert.equal((await page.request.get(`${base}/api/truth`).then((r) => r.json())).email, null)
  await context.close()

  // Sign in again, then sign out through Auth.js's own page: the row is deleted.
  const context2 = await browser.newContext()
  page = await signIn(context2, email)
  const live = (await context2.cookies(base)).find((c) => c.name === COOKIE)
  assert.equal((await everyAnswer(page)).route.status, 200)

  // The database stops: "could not check" is a 503 with a code, never a 401 or a null.
  db.pause()
  try {
    const route = await page.request.get(`${base}/api/session`)
    assert.deepEqual({ status: route.status(), body: await route.json() }, { status: 503, body: { code: 'ERR_ADAPTER_FAILED' } })
    const express = await page.evaluate(async (api) => {
      const r = await fetch(`${api}/session`, { credentials: 'include' })
      return { status: r.status, body: await r.json() }
    }, api)
    assert.deepEqual(express, { status: 503, body: { error: 'unavailable', code: 'ERR_ADAPTER_FAILED' } })
    // The Server Component does not render a signed-out page: it fails, and Next answers 500.
    assert.equal((await page.request.get(`${base}/rsc`)).status(), 500)
  } finally {
    db.resume()
  }
  assert.equal((await everyAnswer(page)).route.status, 200, 'back once the database is')

  await page.goto(`${base}/api/auth/signout`)
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type="submit"]')])
  assert.equal((await pool.query('SELECT count(*)::int AS n FROM sessions WHERE "sessionToken" = $1', [live.value])).rows[0].n, 0)
  const out = await everyAnswer(page)
  assert.deepEqual(out.route, { status: 401, body: { reason: 'NO_SESSION_COOKIE' } })
  assert.deepEqual(out.express, { status: 401, body: { error: 'unauthorized', reason: 'NO_SESSION_COOKIE' } })
  // The old cookie replayed after sign-out: its row is gone.
  await context2.addCookies([live])
  const replay = await everyAnswer(page)
  assert.deepEqual(replay.route, { status: 401, body: { reason: 'SESSION_NOT_FOUND' } })
  assert.deepEqual(replay.rsc, { fromStore: null, fromContext: null })
  assert.deepEqual(replay.express, { status: 401, body: { error: 'unauthorized', reason: 'SESSION_NOT_FOUND' } })
  assert.equal((await page.request.get(`${base}/api/truth`).then((r) => r.json())).email, null)
  await context2.close()
})
