// getSession and the adapter option, against a real PostgreSQL server: sessions are written by
// the real adapters (@auth/pg-adapter, and @auth/kysely-adapter on the same database), JWT
// sessions minted by the real issuers.
import test, { after, before } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { randomBytes, randomUUID } from 'node:crypto'
import pg from 'pg'
import PostgresAdapter from '@auth/pg-adapter'
import { KyselyAdapter } from '@auth/kysely-adapter'
import { Kysely, PostgresDialect } from 'kysely'
import { RequestCookies } from '@edge-runtime/cookies'
import { SECRET, authjsSignIn, backendTokenOf, mintV4 } from './helpers.mjs'
import { startPostgres, SCHEMA } from './postgres.mjs'

const require = createRequire(import.meta.url)
const { getSession, getBackendToken, inspectToken, createResolver } = require('../index.js')
const S = '__Secure-authjs.session-token'
const DAY = 24 * 3600 * 1000

// The platform jobs of the release workflow (macOS, Windows, Alpine containers) have no PostgreSQL
// server; they say so explicitly. Everywhere else a missing server fails these tests.
const skip = process.env.NBT_PLATFORM_JOB ? 'a platform job: no PostgreSQL server on this runner (NBT_PLATFORM_JOB)' : false
const dbTest = (name, fn) => test(name, { skip }, fn)

let db, pool, kysely, adapter, kyselyAdapter
before(async () => {
  if (skip) return
  db = await startPostgres()
  // Idle clients of a pool emit 'error' when the server goes away (the test stops it on purpose).
  const newPool = (max) => new pg.Pool({ host: db.host, port: db.port, user: db.user, database: db.database, max }).on('error', () => {})
  pool = newPool(4)
  await pool.query(SCHEMA)
  await pool.query('ALTER TABLE users ADD COLUMN "backendToken" TEXT')
  adapter = PostgresAdapter(pool)
  kysely = new Kysely({ dialect: new PostgresDialect({ pool: newPool(2) }) })
  kyselyAdapter = KyselyAdapter(kysely)
})
after(async () => {
  await pool?.end()
  await kysely?.destroy()
  db?.stop()
})

/** A user and a session written by the adapter itself, as Auth.js does at sign-in. */
async function signedIn(a = adapter, { expires = new Date(Date.now() + 30 * DAY), sessionToken = randomUUID(), user = {} } = {}) {
  const created = await a.createUser({ id: randomUUID(), name: 'Ada', email: `ada-${randomUUID()}@example.test`, emailVerified: null, image: 'https://img.example.test/ada.png', ...user })
  const session = await a.createSession({ sessionToken, userId: created.id, expires })
  return { user: created, session, sessionToken }
}

const sourcesOf = (name, value) => [
  `theme=dark; ${name}=${value}; locale=en`,
  new Request('https://api.example.test/me', { headers: { cookie: `${name}=${value}` } }),
  new Headers({ cookie: `${name}=${value}` }),
  new RequestCookies(new Headers({ cookie: `a=1; ${name}=${value}` })),
  { a: '1', [name]: value },
  { headers: { cookie: `${name}=${value}` } },
  Promise.resolve(`${name}=${value}`),
]

dbTest('a database session resolves through the adapter from every source, shaped like Auth.js sessions', async () => {
  const { user, sessionToken } = await signedIn()
  for (const source of sourcesOf(S, sessionToken)) {
    const s = await getSession(source, { adapter })
    assert.equal(s.strategy, 'database')
    assert.equal(s.user.id, user.id)
    assert.equal(s.user.email, user.email)
    assert.equal(s.session.userId, user.id)
    assert.equal(s.session.sessionToken, sessionToken)
    assert.equal(s.expires, new Date(s.session.expires).toISOString())
    assert.equal(s.token, undefined)
  }
  const report = await inspectToken(`${S}=${sessionToken}`, { adapter })
  assert.deepEqual([report.ok, report.reason, report.strategy, report.cookieName, report.format], [true, 'OK', 'database', S, 'opaque'])
  assert.ok(!JSON.stringify(report).includes(sessionToken), 'a report never carries the session id')
})

dbTest('the contract is the adapter interface: a second adapter (Kysely) on the same database works the same', async () => {
  const { user, sessionToken } = await signedIn(kyselyAdapter)
  const s = await getSession(`${S}=${sessionToken}`, { adapter: kyselyAdapter })
  assert.equal(s.strategy, 'database')
  assert.equal(s.user.id, user.id)
  assert.equal(s.session.userId, user.id)
  // next-auth@4 names and 64-hex ids (v4's default generator) are found the same way.
  const v4 = await signedIn(kyselyAdapter, { sessionToken: randomBytes(32).toString('hex') })
  assert.equal((await getSession(`next-auth.session-token=${v4.sessionToken}`, { adapter: kyselyAdapter })).user.id, v4.user.id)
})

