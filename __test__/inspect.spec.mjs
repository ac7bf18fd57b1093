// inspectToken, the protocol-aware policy, debug logging and the inspect CLI.
import test from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { execFileSync, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import { hkdfSync } from 'node:crypto'
import { EncryptJWT } from 'jose'
import { SECRET, OLD_SECRET, authjsSignIn, mintV5, mintV4, tamper, cookieHeader, now } from './helpers.mjs'

const { inspectToken, getBackendToken, getToken } = createRequire(import.meta.url)('../index.js')
const CLI = fileURLToPath(new URL('../bin/cli.js', import.meta.url))
const DTS = readFileSync(new URL('../index.d.ts', import.meta.url), 'utf8')
const opts = { secret: SECRET }
const S = '__Secure-authjs.session-token'
const P = 'authjs.session-token'

// Distinctive values: none may appear in any report, hint, log line or error.
const SECRET_CLAIM = 'claim-value-zebra-7f3e9a'
const BT = 'backend-token-quokka-41c2d8'
const claims = { backendToken: BT, email: 'walrus-3b9@example.test', note: SECRET_CLAIM }

async function scenarios() {
  const signedIn = await authjsSignIn({ https: true, backendToken: BT, extra: { note: SECRET_CLAIM } })
  const v5 = await mintV5({ claims, salt: S })
  const plain = await mintV5({ claims, salt: P })
  const gcm128 = await new EncryptJWT(claims)
    .setProtectedHeader({ alg: 'dir', enc: 'A128GCM' })
    .setExpirationTime(now() + 60)
    .encrypt(new Uint8Array(hkdfSync('sha256', SECRET, P, 'x', 16)))
  const chunks = [...signedIn.jar].filter(([n]) => n.startsWith(S))
  return {
    OK: [signedIn.header, opts],
    NO_SESSION_COOKIE: ['theme=dark; _ga=1', opts],
    INSECURE_COOKIE_ON_HTTPS: [new Request('https://app.example.test/', { headers: { cookie: `${P}=${plain}` } }), opts],
    CHUNK_MISSING: [cookieHeader([[`${S}.0`, v5.slice(0, 100)], [`${S}.2`, v5.slice(200)]]), opts],
    TOO_LARGE: [`pad=${'x'.repeat(300_000)}; ${P}=${plain}`, opts],
    MALFORMED_TOKEN: [`${P}=a.b.c.d.e`, opts],
    UNSUPPORTED_ALGORITHM: [`${P}=${gcm128}`, opts],
    DECRYPTION_FAILED: [`${S}=${v5}`, { secret: OLD_SECRET }],
    WRONG_COOKIE_NAME: [`${S}=${plain}`, opts],
    EXPIRED: [`${S}=${await mintV5({ claims, salt: S, maxAge: -120 })}`, opts],
    NOT_YET_VALID: [`${S}=${await mintV5({ claims: { ...claims, nbf: now() + 900 }, salt: S })}`, opts],
    OPAQUE_SESSION_TOKEN: [`${P}=5f0c8e9a-3b1d-4e6f-9a2b-7c4d1e8f0a3b`, opts],
    CLAIM_MISSING: [`${S}=${await mintV5({ claims: { email: claims.email, note: SECRET_CLAIM }, salt: S })}`, opts],
    CLAIM_NOT_STRING: [`${S}=${await mintV5({ claims: { ...claims, backendToken: { v: SECRET_CLAIM } }, salt: S })}`, opts],
    _tampered: [`${S}=${tamper(v5, 3)}`, opts],
    _chunks: [cookieHeader(chunks), opts],
  }
}
const all = await scenarios()

test('every reason code is produced, typed, and has its hint', () => {
  const union = DTS.slice(DTS.indexOf('export type ReasonCode'))
  const codes = Object.keys(all).filter((k) => !k.startsWith('_'))
  assert.equal(codes.length, 14)
  const hints = new Set()
  for (const code of codes) {
    const [source, o] = all[code]
    const r = inspectToken(source, o)
    assert.equal(r.reason, code, `${code}: got ${r.reason}`)
    assert.equal(r.ok, code === 'OK')
    assert.ok(union.includes(`'${code}'`), `${code} missing from ReasonCode`)
    assert.ok(r.hint.length > 40)
    hints.add(r.hint)
    // getBackendToken agrees: null exactly when the report is not ok.
    assert.equal(getBackendToken(source, o) === null, !r.ok, code)
  }
  assert.equal(hints.size, 14, 'each reason has its own hint')
  assert.match(inspectToken(...all.DECRYPTION_FAILED).hint, /AUTH_SECRET differs.*secret: \[new, old\]/)
  assert.match(inspectToken(...all.INSECURE_COOKIE_ON_HTTPS).hint, /__Secure-authjs\.session-token.*AUTH_URL.*trustHost.*x-forwarded-proto/)
})

test('a report says where the token came from and what it is', async () => {
  const r = inspectToken(...all.OK)
  assert.equal(r.cookieName, S)
  assert.equal(r.from, 'cookie')
  assert.equal(r.format, 'authjs-v5')
  assert.equal(r.enc, 'A256CBC-HS512')
  assert.equal(r.chunks, 1)
  assert.equal(r.secretIndex, 0)
  assert.equal(r.protocol, 'https')
  assert.equal(r.protocolFrom, 'secure-cookie-present')
  assert.ok(r.presentCookies.includes('__Host-authjs.csrf-token') && r.presentCookies.includes(S))
  assert.equal(r.checkedNames[0], S)
  assert.deepEqual(r.rejected, [])
  assert.ok(r.expiresAt - r.issuedAt === 30 * 24 * 3600)
  assert.deepEqual([...r.claims].sort(), ['backendToken', 'email', 'exp', 'iat', 'jti', 'name', 'note', 'role', 'sub', 'tenantId'])
  const chunked = inspectToken(...all._chunks)
  assert.equal(chunked.reason, 'OK')
  const rotated = inspectToken(`${P}=${await mintV5({ claims, secret: OLD_SECRET })}`, { secret: [SECRET, OLD_SECRET] })
  assert.equal(rotated.secretIndex, 1)
  const v4 = inspectToken(`next-auth.session-token=${await mintV4({ claims })}`, opts)
  assert.deepEqual([v4.format, v4.enc, v4.reason], ['next-auth-v4', 'A256GCM', 'OK'])
  const bearer = inspectToken(new Headers({ authorization: `Bearer ${await mintV5({ claims, salt: S })}` }), opts)
  assert.deepEqual([bearer.from, bearer.cookieName, bearer.reason], ['bearer', S, 'OK'])
  const expired = inspectToken(...all.EXPIRED)
  assert.ok(expired.expiresAt < now() && expired.format === 'authjs-v5')
  assert.equal(inspectToken(...all.OPAQUE_SESSION_TOKEN).format, 'opaque')
  const none = inspectToken('theme=dark', opts)
  assert.deepEqual([none.cookieName, none.from, none.format, none.secretIndex, none.expiresAt], [null, null, null, null, null])
})

test('protocol signals, each on its own, and the secure policy', async () => {
  const plain = await mintV5({ claims, salt: P })
  const cookie = `${P}=${plain}`
  const cases = [
    [new Request('https://a.test/', { headers: { cookie } }), {}, 'https', 'request-url'],
    [new Request('http://a.test/', { headers: { cookie } }), {}, 'http', 'request-url'],
    [new Headers({ cookie, 'x-forwarded-proto': 'https' }), {}, 'https', 'x-forwarded-proto'],
    [{ headers: { cookie, forwarded: 'for=192.0.2.1;proto=https;host=a.test' } }, {}, 'https', 'forwarded'],
    [cookie, { secure: true }, 'https', 'option'],
    [cookie, {}, 'unknown', null],
  ]
  for (const [source, extra, protocol, from] of cases) {
    const r = inspectToken(source, { ...opts, ...extra })
    assert.deepEqual([r.protocol, r.protocolFrom], [protocol, from], JSON.stringify(extra) + from)
    assert.equal(r.reason, protocol === 'https' ? 'INSECURE_COOKIE_ON_HTTPS' : 'OK')
  }
  for (const name of ['AUTH_URL', 'NEXTAUTH_URL']) {
    process.env[name] = 'https://app.example.test'
    try {
      const r = inspectToken(cookie, opts)
      assert.deepEqual([r.protocol, r.protocolFrom, r.reason], ['https', name, 'INSECURE_COOKIE_ON_HTTPS'])
      assert.equal(getBackendToken(cookie, opts), null)
    } finally {
      delete process.env[name]
    }
  }
  // secure: false accepts a plain cookie even on HTTPS and next to a secure one (secure first).
  const https = new Request('https://a.test/', { headers: { cookie } })
  assert.equal(getBackendToken(https, { ...opts, secure: false }), BT)
  const expiredSecure = await mintV5({ claims, salt: S, maxAge: -120 })
  assert.equal(getBackendToken(`${S}=${expiredSecure}; ${cookie}`, { ...opts, secure: false }), BT)
  assert.equal(getBackendToken(`${S}=${expiredSecure}; ${cookie}`, opts), null)
  assert.throws(() => getBackendToken(cookie, { ...opts, secure: 'yes' }), { code: 'ERR_INVALID_OPTION' })
})

test('cookie tossing shows up in the report', async () => {
  const planted = await mintV5({ claims, salt: P })
  const good = await mintV5({ claims, salt: S })
  const r = inspectToken(`${P}=${planted}; ${S}=${tamper(good, 4)}`, opts)
  assert.equal(r.reason, 'DECRYPTION_FAILED')
  assert.deepEqual(r.rejected, [{ name: S, reason: 'DECRYPTION_FAILED' }, { name: P, reason: 'INSECURE_COOKIE_ON_HTTPS' }])
  const ok = inspectToken(`${S}=${good}; ${P}=${planted}`, opts)
  assert.deepEqual([ok.reason, ok.cookieName, ok.rejected], ['OK', S, [{ name: P, reason: 'INSECURE_COOKIE_ON_HTTPS' }]])
})

test('debug logging: one line per null, a function gets the report, off by default', () => {
  const lines = []
  const error = console.error
  console.error = (line) => lines.push(line)
  try {
    getBackendToken(...all.OK) // valid: nothing logged
    getBackendToken(all.EXPIRED[0], opts) // debug off: nothing logged
    assert.equal(lines.length, 0)
    getBackendToken(all.EXPIRED[0], { ...opts, debug: true })
    getToken(all.DECRYPTION_FAILED[0], { ...all.DECRYPTION_FAILED[1], debug: true })
    assert.equal(lines.length, 2)
    assert.match(lines[0], /^nextauth-backend-token: null \(EXPIRED\) .*cookie=__Secure-authjs\.session-token/)
    assert.match(lines[1], /\(DECRYPTION_FAILED\)/)
  } finally {
    console.error = error
  }
  const reports = []
  assert.equal(getBackendToken(all.CLAIM_MISSING[0], { ...opts, debug: (r) => reports.push(r) }), null)
  assert.equal(reports.length, 1)
  assert.equal(reports[0].reason, 'CLAIM_MISSING')
})

test('DEBUG=nextauth-backend-token turns logging on (debug package convention)', () => {
  const script = `const n = require(${JSON.stringify(fileURLToPath(new URL('../index.js', import.meta.url)))});
    n.getBackendToken('theme=dark', { secret: 'x' }); n.getBackendToken('theme=dark', { secret: 'x', debug: false })`
  for (const [DEBUG, expected] of [['nextauth-backend-token', 1], ['express:*,nextauth-*', 1], ['*,-nextauth-backend-token', 0], ['other', 0]]) {
    const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, DEBUG }, encoding: 'utf8', timeout: 20_000 })
    assert.equal(r.status, 0, r.stderr)
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('nextauth-backend-token: null (NO_SESSION_COOKIE)'))
    assert.equal(lines.length, expected, `DEBUG=${DEBUG}`)
  }
})

