// A separate API server on another port (the "API on a subdomain" pattern) that reads the same
// Auth.js session cookie the Next.js app issued. Needs the app's AUTH_SECRET.
//   ALLOWED_ORIGIN=https://app.example.com AUTH_SECRET=... PORT=4000 node server.mjs
import { readFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import cookieParser from 'cookie-parser'
import express from 'express'
import { getBackendToken, inspectToken } from 'nextauth-backend-token'

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

const port = Number(process.env.PORT ?? 4000)
const host = process.env.HOST ?? '127.0.0.1'
const server = process.env.TLS_CERT
  ? https.createServer({ cert: readFileSync(process.env.TLS_CERT), key: readFileSync(process.env.TLS_KEY) }, app)
  : http.createServer(app)
server.listen(port, host, () => console.log(`express-api listening on ${host}:${port}`))
