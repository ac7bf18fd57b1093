'use strict'
// The WebAssembly binding: the native addon's surface (compile, backendToken, report, ...) over
// the ABI of src/wasm.rs, for a `WebAssembly.Module` the caller already has — precompiled by the
// bundler on Edge runtimes and Workers (which refuse to compile bytes at run time), read from disk
// in Node. The module is instantiated synchronously; it imports nothing.
//
// This file reads a source (Request, Headers, cookie store, record...) exactly as
// src/napi/sources.rs does and writes what it found as one message; the Rust core decides
// everything else. Written as CommonJS with no `require` (see lib/front.js).

const OP = { constants: 0, env: 1, compile: 2, release: 3, resolve: 4, csrf: 5, decode: 6, encode: 7 }
const WANT = { claim: 0, payload: 1, report: 2, session: 3 }
// The environment variables the core reads: the app URL (for the protocol) on most calls, the
// secrets only where options do not give them. Reading `process.env` costs about 0.15 µs a name
// in Node, so each call reads only the names its options can use.
const URL_NAMES = ['AUTH_URL', 'NEXTAUTH_URL']
const SECRET_NAMES = ['AUTH_SECRET_3', 'AUTH_SECRET_2', 'AUTH_SECRET_1', 'AUTH_SECRET', 'NEXTAUTH_SECRET']
const ENV_NAMES = [...URL_NAMES, ...SECRET_NAMES]
// The kinds of unsupported source, indexed as src/wasm.rs names them.
const INVALID = ['number', 'boolean', 'bigint', 'symbol', 'function']
const MAX_OTHER_HEADER = 64 * 1024
const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Writes a message: tagged values (see src/wasm.rs), in a scratch buffer wiped after use. */
class Writer {
  constructor() {
    this.buf = new Uint8Array(1024)
    this.pos = 0
  }
  room(n) {
    if (this.pos + n <= this.buf.length) return
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n))
    bigger.set(this.buf.subarray(0, this.pos))
    this.buf.fill(0)
    this.buf = bigger
  }
  byte(b) {
    this.room(1)
    this.buf[this.pos++] = b
  }
  u32(n, at = this.pos) {
    this.buf[at] = n
    this.buf[at + 1] = n >>> 8
    this.buf[at + 2] = n >>> 16
    this.buf[at + 3] = n >>> 24
  }
  // `s` + u32 length + UTF-8. TextEncoder writes lone surrogates as U+FFFD, as the native reader.
  string(s) {
    this.room(5 + s.length * 3)
    this.buf[this.pos] = 115
    const { written } = encoder.encodeInto(s, this.buf.subarray(this.pos + 5))
    this.u32(written, this.pos + 1)
    this.pos += 5 + written
  }
  raw(bytes) {
    this.room(5 + bytes.length)
    this.buf[this.pos] = 114
    this.u32(bytes.length, this.pos + 1)
    this.buf.set(bytes, this.pos + 5)
    this.pos += 5 + bytes.length
  }
  // An option value, as src/napi/values.rs `option_value` sees it.
  value(v) {
    if (v === undefined || v === null) return this.byte(117)
    switch (typeof v) {
      case 'boolean':
        this.byte(98)
        return this.byte(v ? 1 : 0)
      case 'number':
        this.byte(110)
        this.room(8)
        new DataView(this.buf.buffer, this.buf.byteOffset).setFloat64(this.pos, v, true)
        this.pos += 8
        return
      case 'string':
        return this.string(v)
      case 'function':
        return this.byte(102)
      case 'object':
        if (Array.isArray(v)) {
          if (!v.every((x) => typeof x === 'string')) return this.byte(111)
          this.byte(97)
          this.room(4)
          this.u32(v.length)
          this.pos += 4
          for (const x of v) this.string(x)
          return
        }
        return this.byte(typeof v.getSessionAndUser === 'function' ? 100 : 111)
      default:
        return this.byte(120)
    }
  }
  // A part of a resolution message: a tag byte, then a string when there is one.
  part(tag, s) {
    this.byte(tag)
    if (s !== undefined) this.string(s)
  }
  reset() {
    this.buf.fill(0, 0, this.pos)
    this.pos = 0
  }
}

function codedError(e) {
  const err = e.type === 'TypeError' ? new TypeError(e.message) : new Error(e.message)
  err.code = e.code
  return err
}

function internalError(cause) {
  const err = new Error('internal error in nextauth-backend-token; please report it')
  err.code = 'ERR_INTERNAL'
  err.cause = cause
  return err
}

/**
 * The binding over `module`. `host.env()`: the environment (an object, or undefined where the
 * runtime has none); `host.random(n)`: `n` bytes from a CSPRNG.
 */
