// Options: read once (createResolver, or once per distinct per-call options object), never
// stale when the caller mutates them, and the regressions found in the audit of the native code.
import test from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { spawnSync } from 'node:child_process'
import { SECRET, OLD_SECRET, authjsSignIn, backendTokenOf, mintV5, mintV4 } from './helpers.mjs'

const require = createRequire(import.meta.url)
const nbt = require('../index.js')
const { createResolver, getBackendToken, getToken, inspectToken } = nbt
const S = '__Secure-authjs.session-token'

const small = { backendToken: backendTokenOf(300, 'small') }
Object.assign(small, await authjsSignIn({ https: true, backendToken: small.backendToken }))
const large = await authjsSignIn({ https: true, backendToken: backendTokenOf(7000, 'large') })

test('createResolver gives the same answers as per-call options, for every function and source', async () => {
  const auth = createResolver({ secret: SECRET })
  const v4 = await mintV4({ claims: { backendToken: 'v4' } })
  const sources = [
    small.header,
    large.header,
    new Request('https://app.example.test/', { headers: { cookie: large.header } }),
    new Headers({ cookie: small.header }),
    { getAll: () => [...small.jar].map(([name, value]) => ({ name, value })) },
    Object.fromEntries(large.jar),
    `next-auth.session-token=${v4}`,
    'theme=dark',
    undefined,
  ]
  for (const source of sources) {
    const opts = { secret: SECRET }
    assert.equal(auth.getBackendToken(source), getBackendToken(source, opts))
    assert.deepEqual(auth.getToken(source), getToken(source, opts))
    assert.deepEqual(auth.inspectToken(source), inspectToken(source, opts))
  }
  assert.equal(await auth.getBackendToken(Promise.resolve(small.header)), getBackendToken(small.header, { secret: SECRET }))
  assert.ok(Object.isFrozen(auth))
})

test('createResolver validates at start-up: missing or short secrets and bad options throw there', () => {
  const saved = { ...process.env }
  try {
    for (const k of ['AUTH_SECRET', 'AUTH_SECRET_1', 'AUTH_SECRET_2', 'AUTH_SECRET_3', 'NEXTAUTH_SECRET']) delete process.env[k]
    assert.throws(() => createResolver(), { code: 'ERR_MISSING_SECRET', message: /AUTH_SECRET/ })
    assert.throws(() => createResolver({ secret: '' }), { code: 'ERR_MISSING_SECRET' })
    assert.throws(() => createResolver({ secret: 'too-short' }), { code: 'ERR_INVALID_OPTION', message: /secret.*32 characters/ })
    assert.throws(() => createResolver({ secret: [SECRET, 'short'] }), { code: 'ERR_INVALID_OPTION' })
    assert.throws(() => createResolver({ secret: SECRET, maxChunks: 0 }), { code: 'ERR_INVALID_OPTION', name: 'TypeError' })
    assert.throws(() => createResolver({ secret: SECRET, secure: 'sometimes' }), { code: 'ERR_INVALID_OPTION', message: /`secure`/ })
    // The environment is read once, at creation.
    process.env.AUTH_SECRET = SECRET
    const fromEnv = createResolver()
    delete process.env.AUTH_SECRET
    assert.equal(fromEnv.getBackendToken(small.header), small.backendToken)
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
    Object.assign(process.env, saved)
  }
})

test('a per-call options object mutated between calls never gives results from stale settings', async () => {
  const opts = { secret: OLD_SECRET }
  assert.equal(getBackendToken(small.header, opts), null)
  opts.secret = SECRET
  assert.equal(getBackendToken(small.header, opts), small.backendToken)
  opts.claim = 'name'
  assert.equal(getBackendToken(small.header, opts), 'ada')
  delete opts.claim
  assert.equal(getBackendToken(small.header, opts), small.backendToken)
  // Arrays are compared by content, and mutating one in place is seen.
  const rotation = { secret: [OLD_SECRET] }
  assert.equal(getBackendToken(small.header, rotation), null)
  rotation.secret.push(SECRET)
  assert.equal(getBackendToken(small.header, rotation), small.backendToken)
  rotation.secret.length = 1
  assert.equal(getBackendToken(small.header, rotation), null)
  // A fresh literal with the same values every call (the common case) gives the same answers.
  for (let i = 0; i < 3; i++) assert.equal(getBackendToken(small.header, { secret: SECRET, secure: 'auto' }), small.backendToken)
  // Getters are read on every call, and objects with hidden or inherited options are read whole.
  let current = OLD_SECRET
  const viaGetter = { get secret() { return current } }
  const seen = [OLD_SECRET, SECRET, OLD_SECRET, SECRET].map((s) => ((current = s), getBackendToken(small.header, viaGetter)))
  assert.deepEqual(seen, [null, small.backendToken, null, small.backendToken])
  const hidden = Object.defineProperty({ secret: OLD_SECRET }, 'cookieName', { value: 'other', enumerable: false })
  assert.equal(getBackendToken(small.header, hidden), null)
  class Options { get secret() { return SECRET } }
  assert.equal(getBackendToken(small.header, new Options()), small.backendToken)
  // A debug function swapped for another is the one called.
  const calls = []
  const o = { secret: SECRET, debug: () => calls.push('first') }
  getBackendToken(`${S}=x`, o)
  o.debug = () => calls.push('second')
  getBackendToken(`${S}=x`, o)
  assert.deepEqual(calls, ['first', 'second'])
})

