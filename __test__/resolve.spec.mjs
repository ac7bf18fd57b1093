// Resolution rules against tokens and cookies minted by the real issuers.
import test from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { getToken as authjsGetToken, decode as authjsDecode } from '@auth/core/jwt'
import { EncryptJWT, base64url, calculateJwkThumbprint } from 'jose'
import { hkdfSync } from 'node:crypto'
import {
  SECRET, OLD_SECRET, NOISE, authjsSignIn, backendTokenOf, mintV5, mintV4, chunk, V5_CHUNK, V4_CHUNK,
  tamper, cookieHeader, now,
} from './helpers.mjs'

const { getBackendToken, getToken } = createRequire(import.meta.url)('../index.js')
const opts = { secret: SECRET }

test('resolves the session Auth.js issued over HTTP and over HTTPS', async () => {
  for (const https of [false, true]) {
    const bt = backendTokenOf(300, https ? 'https' : 'http')
    const { header, jar } = await authjsSignIn({ https, backendToken: bt })
    assert.ok(jar.has(https ? '__Secure-authjs.session-token' : 'authjs.session-token'))
    assert.equal(getBackendToken(header, opts), bt)
    const ours = getToken(header, opts)
    const theirs = await authjsGetToken({ req: { headers: { cookie: header } }, secret: SECRET, secureCookie: https })
    assert.deepEqual(ours, theirs)
    assert.equal(ours.name, 'ada')
  }
})

test('reassembles a chunked session whatever the header order, and refuses gaps', async () => {
  const bt = backendTokenOf(7000, 'big')
  const { jar } = await authjsSignIn({ https: true, backendToken: bt })
  const parts = [...jar].filter(([n]) => n.startsWith('__Secure-authjs.session-token.'))
  assert.equal(parts.length, 3)
  const others = [...jar].filter(([n]) => !n.includes('session-token'))
  const orders = [parts, [...parts].reverse(), [parts[1], parts[2], parts[0]]]
  for (const order of orders) {
    const header = cookieHeader([...others, ...order, ...NOISE.map((c) => c.split('='))])
    assert.equal(getBackendToken(header, opts), bt)
  }
  assert.equal(getBackendToken(cookieHeader([parts[0], parts[2]]), opts), null)
  assert.equal(getBackendToken(cookieHeader([parts[1], parts[2]]), opts), null)
  assert.equal(getBackendToken(cookieHeader([...parts, ['__Secure-authjs.session-token.7', 'x']]), opts), null)
  // In order, the issuer agrees with us.
  const theirs = await authjsGetToken({ req: { headers: { cookie: cookieHeader(parts) } }, secret: SECRET, secureCookie: true })
  assert.equal(theirs.backendToken, bt)
})

test('reassembles next-auth@4 chunks', async () => {
  const bt = backendTokenOf(6000, 'v4big')
  const token = await mintV4({ claims: { backendToken: bt } })
  const parts = chunk('__Secure-next-auth.session-token', token, V4_CHUNK)
  assert.ok(parts.length >= 2)
  assert.equal(getBackendToken(cookieHeader([...parts].reverse()), opts), bt)
})

test('finds the token under every default cookie name, v5 and v4 formats', async () => {
  const names = [
    '__Secure-authjs.session-token', '__Secure-next-auth.session-token', '__Host-authjs.session-token',
    '__Host-next-auth.session-token', 'authjs.session-token', 'next-auth.session-token',
  ]
  for (const name of names) {
    const v5 = await mintV5({ claims: { backendToken: `v5:${name}` }, salt: name })
    const v4 = await mintV4({ claims: { backendToken: `v4:${name}` } })
    assert.equal(getBackendToken(`a=1; ${name}=${v5}; b=2`, opts), `v5:${name}`, name)
    assert.equal(getBackendToken(`${name}=${v4}`, opts), `v4:${name}`, name)
  }
})

test('a secure-prefixed session shadows plain ones: planted cookies are never used', async () => {
  const secure = '__Secure-authjs.session-token'
  const plain = 'authjs.session-token'
  const good = await mintV5({ claims: { backendToken: 'real' }, salt: secure })
  const planted = await mintV5({ claims: { backendToken: 'planted' }, salt: plain })
  const expired = await mintV5({ claims: { backendToken: 'old' }, salt: secure, maxAge: -3600 })
  assert.equal(getBackendToken(`${plain}=${planted}; ${secure}=${good}`, opts), 'real')
  assert.equal(getBackendToken(`${secure}=${good}; ${plain}=${planted}`, opts), 'real')
  for (const bad of [expired, tamper(good, 4), tamper(good, 3)]) {
    assert.equal(getBackendToken(`${plain}=${planted}; ${secure}=${bad}`, opts), null)
    assert.equal(getBackendToken(`${secure}=${bad}; ${plain}=${planted}`, opts), null)
  }
  // A plain v4 cookie is shadowed too.
  const v4 = await mintV4({ claims: { backendToken: 'planted-v4' } })
  assert.equal(getBackendToken(`next-auth.session-token=${v4}; ${secure}=${expired}`, opts), null)
  // With no secure cookie at all, a plain one is used.
  assert.equal(getBackendToken(`${plain}=${planted}`, opts), 'planted')
})

