'use strict'
// Public entry. The resolver is native (binding.js loads it); this file only does what needs
// JavaScript: telling "no argument" apart from `undefined`, awaiting a Promise source, and reading
// `next/headers` from the caller's Next.js request context.

const binding = loadBinding()

/** The platform package this machine needs, e.g. `nextauth-backend-token-linux-x64-gnu`. */
function platformPackage() {
  const { platform, arch } = process
  if (platform === 'linux') {
    const glibc = process.report?.getReport?.().header?.glibcVersionRuntime
    return `${platform}-${arch}-${glibc ? 'gnu' : 'musl'}`
  }
  return platform === 'win32' ? `${platform}-${arch}-msvc` : `${platform}-${arch}`
}

function loadBinding() {
  try {
    return require('./binding.js')
  } catch (cause) {
    const target = platformPackage()
    const supported = ['linux-x64-gnu', 'linux-arm64-gnu', 'linux-x64-musl', 'linux-arm64-musl', 'darwin-x64', 'darwin-arm64', 'win32-x64-msvc']
    const err = new Error(
      supported.includes(target)
        ? `nextauth-backend-token: the prebuilt binary for ${target} is missing: the optional dependency ` +
            `nextauth-backend-token-${target} was not installed. Reinstall without --no-optional / ` +
            `--omit=optional (and without --ignore-scripts issues), making sure the install ran on this ` +
            `platform (${process.platform} ${process.arch}), not copied from another one.`
        : `nextauth-backend-token: no prebuilt binary for ${target} (${process.platform} ${process.arch}); ` +
            `supported: ${supported.join(', ')}. Build from source with a Rust toolchain: npm run build.`,
    )
    err.code = 'ERR_NATIVE_BINDING_MISSING'
    err.cause = cause
    throw err
  }
}

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
const DEBUG_FROM_ENV = debugEnabled(process.env.DEBUG)

/** One log line: reason, hint and names. Never a value. */
function formatReport(r) {
  const rejected = r.rejected.map((x) => `${x.name}:${x.reason}`).join(', ')
  return (
    `nextauth-backend-token: null (${r.reason}) ${r.hint} ` +
    `[protocol=${r.protocol}${r.protocolFrom ? ` via ${r.protocolFrom}` : ''}; ` +
    `cookie=${r.cookieName ?? '-'}; rejected=${rejected || '-'}; present=${r.presentCookies.join(', ') || '-'}]`
  )
}

function report(source, options) {
  const debug = options != null && typeof options === 'object' ? options.debug : undefined
  if (!(debug || (DEBUG_FROM_ENV && debug !== false))) return
  const r = binding.inspectToken(source, options)
  if (typeof debug === 'function') debug(r)
  else console.error(formatReport(r))
}

// Every default cookie name contains this. A Cookie header without it holds no session, so the
// answer is null without crossing into native code: the 401 path costs an indexOf.
const SESSION_MARK = 'session-token'

// Only without options: options are always validated natively, so a mistyped one is reported
// on every call, not only on requests that carry a session.
function quickMiss(source, options) {
  return options === undefined && typeof source === 'string' && source.indexOf(SESSION_MARK) === -1 && !DEBUG_FROM_ENV
}

const DEFAULT_NAMES = binding.defaultCookieNames()
const DEFAULT_MAX_COOKIES = binding.defaultMaxCookies()

// A cookie store (`cookies()`, `NextRequest.cookies`) is read entry by entry, each a round trip
// into native code. Hand the resolver only the entries whose names can be session cookies, by the
// same rule it applies (`NAME` or `NAME.<n>`); values are never joined or changed. Anything
// unusual (custom getAll results, too many cookies, odd options) goes to the native path as is.
function narrowStore(source, options) {
  if (source === null || typeof source !== 'object' || typeof source.getAll !== 'function' || 'headers' in source) {
    return source
  }
  let names = DEFAULT_NAMES
  let max = DEFAULT_MAX_COOKIES
  if (options != null) {
    if (typeof options !== 'object') return source
    const { cookieName, maxCookies } = options
    if (typeof cookieName === 'string') names = [cookieName]
    else if (Array.isArray(cookieName) && cookieName.every((n) => typeof n === 'string')) names = cookieName
    else if (cookieName !== undefined) return source
    if (maxCookies !== undefined) max = maxCookies
  }
  const all = source.getAll()
  if (!Array.isArray(all) || !(all.length <= max)) return { getAll: () => all }
  const wanted = []
  for (const entry of all) {
    const name = entry !== null && typeof entry === 'object' ? entry.name : undefined
    if (typeof name === 'string' && names.some((b) => name === b || (name.startsWith(b) && name[b.length] === '.'))) {
      wanted.push(entry)
    }
  }
  return { getAll: () => wanted }
}

function resolver(native, withDebug) {
  const run = withDebug
    ? (source, options) => {
        if (quickMiss(source, options)) return null
        const out = native(narrowStore(source, options), options)
        if (out === null) report(source, options)
        return out
      }
    : native
  return function (source, options) {
    if (arguments.length === 0) return fromNextHeaders((s) => run(s))
    if (isThenable(source)) return Promise.resolve(source).then((s) => run(s, options))
    return run(source, options)
  }
}

exports.getBackendToken = resolver(binding.getBackendToken, true)
// The payload crosses the boundary as JSON text: V8's JSON.parse builds the object faster than
// setting its properties one by one from native code.
const parsePayload = (json) => (json === null ? null : JSON.parse(json))
exports.getToken = resolver((source, options) => parsePayload(binding.getTokenJson(source, options)), true)
exports.inspectToken = resolver(binding.inspectToken, false)
exports.formatReport = formatReport
exports.decode = (params) => parsePayload(binding.decodeJson(params))
exports.encode = binding.encode
exports.__napiBindingTarget = binding.__napiBindingTarget
