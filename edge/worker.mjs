// Cloudflare Workers (workerd, Wrangler, OpenNext) and other Worker runtimes: the `workerd` and
// `worker` conditions. A `.wasm` import is a precompiled WebAssembly.Module there.
import wasm from '../wasm/nextauth-backend-token.wasm'
import { start } from './start.mjs'

const noNext = () => {
  throw new Error('next/headers is only available inside a Next.js request')
}
const api = start(wasm, noNext)
export const { getBackendToken, getToken, inspectToken, getSession, createResolver, formatReport, decode, encode } = api
export const implementation = api.implementation