test('audit: a long configured name never matches a longer store name that ends in a multi-byte character', async () => {
  const name = 'n'.repeat(254)
  const token = await mintV5({ claims: { backendToken: 'short-name' }, salt: name })
  const opts = { secret: SECRET, cookieName: name }
  for (const suffix of ['é', '€', '😀']) {
    const store = { getAll: () => [{ name: name + suffix, value: token }] }
    assert.equal(getBackendToken(store, opts), null, suffix)
    assert.equal(getBackendToken(`${name + suffix}=${token}`, opts), null, suffix)
  }
  assert.equal(getBackendToken({ getAll: () => [{ name, value: token }] }, opts), 'short-name')
  const long = 'n'.repeat(900) // longer than any fixed buffer (Auth.js bounds its HKDF info to 1024 bytes)
  const longToken = await mintV5({ claims: { backendToken: 'long-name' }, salt: long })
  assert.equal(getBackendToken({ getAll: () => [{ name: long, value: longToken }] }, { secret: SECRET, cookieName: long }), 'long-name')
})

test('audit: a record key holding NUL beside a valid session is an ordinary cookie, not an uncoded throw', () => {
  const record = { 'a\0b': 'x', '\0': '\0', ...Object.fromEntries(small.jar) }
  assert.equal(getBackendToken(record, { secret: SECRET }), small.backendToken)
  assert.ok(inspectToken(record, { secret: SECRET }).presentCookies.includes('a\0b'))
  const req = { headers: {}, cookies: record }
  assert.equal(getBackendToken(req, { secret: SECRET }), small.backendToken)
})

test('audit: limits are checked before a string is copied out of V8', () => {
  // In a child process so its memory can be measured: a 256M-character header (256 MB in V8)
  // must be refused without copying it (a UTF-16 copy alone would be 512 MB more).
  const script = `
    const { getBackendToken, inspectToken } = require(${JSON.stringify(require.resolve('../index.js'))})
    const header = 'a=' + 'x'.repeat(256 * 1024 * 1024) + '; ${S}=x'
    header.indexOf('${S}') // flatten
    const before = process.memoryUsage().rss
    const t = process.hrtime.bigint()
    const r = inspectToken(header, { secret: '${SECRET}' })
    const record = inspectToken({ [${JSON.stringify(S)}]: header }, { secret: '${SECRET}' })
    const ms = Number(process.hrtime.bigint() - t) / 1e6
    console.log(JSON.stringify({ reason: r.reason, record: record.reason, ms, grewMiB: (process.memoryUsage().rss - before) / 1048576 }))`
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 })
  assert.equal(r.status, 0, r.stderr)
  const out = JSON.parse(r.stdout)
  console.log(`# 256M-character header refused in ${out.ms.toFixed(2)} ms, RSS +${out.grewMiB.toFixed(1)} MiB`)
  assert.equal(out.reason, 'TOO_LARGE')
  assert.equal(out.record, 'TOO_LARGE')
  assert.ok(out.grewMiB < 64, `RSS grew ${out.grewMiB} MiB`)
  assert.ok(out.ms < 200, `${out.ms} ms`)
})

test('reports carry typed values only: every enumerated field is one of its declared strings', async () => {
  const reasons = new Set(['OK', 'NO_SESSION_COOKIE', 'INSECURE_COOKIE_ON_HTTPS', 'CHUNK_MISSING', 'TOO_LARGE', 'MALFORMED_TOKEN', 'UNSUPPORTED_ALGORITHM', 'DECRYPTION_FAILED', 'WRONG_COOKIE_NAME', 'EXPIRED', 'NOT_YET_VALID', 'OPAQUE_SESSION_TOKEN', 'CLAIM_MISSING', 'CLAIM_NOT_STRING'])
  const v4 = await mintV4({ claims: { backendToken: 'v4' } })
  const sources = [
    small.header,
    `next-auth.session-token=${v4}`,
    new Request('https://x.test/', { headers: { cookie: `authjs.session-token=${await mintV5({ claims: {} })}` } }),
    new Headers({ authorization: `Bearer ${await mintV5({ claims: { backendToken: 'b' }, salt: S })}` }),
  ]
  for (const source of sources) {
    const r = inspectToken(source, { secret: SECRET })
    assert.ok(reasons.has(r.reason))
    assert.ok([null, 'cookie', 'bearer'].includes(r.from))
    assert.ok([null, 'authjs-v5', 'next-auth-v4', 'opaque', 'unknown'].includes(r.format))
    assert.ok([null, 'A256CBC-HS512', 'A256GCM'].includes(r.enc))
    assert.ok(['https', 'http', 'unknown'].includes(r.protocol))
    assert.ok(r.rejected.every((x) => reasons.has(x.reason)))
  }
})

test('a request on a TLS socket is HTTPS: a Node https server needs no proxy header for the cookie-tossing rule', async () => {
  const https = await import('node:https')
  const { execFileSync } = await import('node:child_process')
  const { mkdtempSync, readFileSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const dir = mkdtempSync(join(tmpdir(), 'nbt-tls-'))
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'ignore' })
  const planted = await mintV5({ claims: { backendToken: 'planted' }, salt: 'authjs.session-token' })
  const server = https.createServer({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) }, (req, res) => {
    const r = inspectToken(req, { secret: SECRET })
    res.end(JSON.stringify({ token: getBackendToken(req, { secret: SECRET }), reason: r.reason, protocolFrom: r.protocolFrom }))
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  try {
    const body = await new Promise((resolve, reject) => {
      https.get({ host: '127.0.0.1', port: server.address().port, path: '/me', rejectUnauthorized: false, headers: { cookie: `authjs.session-token=${planted}` } }, (res) => {
        let data = ''
        res.on('data', (d) => (data += d))
        res.on('end', () => resolve(JSON.parse(data)))
      }).on('error', reject)
    })
    assert.deepEqual(body, { token: null, reason: 'INSECURE_COOKIE_ON_HTTPS', protocolFrom: 'tls-socket' })
  } finally {
    server.close()
  }
})
