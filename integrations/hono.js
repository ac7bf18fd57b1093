'use strict'
// Hono middleware in the hono/jwt style:
//   app.use('/api/*', authenticate({ secret }))   → c.get('auth') is the session
// Refusals throw HTTPException (401, 403 or 503) whose response is JSON { error, reason, message }
// and whose cause is the AuthError; with required: false, c.get('auth') is null instead. This file
// serves Node (@hono/node-server, Bun, Deno); Workers and the Next.js Edge runtime get
// edge/hono-worker.mjs and edge/hono-next.mjs through the export map, the same middleware over the
// WebAssembly build.
const { AuthError, authenticator } = require('./common.js')
const { honoMiddleware } = require('./hono-middleware.js')

function authenticate(options) {
  const check = authenticator(options)
  const { HTTPException } = require('hono/http-exception')
  return honoMiddleware(check, { HTTPException, AuthError })
}

module.exports = { authenticate, AuthError }
