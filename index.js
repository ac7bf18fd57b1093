'use strict'
// The Node.js entry (Node, Bun, Deno): the native addon (binding.js loads it), or — where no
// prebuilt binary exists for this platform, or a bundler dropped it — the WebAssembly build, with
// one warning. The API itself is lib/front.js; Edge runtimes and Workers get edge/*.mjs instead.

const { createApi } = require('./lib/front.js')
const { sessionApi } = require('./integrations/session.js')

/** The platform package this machine needs, e.g. `nextauth-backend-token-linux-x64-gnu`. */
function platformPackage() {
  const { platform, arch } = process
  if (platform === 'linux') {
    const glibc = process.report?.getReport?.().header?.glibcVersionRuntime
    return `${platform}-${arch}-${glibc ? 'gnu' : 'musl'}`
  }
  return platform === 'win32' ? `${platform}-${arch}-msvc` : `${platform}-${arch}`
}

// Bun keeps `process.env` to itself: assignments and its own `.env` loading never reach the C
// environment native code reads. Under Bun the variables the core reads are handed to it before
// each call that may read them, when they changed.
function withBunEnvironment(binding) {
  const { ENV_NAMES } = require('./lib/wasm.js')
  let last
  const sync = () => {
    let key = ''
    for (const name of ENV_NAMES) key += (process.env[name] ?? '') + '\0'
    if (key === last) return
    binding.giveEnv(ENV_NAMES.flatMap((name) => [name, process.env[name] ?? '']))
    last = key
  }
  const wrapped = Object.create(binding)
  for (const name of ['compile', 'backendToken', 'tokenJson', 'report', 'session', 'csrfMatches', 'decodeJson', 'encode']) {
    const call = binding[name]
    wrapped[name] = function () {
      sync()
      return call.apply(binding, arguments)
    }
  }
  return wrapped
}

// `NEXTAUTH_BACKEND_TOKEN_BINDING=wasm` forces the WebAssembly build (to test it, or to compare).
function loadBinding() {
  if (process.env.NEXTAUTH_BACKEND_TOKEN_BINDING === 'wasm') return loadWasm()
  let nativeError
  try {
    const native = require('./binding.js')
    return process.versions.bun === undefined ? native : withBunEnvironment(native)
  } catch (cause) {
    nativeError = cause
  }
  const target = platformPackage()
  const supported = ['linux-x64-gnu', 'linux-arm64-gnu', 'linux-x64-musl', 'linux-arm64-musl', 'darwin-x64', 'darwin-arm64', 'win32-x64-msvc']
  const why = supported.includes(target)
    ? `the prebuilt binary for ${target} is missing (the optional dependency nextauth-backend-token-${target} ` +
      `was not installed: reinstall without --no-optional / --omit=optional, on this platform)`
    : `there is no prebuilt binary for ${target} (${process.platform} ${process.arch}; supported: ${supported.join(', ')})`
  let binding
  try {
    binding = loadWasm()
  } catch (cause) {
    const err = new Error(
      `nextauth-backend-token: ${why}, and the WebAssembly build could not be loaded either ` +
        `(${cause && cause.message}). Reinstall the package, or build from source with a Rust toolchain: npm run build.`,
    )
    err.code = 'ERR_NATIVE_BINDING_MISSING'
    err.cause = nativeError
    throw err
  }
  process.emitWarning(`nextauth-backend-token: ${why}; using the WebAssembly build (same results, slower).`, {
    code: 'NEXTAUTH_BACKEND_TOKEN_WASM_FALLBACK',
  })
  return binding
}

function loadWasm() {
  const { readFileSync } = require('node:fs')
  const { createBinding } = require('./lib/wasm.js')
  const module = new WebAssembly.Module(readFileSync(require.resolve('./wasm/nextauth-backend-token.wasm')))
  return createBinding(module, {
    env: () => process.env,
    random: (n) => require('node:crypto').randomFillSync(new Uint8Array(n)),
  })
}

const api = createApi(loadBinding(), {
  sessionApi,
  debugEnv: process.env.DEBUG,
  nextHeaders: () => require('next/headers'),
})
// One assignment per name, so that Node's ES module loader sees the named exports.
exports.getBackendToken = api.getBackendToken
exports.getToken = api.getToken
exports.inspectToken = api.inspectToken
exports.getSession = api.getSession
exports.createResolver = api.createResolver
exports.formatReport = api.formatReport
exports.decode = api.decode
exports.encode = api.encode
exports.implementation = api.implementation
exports.__napiBindingTarget = api.__napiBindingTarget
