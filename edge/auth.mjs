// Generated from integrations/auth.js by .ci/edge-modules.mjs: edit that file, then run `npm run generate`.
// What the framework integrations share: one resolver made at start-up (a configuration mistake
// throws then), the session of either strategy, the 401/403/503 decision, and CSRF protection
// for cookie-authenticated unsafe requests. Each integration only speaks its framework's idiom.
// Requires nothing: common.js binds it to the Node entry; edge/hono.mjs binds its ES module form
// (edge/auth.mjs, generated) to the WebAssembly entries.

const INTERNAL = Symbol.for('nextauth-backend-token.internal')
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** What an integration reports: `status` (401, 403 or 503), `code`, and the `reason` code. */
class AuthError extends Error {
  constructor(status, code, reason, message, cause) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = 'AuthError'
    this.status = status
    this.statusCode = status
    this.code = code
    this.reason = reason
  }
}

function invalidOption(name, expected) {
  const err = new TypeError(`invalid option \`${name}\`: ${expected}`)
  err.code = 'ERR_INVALID_OPTION'
  return err
}

/** The integration options, checked at start-up; the rest are the resolver's. */
function integrationOptions(options) {
  if (options === null || typeof options !== 'object') throw invalidOption('options', 'expected an object')
  const { required = true, csrf = true, allowedOrigins, csrfHeader = 'x-csrf-token', ...resolverOptions } = options
  if (typeof required !== 'boolean') throw invalidOption('required', 'expected a boolean')
  if (typeof csrf !== 'boolean') throw invalidOption('csrf', 'expected a boolean')
  if (typeof csrfHeader !== 'string' || !csrfHeader) throw invalidOption('csrfHeader', 'expected a header name')
  let origins = null
  if (allowedOrigins !== undefined) {
    if (!Array.isArray(allowedOrigins) || !allowedOrigins.every((o) => typeof o === 'string')) {
      throw invalidOption('allowedOrigins', 'expected an array of origins such as "https://app.example.com"')
    }
    origins = new Set(
      allowedOrigins.map((o) => {
        try {
          return new URL(o).origin
        } catch {
          throw invalidOption('allowedOrigins', 'expected an array of origins such as "https://app.example.com"')
        }
      }),
    )
  }
  return { required, csrf, origins, csrfHeader: csrfHeader.toLowerCase(), resolverOptions }
}

/** The value of a cookie named `name` in a Cookie header, or undefined. */
function cookieValue(header, name) {
  if (typeof header !== 'string') return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

/**
 * An authenticator over `createResolver` (the Node or the edge entry's): `({ method, header, source })
 * => Promise<session | null>`, throwing an `AuthError` for 401, 403 and 503 answers. `header(name)`
 * gives a lower-case header's value.
 */
function authenticator(createResolver, options = {}) {
  const o = integrationOptions(options)
  const resolver = createResolver(o.resolverOptions)
  const internal = resolver[INTERNAL]

  /** Why an unsafe cookie-authenticated request is refused, or null when it may go on. */
  function csrfRefusal(header) {
    const origin = header('origin')
    if (o.origins !== null ? origin !== undefined && o.origins.has(origin) : header('sec-fetch-site') === 'same-origin') return null
    const token = header(o.csrfHeader)
    if (token !== undefined) {
      const cookies = header('cookie')
      for (const name of internal.csrfCookieNames) {
        const value = cookieValue(cookies, name)
        if (value !== undefined && internal.csrfMatches(value, token)) return null
      }
      return 'CSRF_TOKEN_INVALID'
    }
    return origin !== undefined ? 'CSRF_ORIGIN_NOT_ALLOWED' : 'CSRF_TOKEN_MISSING'
  }

  return async function authenticate({ method, header, source }) {
    let outcome
    try {
      outcome = await internal.authenticate(source)
    } catch (err) {
      if (err && err.code === 'ERR_ADAPTER_FAILED') {
        throw new AuthError(503, 'session_unavailable', null, 'The session could not be checked; try again later', err)
      }
      throw err
    }
    if (outcome.session === null) {
      if (!o.required) return null
      const missing = outcome.reason === 'NO_SESSION_COOKIE'
      throw new AuthError(
        401,
        missing ? 'credentials_required' : 'invalid_token',
        outcome.reason,
        missing ? `No session (${outcome.reason}): sign in first` : `The session is not valid (${outcome.reason})`,
      )
    }
    // Cookies are ambient credentials: a cookie-authenticated unsafe request must prove it comes
    // from the app (an allowed Origin, a same-origin fetch, or Auth.js's double-submit token).
    if (o.csrf && outcome.from === 'cookie' && UNSAFE_METHODS.has(String(method).toUpperCase())) {
      const refused = csrfRefusal(header)
      if (refused !== null) {
        throw new AuthError(403, 'csrf_rejected', refused, `Cross-site request refused (${refused}): send the CSRF token or call from an allowed origin`)
      }
    }
    return outcome.session
  }
}

/** A Node header value (string or array) as one string. */
function headerValue(value) {
  if (Array.isArray(value)) return value[0]
  return typeof value === 'string' ? value : undefined
}

export { AuthError, authenticator, headerValue }
