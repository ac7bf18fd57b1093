// End to end, where users live: production builds of the example apps served over HTTP and over
// HTTPS (a TLS front with a certificate made at test time, as a proxy would terminate it), a real
// Chromium signing in through Auth.js's own sign-in form, and every way of calling the package
// compared with what Auth.js itself says. Loopback only; every server is stopped by PID.
//
//   npm run test:e2e   (installs Chromium from Debian's packages when it is missing)
import test, { after, before } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { children, credentialsSignIn, examples, freePort, install, launchChromium, run, start, stop, waitFor, tlsFront as frontWithTls } from './harness.mjs'

const SECRET = 'e2e-secret-0123456789abcdef0123456789abcdef'
const USERS = { small: `small.${'s'.repeat(300)}`, large: `large.${'L'.repeat(7000)}` }
const closers = []
let browser
let tls

function tlsFront(port, target) {
  return frontWithTls(tls, port, target).then((close) => closers.push(close))
}

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nbt-e2e-'))
  run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], dir)
  tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')), keyPath: join(dir, 'key.pem'), certPath: join(dir, 'cert.pem') }
  for (const app of ['next-app-v5', 'next-app-v4', 'express-api']) install(app)
  for (const app of ['next-app-v5', 'next-app-v4']) run('npx', ['next', 'build'], join(examples, app))
  browser = await launchChromium()
})

after(async () => {
  await browser?.close()
  for (const close of closers) await close()
  children.forEach(stop)
})

test('Edge middleware runs the WebAssembly build, in a sandbox that refuses to compile bytes', async () => {
  const { base, stop } = await serve('next-app-v4', false)
  try {
    const probe = await (await fetch(`${base}/edge/probe`)).json()
    assert.deepEqual(probe, { compileFromBytes: 'refused', implementation: 'wasm' })
    // The module was compiled by the build, not at run time: it is an asset of the middleware.
    const manifest = JSON.parse(readFileSync(join(examples, 'next-app-v4', '.next', 'server', 'middleware-manifest.json'), 'utf8'))
    const wasm = Object.values(manifest.middleware).flatMap((m) => m.wasm ?? [])
    assert.equal(wasm.length, 1, JSON.stringify(manifest.middleware))
  } finally {
    stop()
  }
})

test('the production builds load the package from node_modules, not bundled', () => {
  const walk = (d) => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]))
  for (const app of ['next-app-v5', 'next-app-v4']) {
    const files = walk(join(examples, app, '.next'))
    assert.deepEqual(files.filter((f) => f.endsWith('.node')), [], app)
    const traces = files.filter((f) => f.endsWith('.js.nft.json')).map((f) => readFileSync(f, 'utf8'))
    assert.ok(traces.some((t) => t.includes('node_modules/nextauth-backend-token/')), `${app}: traced as an external package`)
  }
})

const APPS = {
  'next-app-v5': { env: (base) => ({ AUTH_SECRET: SECRET, AUTH_URL: base, AUTH_TRUST_HOST: 'true' }), cookie: 'authjs.session-token' },
  'next-app-v4': { env: (base) => ({ NEXTAUTH_SECRET: SECRET, NEXTAUTH_URL: base }), cookie: 'next-auth.session-token' },
}

async function serve(appName, https) {
  const appPort = await freePort()
  const apiPort = await freePort()
  const front = https ? await freePort() : appPort
  const base = `${https ? 'https' : 'http'}://localhost:${front}`
  const api = `${https ? 'https' : 'http'}://localhost:${https ? await freePort() : apiPort}`
  // Next's Edge sandbox made to refuse compiling WebAssembly from bytes, as Edge hosts do.
  const sandbox = `--require ${join(examples, 'e2e', 'edge-sandbox.cjs')}`
  const next = start('npx', ['next', 'start', '-H', '127.0.0.1', '-p', String(appPort)], {
    cwd: join(examples, appName),
    env: { ...APPS[appName].env(base), NODE_ENV: 'production', NODE_OPTIONS: sandbox },
  })
  const apiServer = start(process.execPath, ['server.mjs'], {
    cwd: join(examples, 'express-api'),
    env: { AUTH_SECRET: SECRET, PORT: String(apiPort), ALLOWED_ORIGIN: base },
  })
  await waitFor(`http://127.0.0.1:${appPort}/`, next)
  await waitFor(`http://127.0.0.1:${apiPort}/me`, apiServer)
  if (https) {
    await tlsFront(front, appPort)
    await tlsFront(Number(new URL(api).port), apiPort)
  }
  return { base, api, stop: () => [next, apiServer].forEach(stop) }
}

