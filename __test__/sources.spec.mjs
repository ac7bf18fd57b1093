// Every kind of source a server holds, including a real Express server with cookie-parser.
import test from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import Module, { createRequire } from 'node:module'
import { RequestCookies } from '@edge-runtime/cookies'
import express from 'express'
import cookieParser from 'cookie-parser'
import { SECRET, authjsSignIn, backendTokenOf } from './helpers.mjs'

const require = createRequire(import.meta.url)
const { getBackendToken, getToken, inspectToken } = require('../index.js')
const opts = { secret: SECRET }

const small = backendTokenOf(300, 'small')
const large = backendTokenOf(7000, 'large')
const sessions = {
  small: await authjsSignIn({ https: true, backendToken: small }),
  large: await authjsSignIn({ https: true, backendToken: large }),
}

for (const [label, { header, jar }] of Object.entries(sessions)) {
  const expected = label === 'small' ? small : large

  test(`${label} session: header string, Request, Headers, header records`, () => {
    assert.equal(getBackendToken(header, opts), expected)
    const request = new Request('https://app.example.test/api/x', { headers: { cookie: header } })
    assert.equal(getBackendToken(request, opts), expected)
    assert.equal(getBackendToken(request.headers, opts), expected)
    assert.equal(getBackendToken({ headers: { cookie: header } }, opts), expected)
    // Node may deliver several Cookie headers as an array.
    const half = header.split('; ')
    const asArray = [half.slice(0, 3).join('; '), half.slice(3).join('; ')]
    assert.equal(getBackendToken({ headers: { cookie: asArray } }, opts), expected)
    assert.equal(getBackendToken(new Map([['cookie', header]]), opts), expected)
    // Cloudflare Workers' Headers also has a non-standard getAll(name): still a Headers.
    class WorkersHeaders extends Headers {
      getAll(name) {
        if (typeof name !== 'string') throw new TypeError("Failed to execute 'getAll' on 'Headers'")
        return name.toLowerCase() === 'set-cookie' ? this.getSetCookie() : [this.get(name)]
      }
    }
    const workers = new WorkersHeaders({ cookie: header })
    assert.equal(getBackendToken(workers, opts), expected)
    assert.equal(inspectToken(workers, opts).ok, true)
    assert.equal(getBackendToken(new Request('https://app.example.test/', { headers: workers }), opts), expected)
  })

  test(`${label} session: cookie stores (next/headers cookies(), NextRequest.cookies) and records`, () => {
    const headers = new Headers({ cookie: header })
    const store = new RequestCookies(headers) // the class Next.js uses for both
    assert.equal(getBackendToken(store, opts), expected)
    assert.equal(getBackendToken({ getAll: () => store.getAll() }, opts), expected)
    // NextRequest shape: headers and cookies both present; chunks must survive either way.
    assert.equal(getBackendToken({ headers, cookies: store }, opts), expected)
    assert.equal(getBackendToken({ headers: new Headers(), cookies: store }, opts), expected)
    // Express req.cookies / Pages Router req.cookies.
    const record = Object.fromEntries(jar)
    assert.equal(getBackendToken(record, opts), expected)
    assert.equal(getBackendToken({ headers: {}, cookies: record }, opts), expected)
    assert.deepEqual(getToken(record, opts), getToken(header, opts))
  })
}

test('a real Express server: req, req.headers.cookie and cookie-parser req.cookies', async (t) => {
  const app = express()
  app.use(cookieParser())
  app.get('/token', (req, res) => {
    res.json({
      req: getBackendToken(req, opts),
      header: getBackendToken(req.headers.cookie, opts),
      cookies: getBackendToken(req.cookies, opts),
    })
  })
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  t.after(() => server.close())
  const base = `http://127.0.0.1:${server.address().port}`
  for (const [label, { header }] of Object.entries(sessions)) {
    const res = await fetch(`${base}/token`, { headers: { cookie: header }, signal: AbortSignal.timeout(5000) })
    const expected = label === 'small' ? small : large
    assert.deepEqual(await res.json(), { req: expected, header: expected, cookies: expected })
  }
  const none = await fetch(`${base}/token`, { signal: AbortSignal.timeout(5000) })
  assert.deepEqual(await none.json(), { req: null, header: null, cookies: null })
})

