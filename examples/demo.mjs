// Demo of the main job: an Auth.js app on HTTPS issues a large (chunked) session among ordinary
// cookies; every kind of caller gets the backend token back with one call.
//
//   npm ci && npm run build && npm run demo
import { createRequire } from 'node:module'
import { getToken as authjsGetToken } from '@auth/core/jwt'
import { RequestCookies } from '@edge-runtime/cookies'
import { authjsSignIn, backendTokenOf } from './lib/sign-in.mjs'

const { getBackendToken, getToken, inspectToken } = createRequire(import.meta.url)('../index.js')

process.env.AUTH_SECRET ??= 'demo-secret-change-me-0123456789abcdef'
const backendToken = backendTokenOf(6000, 'eyJhbGciOiJIUzI1NiJ9') // a large access token
const { header, jar } = await authjsSignIn({ https: true, secret: process.env.AUTH_SECRET, backendToken })

const short = (v) => (v == null ? String(v) : `${v.slice(0, 24)}… (${v.length} chars)`)
console.log('Cookies the browser holds after signing in over HTTPS:')
for (const [name, value] of jar) console.log(`  ${name.padEnd(34)} ${value.length} chars`)
console.log(`\nThe issued backend token: ${short(backendToken)}\n`)

const headers = new Headers({ cookie: header })
const sources = [
  ['Cookie header string', header],
  ['Request (Route Handler)', new Request('https://app.example.test/api/me', { headers })],
  ['Headers', headers],
  ['cookies() store (Server Component)', new RequestCookies(headers)],
  ['Express req', { headers: { cookie: header } }],
  ['req.cookies (cookie-parser)', Object.fromEntries(jar)],
]
console.log('getBackendToken(source):')
for (const [label, source] of sources) {
  const got = getBackendToken(source)
  console.log(`  ${label.padEnd(36)} ${got === backendToken ? 'OK ' : 'BAD'} ${short(got)}`)
}

const claims = getToken(header)
console.log(`\ngetToken(header) claims: ${Object.keys(claims).join(', ')}`)

// The bug this package ends: @auth/core's getToken looks for the HTTP cookie name unless told.
const naive = await authjsGetToken({ req: { headers }, secret: process.env.AUTH_SECRET })
console.log(`\n@auth/core getToken() without secureCookie: ${naive === null ? 'null (the production-only 401)' : 'found'}`)
const report = inspectToken(header)
console.log(`inspectToken(header): ${report.reason} from ${report.cookieName} (${report.chunks} chunks, ${report.format}, protocol ${report.protocol} via ${report.protocolFrom})`)
const plain = inspectToken(new Request('https://app.example.test/', { headers: { cookie: 'authjs.session-token=planted' } }))
console.log(`a plain cookie on HTTPS: ${plain.reason}`)
const ok = sources.every(([, s]) => getBackendToken(s) === backendToken)
console.log(ok ? '\nEvery source resolved the backend token.' : '\nSome source failed.')
process.exitCode = ok ? 0 : 1
