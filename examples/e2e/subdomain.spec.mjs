// End to end on real subdomains over HTTPS: the Next.js v5 app on app.example.test, the Express
// and NestJS APIs on api.example.test (two ports), a hostile sibling on evil.example.test. Chromium
// resolves *.example.test to loopback (--host-resolver-rules); every server presents a certificate
// signed by a CA made for this run. Auth.js's session cookie has Domain=.example.test, so the APIs
// receive it; the page calls them with credentials through real CORS preflights.
import test, { after, before } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import https from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encode } from '@auth/core/jwt'
import pg from 'pg'
import { startPostgres, SCHEMA } from '../../__test__/postgres.mjs'
import { children, credentialsSignIn, emailSignIn, examples, freePort, install, launchChromium, run, start, startMailbox, stop, waitFor, tlsFront as frontWithTls } from './harness.mjs'


const SECRET = 'e2e-subdomain-secret-0123456789abcdef0123456789'
const USERS = { small: `small.${'s'.repeat(300)}`, large: `large.${'L'.repeat(7000)}` }
const S = '__Secure-authjs.session-token'
const closers = []
let browser, tls, app, express, nest, evil

/** A CA for this run, and one certificate for every *.example.test host, signed by it. */
function certificates() {
  const dir = mkdtempSync(join(tmpdir(), 'nbt-sub-'))
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  run('openssl', ['req', '-x509', ...ec, '-days', '1', '-subj', '/CN=nextauth-backend-token e2e CA', '-keyout', 'ca.key', '-out', 'ca.pem',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign'], dir)
  run('openssl', ['req', ...ec, '-subj', '/CN=example.test', '-keyout', 'leaf.key', '-out', 'leaf.csr'], dir)
  writeFileSync(join(dir, 'leaf.ext'), 'subjectAltName=DNS:app.example.test,DNS:api.example.test,DNS:evil.example.test\nextendedKeyUsage=serverAuth\n')
  run('openssl', ['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', 'leaf.ext', '-out', 'leaf.pem'], dir)
  run('openssl', ['verify', '-CAfile', 'ca.pem', 'leaf.pem'], dir)
  return { key: readFileSync(join(dir, 'leaf.key')), cert: readFileSync(join(dir, 'leaf.pem')), keyPath: join(dir, 'leaf.key'), certPath: join(dir, 'leaf.pem') }
}

/** Waits for an HTTPS server (its certificate is this run's, so no verification here). */
async function waitForTls(port, child, ms = 60_000) {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`server exited: ${child.log()}`)
    const ok = await new Promise((resolve) => {
      https.get({ host: '127.0.0.1', port, path: '/', rejectUnauthorized: false, timeout: 2000 }, (r) => {
        r.resume()
        resolve(true)
      })
        .on('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`port ${port} did not answer: ${child.log()}`)
}

function tlsFront(port, target) {
  return frontWithTls(tls, port, target).then((close) => closers.push(close))
}

before(async () => {
  tls = certificates()
  for (const dir of ['next-app-v5', 'next-app-db', 'express-api', 'nest-api']) install(dir)
  run('npx', ['next', 'build'], join(examples, 'next-app-v5'))
  run('npx', ['next', 'build'], join(examples, 'next-app-db'))
  run('npx', ['tsc', '-p', 'tsconfig.json'], join(examples, 'nest-api'))
  const [appPort, appFront, expressPort, nestPort, evilPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()])
  app = `https://app.example.test:${appFront}`
  express = `https://api.example.test:${expressPort}`
  nest = `https://api.example.test:${nestPort}`
  evil = `https://evil.example.test:${evilPort}`
  const next = start('npx', ['next', 'start', '-H', '127.0.0.1', '-p', String(appPort)], {
    cwd: join(examples, 'next-app-v5'),
    env: { AUTH_SECRET: SECRET, AUTH_URL: app, AUTH_TRUST_HOST: 'true', COOKIE_DOMAIN: '.example.test', NODE_ENV: 'production' },
  })
  const apiEnv = { AUTH_SECRET: SECRET, ALLOWED_ORIGIN: app, TLS_CERT: tls.certPath, TLS_KEY: tls.keyPath }
  const expressServer = start(process.execPath, ['server.mjs'], { cwd: join(examples, 'express-api'), env: { ...apiEnv, PORT: String(expressPort) } })
  const nestServer = start(process.execPath, ['dist/main.js'], { cwd: join(examples, 'nest-api'), env: { ...apiEnv, PORT: String(nestPort) } })
  // The hostile sibling: a page of its own on evil.example.test.
  const evilServer = https.createServer(tls, (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>evil</title>'))
  closers.push(() => new Promise((r) => evilServer.close(r)))
  await new Promise((r) => evilServer.listen(evilPort, '127.0.0.1', r))
  await waitFor(`http://127.0.0.1:${appPort}/`, next)
  await tlsFront(appFront, appPort)
  await waitForTls(expressPort, expressServer)
  await waitForTls(nestPort, nestServer)
  browser = await launchChromium(['--host-resolver-rules=MAP *.example.test 127.0.0.1'])
})

after(async () => {
  await browser?.close()
  for (const close of closers) await close()
  children.forEach(stop)
})

/** From the app's page, with credentials: GET /me and a JSON POST /notes (a real CORS preflight). */
function callApis(page) {
  return page.evaluate(async ([express, nest]) => {
    const call = async (url, init) => {
      const r = await fetch(url, { credentials: 'include', ...init })
      return { status: r.status, body: await r.json() }
    }
    const post = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ note: 'hello' }) }
    return {
      express: { me: await call(`${express}/me`), note: await call(`${express}/notes`, post) },
      nest: { me: await call(`${nest}/me`), note: await call(`${nest}/notes`, post) },
    }
  }, [express, nest])
}

test('APIs on a sibling subdomain see the app\'s session, refuse a hostile sibling, and ignore planted cookies', { timeout: 240_000 }, async () => {
  // A sibling can plant an unprefixed cookie for the whole domain: here a token that is even valid
  // for that plain name. On HTTPS it must never be used.
  const planted = await encode({ token: { backendToken: 'planted', email: 'mallory@example.test' }, secret: SECRET, salt: 'authjs.session-token' })
  for (const [user, expected] of Object.entries(USERS)) {
    const context = await browser.newContext({ ignoreHTTPSErrors: true })
    const page = await credentialsSignIn(context, app, user)
    const cookies = (await context.cookies(app)).filter((c) => c.name.startsWith(S))
    assert.ok(cookies.length >= (user === 'large' ? 2 : 1) && cookies.every((c) => c.domain === '.example.test' && c.secure), `${user}: the session cookie covers the subdomains`)
    // (From the page: only Chromium resolves *.example.test.)
    const truth = await page.evaluate(async (url) => (await fetch(url)).json(), `${app}/api/truth`)
    assert.deepEqual(truth, { user, token: expected }, 'what Auth.js itself says')

    const a = await callApis(page)
    assert.deepEqual(a.express.me, { status: 200, body: { token: expected } }, `${user}: express`)
    assert.deepEqual(a.nest.me, { status: 200, body: { strategy: 'jwt', email: `${user}@example.test`, token: expected } }, `${user}: nest`)
    assert.deepEqual(a.express.note, { status: 200, body: { saved: true, by: `${user}@example.test`, note: 'hello' } }, 'a write from the app origin')
    assert.deepEqual(a.nest.note, { status: 201, body: { saved: true, by: `${user}@example.test`, note: 'hello' } })

    // The hostile sibling plants plain session cookies for .example.test, then posts to the APIs
    // with the user's cookies attached (same site: SameSite=Lax does not stop it).
    const evilPage = await context.newPage()
    await evilPage.goto(`${evil}/`)
    await evilPage.evaluate((token) => {
      for (const name of ['authjs.session-token', 'next-auth.session-token']) {
        document.cookie = `${name}=${token}; domain=.example.test; path=/; secure; samesite=lax`
      }
    }, planted)
    for (const api of [express, nest]) {
      const [response] = await Promise.all([
        evilPage.waitForResponse((r) => r.url() === `${api}/notes` && r.request().method() === 'POST'),
        evilPage.evaluate((url) => fetch(url, { method: 'POST', credentials: 'include', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: 'transfer' }).catch(() => null), `${api}/notes`),
      ])
      // The page cannot read this opaque answer; the network layer shows it was refused.
      assert.equal(response.status(), 403, `${api}: a cross-site write is refused`)
    }
    // The planted cookies are there, and never win.
    assert.ok((await context.cookies(app)).some((c) => c.name === 'authjs.session-token'))
    const b = await callApis(page)
    assert.deepEqual(b.express.me, { status: 200, body: { token: expected } })
    assert.equal(b.nest.me.body.token, expected)

    // Sign out through Auth.js's own page: only the planted cookies remain, and they are refused.
    await page.goto(`${app}/api/auth/signout`)
    await Promise.all([page.waitForURL(`${app}/`), page.click('button[type="submit"]')])
    const out = await callApis(page)
    assert.deepEqual(out.express.me, { status: 401, body: { error: 'unauthorized', reason: 'INSECURE_COOKIE_ON_HTTPS' } })
    assert.deepEqual([out.nest.me.status, out.nest.me.body.reason], [401, 'INSECURE_COOKIE_ON_HTTPS'])
    assert.ok(!JSON.stringify(out).includes('planted'))
    await context.close()
  }
})

test('database sessions on sibling subdomains: both APIs look the session up; planted ids and cross-site writes are refused', { timeout: 240_000 }, async () => {
  const db = await startPostgres()
  const pool = new pg.Pool({ host: db.host, port: db.port, user: db.user, database: db.database, max: 2 }).on('error', () => {})
  const mailbox = await startMailbox()
  const started = []
  try {
    await pool.query(SCHEMA)
    const [appPort, appFront, expressPort, nestPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()])
    const dbApp = `https://app.example.test:${appFront}`
    const dbExpress = `https://api.example.test:${expressPort}`
    const dbNest = `https://api.example.test:${nestPort}`
    const next = start('npx', ['next', 'start', '-H', '127.0.0.1', '-p', String(appPort)], {
      cwd: join(examples, 'next-app-db'),
      env: { AUTH_SECRET: SECRET, AUTH_URL: dbApp, AUTH_TRUST_HOST: 'true', COOKIE_DOMAIN: '.example.test', DATABASE_URL: db.url, ...mailbox.env, NODE_ENV: 'production' },
    })
    const apiEnv = { AUTH_SECRET: SECRET, ALLOWED_ORIGIN: dbApp, TLS_CERT: tls.certPath, TLS_KEY: tls.keyPath, DATABASE_URL: db.url }
    const expressServer = start(process.execPath, ['server.mjs'], { cwd: join(examples, 'express-api'), env: { ...apiEnv, PORT: String(expressPort) } })
    const nestServer = start(process.execPath, ['dist/main.js'], { cwd: join(examples, 'nest-api'), env: { ...apiEnv, PORT: String(nestPort) } })
    started.push(next, expressServer, nestServer)
    await waitFor(`http://127.0.0.1:${appPort}/`, next)
    await tlsFront(appFront, appPort)
    await waitForTls(expressPort, expressServer)
    await waitForTls(nestPort, nestServer)

    // Another user's live session: its id, planted under the plain name, must never be used.
    const { default: PostgresAdapter } = await import('@auth/pg-adapter')
    const adapter = PostgresAdapter(pool)
    const mallory = await adapter.createUser({ name: 'Mallory', email: 'mallory@example.test', emailVerified: null, image: null })
    const plantedId = crypto.randomUUID()
    await adapter.createSession({ sessionToken: plantedId, userId: mallory.id, expires: new Date(Date.now() + 3_600_000) })

    const context = await browser.newContext({ ignoreHTTPSErrors: true })
    const page = await emailSignIn(context, dbApp, mailbox, 'grace@example.test')
    const cookie = (await context.cookies(dbApp)).find((c) => c.name === S)
    assert.ok(cookie && cookie.domain === '.example.test', 'the session id cookie covers the subdomains')
    const calls = () => page.evaluate(async ([express, nest, app]) => {
      const call = async (url, init) => {
        const r = await fetch(url, { credentials: 'include', ...init })
        return { status: r.status, body: await r.json() }
      }
      return { truth: await call(`${app}/api/truth`), express: await call(`${express}/session`), nest: await call(`${nest}/me`) }
    }, [dbExpress, dbNest, dbApp])
    const a = await calls()
    assert.equal(a.truth.body.email, 'grace@example.test')
    assert.deepEqual([a.express.status, a.express.body.strategy, a.express.body.email], [200, 'database', 'grace@example.test'])
    assert.deepEqual(a.nest, { status: 200, body: { strategy: 'database', email: 'grace@example.test', token: null } })

    const evilPage = await context.newPage()
    await evilPage.goto(`${evil}/`)
    await evilPage.evaluate((id) => {
      document.cookie = `authjs.session-token=${id}; domain=.example.test; path=/; secure; samesite=lax`
    }, plantedId)
    const [response] = await Promise.all([
      evilPage.waitForResponse((r) => r.url() === `${dbNest}/notes` && r.request().method() === 'POST'),
      evilPage.evaluate((url) => fetch(url, { method: 'POST', credentials: 'include', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: 'x' }).catch(() => null), `${dbNest}/notes`),
    ])
    assert.equal(response.status(), 403, 'a cross-site write with a database session is refused')
    const b = await calls()
    assert.equal(b.express.body.email, 'grace@example.test', 'the planted id never wins')
    assert.equal(b.nest.body.email, 'grace@example.test')

    await page.goto(`${dbApp}/api/auth/signout`)
    await Promise.all([page.waitForURL(`${dbApp}/`), page.click('button[type="submit"]')])
    const out = await calls()
    assert.equal(out.truth.body.email, null)
    assert.deepEqual(out.express, { status: 401, body: { error: 'unauthorized', reason: 'INSECURE_COOKIE_ON_HTTPS' } })
    assert.deepEqual([out.nest.status, out.nest.body.reason], [401, 'INSECURE_COOKIE_ON_HTTPS'])
    assert.ok(!JSON.stringify(out).includes('mallory'))
    await context.close()
  } finally {
    started.forEach(stop)
    await mailbox.close()
    await pool.end()
    db.stop()
  }
})
