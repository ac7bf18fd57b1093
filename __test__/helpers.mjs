// Test helpers: every token here is minted by the real issuers during the test run.
// - Auth.js v5: `@auth/core`'s own `Auth()` handler (examples/lib/sign-in.mjs) signs a user in, so
//   cookie names, the __Secure- prefix and chunking are exactly what it issues; `encode` otherwise.
// - NextAuth v4: `next-auth@4`'s `encode`, split with v4's chunk size.
import { encode as authjsEncode } from '@auth/core/jwt'
import v4jwt from 'next-auth/jwt'
import { authjsSignIn as signIn, backendTokenOf } from '../examples/lib/sign-in.mjs'

export { NOISE, backendTokenOf, liveCookies, cookieHeader } from '../examples/lib/sign-in.mjs'

export const SECRET = 'test-secret-9f2c7e1a4b6d8f0a2c4e6a8b0d2f4a6c'
export const OLD_SECRET = 'old-secret-1b3d5f7a9c1e3a5c7e9a1c3e5a7c9e1b'

/** Signs in through @auth/core's handler, with the test secret unless another is given. */
export const authjsSignIn = (o = {}) => signIn({ secret: SECRET, ...o })

/** Mints a v5 token with @auth/core's `encode`. */
export function mintV5({ claims = {}, secret = SECRET, salt = 'authjs.session-token', maxAge } = {}) {
  return authjsEncode({ token: claims, secret, salt, ...(maxAge !== undefined ? { maxAge } : {}) })
}

/** Mints a v4 token with next-auth@4's `encode`. */
export function mintV4({ claims = {}, secret = SECRET, maxAge } = {}) {
  return v4jwt.encode({ token: claims, secret, ...(maxAge !== undefined ? { maxAge } : {}) })
}

/** Splits a value into cookies the way both issuers do: NAME.0, NAME.1, ... */
export function chunk(name, value, size) {
  if (value.length <= size) return [[name, value]]
  const out = []
  for (let i = 0; i * size < value.length; i++) out.push([`${name}.${i}`, value.slice(i * size, (i + 1) * size)])
  return out
}
export const V5_CHUNK = 4096 - 160
export const V4_CHUNK = 4096 - 163

/** A JWE with one byte of one segment changed (still valid base64url). */
export function tamper(token, part) {
  const parts = token.split('.')
  const bytes = Buffer.from(parts[part], 'base64url')
  bytes[Math.floor(bytes.length / 2)] ^= 0x01
  parts[part] = bytes.toString('base64url')
  return parts.join('.')
}

export const now = () => Math.floor(Date.now() / 1000)

/**
 * The tokens of the shared cases (fixtures/edge-cases.mjs), minted by the issuers: v5 (secure and
 * plain names), v4, a chunked session, one under the old secret, one expired, one tampered.
 */
export async function caseTokens() {
  const S = '__Secure-authjs.session-token'
  const claims = { sub: 'user-1', name: 'Ada', email: 'ada@example.test', backendToken: 'bt-v5' }
  const big = await mintV5({ claims: { ...claims, backendToken: backendTokenOf(9000, 'big') }, salt: S })
  const t = {
    secret: SECRET,
    oldSecret: OLD_SECRET,
    v5: await mintV5({ claims, salt: S }),
    v5plain: await mintV5({ claims: { ...claims, backendToken: 'bt-plain' } }),
    v4: await mintV4({ claims: { ...claims, backendToken: 'bt-v4' } }),
    chunkedHeader: chunk(S, big, V5_CHUNK).map(([n, v]) => `${n}=${v}`).join('; '),
    rotated: await mintV5({ claims: { ...claims, backendToken: 'bt-rotated' }, secret: OLD_SECRET, salt: S }),
    expired: await mintV5({ claims, salt: S, maxAge: -60 }),
  }
  t.tampered = tamper(t.v5, 3)
  return t
}