async function everyAnswer(appName, page, base, api) {
  const json = async (path) => {
    const r = await page.request.get(`${base}${path}`)
    return { status: r.status(), body: await r.json() }
  }
  const out = { routes: {} }
  if (appName === 'next-app-v5') {
    for (const route of ['request', 'cookies', 'header']) out.routes[route] = await json(`/api/token/${route}`)
    await page.goto(`${base}/action`)
    await page.click('#run')
    await page.waitForFunction(() => document.querySelector('#out')?.textContent)
    out.action = JSON.parse(await page.textContent('#out'))
    out.guarded = (await page.request.get(`${base}/guarded`)).status()
  } else {
    const pagesRoute = await json('/api/token') // Pages Router: req and req.cookies
    out.routes.pagesReq = { status: pagesRoute.status, body: { token: pagesRoute.body.fromReq } }
    out.routes.pagesCookies = { status: pagesRoute.status, body: { token: pagesRoute.body.fromCookies } }
    out.routes.appRoute = await json('/api/token-app')
    // middleware.ts on Next 15's default Edge runtime: the WebAssembly build.
    const edge = await json('/edge/token')
    out.routes.edgeMiddleware = edge.status === 200 ? edge : { status: edge.status, body: { token: edge.body.token } }
    out.edgeReason = edge.body.reason
  }
  await page.goto(`${base}/rsc`)
  out.rsc = JSON.parse(await page.textContent('#out'))
  // The separate API, called from the app's page by the browser itself, with credentials.
  out.express = await page.evaluate(async (api) => {
    const call = async (p) => {
      const r = await fetch(`${api}${p}`, { credentials: 'include' })
      return { status: r.status, body: await r.json() }
    }
    return { header: await call('/me'), cookies: await call('/me-cookies') }
  }, api)
  // Last: NextAuth v4 deletes a cookie it cannot decrypt, which would hide what the calls above saw.
  out.truth = (await json('/api/truth')).body
  return out
}

for (const appName of Object.keys(APPS)) {
  for (const https of [false, true]) {
    test(`${appName} over ${https ? 'HTTPS' : 'HTTP'}: every caller agrees with Auth.js, for a small and a chunked session`, { timeout: 240_000 }, async () => {
      const v5 = appName === 'next-app-v5'
      const { base, api, stop } = await serve(appName, https)
      try {
        for (const [user, expected] of Object.entries(USERS)) {
          const context = await browser.newContext({ ignoreHTTPSErrors: true })
          const page = await credentialsSignIn(context, base, user)
          // The cookie names the browser really holds: __Secure- only over HTTPS, chunked when large.
          const names = (await context.cookies(base)).map((c) => c.name).filter((n) => n.includes('session-token')).sort()
          const name = `${https ? '__Secure-' : ''}${APPS[appName].cookie}`
          assert.deepEqual(names, user === 'large' ? names.map((_, i) => `${name}.${i}`) : [name], `cookies for ${user}`)
          if (user === 'large') assert.ok(names.length >= 2, 'the large session is chunked')

          const a = await everyAnswer(appName, page, base, api)
          assert.deepEqual(a.truth, { user, token: expected }, 'what Auth.js itself says')
          for (const [route, r] of Object.entries(a.routes)) assert.deepEqual(r, { status: 200, body: { token: expected } }, route)
          assert.deepEqual(a.rsc, { fromStore: expected, fromContext: expected })
          if (v5) {
            assert.deepEqual(a.action, { token: expected })
            assert.equal(a.guarded, 200)
          }
          assert.deepEqual(a.express.header, { status: 200, body: { token: expected } })
          assert.deepEqual(a.express.cookies, { status: 200, body: { token: expected } })

          // A tampered cookie: nothing accepts it, Auth.js included.
          const original = await context.cookies(base)
          const victim = original.find((c) => c.name.startsWith(name))
          const i = Math.floor(victim.value.length / 2)
          const flipped = victim.value[i] === 'A' ? 'B' : 'A'
          await context.addCookies([{ ...victim, value: victim.value.slice(0, i) + flipped + victim.value.slice(i + 1) }])
          const t = await everyAnswer(appName, page, base, api)
          assert.equal(t.truth.token, null)
          for (const r of Object.values(t.routes)) assert.equal(r.status, 401)
          assert.deepEqual(t.rsc, { fromStore: null, fromContext: null })
          if (v5) assert.equal(t.guarded, 401)
          assert.equal(t.express.header.status, 401)
          if (!v5) assert.match(t.edgeReason, /^(DECRYPTION_FAILED|MALFORMED_TOKEN)$/)
          assert.match(t.express.header.body.reason, /^(DECRYPTION_FAILED|MALFORMED_TOKEN)$/)

          // Signing out through the issuer's own page: 401 everywhere.
          await context.clearCookies()
          await context.addCookies(original)
          await page.goto(`${base}/api/auth/signout`)
          await Promise.all([page.waitForURL(`${base}/`), page.click('button[type="submit"]')])
          const out = await everyAnswer(appName, page, base, api)
          assert.deepEqual(out.truth, { user: null, token: null })
          for (const r of Object.values(out.routes)) assert.equal(r.status, 401)
          if (v5) assert.equal(out.guarded, 401)
          assert.deepEqual(out.express.header, { status: 401, body: { error: 'unauthorized', reason: 'NO_SESSION_COOKIE' } })
          if (!v5) assert.equal(out.edgeReason, 'NO_SESSION_COOKIE')
          await context.close()
        }
      } finally {
        stop()
      }
    })
  }
}