function createBinding(module, host) {
  const w = new Writer()
  let exports, generation = 0
  const envKeys = new Map() // names → what was last handed in for them
  function start() {
    exports = new WebAssembly.Instance(module, {}).exports
    generation++
    envKeys.clear()
  }
  start()
  // Compiled options live in the instance; this frees them when their JS handle is collected.
  const registry =
    typeof FinalizationRegistry === 'function'
      ? new FinalizationRegistry((h) => h.generation === generation && run(OP.release, h.id))
      : null

  // Hands in the current values of `names` when they changed since the last call.
  function syncEnv(names) {
    const env = host.env()
    let key = ''
    if (env) for (const name of names) key += (env[name] ?? '') + '\0'
    if (key === envKeys.get(names)) return
    for (const name of names) {
      const value = env && env[name]
      w.string(name)
      w.string(typeof value === 'string' ? value : '')
    }
    run(OP.env, 0)
    envKeys.set(names, key)
  }

  // Sends the message in `w`; returns the answer: null, a string, an object, or a boolean.
  function run(op, handle) {
    const len = w.pos
    let status
    try {
      const at = exports.nbt_input(len) // may grow the memory: its buffer is read after
      new Uint8Array(exports.memory.buffer, at, len).set(w.buf.subarray(0, len))
      status = exports.nbt_call(op, handle, len, Date.now())
    } catch (cause) {
      // A trap (a bug, never bad input): the instance is not usable any more.
      start()
      throw internalError(cause)
    } finally {
      w.reset()
    }
    if (status === 0) return null
    if (status === 5 || status === 6) return status === 5
    const at = exports.nbt_output_ptr()
    const text = decoder.decode(new Uint8Array(exports.memory.buffer, at, exports.nbt_output_len()))
    if (status === 1) return text
    if (status === 4) return { id: text }
    const value = JSON.parse(text)
    if (status === 3) throw codedError(value)
    return value
  }

  // Before a message is written: the environment is current and `compiled` (when given) lives in
  // this instance — it is compiled again, from the message it was made of, after a trap.
  function prepare(compiled) {
    syncEnv(URL_NAMES)
    if (compiled === undefined || compiled.info.secretsFromEnv) syncEnv(SECRET_NAMES)
    if (compiled === undefined || compiled.generation === generation) return
    w.room(compiled.message.length)
    w.buf.set(compiled.message)
    w.pos = compiled.message.length
    adopt(compiled, run(OP.compile, compiled.settle ? 1 : 0))
  }

  function adopt(compiled, info) {
    compiled.id = info.handle
    compiled.generation = generation
    registry?.register(compiled, { id: info.handle, generation })
  }

  // Writes a message with `fn`; a caller's getter that throws leaves no partial message behind.
  function write(fn) {
    try {
      fn()
    } catch (err) {
      w.reset()
      throw err
    }
  }

  function compile(options, settle) {
    prepare()
    write(() => {
      if (options === undefined || options === null) return
      if (typeof options !== 'object') {
        w.string('!')
        return w.value(undefined)
      }
      for (const name of constants.optionNames) {
        w.string(name)
        w.value(options[name])
      }
    })
    const message = w.buf.slice(0, w.pos)
    const info = run(OP.compile, settle ? 1 : 0)
    const compiled = { message, settle, info }
    adopt(compiled, info)
    return compiled
  }

  // ---- reading a source, as src/napi/sources.rs does ----------------------------------------
  function readSource(compiled, source, want) {
    const info = compiled.info
    const r = { info, units: 0, pairs: 0, oversized: false }
    w.byte(want)
    if (source === undefined || source === null) return
    if (typeof source === 'string') return header(r, source)
    if (typeof source !== 'object') return w.part(73), w.byte(INVALID.indexOf(typeof source))
    if (Array.isArray(source)) return w.part(73), w.byte(6)
    const headers = source.headers
    if (typeof headers === 'object' && headers !== null) {
      readHeaders(r, headers, source)
      if (r.units === 0 && !r.oversized) {
        const cookies = source.cookies
        if (typeof cookies === 'object' && cookies !== null && !store(r, cookies)) record(r, cookies)
      }
      return
    }
    // A `Headers` (it has the standard `getSetCookie`) before a cookie store: Cloudflare's
    // `Headers` also has a non-standard `getAll(name)`.
    if (typeof source.getSetCookie !== 'function' && store(r, source)) return
    if (typeof source.get === 'function') return readHeaders(r, source, null)
    record(r, source)
  }

  function header(r, h) {
    if (h.length > r.info.maxHeaderBytes - r.units) {
      r.oversized = true
      return w.part(79)
    }
    r.units += h.length
    w.part(72, h)
  }

  function isCandidate(name, names) {
    for (const base of names) {
      if (name.startsWith(base) && (name.length === base.length || name[base.length] === '.')) return true
    }
    return false
  }

  // One cookie; false once maxCookies are read. Only a candidate's value is read.
  function pair(r, name, value) {
    if (r.pairs > r.info.maxCookies) return false
    const v = isCandidate(name, r.info.names) ? value() : ''
    if (typeof v !== 'string') return true // cookie-parser's JSON cookies and the like
    if (v.length > r.info.maxTokenBytes) {
      r.oversized = true
      w.part(79)
      return true
    }
    r.pairs++
    w.part(80, name)
    w.string(v)
    return true
  }

  function firstString(v) {
    if (Array.isArray(v)) v = v[0]
    return typeof v === 'string' && v.length <= MAX_OTHER_HEADER ? v : undefined
  }

  function readHeaders(r, headers, request) {
    const get = typeof headers.get === 'function' ? (name) => headers.get(name) : (name) => headers[name]
    const cookie = get('cookie')
    if (typeof cookie === 'string') header(r, cookie)
    else if (Array.isArray(cookie)) for (const item of cookie) if (typeof item === 'string') header(r, item)
    w.part(69)
    const extras = [
      [65, get('authorization')],
      [88, get('x-forwarded-proto')],
      [70, get('forwarded')],
      [85, request && request.url],
    ]
    for (const [tag, value] of extras) {
      const s = firstString(value)
      if (s !== undefined) w.part(tag, s)
    }
    const socket = request && request.socket
    if (typeof socket === 'object' && socket !== null && socket.encrypted === true) w.part(84)
  }

  function store(r, obj) {
    if (typeof obj.getAll !== 'function') return false
    const list = obj.getAll()
    if (!Array.isArray(list)) {
      w.part(73)
      w.byte(7)
      return true
    }
    for (const item of list) {
      if (typeof item !== 'object' || item === null) continue
      const name = item.name
      if (typeof name !== 'string' || name.length > r.info.maxHeaderBytes) continue
      if (!pair(r, name, () => item.value)) break
    }
    return true
  }

  function record(r, obj) {
    for (const name in obj) {
      if (name.length > r.info.maxHeaderBytes) continue
      if (!pair(r, name, () => obj[name])) break
    }
  }

  function resolve(compiled, source, want) {
    prepare(compiled)
    write(() => readSource(compiled, source, want))
    return run(OP.resolve, compiled.id)
  }

  // A parameters object of decode/encode, its named fields as option values.
  function params(p, what, names, token) {
    if (typeof p !== 'object' || p === null) {
      w.string('!' + what)
      w.value(undefined)
      return
    }
    for (const name of names) {
      w.string(name)
      if (name === 'token' && token) token(p.token)
      else w.value(p[name])
    }
  }

  const constants = run(OP.constants, 0)

  return {
    compile,
    compiledInfo: (compiled) => compiled.info,
    backendToken: (c, source) => resolve(c, source, WANT.claim),
    tokenJson: (c, source) => resolve(c, source, WANT.payload),
    report: (c, source) => resolve(c, source, WANT.report),
    session(c, source) {
      const found = resolve(c, source, WANT.session)
      return found !== null && typeof found.id === 'string' ? found.id : found
    },
    csrfMatches(c, cookieValue, headerToken) {
      prepare(c)
      write(() => {
        w.string(String(cookieValue))
        w.string(String(headerToken))
      })
      return run(OP.csrf, c.id)
    },
    csrfCookieNames: () => constants.csrfCookieNames.slice(),
    reasonHint: (code) => constants.hints[code] ?? null,
    optionNames: () => constants.optionNames.slice(),
    decodeJson(p) {
      prepare()
      write(() => params(p, 'decode params', ['token', 'secret', 'salt', 'now', 'clockTolerance']))
      return run(OP.decode, 0)
    },
    encode(p) {
      prepare()
      write(() => {
        params(p, 'encode params', ['token', 'secret', 'salt', 'maxAge', 'format', 'enc'], (claims) => {
          if (typeof claims !== 'object' || claims === null) return w.value(undefined)
          let json
          try {
            json = JSON.stringify(claims)
          } catch {
            return w.value(Symbol.iterator) // not plain JSON: a symbol is the "other" tag
          }
          w.string(json)
        })
        w.string('random')
        w.raw(host.random(64))
      })
      return run(OP.encode, 0)
    },
  }
}

module.exports = { createBinding, ENV_NAMES }