test('rotation: old secrets decrypt when listed, with kid (v5) and without (v4)', async () => {
  const v5 = await mintV5({ claims: { backendToken: 'rotated' }, secret: OLD_SECRET })
  const v4 = await mintV4({ claims: { backendToken: 'rotated4' }, secret: OLD_SECRET })
  const h5 = `authjs.session-token=${v5}`
  const h4 = `next-auth.session-token=${v4}`
  assert.equal(getBackendToken(h5, { secret: [SECRET, OLD_SECRET] }), 'rotated')
  assert.equal(getBackendToken(h5, { secret: [OLD_SECRET, SECRET] }), 'rotated')
  assert.equal(getBackendToken(h4, { secret: [SECRET, OLD_SECRET] }), 'rotated4')
  assert.equal(getBackendToken(h5, { secret: SECRET }), null)
  assert.equal(getBackendToken(h4, { secret: SECRET }), null)
  // @auth/core agrees on the v5 case.
  assert.equal((await authjsGetToken({ req: { headers: { cookie: h5 } }, secret: [SECRET, OLD_SECRET] })).backendToken, 'rotated')
})

test('v5 tokens with A256GCM (which @auth/core decode accepts) resolve', async () => {
  // @auth/core only encodes A256CBC-HS512 but decodes A256GCM too: mint one with jose (the library
  // Auth.js uses) and the key Auth.js derives, then check @auth/core itself accepts it.
  const salt = 'authjs.session-token'
  const key = new Uint8Array(hkdfSync('sha256', SECRET, salt, `Auth.js Generated Encryption Key (${salt})`, 32))
  const kid = await calculateJwkThumbprint({ kty: 'oct', k: base64url.encode(key) }, 'sha256')
  const token = await new EncryptJWT({ backendToken: 'gcm' })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid })
    .setIssuedAt()
    .setExpirationTime(now() + 60)
    .encrypt(key)
  assert.equal((await authjsDecode({ token, secret: SECRET, salt })).backendToken, 'gcm')
  assert.equal(getBackendToken(`${salt}=${token}`, opts), 'gcm')
})

test('wrong secret, tampered header, iv, ciphertext or tag: null', async () => {
  const salt = 'authjs.session-token'
  const token = await mintV5({ claims: { backendToken: 'x' }, salt })
  assert.equal(getBackendToken(`${salt}=${token}`, { secret: OLD_SECRET }), null)
  for (const part of [0, 2, 3, 4]) assert.equal(getBackendToken(`${salt}=${tamper(token, part)}`, opts), null, `part ${part}`)
  const v4 = await mintV4({ claims: { backendToken: 'x' } })
  for (const part of [2, 3, 4]) assert.equal(getBackendToken(`next-auth.session-token=${tamper(v4, part)}`, opts), null)
})

test('a v5 token moved to another cookie name does not decrypt (the name is the salt)', async () => {
  const token = await mintV5({ claims: { backendToken: 'moved' }, salt: 'authjs.session-token' })
  const header = `__Secure-authjs.session-token=${token}`
  assert.equal(getBackendToken(header, opts), null)
  assert.equal(await authjsGetToken({ req: { headers: { cookie: header } }, secret: SECRET, secureCookie: true }), null)
  // An explicit salt opens it.
  assert.equal(getBackendToken(header, { ...opts, salt: 'authjs.session-token' }), 'moved')
})

test('exp is checked with the clock tolerance, at the edge', async () => {
  const salt = 'authjs.session-token'
  const token = await mintV5({ claims: { backendToken: 'e' }, salt, maxAge: 100 })
  const { exp } = await authjsDecode({ token, secret: SECRET, salt })
  const h = `${salt}=${token}`
  assert.equal(getBackendToken(h, { ...opts, now: exp + 14 }), 'e')
  assert.equal(getBackendToken(h, { ...opts, now: exp + 15 }), null)
  assert.equal(getBackendToken(h, { ...opts, now: exp, clockTolerance: 0 }), null)
  assert.equal(getBackendToken(h, { ...opts, now: exp - 1, clockTolerance: 0 }), 'e')
  assert.equal(getBackendToken(h, { ...opts, now: exp + 100, clockTolerance: 120 }), 'e')
  const expired = await mintV4({ claims: { backendToken: 'e4' }, maxAge: -20 })
  assert.equal(getBackendToken(`next-auth.session-token=${expired}`, opts), null)
})

