// The framework integrations, each tested the way its own users test: Express on a real loopback
// server, Fastify with inject, Hono with app.request, NestJS with Test.createTestingModule on the
// Express and the Fastify platform. Sessions are issued by @auth/core's own sign-in; the CSRF
// cookie is the one Auth.js set during that sign-in.
import test, { after } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { once } from 'node:events'
import pg from 'pg'
import PostgresAdapter from '@auth/pg-adapter'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SECRET, OLD_SECRET, authjsSignIn, backendTokenOf, mintV5, tamper, cookieHeader } from './helpers.mjs'
import { packageModules, serveWorkerd } from './fixtures/workerd.mjs'
import { honoApp, meBody } from './fixtures/hono-app.mjs'

const require = createRequire(import.meta.url)
require('reflect-metadata')
const root = fileURLToPath(new URL('..', import.meta.url))
// Platform jobs (other CPUs and libcs, emulated) have no workerd to run.
const skipWorkerd = process.env.NBT_PLATFORM_JOB && 'platform job: workerd is not available for every libc'
const S = '__Secure-authjs.session-token'
const APP = 'https://app.example.test'
const EVIL = 'https://evil.example.test'

const bt = backendTokenOf(300, 'integrations')
const signed = await authjsSignIn({ https: true, backendToken: bt })
const csrfCookie = signed.jar.get('__Host-authjs.csrf-token')
const csrfToken = decodeURIComponent(csrfCookie).split('|')[0]
const sessionCookie = cookieHeader([...signed.jar].filter(([n]) => n.startsWith(S)))
const withCsrfCookie = `${sessionCookie}; __Host-authjs.csrf-token=${csrfCookie}`
const tampered = `${S}=${tamper(signed.jar.get(S), 4)}`
const bearer = await mintV5({ claims: { backendToken: 'via-bearer', email: 'bearer@example.test' }, salt: S })
// A database id with an adapter whose database cannot be reached: "could not check".
const unreachable = new pg.Pool({ host: '127.0.0.1', port: 1, user: 'postgres', connectionTimeoutMillis: 1000 }).on('error', () => {})
const downAdapter = PostgresAdapter(unreachable)
after(() => unreachable.end())

/**
 * The same contract, whatever the framework: `call(method, path, headers)` → { status, body }.
 * `body` carries `email`/`backendToken` on success and `code`/`reason` on refusal.
 */
async function contract(name, call) {
  const ok = await call('GET', '/me', { cookie: sessionCookie })
  assert.deepEqual([ok.status, ok.body.email, ok.body.backendToken, ok.body.strategy], [200, 'ada@example.test', bt, 'jwt'], `${name}: signed in`)
  const none = await call('GET', '/me', {})
  assert.deepEqual([none.status, none.body.code, none.body.reason], [401, 'credentials_required', 'NO_SESSION_COOKIE'], `${name}: no cookie`)
  const bad = await call('GET', '/me', { cookie: tampered })
  assert.deepEqual([bad.status, bad.body.code, bad.body.reason], [401, 'invalid_token', 'DECRYPTION_FAILED'], `${name}: tampered`)
  const garbage = await call('GET', '/me', { cookie: `${S}=a.b.c.d.e` })
  assert.deepEqual([garbage.status, garbage.body.reason], [401, 'MALFORMED_TOKEN'], `${name}: malformed is a 401, not a 500`)
  assert.ok(!JSON.stringify(bad.body).includes(signed.jar.get(S).slice(0, 40)), `${name}: the response never echoes the cookie`)
  const viaBearer = await call('POST', '/me', { authorization: `Bearer ${bearer}` })
  assert.deepEqual([viaBearer.status, viaBearer.body.backendToken], [200, 'via-bearer'], `${name}: a Bearer JWE, and no CSRF check for it`)
  // CSRF for cookie-authenticated unsafe methods.
  const post = (headers) => call('POST', '/me', { cookie: withCsrfCookie, ...headers })
  assert.deepEqual([(await post({})).status, (await post({})).body.reason], [403, 'CSRF_TOKEN_MISSING'], `${name}: a bare POST`)
  assert.deepEqual([(await post({ origin: EVIL })).status, (await post({ origin: EVIL })).body.reason], [403, 'CSRF_ORIGIN_NOT_ALLOWED'], `${name}: from a sibling`)
  assert.equal((await post({ origin: APP })).status, 200, `${name}: from the allowed origin`)
  assert.equal((await post({ 'x-csrf-token': csrfToken, origin: EVIL })).status, 200, `${name}: with Auth.js's double-submit token`)
  assert.deepEqual([(await post({ 'x-csrf-token': 'forged' })).status, (await post({ 'x-csrf-token': 'forged' })).body.reason], [403, 'CSRF_TOKEN_INVALID'], `${name}: a forged token`)
  assert.equal((await call('GET', '/me', { cookie: sessionCookie, origin: EVIL })).status, 200, `${name}: safe methods are not CSRF-checked`)
  // Optional sessions, and a database that cannot be reached.
  const open = await call('GET', '/open', {})
  assert.deepEqual([open.status, open.body.auth], [200, null], `${name}: required: false lets it through`)
  const down = await call('GET', '/db', { cookie: `${S}=5f0c8e9a-3b1d-4e6f-9a2b-7c4d1e8f0a3b` })
  assert.deepEqual([down.status, down.body.code], [503, 'session_unavailable'], `${name}: could not check is a 503`)
}

