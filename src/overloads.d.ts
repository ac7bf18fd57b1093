/** A `Headers`-like object: `Headers`, `ReadonlyHeaders` from `next/headers`. */
export interface HeadersLike {
  get(name: string): string | null | undefined
}

/** A cookie store: `await cookies()` from `next/headers`, `NextRequest.cookies`. */
export interface CookieStoreLike {
  getAll(): ReadonlyArray<{ name: string; value: string }>
}

/** A request: `Request`, `NextRequest`, Node `IncomingMessage`, Express `req`. */
export interface RequestLike {
  headers: HeadersLike | Record<string, string | string[] | undefined>
  cookies?: CookieStoreLike | Record<string, unknown>
}

/**
 * Whatever holds the request's cookies: a Cookie header string, a request, a `Headers` object, a
 * cookie store, or a record of cookie names to values (Express `req.cookies`). `null` and
 * `undefined` mean "no cookies".
 */
export type CookieSource =
  | string
  | null
  | undefined
  | RequestLike
  | HeadersLike
  | CookieStoreLike
  | Record<string, string | undefined>

/**
 * The backend token kept in the session (claim `backendToken`, or `options.claim`), or `null`
 * when there is no valid session or the claim is missing or not a string.
 *
 * With no argument, reads `next/headers` (`cookies()` and `headers()`): for Server Components,
 * Server Actions and Route Handlers. Returns a Promise.
 */
export declare function getBackendToken(): Promise<string | null>
/** A Promise of a source (`cookies()` passed without `await`) gives a Promise of the result. */
export declare function getBackendToken(
  source: PromiseLike<CookieSource>,
  options?: ResolveOptions,
): Promise<string | null>
/** Any other source resolves synchronously. */
export declare function getBackendToken(source: CookieSource, options?: ResolveOptions): string | null

/**
 * The whole decrypted session payload, found and validated as for `getBackendToken`, or `null`.
 *
 * With no argument, reads `next/headers` and returns a Promise.
 */
export declare function getToken(): Promise<Record<string, unknown> | null>
export declare function getToken(
  source: PromiseLike<CookieSource>,
  options?: ResolveOptions,
): Promise<Record<string, unknown> | null>
export declare function getToken(source: CookieSource, options?: ResolveOptions): Record<string, unknown> | null

/** Why a token was (not) accepted. `"OK"` when it was. */
export type ReasonCode =
  | 'OK'
  | 'NO_SESSION_COOKIE'
  | 'INSECURE_COOKIE_ON_HTTPS'
  | 'CHUNK_MISSING'
  | 'TOO_LARGE'
  | 'MALFORMED_TOKEN'
  | 'UNSUPPORTED_ALGORITHM'
  | 'DECRYPTION_FAILED'
  | 'WRONG_COOKIE_NAME'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'OPAQUE_SESSION_TOKEN'
  | 'CLAIM_MISSING'
  | 'CLAIM_NOT_STRING'

/**
 * The same resolution as `getBackendToken`, as a report: which cookies were present, which were
 * checked and rejected and why, the protocol, and the token's format, times and claim names.
 * Never contains a cookie value, token, secret, key or claim value.
 *
 * With no argument, reads `next/headers` and returns a Promise.
 */
export declare function inspectToken(): Promise<TokenReport>
export declare function inspectToken(source: PromiseLike<CookieSource>, options?: ResolveOptions): Promise<TokenReport>
export declare function inspectToken(source: CookieSource, options?: ResolveOptions): TokenReport

/**
 * Decrypts a session token as `@auth/core` `decode` or next-auth@4 `decode` would (either format)
 * and validates `exp`/`nbf`. Returns the payload, or `null` for an invalid token.
 */
export declare function decode(params: DecodeParams): Record<string, unknown> | null