test('nbf in the future is refused until it is reached (with tolerance)', async () => {
  const salt = 'authjs.session-token'
  const nbf = now() + 600
  const token = await mintV5({ claims: { backendToken: 'n', nbf }, salt })
  const h = `${salt}=${token}`
  assert.equal(getBackendToken(h, opts), null)
  await assert.rejects(authjsDecode({ token, secret: SECRET, salt }))
  assert.equal(getBackendToken(h, { ...opts, now: nbf - 15 }), 'n')
  assert.equal(getBackendToken(h, { ...opts, now: nbf - 16 }), null)
})

test('claims: custom name, missing, not a string', async () => {
  const salt = 'authjs.session-token'
  const token = await mintV5({ claims: { accessToken: 'acc', count: 3, backendToken: { nested: true } }, salt })
  const h = `${salt}=${token}`
  assert.equal(getBackendToken(h, { ...opts, claim: 'accessToken' }), 'acc')
  assert.equal(getBackendToken(h, { ...opts, claim: 'nope' }), null)
  assert.equal(getBackendToken(h, { ...opts, claim: 'count' }), null)
  assert.equal(getBackendToken(h, opts), null)
  assert.deepEqual(getToken(h, opts).backendToken, { nested: true })
})

// Also under Bun, whose process.env never reaches the C environment (index.js hands it over).
test('secrets from the environment, in Auth.js order, and NEXTAUTH_SECRET for v4 apps', async () => {
  const saved = { ...process.env }
  try {
    for (const k of ['AUTH_SECRET', 'AUTH_SECRET_1', 'AUTH_SECRET_2', 'AUTH_SECRET_3', 'NEXTAUTH_SECRET']) delete process.env[k]
    const v5 = await mintV5({ claims: { backendToken: 'env' } })
    const old = await mintV5({ claims: { backendToken: 'env-old' }, secret: OLD_SECRET })
    const v4 = await mintV4({ claims: { backendToken: 'env4' } })
    process.env.AUTH_SECRET = SECRET
    assert.equal(getBackendToken(`authjs.session-token=${v5}`), 'env')
    assert.equal(getBackendToken(`authjs.session-token=${old}`), null)
    process.env.AUTH_SECRET_1 = OLD_SECRET
    assert.equal(getBackendToken(`authjs.session-token=${old}`), 'env-old')
    delete process.env.AUTH_SECRET
    delete process.env.AUTH_SECRET_1
    process.env.NEXTAUTH_SECRET = SECRET
    assert.equal(getBackendToken(`next-auth.session-token=${v4}`), 'env4')
    process.env.AUTH_SECRET = OLD_SECRET // both set and different: either issuer's cookie opens
    assert.equal(getBackendToken(`next-auth.session-token=${v4}`), 'env4')
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
    Object.assign(process.env, saved)
  }
})

test('no secret is a configuration error with a stable code whenever there is a token to decrypt', () => {
  const saved = { ...process.env }
  try {
    for (const k of ['AUTH_SECRET', 'AUTH_SECRET_1', 'AUTH_SECRET_2', 'AUTH_SECRET_3', 'NEXTAUTH_SECRET']) delete process.env[k]
    for (const o of [undefined, {}, { secret: '' }, { secret: [] }, { secret: ['', ''] }]) {
      assert.throws(() => getBackendToken('authjs.session-token=abc', o), (e) => {
        assert.equal(e.code, 'ERR_MISSING_SECRET')
        assert.match(e.message, /AUTH_SECRET/)
        assert.match(e.message, /`secret`/)
        return true
      })
    }
    // Bearer tokens need a secret too.
    assert.throws(() => getToken(new Headers({ authorization: 'Bearer a.b.c.d.e' })), { code: 'ERR_MISSING_SECRET' })
    // With no session at all there is nothing to decrypt: null, secret or not.
    for (const source of [undefined, null, 'theme=dark', new Headers(), { getAll: () => [] }]) {
      assert.equal(getToken(source), null)
      assert.equal(getBackendToken(source), null)
    }
  } finally {
    Object.assign(process.env, saved)
  }
})

test('garbage is null, never an exception', async () => {
  const valid = await mintV5({ claims: { backendToken: 'v' } })
  const cases = [
    '', ';;;', '=', 'authjs.session-token=', 'authjs.session-token=a.b.c.d.e',
    'authjs.session-token=6f1c2c9a-6c3e-4c4e-9f1e-2b7a0e8f9d11', // database-strategy session id
    'authjs.session-token=....', 'authjs.session-token=eyJ.eyJ.eyJ', 'authjs.session-token=%00%ff',
    `authjs.session-token=${valid.replace(/\./g, '..')}`, `authjs.session-token=${valid}==`,
    `authjs.session-token=${'A'.repeat(200_000)}`,
    // a 2 MB header, with a valid session inside it
    `pad=${'x'.repeat(2 * 1024 * 1024)}; authjs.session-token=${valid}`,
  ]
  for (const h of cases) {
    assert.equal(getBackendToken(h, opts), null, h.slice(0, 60))
    assert.equal(getToken(h, opts), null, h.slice(0, 60))
  }
})

