'use strict'
// The Hono middleware, in the hono/jwt style, over an authenticator and Hono's HTTPException (the
// Node subpath and the edge entries each bring theirs). Requires nothing.

/** Middleware setting `c.get('auth')`; an `AuthError` becomes an HTTPException with a JSON body. */
function honoMiddleware(check, { HTTPException, AuthError }) {
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

module.exports = { honoMiddleware }