test('no report, hint, log line or error ever contains a value, a secret or a key', async () => {
  const keyMaterial = [S, P].map((salt) => Buffer.from(hkdfSync('sha256', SECRET, salt, `Auth.js Generated Encryption Key (${salt})`, 64)).toString('base64url'))
  const forbidden = [SECRET, OLD_SECRET, BT, SECRET_CLAIM, claims.email, ...keyMaterial]
  const check = (text, what) => {
    for (const f of forbidden) assert.ok(!text.includes(f), `${what} leaks a value`)
    for (const [, [source]] of Object.entries(all)) {
      if (typeof source !== 'string') continue
      for (const part of source.split('; ')) {
        const value = part.slice(part.indexOf('=') + 1)
        if (value.length > 16) assert.ok(!text.includes(value), `${what} leaks a cookie value`)
      }
    }
  }
  for (const [code, [source, o]] of Object.entries(all)) {
    const logged = []
    const r = inspectToken(source, o)
    getBackendToken(source, { ...o, debug: (x) => logged.push(JSON.stringify(x)) })
    check(JSON.stringify(r), `report ${code}`)
    logged.forEach((l) => check(l, `log ${code}`))
    const cli = spawnSync(process.execPath, [CLI, 'inspect', '--claims'], {
      input: typeof source === 'string' ? source : `curl 'https://app.example.test/' -H 'cookie: ${source.headers.get('cookie')}'`,
      env: { ...process.env, AUTH_SECRET: o.secret },
      encoding: 'utf8',
      timeout: 20_000,
    })
    check(cli.stdout + cli.stderr, `CLI ${code}`)
  }
  for (const bad of [{ secret: 42 }, { claim: 1 }]) {
    try {
      getBackendToken(all.OK[0], { ...opts, ...bad })
      assert.fail('should throw')
    } catch (e) {
      check(`${e.message} ${e.stack}`, 'error')
    }
  }
})

