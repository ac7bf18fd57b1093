// Next.js Edge runtime (middleware, `runtime = 'edge'` routes) and Vercel Edge Functions: the
// `edge-light` condition. Next.js compiles `.wasm?module` imports at build time, as Edge hosts
// require (they refuse to compile WebAssembly from bytes at run time).
import wasm from '../wasm/nextauth-backend-token.wasm?module'
import { start } from './start.mjs'

const api = start(wasm, () => import('next/headers'))
export const { getBackendToken, getToken, inspectToken, getSession, createResolver, formatReport, decode, encode } = api
export const implementation = api.implementation
