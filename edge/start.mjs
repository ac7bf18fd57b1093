// What the edge entries share: the API over the WebAssembly build, for a module the bundler
// precompiled. No Node built-ins: the environment is `process.env` where the runtime has one
// (Next.js Edge, Workers with nodejs_compat), and random bytes come from Web Crypto.
import { createApi } from './front.mjs'
import { sessionApi } from './session.mjs'
import { createBinding } from './wasm.mjs'

const env = () => (typeof process === 'object' && process !== null && process.env) || undefined

/** The API over `module` (a `WebAssembly.Module`); `nextHeaders` loads `next/headers` or throws. */
export function start(module, nextHeaders) {
  if (!module || typeof module !== 'object') {
    const err = new Error(
      'nextauth-backend-token: the WebAssembly module did not arrive precompiled: this bundler turned the ' +
        '`.wasm` import into something else. Use the package through Next.js (edge-light), Wrangler or ' +
        'workerd (workerd / worker conditions), which import `.wasm` files as WebAssembly.Module.',
    )
    err.code = 'ERR_WASM_UNAVAILABLE'
    throw err
  }
  const random = (n) => crypto.getRandomValues(new Uint8Array(n))
  return createApi(createBinding(module, { env, random }), { sessionApi, debugEnv: env()?.DEBUG, nextHeaders })
}
