'use strict'
// Public entry. The resolver is native (binding.js loads it); this file only does what needs
// JavaScript: telling "no argument" apart from `undefined`, awaiting a Promise source, and reading
// `next/headers` from the caller's Next.js request context.

const binding = require('./binding.js')

function isThenable(value) {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof value.then === 'function'
  )
}

function noRequestContext(cause) {
  const err = new Error(
    'called with no argument outside a Next.js request: pass the request, its headers, a cookie ' +
      'store or the Cookie header (e.g. getBackendToken(req.headers.cookie))',
  )
  err.code = 'ERR_NO_REQUEST_CONTEXT'
  if (cause !== undefined) err.cause = cause
  return err
}

async function fromNextHeaders(resolve) {
  let nextHeaders
  try {
    nextHeaders = require('next/headers')
  } catch (e) {
    throw noRequestContext(e)
  }
  let cookieStore, headerList
  try {
    ;[cookieStore, headerList] = await Promise.all([nextHeaders.cookies(), nextHeaders.headers()])
  } catch (e) {
    // Next.js throws its own control-flow errors (dynamic rendering bail-outs) from here; those
    // must reach Next untouched.
    if (e && typeof e === 'object' && ('digest' in e || e.$$typeof)) throw e
    throw noRequestContext(e)
  }
  // The headers carry the complete Cookie header (every chunk) and the Authorization header.
  return resolve({ headers: headerList, cookies: cookieStore })
}

function withSources(resolve) {
  return function (source, options) {
    if (arguments.length === 0) return fromNextHeaders((s) => resolve(s))
    if (isThenable(source)) return Promise.resolve(source).then((s) => resolve(s, options))
    return resolve(source, options)
  }
}

exports.getBackendToken = withSources(binding.getBackendToken)
exports.getToken = withSources(binding.getToken)
exports.decode = binding.decode
exports.encode = binding.encode
exports.__napiBindingTarget = binding.__napiBindingTarget
