// Generated from lib/front.js by .ci/edge-modules.mjs: edit that file, then run `npm run generate`.
// The public API over a binding: the native addon (index.js) or the WebAssembly build (the edge
// entries and the Node fallback). This file does what needs JavaScript: telling "no argument"
// apart from `undefined`, awaiting a Promise source, reading `next/headers` from the caller's
// Next.js request context, calling a `debug` function, and keeping options compiled so that a
// call does not read them again. Options are validated and interpreted by the binding
// (src/options.rs), never here.
//
// Written as a CommonJS module with one `module.exports = { ... }` at the end and no `require`:
// `npm run generate:edge` turns it into the ES module the edge entries import.

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

async function fromNextHeaders(loadNextHeaders) {
  let nextHeaders
  try {
    nextHeaders = await loadNextHeaders()
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
  return { headers: headerList, cookies: cookieStore }
}

// `DEBUG` follows the `debug` package's convention: comma/space separated names, `*` wildcards,
// `-name` to exclude. Read once: loggers are configured before a server starts.
function debugEnabled(spec) {
  if (!spec) return false
  let on = false
  for (const raw of spec.split(/[\s,]+/)) {
    if (!raw) continue
    const negate = raw[0] === '-'
    const pattern = new RegExp(`^${(negate ? raw.slice(1) : raw).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`)
    if (pattern.test('nextauth-backend-token')) {
      if (negate) return false
      on = true
    }
  }
  return on
}

/** One log line: reason, hint and names. Never a value. */
function formatReport(r) {
  const rejected = r.rejected.map((x) => `${x.name}:${x.reason}`).join(', ')
  return (
    `nextauth-backend-token: null (${r.reason}) ${r.hint} ` +
    `[protocol=${r.protocol}${r.protocolFrom ? ` via ${r.protocolFrom}` : ''}; ` +
    `cookie=${r.cookieName ?? '-'}; rejected=${rejected || '-'}; present=${r.presentCookies.join(', ') || '-'}]`
  )
}

/**
 * The API over `binding`. `host`: `sessionApi` (integrations/session.js), `debugEnv` (the
 * `DEBUG` variable, if the runtime has one) and `nextHeaders` (returns `next/headers`, or throws
 * where there is none).
 */
function createApi(binding, host) {
  const debugFromEnv = debugEnabled(host.debugEnv)
  const sessionApi = host.sessionApi
  // ---- compiled options -------------------------------------------------------------------------
  // Options are read across Node-API once per distinct options object, not once per call. A call
  // with options finds its compiled form by comparing the object's enumerable properties with a
  // snapshot taken when it was compiled (arrays element by element), so a new literal with the same
  // values reuses it, and a mutated object never gets results from stale settings.

  function compile(options, settle) {
    const compiled = binding.compile(options, settle)
    const info = binding.compiledInfo(compiled)
    const debug = { env: debugFromEnv, off: false, log: true, hook: info.debug === 'hook' && options.debug }[info.debug]
    return {
      compiled,
      names: info.names,
      marks: info.marks,
      // One mark (the usual case) is checked without a loop.
      mark: info.marks.length === 1 ? info.marks[0] : undefined,
      maxCookies: info.maxCookies,
      debug,
      claim: info.claim,
      // The adapter the native reader accepted (an object with getSessionAndUser), kept as given.
      adapter: info.adapter ? options.adapter : null,
      adapterTimeout: info.adapterTimeout,
      sessionCacheTtl: info.sessionCacheTtl,
      now: info.now,
    }
  }

  const DEFAULTS = compile(undefined, false)
  const MAX_CACHED = 8
  const cache = []

  function sameArray(a, b) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
    return true
  }

  function matches(cached, options) {
    const snapshot = cached.snapshot
    let count = 0
    for (const key in options) {
      const value = options[key]
      if (value !== snapshot[key] && !sameArray(value, snapshot[key])) return false
      count++
    }
    return count === cached.count
  }

  function entryFor(options) {
    if (options === undefined || options === null) return DEFAULTS
    if (typeof options !== 'object') return compile(options, false) // throws ERR_INVALID_OPTION
    if (cache.length !== 0 && matches(cache[0], options)) return cache[0].entry
    for (let i = 1; i < cache.length; i++) if (matches(cache[i], options)) return cache[i].entry
    const entry = compile(options, false)
    // Only plain objects whose every own property is enumerable are compared by snapshot: for
    // anything else (class instances, proxies, hidden properties) the native reading may see what
    // a for-in does not, so it is compiled on every call.
    const proto = Object.getPrototypeOf(options)
    if (proto === Object.prototype || proto === null) {
      const snapshot = Object.create(null)
      let count = 0
      for (const key in options) {
        const value = options[key]
        snapshot[key] = Array.isArray(value) ? value.slice() : value
        count++
      }
      if (Object.getOwnPropertyNames(options).length === count) {
        cache.unshift({ snapshot, count, entry })
        if (cache.length > MAX_CACHED) cache.pop()
      }
    }
    return entry
  }

  // ---- resolution -------------------------------------------------------------------------------

  // A Cookie header that contains none of the marks (substrings of every candidate name) holds no
  // session: the answer is null without crossing into native code, so the 401 path costs indexOf.
  function quickMiss(entry, source) {
    if (typeof source !== 'string' || entry.debug) return false
    if (entry.mark !== undefined) return source.indexOf(entry.mark) === -1
    const marks = entry.marks
    for (let i = 0; i < marks.length; i++) if (source.indexOf(marks[i]) !== -1) return false
    return true
  }

  // A cookie store (`cookies()`, `NextRequest.cookies`) is read entry by entry, each a round trip
  // into native code. Hand the resolver only the entries whose names start with a candidate name
  // (a superset of what it accepts: it applies the exact rule); values are never joined or
  // changed. An unusual store (getAll not returning an array, too many cookies) goes as it is.
  function narrow(entry, source) {
    if (
      source === null ||
      typeof source !== 'object' ||
      typeof source.getAll !== 'function' ||
      typeof source.getSetCookie === 'function' || // a Headers (Cloudflare's has getAll(name))
      'headers' in source
    ) {
      return source
    }
    const all = source.getAll()
    if (!Array.isArray(all) || !(all.length <= entry.maxCookies)) return { getAll: () => all }
    const names = entry.names
    const wanted = []
    for (const cookie of all) {
      const name = cookie !== null && typeof cookie === 'object' ? cookie.name : undefined
      if (typeof name === 'string' && names.some((base) => name.startsWith(base))) wanted.push(cookie)
    }
    return { getAll: () => wanted }
  }

  function explain(entry, source) {
    const report = binding.report(entry.compiled, source)
    if (typeof entry.debug === 'function') entry.debug(report)
    else console.error(formatReport(report))
  }

  // The payload crosses the boundary as JSON text: V8's JSON.parse builds the object faster than
  // setting its properties one by one from native code.
  const parsePayload = (json) => (json === null ? null : JSON.parse(json))

  const sessions = sessionApi({ binding, explain: { log: (r) => console.error(formatReport(r)) } })

  const resolvers = {
    // With an adapter, answers are Promises: a database session is looked up.
    backendToken(entry, source) {
      if (entry.adapter !== null) return quickMiss(entry, source) ? Promise.resolve(null) : sessions.backendToken(entry, source)
      if (quickMiss(entry, source)) return null
      const out = binding.backendToken(entry.compiled, narrow(entry, source))
      if (out === null && entry.debug) explain(entry, source)
      return out
    },
    token(entry, source) {
      if (quickMiss(entry, source)) return null
      const out = parsePayload(binding.tokenJson(entry.compiled, narrow(entry, source)))
      if (out === null && entry.debug) explain(entry, source)
      return out
    },
    // A report lists every cookie present, so the source is read whole.
    report(entry, source) {
      return entry.adapter !== null ? sessions.report(entry, source) : binding.report(entry.compiled, source)
    },
    session(entry, source) {
      return quickMiss(entry, source) ? Promise.resolve(null) : sessions.getSession(entry, source)
    },
  }

  /** A public function: `(source, options)`, or a bound resolver's `(source)`. */
  function publicFunction(resolve, fixed, alwaysAsync) {
    const fn = function (source, options) {
      if (arguments.length === 0) return fromNextHeaders(host.nextHeaders).then((s) => resolve(fixed ?? DEFAULTS, s))
      if (isThenable(source)) return Promise.resolve(source).then((s) => resolve(fixed ?? entryFor(options), s))
      return resolve(fixed ?? entryFor(options), source)
    }
    if (!alwaysAsync) return fn
    // A configuration mistake, thrown synchronously by the others, is a rejection here.
    return function (source, options) {
      try {
        return Promise.resolve(fn.apply(this, arguments))
      } catch (err) {
        return Promise.reject(err)
      }
    }
  }

  /**
   * Options validated once, at start-up: a missing or short secret throws here, not on the first
   * request; calls carry no option cost.
   */
  // What the framework integrations (integrations/*.js) need beyond the public functions, under a
  // symbol so it is no part of the public API.
  const INTERNAL = Symbol.for('nextauth-backend-token.internal')
  const CSRF_COOKIE_NAMES = binding.csrfCookieNames()

  function createResolver(options) {
    const entry = compile(options, true)
    const resolver = {
      getBackendToken: publicFunction(resolvers.backendToken, entry),
      getToken: publicFunction(resolvers.token, entry),
      inspectToken: publicFunction(resolvers.report, entry),
      getSession: publicFunction(resolvers.session, entry, true),
    }
    Object.defineProperty(resolver, INTERNAL, {
      value: Object.freeze({
        authenticate: (source) => sessions.authenticate(entry, source),
        csrfMatches: (cookieValue, headerToken) => binding.csrfMatches(entry.compiled, cookieValue, headerToken),
        csrfCookieNames: CSRF_COOKIE_NAMES,
      }),
    })
    return Object.freeze(resolver)
  }
  return {
    getBackendToken: publicFunction(resolvers.backendToken),
    getToken: publicFunction(resolvers.token),
    inspectToken: publicFunction(resolvers.report),
    getSession: publicFunction(resolvers.session, undefined, true),
    createResolver,
    formatReport,
    decode: (params) => parsePayload(binding.decodeJson(params)),
    encode: binding.encode,
    // Which build answers: `"native"` (the addon) or `"wasm"` (WebAssembly), for diagnostics.
    implementation: binding.__napiBindingTarget === undefined ? 'wasm' : 'native',
    // Which artifact napi-rs's loader loaded (the native build only).
    __napiBindingTarget: binding.__napiBindingTarget,
  }
}

export { createApi, formatReport }