const OPTIONS = { secret: SECRET, allowedOrigins: [APP] }

test('Express: authenticate() puts the session on req.auth and errors go to next(err)', async () => {
  const express = require('express')
  const { authenticate } = require('../integrations/express.js')
  const app = express()
  app.get('/open', authenticate({ ...OPTIONS, required: false }), (req, res) => res.json({ auth: req.auth }))
  app.get('/db', authenticate({ ...OPTIONS, adapter: downAdapter, adapterTimeout: 3000 }), (req, res) => res.json(meBody(req.auth)))
  app.use(authenticate(OPTIONS))
  app.all('/me', (req, res) => res.json(meBody(req.auth)))
  // The app's own error handler decides the body.
  app.use((err, _req, res, _next) => res.status(err.status ?? 500).json({ code: err.code, reason: err.reason }))
  const server = app.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const base = `http://127.0.0.1:${server.address().port}`
  try {
    await contract('express', async (method, path, headers) => {
      const r = await fetch(`${base}${path}`, { method, headers })
      return { status: r.status, body: await r.json() }
    })
  } finally {
    server.close()
  }
})

test('Fastify: the plugin decorates request.auth and app.authenticate, refusals go through Fastify errors', async () => {
  const Fastify = require('fastify')
  const nextAuth = require('../integrations/fastify.js')
  const app = Fastify()
  await app.register(nextAuth, OPTIONS)
  app.route({ method: ['GET', 'POST'], url: '/me', onRequest: [app.authenticate], handler: async (request) => meBody(request.auth) })
  app.get('/open', async (request) => ({ auth: request.auth }))
  await app.register(async (scoped) => {
    await scoped.register(nextAuth, { ...OPTIONS, adapter: downAdapter, adapterTimeout: 3000, decorator: 'authenticateDb' })
    scoped.get('/db', { onRequest: [scoped.authenticateDb] }, async (request) => meBody(request.auth))
  })
  // Fastify's default error body is { statusCode, code, error, message }: the reason is in the message.
  await contract('fastify', async (method, url, headers) => {
    const r = await app.inject({ method, url, headers })
    const body = r.json()
    return { status: r.statusCode, body: { ...body, reason: body.message?.match(/\(([A-Z_]+)\)/)?.[1] } }
  })
  const refused = await app.inject({ url: '/me' })
  assert.deepEqual(refused.json(), { statusCode: 401, code: 'credentials_required', error: 'Unauthorized', message: 'No session (NO_SESSION_COOKIE): sign in first' })
  await app.close()
  // An app's own error handler sees the AuthError whole.
  const custom = Fastify()
  await custom.register(nextAuth, OPTIONS)
  custom.setErrorHandler((err, _request, reply) => reply.status(err.statusCode).send({ reason: err.reason }))
  custom.get('/me', { onRequest: [custom.authenticate] }, async (request) => meBody(request.auth))
  assert.deepEqual((await custom.inject({ url: '/me', headers: { cookie: tampered } })).json(), { reason: 'DECRYPTION_FAILED' })
  await custom.close()
  // A configuration mistake fails when the app starts, not on the first request.
  const saved = process.env.AUTH_SECRET
  delete process.env.AUTH_SECRET
  try {
    const broken = Fastify()
    broken.register(nextAuth, {})
    await assert.rejects(broken.ready(), { code: 'ERR_MISSING_SECRET' })
  } finally {
    if (saved !== undefined) process.env.AUTH_SECRET = saved
  }
})

test('Hono: authenticate() sets c.get("auth") and refuses with HTTPException', async () => {
  const { Hono } = require('hono')
  const { authenticate } = require('../integrations/hono.js')
  const app = honoApp(Hono, authenticate, OPTIONS, downAdapter)
  await contract('hono', async (method, path, headers) => {
    const r = await app.request(path, { method, headers })
    const body = await r.json()
    return { status: r.status, body: { ...body, code: body.code ?? body.error } }
  })
  // And over a real socket with @hono/node-server.
  const { serve } = require('@hono/node-server')
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
  await once(server, 'listening')
  try {
    const r = await fetch(`http://127.0.0.1:${server.address().port}/me`, { headers: { cookie: sessionCookie } })
    assert.equal((await r.json()).backendToken, bt)
  } finally {
    server.close()
  }
})

