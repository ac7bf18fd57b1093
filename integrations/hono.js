'use strict'
// Hono middleware in the hono/jwt style:
//   app.use('/api/*', authenticate({ secret }))   → c.get('auth') is the session
// Refusals throw HTTPException (401, 403 or 503) whose response is JSON { error, reason, message }
// and whose cause is the AuthError; with required: false, c.get('auth') is null instead. Works on
// any runtime Hono's Node adapter serves (@hono/node-server).
const { AuthError, authenticator } = require('./common.js')

function authenticate(options) {
  const check = authenticator(options)
  const { HTTPException } = require('hono/http-exception')
  return async function nextAuthMiddleware(c, next) {
    let session
    try {
      session = await check({ method: c.req.method, header: (name) => c.req.header(name), source: c.req.raw })
    } catch (err) {
      if (!(err instanceof AuthError)) throw err
      const res = Response.json({ error: err.code, reason: err.reason, message: err.message }, { status: err.status })
      throw new HTTPException(err.status, { res, message: err.message, cause: err })
    }
    c.set('auth', session)
    await next()
  }
}

module.exports = { authenticate, AuthError }
