// The Hono middleware over an edge entry's API: what edge/hono-worker.mjs and edge/hono-next.mjs
// export, the same as `nextauth-backend-token/hono` on Node.
import { HTTPException } from 'hono/http-exception'
import { AuthError, authenticator } from './auth.mjs'
import { honoMiddleware } from './hono-middleware.mjs'

export { AuthError }

/** `authenticate(options)` over `createResolver`. */
export function honoFor(createResolver) {
  return (options) => honoMiddleware(authenticator(createResolver, options), { HTTPException, AuthError })
}
