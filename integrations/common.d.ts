import type { ResolveOptions, Session, SessionAdapter } from '../index.js'

/** Why a cross-site, cookie-authenticated unsafe request was refused. */
export type CsrfReason = 'CSRF_TOKEN_MISSING' | 'CSRF_TOKEN_INVALID' | 'CSRF_ORIGIN_NOT_ALLOWED'

/** Options of every framework integration: the resolver's, plus these. */
export interface IntegrationOptions extends ResolveOptions {
  /** Refuse requests without a valid session (401). `false`: let them through with `auth` null. Default: `true`. */
  required?: boolean
  /**
   * Protect cookie-authenticated POST, PUT, PATCH and DELETE requests: accept them from an
   * `allowedOrigins` origin (or, without that option, a `Sec-Fetch-Site: same-origin` request) or
   * carrying Auth.js's double-submit token in `csrfHeader`. Bearer requests need none. Default: `true`.
   */
  csrf?: boolean
  /** Origins allowed to make cookie-authenticated unsafe requests, e.g. `['https://app.example.com']`. */
  allowedOrigins?: string[]
  /** The header that repeats Auth.js's CSRF token (from its `csrf-token` cookie or `/api/auth/csrf`). Default: `'x-csrf-token'`. */
  csrfHeader?: string
  adapter?: SessionAdapter
}

/**
 * What the integrations refuse with. `status` / `statusCode`: 401 (`code` `'credentials_required'`
 * or `'invalid_token'`), 403 (`'csrf_rejected'`) or 503 (`'session_unavailable'`: the adapter
 * failed, its error is the `cause`). `reason`: the reason code (none for 503). Never a value.
 */
export declare class AuthError extends Error {
  readonly status: 401 | 403 | 503
  readonly statusCode: 401 | 403 | 503
  readonly code: 'credentials_required' | 'invalid_token' | 'csrf_rejected' | 'session_unavailable'
  readonly reason: import('../index.js').ReasonCode | CsrfReason | null
}

export type { Session }
