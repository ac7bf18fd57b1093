import type { MiddlewareHandler } from 'hono'
import type { IntegrationOptions, Session } from './common.js'
export { AuthError, CsrfReason, IntegrationOptions } from './common.js'

/** The variable the middleware sets: `c.get('auth')`. */
export type NextAuthVariables = { auth: Session | null }

/**
 * Hono middleware: `c.get('auth')` is the session; refusals throw `HTTPException` (401, 403 or 503)
 * whose response is JSON `{ error, reason, message }` and whose `cause` is the `AuthError`.
 */
export declare function authenticate(options?: IntegrationOptions): MiddlewareHandler<{ Variables: NextAuthVariables }>