test('the inspect CLI: argument, stdin, curl commands, --json, --claims, exit codes', async () => {
  const run = (args, { input, env = {} } = {}) =>
    spawnSync(process.execPath, [CLI, ...args], {
      input,
      env: { ...process.env, AUTH_SECRET: SECRET, ...env },
      encoding: 'utf8',
      timeout: 20_000,
    })
  const header = all.OK[0]
  let r = run(['inspect', header])
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /Result\s+valid token found \(OK\)/)
  assert.match(r.stdout, /Cookie\s+__Secure-authjs\.session-token \(1 part, from cookie\)/)
  r = run(['inspect'], { input: `Cookie: ${header}\n` })
  assert.equal(r.status, 0)
  r = run(['inspect', '-', '--json'], { input: all.EXPIRED[0] })
  assert.equal(r.status, 1)
  assert.equal(JSON.parse(r.stdout).reason, 'EXPIRED')
  // A whole "Copy as cURL (bash)" command from DevTools, with $'...' quoting and continuations.
  const plain = await mintV5({ claims, salt: P })
  const curl = `curl 'https://app.example.test/api/me' \\\n  -H 'accept: */*' \\\n  -b $'theme=dark; ${P}=${plain}' \\\n  -H 'user-agent: Mozilla/5.0'`
  r = run(['inspect', '--json'], { input: curl })
  assert.equal(r.status, 1)
  const report = JSON.parse(r.stdout)
  assert.deepEqual([report.reason, report.protocol, report.protocolFrom], ['INSECURE_COOKIE_ON_HTTPS', 'https', 'request-url'])
  r = run(['inspect', '--http', '--json', `curl "http://localhost:3000/" -H "Cookie: ${P}=${plain}"`])
  assert.equal(r.status, 0)
  assert.equal(JSON.parse(r.stdout).reason, 'OK')
  // --claims lists names; values only with --show-values.
  r = run(['inspect', header, '--claims'])
  assert.match(r.stdout, /Claims\s+.*backendToken/)
  assert.ok(!r.stdout.includes(BT))
  r = run(['inspect', header, '--claims', '--show-values'])
  assert.ok(r.stdout.includes(BT))
  // --secret-env, and the exit code 2 family.
  r = run(['inspect', header, '--secret-env', 'MY_SECRET'], { env: { AUTH_SECRET: '', MY_SECRET: SECRET } })
  assert.equal(r.status, 0, r.stderr)
  assert.equal(run(['inspect', header, '--secret-env', 'NOPE_NOT_SET']).status, 2)
  assert.equal(run(['inspect', header], { env: { AUTH_SECRET: '' } }).status, 2)
  assert.equal(run(['frobnicate']).status, 2)
  assert.equal(run(['inspect', '--nope']).status, 2)
  assert.equal(run(['inspect', "curl 'https://x"]).status, 2)
  assert.equal(run(['--help']).status, 0)
})