dbTest('missing and expired rows are null with a reason; the resolver never writes', async () => {
  const missing = randomUUID()
  assert.equal(await getSession(`${S}=${missing}`, { adapter }), null)
  assert.equal((await inspectToken(`${S}=${missing}`, { adapter })).reason, 'SESSION_NOT_FOUND')
  const { sessionToken } = await signedIn()
  await pool.query(`UPDATE sessions SET expires = now() - interval '1 minute' WHERE "sessionToken" = $1`, [sessionToken])
  const before = (await pool.query('SELECT expires FROM sessions WHERE "sessionToken" = $1', [sessionToken])).rows[0].expires
  assert.equal(await getSession(`${S}=${sessionToken}`, { adapter }), null)
  const r = await inspectToken(`${S}=${sessionToken}`, { adapter })
  assert.deepEqual([r.ok, r.reason, r.strategy], [false, 'SESSION_EXPIRED', 'database'])
  assert.match(r.hint, /expired/)
  // Read-only: the expired row is neither deleted nor extended (Auth.js itself would delete it).
  const rows = (await pool.query('SELECT expires FROM sessions WHERE "sessionToken" = $1', [sessionToken])).rows
  assert.equal(rows.length, 1)
  assert.equal(rows[0].expires.getTime(), before.getTime())
  // A fixed clock (the `now` option) is honoured.
  const soon = await signedIn(adapter, { expires: new Date(Date.now() + 60_000) })
  assert.ok(await getSession(`${S}=${soon.sessionToken}`, { adapter }))
  assert.equal(await getSession(`${S}=${soon.sessionToken}`, { adapter, now: Date.now() / 1000 + 120 }), null)
})

dbTest('sign-out takes effect at once without the cache; with it, at most the TTL later and never past expires', async () => {
  const { sessionToken } = await signedIn()
  const cookie = `${S}=${sessionToken}`
  assert.ok(await getSession(cookie, { adapter }))
  await adapter.deleteSession(sessionToken)
  assert.equal(await getSession(cookie, { adapter }), null)

  const cached = createResolver({ adapter, sessionCacheTtl: 60 })
  const other = await signedIn()
  const otherCookie = `${S}=${other.sessionToken}`
  assert.ok(await cached.getSession(otherCookie))
  await adapter.deleteSession(other.sessionToken)
  assert.ok(await cached.getSession(otherCookie), 'served from the cache within its TTL')
  assert.equal(await getSession(otherCookie, { adapter }), null, 'without the cache: signed out')
  const short = await signedIn(adapter, { expires: new Date(Date.now() + 1500) })
  assert.ok(await cached.getSession(`${S}=${short.sessionToken}`))
  await new Promise((r) => setTimeout(r, 1600))
  assert.equal(await cached.getSession(`${S}=${short.sessionToken}`), null, 'a cached session ends at its expires')
})

dbTest('"could not check" is an error with a code and the cause, never null', async () => {
  const { sessionToken } = await signedIn()
  const cookie = `${S}=${sessionToken}`
  const closedPool = new pg.Pool({ host: '127.0.0.1', port: 1, user: 'postgres', connectionTimeoutMillis: 2000 }).on('error', () => {})
  const closed = PostgresAdapter(closedPool)
  await assert.rejects(getSession(cookie, { adapter: closed }), (e) => e.code === 'ERR_ADAPTER_FAILED' && e.cause instanceof Error && !e.message.includes(sessionToken))
  await assert.rejects(getBackendToken(cookie, { adapter: closed }), { code: 'ERR_ADAPTER_FAILED' })
  const hanging = { getSessionAndUser: () => new Promise(() => {}) }
  const t = Date.now()
  await assert.rejects(getSession(cookie, { adapter: hanging, adapterTimeout: 200 }), { code: 'ERR_ADAPTER_FAILED', message: /200 ms/ })
  assert.ok(Date.now() - t < 2000)
  const throwing = { getSessionAndUser() { throw new Error('boom') } }
  await assert.rejects(getSession(cookie, { adapter: throwing }), (e) => e.code === 'ERR_ADAPTER_FAILED' && e.cause.message === 'boom')
  await assert.rejects(getSession(cookie, { adapter: { getSessionAndUser: async () => 42 } }), { code: 'ERR_ADAPTER_FAILED' })
  // The database itself stopped under a live pool.
  db.pause()
  try {
    await assert.rejects(getSession(cookie, { adapter, adapterTimeout: 3000 }), { code: 'ERR_ADAPTER_FAILED' })
  } finally {
    db.resume()
  }
  assert.ok(await getSession(cookie, { adapter }), 'back once the database is')
})

