// Generated from integrations/session.js by .ci/edge-modules.mjs: edit that file, then run `npm run generate`.
// Sessions of both strategies. The native resolver finds the session cookie by the usual rules
// and says what it holds: a validated JWT (strategy "jwt"), or — when an adapter is configured —
// the id of a database session (strategy "database"), which is looked up here with the app's own
// Auth.js adapter: `getSessionAndUser(id)`, read-only (never extended, deleted or written).
//
// "Not signed in" is `null` with a reason; "could not check" (the adapter threw, timed out, or
// answered nonsense) rejects with ERR_ADAPTER_FAILED and the adapter's error as `cause`, so a
// backend answers 503, not 401. Session ids never appear in errors, reports or logs.

/** The user Auth.js puts in a JWT session (`name`, `email`, `image` from `picture`), plus `id`. */
function jwtUser(payload) {
  const user = {}
  if (typeof payload.sub === 'string') user.id = payload.sub
  for (const [from, to] of [['name', 'name'], ['email', 'email'], ['picture', 'image']]) {
    if (payload[from] !== undefined) user[to] = payload[from]
  }
  return user
}

function isoOf(value) {
  const date = value instanceof Date ? value : new Date(value)
  return Number.isNaN(date.getTime()) ? null : date.toISOString()
}

function adapterFailed(message, cause) {
  const err = new Error(`nextauth-backend-token: ${message}; the session could not be checked (answer 503, not 401)`)
  err.code = 'ERR_ADAPTER_FAILED'
  if (cause !== undefined) err.cause = cause
  return err
}

// Lookups in flight, each with its deadline. One sweeper checks them every SWEEP_MS while any is
// pending (and only then: it is cleared when none is), instead of a timer per lookup, which costs
// about 1% of a loopback PostgreSQL lookup. A timeout fires within SWEEP_MS of its deadline.
const SWEEP_MS = 50
const inFlight = new Set()
let sweeper = null

function sweep() {
  const now = Date.now()
  for (const lookup of inFlight) if (lookup.deadline <= now) lookup.expire()
  if (inFlight.size === 0) {
    clearInterval(sweeper)
    sweeper = null
  }
}

/** `getSessionAndUser(id)`, bounded by `adapterTimeout`. */
function callAdapter(adapter, id, timeoutMs) {
  return new Promise((resolve, reject) => {
    const lookup = {
      deadline: Date.now() + timeoutMs,
      expire() {
        inFlight.delete(lookup)
        reject(adapterFailed(`the adapter did not answer within ${timeoutMs} ms (adapterTimeout)`))
      },
    }
    const settle = () => inFlight.delete(lookup)
    const fail = (message, cause) => {
      settle()
      reject(adapterFailed(message, cause))
    }
    let pending
    try {
      pending = adapter.getSessionAndUser(id)
    } catch (cause) {
      fail('the adapter threw in getSessionAndUser', cause)
      return
    }
    inFlight.add(lookup)
    if (sweeper === null) {
      sweeper = setInterval(sweep, SWEEP_MS)
    }
    Promise.resolve(pending).then(
      (answer) => {
        if (answer === null || answer === undefined) {
          settle()
          resolve(null)
        } else if (typeof answer !== 'object' || typeof answer.session !== 'object' || answer.session === null || typeof answer.user !== 'object' || answer.user === null) {
          fail('getSessionAndUser answered something other than { session, user } or null')
        } else {
          settle()
          resolve(answer)
        }
      },
      (cause) => fail('the adapter rejected in getSessionAndUser', cause),
    )
  })
}

/** A small cache of successful lookups: never past the session's `expires`, bounded in size. */
class LookupCache {
  constructor(ttlSeconds, max = 10_000) {
    this.ttlMs = ttlSeconds * 1000
    this.max = max
    this.entries = new Map()
  }

  get(id, nowMs) {
    const hit = this.entries.get(id)
    if (hit === undefined) return undefined
    if (hit.until <= nowMs) {
      this.entries.delete(id)
      return undefined
    }
    return hit.answer
  }

  set(id, answer, expiresMs, nowMs) {
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value)
    this.entries.set(id, { answer, until: Math.min(nowMs + this.ttlMs, expiresMs) })
  }
}

function sessionApi({ binding, explain }) {
  const caches = new WeakMap()
  const cacheOf = (entry) => {
    if (!(entry.sessionCacheTtl > 0)) return null
    let cache = caches.get(entry)
    if (!cache) caches.set(entry, (cache = new LookupCache(entry.sessionCacheTtl)))
    return cache
  }
  const nowMs = (entry) => (entry.now === null ? Date.now() : entry.now * 1000)

  /**
   * `{ session, reason }`: the session (or null) and the reason code. `found` is what the native
   * resolver found, the `claim` of a JWT session included.
   */
  async function resolve(entry, source) {
    const found = binding.session(entry.compiled, source)
    if (found === null) return { session: null, reason: null, found }
    if (typeof found === 'object') {
      const token = JSON.parse(found.payload)
      const expires = typeof token.exp === 'number' ? isoOf(token.exp * 1000) : null
      return { session: { strategy: 'jwt', user: jwtUser(token), expires, token }, reason: 'OK', found }
    }
    // A database session id (a string): it always comes from a cookie.
    const id = found
    const now = nowMs(entry)
    const cache = cacheOf(entry)
    let answer = cache?.get(id, now)
    if (answer === undefined) {
      answer = await callAdapter(entry.adapter, id, entry.adapterTimeout)
      if (answer === null) return { session: null, reason: 'SESSION_NOT_FOUND', found }
    }
    const expiresMs = new Date(answer.session.expires).getTime()
    if (!(expiresMs > now)) return { session: null, reason: 'SESSION_EXPIRED', found }
    cache?.set(id, answer, expiresMs, now)
    const session = { strategy: 'database', user: answer.user, expires: isoOf(expiresMs), session: answer.session }
    return { session, reason: 'OK', found }
  }

  /** The report, completed with the lookup's verdict for a database session. */
  async function report(entry, source) {
    const r = binding.report(entry.compiled, source)
    if (r.strategy !== 'database' || !r.ok) return r
    const { reason } = await resolve(entry, source)
    if (reason !== null && reason !== 'OK') Object.assign(r, { ok: false, reason, hint: binding.reasonHint(reason) })
    return r
  }

  async function explainAsync(entry, source) {
    const r = await report(entry, source)
    if (typeof entry.debug === 'function') entry.debug(r)
    else explain.log(r)
  }

  return {
    async getSession(entry, source) {
      const { session } = await resolve(entry, source)
      if (session === null && entry.debug) await explainAsync(entry, source)
      return session
    },
    /** The backend token: a JWT session's claim; for a database session the session row's, else the user row's. */
    async backendToken(entry, source) {
      const { session, found } = await resolve(entry, source)
      let token = null
      if (session?.strategy === 'jwt') token = found.claim
      else if (session?.strategy === 'database') {
        const value = session.session[entry.claim] ?? session.user[entry.claim]
        token = typeof value === 'string' ? value : null
      }
      if (token === null && entry.debug) await explainAsync(entry, source)
      return token
    },
    report,
    /** For the framework integrations: the session, why there is none, and where it came from. */
    async authenticate(entry, source) {
      const { session, reason, found } = await resolve(entry, source)
      if (session !== null) return { session, reason: 'OK', from: typeof found === 'string' ? 'cookie' : found.from }
      return { session: null, reason: reason ?? binding.report(entry.compiled, source).reason, from: null }
    },
  }
}

export { sessionApi }
