// A separate API server (the "API on a subdomain" pattern: api.example.com next to app.example.com)
// that trusts the Auth.js session cookie the Next.js app issued, through the Express integration.
// Needs the app's AUTH_SECRET; with DATABASE_URL it also reads database sessions through the same
// Auth.js adapter the app uses.
//   ALLOWED_ORIGIN=https://app.example.com AUTH_SECRET=... PORT=4000 node server.mjs
//   ALLOWED_ORIGIN=... AUTH_SECRET=... DATABASE_URL=postgres://... PORT=4000 node server.mjs
import { readFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import cookieParser from 'cookie-parser'
import express from 'express'
import { getBackendToken, inspectToken } from 'nextauth-backend-token'
import { authenticate } from 'nextauth-backend-token/express'

const ALLOWED_ORIGIN = process.env.ALLOWED_ORIGIN
const app = express()
app.use(cookieParser())

// CORS with credentials: one explicit origin (never "*"), preflights answered, Vary so caches keep
// answers apart.
app.use((req, res, next) => {
  const origin = req.headers.origin
  if (origin && origin === ALLOWED_ORIGIN) {
    res.setHeader('Access-Control-Allow-Origin', origin)
    res.setHeader('Access-Control-Allow-Credentials', 'true')
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE')
      res.setHeader('Access-Control-Allow-Headers', 'content-type, x-csrf-token')
      res.setHeader('Access-Control-Max-Age', '600')
    }
  }
  res.setHeader('Vary', 'Origin')
  if (req.method === 'OPTIONS') return res.status(204).end()
  next()
})

// The session (made at start-up: a missing AUTH_SECRET fails here, not on the first request).
// Cookie-authenticated POST/PUT/PATCH/DELETE must come from the app's origin or carry the CSRF token.
const session = authenticate({ allowedOrigins: ALLOWED_ORIGIN ? [ALLOWED_ORIGIN] : [] })

app.get('/me', session, (req, res) => res.json({ token: req.auth.token?.backendToken ?? null }))
app.post('/notes', express.json(), session, (req, res) => res.json({ saved: true, by: req.auth.user.email, note: req.body?.note ?? null }))

// Without the integration, from cookie-parser's req.cookies (chunks included).
app.get('/me-cookies', (req, res) => {
  const token = getBackendToken(req.cookies)
  if (token) return res.json({ token })
  res.status(401).json({ error: 'unauthorized', reason: inspectToken(req.cookies).reason })
})

// Database sessions, through the same Auth.js adapter the app uses.
if (process.env.DATABASE_URL) {
  const { default: PostgresAdapter } = await import('@auth/pg-adapter')
  const { default: pg } = await import('pg')
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4, connectionTimeoutMillis: 2000 })
  pool.on('error', () => {}) // a lost server shows up as failed lookups: 503 below
  const dbSession = authenticate({ adapter: PostgresAdapter(pool), adapterTimeout: 3000, allowedOrigins: ALLOWED_ORIGIN ? [ALLOWED_ORIGIN] : [] })
  app.get('/session', dbSession, (req, res) => res.json({ strategy: req.auth.strategy, email: req.auth.user.email, userId: req.auth.user.id }))
}

// The app decides the bodies: a reason code, never a value. "Could not check" is a 503, not a 401.
app.use((err, _req, res, next) => {
  if (err.status === 401) return res.status(401).json({ error: 'unauthorized', reason: err.reason })
  if (err.status === 403) return res.status(403).json({ error: 'forbidden', reason: err.reason })
  if (err.status === 503) return res.status(503).json({ error: 'unavailable', code: err.cause?.code })
  next(err)
})

const port = Number(process.env.PORT ?? 4000)
const host = process.env.HOST ?? '127.0.0.1'
const server = process.env.TLS_CERT
  ? https.createServer({ cert: readFileSync(process.env.TLS_CERT), key: readFileSync(process.env.TLS_KEY) }, app)
  : http.createServer(app)
server.listen(port, host, () => console.log(`express-api listening on ${host}:${port}`))
