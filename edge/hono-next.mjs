// `nextauth-backend-token/hono` in the Next.js Edge runtime (`hono/vercel` in an Edge route; the
// `edge-light` condition), over the WebAssembly build.
import { createResolver } from './next.mjs'
import { AuthError, honoFor } from './hono.mjs'

export const authenticate = honoFor(createResolver)
export { AuthError }