test('Hono on Workers: `nextauth-backend-token/hono` in workerd keeps the same contract', { skip: skipWorkerd }, async (t) => {
  // Where the export map sends a Workers bundler (as Node resolves it with the condition).
  const resolved = execFileSync(process.execPath, ['--conditions=workerd', '--input-type=module', '-e', 'console.log(import.meta.resolve("nextauth-backend-token/hono"))'], { cwd: root })
  assert.equal(relative(root, fileURLToPath(resolved.toString().trim())), join('edge', 'hono-worker.mjs'))
  const pkg = 'node_modules/nextauth-backend-token'
  const { base, log } = await serveWorkerd(t, {
    modules: [
      ['worker.mjs', 'esModule', join(root, '__test__/fixtures/hono-worker.mjs')],
      ['hono-app.mjs', 'esModule', join(root, '__test__/fixtures/hono-app.mjs')],
      ...packageModules(['hono-worker', 'hono', 'hono-middleware', 'auth', 'worker', 'start', 'front', 'session', 'wasm']),
      ...esmGraph(join(root, 'node_modules/hono/dist'), ['index.js', 'http-exception.js']).map((f) => [`node_modules/hono/dist/${f}`, 'esModule', join(root, 'node_modules/hono/dist', f)]),
    ],
    aliases: {
      'nextauth-backend-token/hono': `${pkg}/edge/hono-worker.mjs`,
      hono: 'node_modules/hono/dist/index.js',
      'hono/http-exception': 'node_modules/hono/dist/http-exception.js',
    },
    bindings: { AUTH_SECRET: SECRET, APP },
  })
  const runtime = await fetch(`${base}/runtime`)
  assert.deepEqual(await runtime.json(), { hasProcess: false }, `no Node compatibility\n${log()}`)
  await contract('hono on workerd', async (method, path, headers) => {
    const r = await fetch(`${base}${path}`, { method, headers })
    const body = await r.json()
    return { status: r.status, body: { ...body, code: body.code ?? body.error } }
  })
})

/** The files of an ES module graph under `dir` reached from `entries` by relative imports. */
function esmGraph(dir, entries) {
  const seen = new Set()
  const visit = (file) => {
    if (seen.has(file)) return
    seen.add(file)
    const source = readFileSync(join(dir, file), 'utf8')
    for (const [, spec] of source.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      visit(relative(dir, join(dir, dirname(file), spec)))
    }
  }
  entries.forEach(visit)
  return [...seen]
}

