import type { IntegrationOptions, Session } from './common.js'
export { AuthError, CsrfReason, IntegrationOptions } from './common.js'

/** A Connect/Express request after `authenticate`: the session, or null (with `required: false`). */
export interface AuthenticatedRequest {
  auth: Session | null
}

/**
 * Express middleware: puts the session on `req.auth`; refusals go to `next(err)` as an `AuthError`
 * (`status` 401, 403 or 503, `code`, `reason`). Options are checked here, at start-up.
 */
export declare function authenticate(
  options?: IntegrationOptions,
): (req: { method: string; headers: Record<string, string | string[] | undefined> } & Partial<AuthenticatedRequest>, res: unknown, next: (err?: unknown) => void) => void

declare global {
  namespace Express {
    interface Request {
      /** Set by nextauth-backend-token's `authenticate`. */
      auth?: import('../index.js').Session | null
    }
  }
}