test('Authorization: Bearer is accepted when no session cookie is present', async () => {
  const token = await mintV5({ claims: { backendToken: 'bearer' }, salt: '__Secure-authjs.session-token' })
  const req = new Request('https://api.example.test/x', { headers: { authorization: `Bearer ${encodeURIComponent(token)}` } })
  assert.equal(getBackendToken(req, opts), 'bearer')
  assert.equal(getBackendToken(req, { ...opts, bearer: false }), null)
  const v4 = await mintV4({ claims: { backendToken: 'bearer4' } })
  assert.equal(getBackendToken(new Headers({ authorization: `Bearer ${v4}` }), opts), 'bearer4')
  // A session cookie, even an invalid one, takes precedence.
  const withCookie = new Request('https://api.example.test/x', {
    headers: { authorization: `Bearer ${token}`, cookie: 'authjs.session-token=junk' },
  })
  assert.equal(getBackendToken(withCookie, opts), null)
  assert.equal(getBackendToken(new Headers({ authorization: 'Basic dXNlcjpwYXNz' }), opts), null)
})

test('cookieName replaces the candidates; salt overrides the derivation salt', async () => {
  const token = await mintV5({ claims: { backendToken: 'custom' }, salt: 'my-app.session' })
  assert.equal(getBackendToken(`my-app.session=${token}`, opts), null)
  assert.equal(getBackendToken(`my-app.session=${token}`, { ...opts, cookieName: 'my-app.session' }), 'custom')
  assert.equal(getBackendToken(`my-app.session=${token}`, { ...opts, cookieName: ['x', 'my-app.session'] }), 'custom')
  const std = await mintV5({ claims: { backendToken: 'std' } })
  assert.equal(getBackendToken(`authjs.session-token=${std}`, { ...opts, cookieName: 'my-app.session' }), null)
})

test('wrongly typed options throw a coded TypeError naming the option, never echoing a value', () => {
  const bad = [
    [{ secret: 42 }, 'secret'], [{ secret: [SECRET, 7] }, 'secret'], [{ cookieName: {} }, 'cookieName'],
    [{ cookieName: [] }, 'cookieName'], [{ claim: 1 }, 'claim'], [{ now: 'soon' }, 'now'],
    [{ clockTolerance: -1 }, 'clockTolerance'], [{ clockTolerance: NaN }, 'clockTolerance'],
    [{ bearer: 'yes' }, 'bearer'], [{ salt: Buffer.from(SECRET) }, 'salt'], ['opts', 'options'],
  ]
  for (const [o, name] of bad) {
    const options = typeof o === 'string' ? o : { secret: SECRET, ...o }
    assert.throws(() => getBackendToken('a=b', options), (e) => {
      assert.ok(e instanceof TypeError, `${name}: ${e}`)
      assert.equal(e.code, 'ERR_INVALID_OPTION')
      assert.ok(e.message.includes(`\`${name}\``), e.message)
      assert.ok(!e.message.includes(SECRET))
      return true
    })
  }
})

test('every limit is adjustable by option, and enforced', async () => {
  const big = await authjsSignIn({ https: true, backendToken: backendTokenOf(7000, 'lim') })
  const bt = getBackendToken(big.header, opts)
  assert.ok(bt)
  assert.equal(getBackendToken(big.header, { ...opts, maxChunks: 2 }), null)
  assert.equal(getBackendToken(big.header, { ...opts, maxChunks: 3 }), bt)
  assert.equal(getBackendToken(big.header, { ...opts, maxHeaderBytes: 4096 }), null)
  assert.equal(getBackendToken(big.header, { ...opts, maxTokenBytes: 5000 }), null)
  assert.equal(getBackendToken(big.header, { ...opts, maxPayloadBytes: 1000 }), null)
  const many = `${Array.from({ length: 2000 }, (_, i) => `c${i}=${i}`).join('; ')}; ${big.header}`
  assert.equal(getBackendToken(many, opts), null) // past the default 1,024 cookies
  assert.equal(getBackendToken(many, { ...opts, maxCookies: 3000 }), bt)
  for (const bad of [{ maxCookies: 0 }, { maxChunks: -1 }, { maxTokenBytes: 2 ** 31 }, { maxPayloadBytes: 'big' }]) {
    assert.throws(() => getBackendToken(big.header, { ...opts, ...bad }), { code: 'ERR_INVALID_OPTION' })
  }
})
