'use strict'
// Express / Connect middleware in the express-jwt style:
//   app.use(authenticate({ secret }))   → req.auth is the session (or null with required: false)
// A request without a valid session goes to next(err) with an AuthError (status 401, code
// 'credentials_required' or 'invalid_token', reason the reason code); a refused cross-site request
// status 403 (code 'csrf_rejected'); a session that could not be checked status 503. The app's own
// error handler decides the body. Loads no framework code itself.
const { AuthError, authenticator, headerValue } = require('./common.js')

function authenticate(options) {
  const check = authenticator(options)
  return function nextAuthMiddleware(req, _res, next) {
    check({ method: req.method, header: (name) => headerValue(req.headers[name]), source: req }).then((session) => {
      req.auth = session
      next()
    }, next)
  }
}

module.exports = { authenticate, AuthError }