dbTest('hostile ids reach the adapter only as a bound parameter, or not at all, and end in null with a reason', async () => {
  const calls = []
  const counting = { getSessionAndUser: (id) => (calls.push(id), adapter.getSessionAndUser(id)) }
  const cases = {
    "x'; DROP TABLE sessions; --": 'MALFORMED_TOKEN',
    [`${'a'.repeat(10_000)}`]: 'MALFORMED_TOKEN',
    'not-a-uuid': 'SESSION_NOT_FOUND',
    'abc': 'SESSION_NOT_FOUND',
    [`${randomUUID()}.${randomUUID()}`]: 'MALFORMED_TOKEN',
    '%27%3B': 'MALFORMED_TOKEN',
  }
  for (const [id, reason] of Object.entries(cases)) {
    const cookie = `${S}=${id}`
    assert.equal(await getSession(cookie, { adapter: counting }), null)
    assert.equal((await inspectToken(cookie, { adapter: counting })).reason, reason, id.slice(0, 20))
  }
  assert.deepEqual([...new Set(calls)].sort(), ['abc', 'not-a-uuid'])
  assert.equal((await pool.query('SELECT count(*) FROM sessions')).rows[0].count > 0, true, 'the table is intact')
  // A chunked opaque value is not a lookup.
  const chunked = `${S}.0=${randomUUID()}; ${S}.1=abc`
  assert.equal((await inspectToken(chunked, { adapter: counting })).reason, 'MALFORMED_TOKEN')
})

dbTest('JWT sessions resolve with or without an adapter; a planted plain cookie never wins', async () => {
  const bt = backendTokenOf(300, 'jwt')
  const { header, jar } = await authjsSignIn({ https: true, backendToken: bt })
  for (const options of [{ secret: SECRET }, { secret: SECRET, adapter }]) {
    const s = await getSession(header, options)
    assert.equal(s.strategy, 'jwt')
    assert.equal(s.token.backendToken, bt)
    assert.deepEqual(s.user, { ...(s.token.sub ? { id: s.token.sub } : {}), name: 'ada', email: s.token.email, ...(s.token.picture ? { image: s.token.picture } : {}) })
    assert.equal(s.expires, new Date(s.token.exp * 1000).toISOString())
    assert.equal(await getBackendToken(header, { ...options }), bt)
  }
  const big = await authjsSignIn({ https: true, backendToken: backendTokenOf(7000, 'big') })
  assert.equal((await getSession(big.header, { secret: SECRET })).token.backendToken.length, 7000)
  // A database session beside a planted plain cookie on HTTPS: the secure one is used.
  const { user, sessionToken } = await signedIn()
  const planted = await signedIn()
  const tossed = new Request('https://api.example.test/', { headers: { cookie: `authjs.session-token=${planted.sessionToken}; ${S}=${sessionToken}` } })
  assert.equal((await getSession(tossed, { adapter })).user.id, user.id)
  const onlyPlanted = new Request('https://api.example.test/', { headers: { cookie: `authjs.session-token=${planted.sessionToken}` } })
  assert.equal(await getSession(onlyPlanted, { adapter }), null)
  assert.equal((await inspectToken(onlyPlanted, { adapter })).reason, 'INSECURE_COOKIE_ON_HTTPS')
  // Without an adapter an opaque cookie is what it was: a reason, not a lookup.
  assert.equal(await getSession(`${S}=${sessionToken}`, { secret: SECRET }), null)
  assert.equal(inspectToken(`${S}=${sessionToken}`, { secret: SECRET }).reason, 'OPAQUE_SESSION_TOKEN')
  assert.equal(await getSession('theme=dark', { secret: SECRET }), null)
  void jar
})

dbTest('getBackendToken with an adapter: a JWT claim, or for a database session the session row then the user row', async () => {
  const { user, sessionToken } = await signedIn()
  await pool.query('UPDATE users SET "backendToken" = $1 WHERE id = $2', ['from-the-user-row', user.id])
  assert.equal(await getBackendToken(`${S}=${sessionToken}`, { adapter }), 'from-the-user-row')
  const bare = await signedIn()
  assert.equal(await getBackendToken(`${S}=${bare.sessionToken}`, { adapter }), null)
  assert.equal(await getBackendToken(`${S}=${bare.sessionToken}`, { adapter, claim: 'email' }), bare.user.email)
  // Still synchronous without an adapter.
  const v4 = await mintV4({ claims: { backendToken: 'v4' } })
  assert.equal(getBackendToken(`next-auth.session-token=${v4}`, { secret: SECRET }), 'v4')
})

dbTest('createResolver with an adapter needs no secret for database sessions; options are checked at start-up', async () => {
  const saved = { ...process.env }
  try {
    for (const k of ['AUTH_SECRET', 'AUTH_SECRET_1', 'AUTH_SECRET_2', 'AUTH_SECRET_3', 'NEXTAUTH_SECRET']) delete process.env[k]
    const auth = createResolver({ adapter })
    const { user, sessionToken } = await signedIn()
    assert.equal((await auth.getSession(`${S}=${sessionToken}`)).user.id, user.id)
    assert.throws(() => createResolver({}), { code: 'ERR_MISSING_SECRET' })
    assert.throws(() => createResolver({ adapter: {} }), { code: 'ERR_INVALID_OPTION', message: /getSessionAndUser/ })
    assert.throws(() => createResolver({ adapter, adapterTimeout: 0 }), { code: 'ERR_INVALID_OPTION' })
    await assert.rejects(getSession('a=1', { adapter: 'postgres://' }), { code: 'ERR_INVALID_OPTION' })
  } finally {
    Object.assign(process.env, saved)
  }
})
