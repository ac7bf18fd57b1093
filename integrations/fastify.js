'use strict'
// A Fastify plugin, encapsulation skipped as fastify-plugin does it:
//   await app.register(nextAuth, { secret })
//   app.get('/me', { onRequest: [app.authenticate] }, (request) => request.auth)
// request.auth is null until app.authenticate has run; failures go through Fastify's error path
// (statusCode 401, 403 or 503, with `code` and `reason`). A second registration with other
// options (another adapter, required: false) names its hook: { decorator: 'authenticateAdmin' }.
// Loads no framework code itself.
const { AuthError, authenticator, headerValue } = require('./common.js')

function nextAuth(fastify, options, done) {
  let check
  const { decorator = 'authenticate', ...rest } = options ?? {}
  try {
    check = authenticator(rest)
  } catch (err) {
    done(err)
    return
  }
  if (!fastify.hasRequestDecorator('auth')) fastify.decorateRequest('auth', null)
  fastify.decorate(decorator, async function authenticate(request) {
    request.auth = await check({ method: request.method, header: (name) => headerValue(request.headers[name]), source: request })
  })
  done()
}

// What fastify-plugin sets: no encapsulation (the decorators reach the parent), a name, a version.
nextAuth[Symbol.for('skip-override')] = true
nextAuth[Symbol.for('fastify.display-name')] = 'nextauth-backend-token'
nextAuth[Symbol.for('plugin-meta')] = { name: 'nextauth-backend-token', fastify: '>=4' }

module.exports = nextAuth
module.exports.default = nextAuth
module.exports.nextAuth = nextAuth
module.exports.AuthError = AuthError