test('NestJS: guard per route and as APP_GUARD, @Public, @NextAuthSession, on the Express and Fastify platforms', async () => {
  const { Controller, Get, Post, UseGuards } = require('@nestjs/common')
  const { Test } = require('@nestjs/testing')
  const { FastifyAdapter } = require('@nestjs/platform-fastify')
  const { NextAuthModule, NextAuthGuard, Public, NextAuthSession } = require('../integrations/nest.js')
  const decorate = (target, name, ...decorators) => {
    for (const d of decorators) d(target.prototype, name, Object.getOwnPropertyDescriptor(target.prototype, name))
  }

  // Per route: @UseGuards(NextAuthGuard) on /me.
  class RouteController {
    me(session) {
      return meBody(session)
    }
    mePost(session) {
      return meBody(session)
    }
  }
  Controller()(RouteController)
  decorate(RouteController, 'me', Get('me'), UseGuards(NextAuthGuard))
  decorate(RouteController, 'mePost', Post('me'), UseGuards(NextAuthGuard))
  NextAuthSession()(RouteController.prototype, 'me', 0)
  NextAuthSession()(RouteController.prototype, 'mePost', 0)

  // Globally: every route guarded, /open public.
  class GlobalController {
    open() {
      return { auth: null }
    }
    me(email) {
      return { email }
    }
  }
  Controller()(GlobalController)
  decorate(GlobalController, 'open', Get('open'), Public())
  decorate(GlobalController, 'me', Get('me'))
  NextAuthSession('user')(GlobalController.prototype, 'me', 0)

  for (const platform of ['express', 'fastify']) {
    const start = async (imports, controllers) => {
      const moduleRef = await Test.createTestingModule({ imports, controllers }).compile()
      const app = moduleRef.createNestApplication(platform === 'fastify' ? new FastifyAdapter() : undefined, { logger: false })
      await app.listen(0, '127.0.0.1')
      return { app, base: (await app.getUrl()).replace('[::1]', '127.0.0.1') }
    }
    const call = (base) => async (method, path, headers) => {
      const r = await fetch(`${base}${path}`, { method, headers })
      const body = await r.json()
      return { status: r.status, body: { ...body, code: body.code ?? body.message?.code, reason: body.reason ?? body.message?.reason } }
    }
    const perRoute = await start([NextAuthModule.forRoot(OPTIONS)], [RouteController])
    try {
      const c = call(perRoute.base)
      const ok = await c('GET', '/me', { cookie: sessionCookie })
      assert.deepEqual([ok.status, ok.body.email, ok.body.backendToken], [200, 'ada@example.test', bt], platform)
      const none = await c('GET', '/me', {})
      assert.deepEqual([none.status, none.body.code, none.body.reason], [401, 'credentials_required', 'NO_SESSION_COOKIE'], platform)
      const bad = await c('GET', '/me', { cookie: tampered })
      assert.deepEqual([bad.status, bad.body.reason], [401, 'DECRYPTION_FAILED'], platform)
      const csrf = await c('POST', '/me', { cookie: withCsrfCookie, origin: EVIL })
      assert.deepEqual([csrf.status, csrf.body.reason], [403, 'CSRF_ORIGIN_NOT_ALLOWED'], platform)
      assert.equal((await c('POST', '/me', { cookie: withCsrfCookie, 'x-csrf-token': csrfToken })).status, 201, platform)
    } finally {
      await perRoute.app.close()
    }
    const global = await start([NextAuthModule.forRoot({ ...OPTIONS, globalGuard: true })], [GlobalController])
    try {
      const c = call(global.base)
      assert.deepEqual(await c('GET', '/open', {}), { status: 200, body: { auth: null, code: undefined, reason: undefined } }, platform)
      const me = await c('GET', '/me', { cookie: sessionCookie })
      assert.equal(me.body.email.email, 'ada@example.test', platform)
      assert.equal((await c('GET', '/me', {})).status, 401, platform)
    } finally {
      await global.app.close()
    }
    const down = await start([NextAuthModule.forRoot({ ...OPTIONS, adapter: downAdapter, adapterTimeout: 3000 })], [RouteController])
    try {
      const r = await call(down.base)('GET', '/me', { cookie: `${S}=5f0c8e9a-3b1d-4e6f-9a2b-7c4d1e8f0a3b` })
      assert.deepEqual([r.status, r.body.code], [503, 'session_unavailable'], platform)
    } finally {
      await down.app.close()
    }
  }
  // forRoot checks the options when the module is made: at start-up.
  assert.throws(() => NextAuthModule.forRoot({ secret: SECRET, allowedOrigins: 'https://app.example.test' }), { code: 'ERR_INVALID_OPTION' })
  void OLD_SECRET
})

test('every integration fails at start-up on a configuration mistake, and trusts same-origin fetches without allowedOrigins', async () => {
  const { authenticate: expressAuth } = require('../integrations/express.js')
  const { authenticate: honoAuth } = require('../integrations/hono.js')
  const { NextAuthModule } = require('../integrations/nest.js')
  const saved = { ...process.env }
  try {
    for (const k of ['AUTH_SECRET', 'AUTH_SECRET_1', 'AUTH_SECRET_2', 'AUTH_SECRET_3', 'NEXTAUTH_SECRET']) delete process.env[k]
    for (const make of [() => expressAuth(), () => honoAuth({}), () => NextAuthModule.forRoot({})]) {
      assert.throws(make, { code: 'ERR_MISSING_SECRET' })
    }
    for (const make of [() => expressAuth({ secret: SECRET, required: 'yes' }), () => honoAuth({ secret: SECRET, csrfHeader: '' })]) {
      assert.throws(make, { code: 'ERR_INVALID_OPTION' })
    }
    // A database-only backend needs no secret.
    assert.doesNotThrow(() => expressAuth({ adapter: downAdapter }))
  } finally {
    Object.assign(process.env, saved)
  }
  const { Hono } = require('hono')
  const app = new Hono()
  app.use('*', honoAuth({ secret: SECRET }))
  app.post('/notes', (c) => c.json({ by: c.get('auth').user.email }))
  const post = (headers) => app.request('/notes', { method: 'POST', headers: { cookie: sessionCookie, ...headers } })
  assert.equal((await post({ 'sec-fetch-site': 'same-origin' })).status, 200)
  assert.equal((await post({ 'sec-fetch-site': 'same-site', origin: EVIL })).status, 403)
  assert.equal((await post({ 'sec-fetch-site': 'cross-site' })).status, 403)
})
