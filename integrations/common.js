'use strict'
// The integrations' shared part (auth.js) bound to the Node entry.
const { createResolver } = require('../index.js')
const { AuthError, authenticator, headerValue } = require('./auth.js')

module.exports = {
  AuthError,
  authenticator: (options) => authenticator(createResolver, options),
  headerValue,
}
