// What one side encodes, the other decodes; and our resolver agrees with the issuers' getToken.
import test from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { encode as authjsEncode, decode as authjsDecode, getToken as authjsGetToken } from '@auth/core/jwt'
import v4jwt from 'next-auth/jwt'
import { SECRET, OLD_SECRET, authjsSignIn, backendTokenOf, mintV5, mintV4, tamper, now } from './helpers.mjs'

const { encode, decode, getToken } = createRequire(import.meta.url)('../index.js')
const claims = { name: 'Ada', email: 'ada@example.test', sub: 'user-1', backendToken: 'bt-interop', roles: ['a', 'b'] }
const strip = ({ iat, exp, jti, ...rest }) => rest

test('our encode is decoded by @auth/core (both encs) and by next-auth@4', async () => {
  const salt = '__Secure-authjs.session-token'
  for (const enc of [undefined, 'A256CBC-HS512', 'A256GCM']) {
    const token = encode({ token: claims, secret: SECRET, salt, ...(enc ? { enc } : {}) })
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url'))
    assert.equal(header.alg, 'dir')
    assert.equal(header.enc, enc ?? 'A256CBC-HS512')
    assert.ok(header.kid)
    const theirs = await authjsDecode({ token, secret: SECRET, salt })
    assert.deepEqual(strip(theirs), claims)
    assert.ok(theirs.exp - theirs.iat === 30 * 24 * 3600 && theirs.jti)
    // Rotation on their side: the kid picks our secret from their list.
    assert.deepEqual(strip(await authjsDecode({ token, secret: [OLD_SECRET, SECRET], salt })), claims)
  }
  const v4 = encode({ token: claims, secret: SECRET, format: 'next-auth-v4', maxAge: 60 })
  const decoded = await v4jwt.decode({ token: v4, secret: SECRET })
  assert.deepEqual(strip(decoded), claims)
  assert.equal(decoded.exp - decoded.iat, 60)
})

test('their encode is decoded by our decode', async () => {
  const salt = 'authjs.session-token'
  const t5 = await authjsEncode({ token: claims, secret: SECRET, salt })
  assert.deepEqual(strip(decode({ token: t5, secret: SECRET, salt })), claims)
  assert.equal(decode({ token: t5, secret: SECRET, salt: 'other' }), null)
  assert.equal(decode({ token: t5, secret: OLD_SECRET, salt }), null)
  const t4 = await v4jwt.encode({ token: claims, secret: SECRET })
  assert.deepEqual(strip(decode({ token: t4, secret: SECRET })), claims)
  assert.deepEqual(strip(decode({ token: t4, secret: [OLD_SECRET, SECRET], salt: '' })), claims)
  const expired = await v4jwt.encode({ token: claims, secret: SECRET, maxAge: -60 })
  assert.equal(decode({ token: expired, secret: SECRET }), null)
  assert.deepEqual(strip(decode({ token: expired, secret: SECRET, now: now() - 120 })), claims)
  assert.equal(decode({ token: 'not-a-jwe', secret: SECRET }), null)
  assert.equal(decode({ token: tamper(t5, 3), secret: SECRET, salt }), null)
})

test('encode/decode parameter errors are coded', () => {
  assert.throws(() => encode({ token: claims, secret: SECRET }), { code: 'ERR_INVALID_OPTION' }) // v5 needs a salt
  assert.throws(() => encode({ token: 'x', secret: SECRET, salt: 's' }), { code: 'ERR_INVALID_OPTION' })
  assert.throws(() => encode({ token: {}, secret: SECRET, salt: 's', format: 'v6' }), { code: 'ERR_INVALID_OPTION' })
  assert.throws(() => encode({ token: {}, secret: SECRET, format: 'next-auth-v4', enc: 'A256CBC-HS512' }), {
    code: 'ERR_INVALID_OPTION',
  })
  assert.throws(() => decode('token'), { code: 'ERR_INVALID_OPTION' })
  const saved = { ...process.env }
  try {
    for (const k of ['AUTH_SECRET', 'AUTH_SECRET_1', 'AUTH_SECRET_2', 'AUTH_SECRET_3', 'NEXTAUTH_SECRET']) delete process.env[k]
    assert.throws(() => encode({ token: {}, salt: 's' }), { code: 'ERR_MISSING_SECRET' })
    assert.throws(() => decode({ token: 'x' }), { code: 'ERR_MISSING_SECRET' })
  } finally {
    Object.assign(process.env, saved)
  }
})

test('getToken agrees with @auth/core getToken on the same headers', async () => {
  const https = await authjsSignIn({ https: true })
  const http = await authjsSignIn({ https: false })
  const big = await authjsSignIn({ https: true, backendToken: backendTokenOf(8000) })
  const expired = await mintV5({ claims, salt: 'authjs.session-token', maxAge: -100 })
  const cases = [
    [https.header, true],
    [http.header, false],
    [big.header, true],
    [`authjs.session-token=${expired}`, false],
    [`authjs.session-token=${tamper(await mintV5({ claims }), 3)}`, false],
    ['theme=dark', false],
  ]
  for (const [header, secureCookie] of cases) {
    const theirs = await authjsGetToken({ req: { headers: { cookie: header } }, secret: SECRET, secureCookie })
    assert.deepEqual(getToken(header, { secret: SECRET }), theirs)
  }
})

test('getToken agrees with next-auth@4 getToken on the same cookies', async () => {
  const token = await mintV4({ claims })
  const expired = await mintV4({ claims, maxAge: -100 })
  const cases = [
    [{ 'next-auth.session-token': token }, false],
    [{ '__Secure-next-auth.session-token': token }, true],
    [{ 'next-auth.session-token': expired }, false],
    [{ 'next-auth.session-token': tamper(token, 3) }, false],
    [{}, false],
  ]
  for (const [cookies, secureCookie] of cases) {
    const theirs = await v4jwt.getToken({ req: { cookies, headers: {} }, secret: SECRET, secureCookie })
    assert.deepEqual(getToken(cookies, { secret: SECRET }), theirs)
  }
})
