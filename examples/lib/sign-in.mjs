// How an Auth.js app issues a session, reproduced in-process: `@auth/core`'s own `Auth()` handler
// signs a user in through the Credentials provider, so cookie names, the __Secure- prefix and
// chunking are exactly what the issuer produces. Used by the demo and by the tests.
import { Auth } from '@auth/core'
import Credentials from '@auth/core/providers/credentials'

export const NOISE = [
  '_ga=GA1.1.1234567890.1700000000',
  'theme=dark',
  'ajs_anonymous_id=5d1d1e3e-7b0e-4a4e-9f1e-2b7a0e8f9d11',
  '__stripe_mid=0a1b2c3d-4e5f',
]

/** A backend token of `n` characters (a JWT-looking string). */
export function backendTokenOf(n, seed = 'bt') {
  let s = `${seed}.`
  while (s.length < n) s += Math.random().toString(36).slice(2)
  return s.slice(0, n)
}

/** Parses Set-Cookie lines into live name=value pairs (expired ones dropped). */
export function liveCookies(setCookies) {
  const jar = new Map()
  for (const line of setCookies) {
    const [pair, ...attrs] = line.split(';')
    const eq = pair.indexOf('=')
    const name = pair.slice(0, eq).trim()
    const value = pair.slice(eq + 1).trim()
    const expired = attrs.some((a) => {
      const [k, v] = a.trim().split('=')
      if (k.toLowerCase() === 'max-age') return Number(v) <= 0
      if (k.toLowerCase() === 'expires') return new Date(v).getTime() <= Date.now()
      return false
    })
    if (expired) jar.delete(name)
    else jar.set(name, value)
  }
  return jar
}

export function cookieHeader(pairs) {
  return [...pairs].map(([n, v]) => `${n}=${v}`).join('; ')
}

/**
 * Signs a user in through @auth/core's real handler and returns the cookies a browser would send
 * back: `{ jar: Map<name, value>, header }` (with noise cookies around the session).
 */
export async function authjsSignIn({
  https = false,
  backendToken = backendTokenOf(300),
  secret,
  extra = {},
  maxAge,
} = {}) {
  const origin = https ? 'https://app.example.test' : 'http://localhost:3000'
  const config = {
    secret,
    trustHost: true,
    basePath: '/api/auth',
    session: { strategy: 'jwt', ...(maxAge ? { maxAge } : {}) },
    providers: [
      Credentials({
        credentials: { username: {} },
        authorize: async (c) => ({ id: 'user-1', name: String(c.username), email: 'ada@example.test' }),
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) Object.assign(token, { backendToken, role: 'admin', tenantId: 't-42', ...extra })
        return token
      },
    },
  }
  const csrfRes = await Auth(new Request(`${origin}/api/auth/csrf`), config)
  const { csrfToken } = await csrfRes.json()
  const jar = liveCookies(csrfRes.headers.getSetCookie())
  const body = new URLSearchParams({ csrfToken, username: 'ada' })
  const res = await Auth(
    new Request(`${origin}/api/auth/callback/credentials`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(jar) },
      body,
    }),
    config,
  )
  for (const [n, v] of liveCookies(res.headers.getSetCookie())) jar.set(n, v)
  const session = [...jar.keys()].filter((n) => n.includes('session-token'))
  if (session.length === 0) throw new Error(`sign-in failed: status ${res.status}`)
  return { jar, header: [NOISE[0], NOISE[1], cookieHeader(jar), NOISE[2], NOISE[3]].join('; ') }
}