test('a plain Node IncomingMessage', async (t) => {
  const server = http.createServer((req, res) => {
    res.end(JSON.stringify({ v: getBackendToken(req, opts) }))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => server.close())
  const res = await fetch(`http://127.0.0.1:${server.address().port}/`, {
    headers: { cookie: sessions.large.header },
    signal: AbortSignal.timeout(5000),
  })
  assert.deepEqual(await res.json(), { v: large })
})

test('undefined and null are sources with no cookies: synchronous null', () => {
  assert.strictEqual(getBackendToken(undefined, opts), null)
  assert.strictEqual(getBackendToken(null, opts), null)
  assert.strictEqual(getToken(undefined, opts), null)
})

test('a Promise (or any thenable) source gives a Promise of the result', async () => {
  const p = getBackendToken(Promise.resolve(sessions.small.header), opts)
  assert.ok(p instanceof Promise)
  assert.equal(await p, small)
  const thenable = { then: (resolve) => resolve(new RequestCookies(new Headers({ cookie: sessions.large.header }))) }
  assert.equal(await getBackendToken(thenable, opts), large)
  assert.equal((await getToken(Promise.resolve(sessions.small.header), opts)).backendToken, small)
  await assert.rejects(getBackendToken(Promise.reject(new Error('boom')), opts), /boom/)
})

test('anything else is a TypeError with code ERR_INVALID_SOURCE', () => {
  const bad = [42, true, 10n, Symbol('s'), () => 'x', [], ['authjs.session-token=x'], { getAll: () => 'nope' }]
  for (const source of bad) {
    assert.throws(() => getBackendToken(source, opts), (e) => {
      assert.ok(e instanceof TypeError, String(e))
      assert.equal(e.code, 'ERR_INVALID_SOURCE')
      return true
    })
  }
})

// Bun (the musl builds' test runtime) has no Module._load hook to stand in for next/headers.
const bun = process.versions.bun !== undefined && 'Bun has no Module._load hook'

test('no argument: reads next/headers (cookies() and headers()) and returns a Promise', { skip: bun }, async (t) => {
  // Outside Next.js there is no request context: a coded error says what to pass instead.
  await assert.rejects(getBackendToken(), { code: 'ERR_NO_REQUEST_CONTEXT' })

  // Inside Next.js, next/headers exposes async cookies() and headers() for the current request.
  // Next itself is exercised end to end by the example apps; here its module is provided with
  // the same API and classes so the no-argument path is checked on its own.
  const requestHeaders = new Headers({ cookie: sessions.large.header })
  const fake = {
    cookies: async () => new RequestCookies(requestHeaders),
    headers: async () => requestHeaders,
  }
  const load = Module._load
  Module._load = function (request, ...rest) {
    return request === 'next/headers' ? fake : load.call(this, request, ...rest)
  }
  const savedSecret = process.env.AUTH_SECRET
  process.env.AUTH_SECRET = SECRET // with no argument there are no options: the app's env decides
  t.after(() => {
    Module._load = load
    if (savedSecret === undefined) delete process.env.AUTH_SECRET
    else process.env.AUTH_SECRET = savedSecret
  })
  const p = getBackendToken()
  assert.ok(p instanceof Promise)
  assert.equal(await p, large)
  assert.equal((await getToken()).backendToken, large)
  // Next's control-flow errors (e.g. dynamic rendering bail-outs carry a digest) pass through.
  const bailout = Object.assign(new Error('Dynamic server usage'), { digest: 'DYNAMIC_SERVER_USAGE' })
  fake.cookies = async () => {
    throw bailout
  }
  await assert.rejects(getBackendToken(), (e) => e === bailout)
})

test('non-ASCII text around the session (UTF-8 path) and odd store entries are handled', () => {
  const noise = 'prefs=%C3%A9t%C3%A9; raw=été€😀; emoji=😀😀'
  for (const header of [`${noise}; ${sessions.small.header}`, `${sessions.small.header}; ${noise}`, `${'ü'.repeat(300)}=x; ${sessions.small.header}`]) {
    assert.equal(getBackendToken(header, opts), small)
  }
  const long = 'n'.repeat(300) // a name longer than the short-string buffer
  const entries = [
    null, 42, { name: 7, value: 'x' }, { name: 'a' }, { name: long, value: 'v' }, { name: 'é€😀', value: 'v' },
    ...new RequestCookies(new Headers({ cookie: sessions.large.header })).getAll(),
  ]
  assert.equal(getBackendToken({ getAll: () => entries }, opts), large)
  const report = inspectToken({ getAll: () => entries }, opts)
  assert.ok(report.presentCookies.includes(long) && report.presentCookies.includes('é€😀'))
})

test('cookie stores: custom names, the maxCookies bound and cookie tossing hold as for a header', async () => {
  const { mintV5 } = await import('./helpers.mjs')
  const custom = await mintV5({ claims: { backendToken: 'custom' }, salt: 'my.session' })
  const store = (pairs) => new RequestCookies(new Headers({ cookie: pairs.map(([n, v]) => `${n}=${v}`).join('; ') }))
  const s1 = store([['a', '1'], ['my.session', custom], ['b', '2']])
  assert.equal(getBackendToken(s1, opts), null)
  assert.equal(getBackendToken(s1, { ...opts, cookieName: 'my.session' }), 'custom')
  assert.equal(getBackendToken(s1, { ...opts, cookieName: ['x', 'my.session'] }), 'custom')
  // More cookies than maxCookies: not read, as for a header string.
  const many = store([...Array.from({ length: 30 }, (_, i) => [`c${i}`, `${i}`]), ...sessions.small.jar])
  assert.equal(getBackendToken(many, opts), small)
  assert.equal(getBackendToken(many, { ...opts, maxCookies: 10 }), null)
  assert.equal(inspectToken(many, { ...opts, maxCookies: 10 }).reason, 'TOO_LARGE')
  // A planted plain session cookie beside an expired secure one: null, from a store too.
  const planted = await mintV5({ claims: { backendToken: 'planted' }, salt: 'authjs.session-token' })
  const expired = await mintV5({ claims: { backendToken: 'old' }, salt: '__Secure-authjs.session-token', maxAge: -3600 })
  const tossed = store([['authjs.session-token', planted], ['__Secure-authjs.session-token', expired]])
  assert.equal(getBackendToken(tossed, opts), null)
  assert.equal(getBackendToken(store([['authjs.session-token', planted]]), opts), 'planted')
})

test('characters above U+00FF are read exactly: a look-alike name is not a secure session cookie', async () => {
  const { mintV5 } = await import('./helpers.mjs')
  const token = await mintV5({ claims: { backendToken: 'lookalike' }, salt: '__Secure-authjs.session-token' })
  // U+015F's low byte is '_': a lossy copy would read this name as __Secure-authjs.session-token.
  const name = '\u015f_Secure-authjs.session-token'
  assert.equal(getBackendToken(`${name}=${token}`, opts), null)
  assert.equal(getBackendToken({ getAll: () => [{ name, value: token }] }, opts), null)
  assert.equal(getBackendToken({ [name]: token }, opts), null)
  assert.equal(inspectToken(`${name}=${token}`, opts).reason, 'NO_SESSION_COOKIE')
})
