// `nextauth-backend-token/hono` in Cloudflare Workers and other Worker runtimes (the `workerd` and
// `worker` conditions): Hono's own home, over the WebAssembly build.
import { createResolver } from './worker.mjs'
import { AuthError, honoFor } from './hono.mjs'

export const authenticate = honoFor(createResolver)
export { AuthError }
