// A separate API server on another port (the "API on a subdomain" pattern) that reads the same
// Auth.js session cookie the Next.js app issued. Needs the app's AUTH_SECRET; with DATABASE_URL
// it also reads database sessions through the same Auth.js adapter the app uses.
//   ALLOWED_ORIGIN=https://app.example.com AUTH_SECRET=... PORT=4000 node server.mjs
//   ALLOWED_ORIGIN=... DATABASE_URL=postgres://... PORT=4000 node server.mjs
import { readFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import cookieParser from 'cookie-parser'
import express from 'express'
import { createResolver, getBackendToken, inspectToken } from 'nextauth-backend-token'

const app = express()
app.use(cookieParser())

// CORS with credentials: one explicit origin (never "*"), and Vary so caches keep them apart.
app.use((req, res, next) => {
  const origin = req.headers.origin
  if (origin && origin === process.env.ALLOWED_ORIGIN) {
    res.setHeader('Access-Control-Allow-Origin', origin)
    res.setHeader('Access-Control-Allow-Credentials', 'true')
  }
  res.setHeader('Vary', 'Origin')
  next()
})

function answer(res, token, source) {
  if (token) return res.json({ token })
  // 401 with the reason code (never a value) so the caller can tell "signed out" from "misconfigured".
  res.status(401).json({ error: 'unauthorized', reason: inspectToken(source).reason })
}

// The raw Cookie header...
app.get('/me', (req, res) => answer(res, getBackendToken(req.headers.cookie), req.headers.cookie))
// ...or cookie-parser's req.cookies (chunks included).
app.get('/me-cookies', (req, res) => answer(res, getBackendToken(req.cookies), req.cookies))

// Database sessions: one resolver, made at start-up with the app's adapter (a mistake throws now).
if (process.env.DATABASE_URL) {
  const { default: PostgresAdapter } = await import('@auth/pg-adapter')
  const { default: pg } = await import('pg')
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4, connectionTimeoutMillis: 2000 })
  pool.on('error', () => {}) // a lost server shows up as failed lookups: 503 below
  const auth = createResolver({ adapter: PostgresAdapter(pool), adapterTimeout: 3000 })
  app.get('/session', async (req, res) => {
    try {
      const session = await auth.getSession(req)
      if (!session) return res.status(401).json({ error: 'unauthorized', reason: (await auth.inspectToken(req)).reason })
      res.json({ strategy: session.strategy, email: session.user.email, userId: session.user.id })
    } catch (err) {
      // "Could not check" is not "signed out": 503, never 401.
      if (err.code === 'ERR_ADAPTER_FAILED') return res.status(503).json({ error: 'unavailable', code: err.code })
      throw err
    }
  })
}

const port = Number(process.env.PORT ?? 4000)
const host = process.env.HOST ?? '127.0.0.1'
const server = process.env.TLS_CERT
  ? https.createServer({ cert: readFileSync(process.env.TLS_CERT), key: readFileSync(process.env.TLS_KEY) }, app)
  : http.createServer(app)
server.listen(port, host, () => console.log(`express-api listening on ${host}:${port}`))
