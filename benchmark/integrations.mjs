// What the Express and Fastify integrations add over calling the resolver in a bare handler:
// autocannon against loopback servers, the same signed-in request, rounds interleaved and the
// median kept.   npm run bench:integrations   (release build first: npm run build)
import { createRequire } from 'node:module'
import { once } from 'node:events'
import os from 'node:os'
import autocannon from 'autocannon'
import { authjsSignIn, backendTokenOf } from '../examples/lib/sign-in.mjs'

const require = createRequire(import.meta.url)
const express = require('express')
const Fastify = require('fastify')
const { createResolver } = require('../index.js')
const { authenticate } = require('../integrations/express.js')
const nextAuth = require('../integrations/fastify.js')

const SECRET = 'bench-secret-4c1f8a2e9b7d6c5a3f1e0d9c8b7a6f5e'
const QUICK = process.argv.includes('--quick')
const { header } = await authjsSignIn({ https: true, secret: SECRET, backendToken: backendTokenOf(300, 'bench') })
const auth = createResolver({ secret: SECRET })

async function bare(req) {
  return auth.getSession(req)
}

const servers = {
  async 'express bare'() {
    const app = express()
    app.get('/me', async (req, res) => {
      const session = await bare(req)
      if (!session) return res.status(401).end()
      res.json({ email: session.user.email })
    })
    return app.listen(0, '127.0.0.1')
  },
  async 'express authenticate()'() {
    const app = express()
    app.get('/me', authenticate({ secret: SECRET }), (req, res) => res.json({ email: req.auth.user.email }))
    return app.listen(0, '127.0.0.1')
  },
  async 'fastify bare'() {
    const app = Fastify()
    app.get('/me', async (request, reply) => {
      const session = await bare(request)
      if (!session) return reply.code(401).send()
      return { email: session.user.email }
    })
    await app.listen({ port: 0, host: '127.0.0.1' })
    return app.server
  },
  async 'fastify plugin'() {
    const app = Fastify()
    await app.register(nextAuth, { secret: SECRET })
    app.get('/me', { onRequest: [app.authenticate] }, async (request) => ({ email: request.auth.user.email }))
    await app.listen({ port: 0, host: '127.0.0.1' })
    return app.server
  },
}

const running = {}
for (const [name, make] of Object.entries(servers)) {
  const server = await make()
  if (!server.listening) await once(server, 'listening')
  running[name] = server
}
const rounds = QUICK ? 3 : 5
const results = Object.fromEntries(Object.keys(running).map((n) => [n, []]))
for (let r = 0; r < rounds; r++) {
  for (const [name, server] of Object.entries(running)) {
    const url = `http://127.0.0.1:${server.address().port}/me`
    const out = await autocannon({ url, connections: 16, duration: QUICK ? 2 : 4, headers: { cookie: header } })
    if (out.non2xx) throw new Error(`${name}: ${out.non2xx} non-2xx answers`)
    results[name].push(out.requests.average)
  }
}
for (const server of Object.values(running)) server.close()
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
console.log(`Node ${process.version}, ${os.cpus()[0].model} (${os.cpus().length} cores), loopback, 16 connections`)
console.log('\n| server | requests/s (median of rounds) | vs the bare handler |\n|---|---:|---:|')
for (const fw of ['express', 'fastify']) {
  const [bareName, integrated] = Object.keys(results).filter((n) => n.startsWith(fw))
  const b = median(results[bareName])
  for (const name of [bareName, integrated]) {
    const m = median(results[name])
    console.log(`| ${name} | ${Math.round(m).toLocaleString('en')} | ${name === bareName ? '-' : `${(((b - m) / b) * 100).toFixed(1)}% slower`} |`)
  }
}
