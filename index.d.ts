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

/**
 * Which binding artifact the generated loader actually loaded: `'native'` for
 * a native addon, otherwise the `platformArchABI` of the WASI flavor. Every
 * flavor napi-rs can build is listed, because `NAPI_RS_NATIVE_LIBRARY_PATH`
 * can point the loader at a WASI artifact this package does not build itself.
 */
export declare const __napiBindingTarget: 'native' | 'wasm32-wasi' | 'wasm32-wasip1'

/** Parameters of `decode`. */
export interface DecodeParams {
  /** The JWE string (a session cookie value, chunks joined). */
  token: string
  /** Secret(s), newest first. Default: the environment, as for `getToken`. */
  secret?: string | string[]
  /** Salt: the cookie name the token was issued under (Auth.js v5). Default: `""` (NextAuth v4). */
  salt?: string
  /** Seconds of leeway on `exp` and `nbf`. Default: `15`. */
  clockTolerance?: number
  /** The current time in epoch seconds. Default: the system clock. */
  now?: number
}

/**
 * Encrypts claims exactly as `@auth/core` `encode` (`format: "authjs-v5"`) or next-auth@4
 * `encode` (`format: "next-auth-v4"`) does: what this encodes, they decode, and the reverse.
 */
export declare function encode(params: EncodeParams): string

/** Parameters of `encode`. */
export interface EncodeParams {
  /** The claims to encrypt. `iat`, `exp` and `jti` are set as the issuers set them. */
  token: Record<string, unknown>
  /** Secret(s); the first one encrypts. Default: the environment, as for `getToken`. */
  secret?: string | string[]
  /**
   * Salt: the cookie name the token will be stored under (required for Auth.js v5). Default for
   * NextAuth v4: `""`.
   */
  salt?: string
  /** Lifetime in seconds. Default: 30 days, as both issuers. */
  maxAge?: number
  /** Token format. Default: `"authjs-v5"`. */
  format?: 'authjs-v5' | 'next-auth-v4'
  /** Content encryption for `authjs-v5`. Default: `"A256CBC-HS512"`. */
  enc?: 'A256CBC-HS512' | 'A256GCM'
}

/** A cookie that was present but not used, and why. */
export interface RejectedCookie {
  /** Base cookie name (without `.N`), or `"Authorization"` for a bearer token. */
  name: string
  reason: ReasonCode
}

/** Options of `getBackendToken`, `getToken`. */
export interface ResolveOptions {
  /**
   * Secret(s) that may have encrypted the session, newest first (rotation: `[new, old]`).
   * Default: from the environment, in `@auth/core`'s order: `AUTH_SECRET_3`, `AUTH_SECRET_2`,
   * `AUTH_SECRET_1`, `AUTH_SECRET`, then `NEXTAUTH_SECRET`.
   */
  secret?: string | string[]
  /**
   * Session cookie name(s) to look for, replacing the defaults. Default:
   * `__Secure-authjs.session-token`, `__Secure-next-auth.session-token`, the `__Host-` forms,
   * `authjs.session-token`, `next-auth.session-token`. Secure-prefixed names are always tried
   * first, and once one is present the unprefixed ones are ignored.
   */
  cookieName?: string | string[]
  /**
   * Key derivation salt. Default: the name the cookie was found under (Auth.js v5); `""` for
   * NextAuth v4 tokens.
   */
  salt?: string
  /** Claim that holds the backend token (`getBackendToken` only). Default: `"backendToken"`. */
  claim?: string
  /** Seconds of leeway on `exp` and `nbf`. Default: `15` (as Auth.js). */
  clockTolerance?: number
  /** The current time in epoch seconds, for tests. Default: the system clock. */
  now?: number
  /**
   * With no session cookie, accept `Authorization: Bearer <token>` as `getToken` does.
   * Default: `true`.
   */
  bearer?: boolean
  /**
   * Cookie policy. `true`: only `__Secure-`/`__Host-` names. `false`: any candidate, secure
   * first. `"auto"`: `true` when the request is known to be HTTPS (request URL, `x-forwarded-proto`,
   * `forwarded`, `AUTH_URL`/`NEXTAUTH_URL` on https://) or a secure-prefixed session cookie is
   * present. Default: `"auto"`.
   */
  secure?: boolean | 'auto'
  /**
   * Log why a `null` happened: `true` prints one line (names and reason codes, never values) to
   * stderr; a function receives the report. Also on when `DEBUG` names `nextauth-backend-token`.
   * Default: `false`.
   */
  debug?: boolean | ((report: TokenReport) => void)
  /**
   * Largest Cookie header read (all Cookie headers together), in bytes; a larger one is not read
   * (`TOO_LARGE`). Default: `131072` (128 KiB).
   */
  maxHeaderBytes?: number
  /** Most cookies read from one request; the rest are ignored. Default: `1024`. */
  maxCookies?: number
  /** Most chunks (`NAME.0` ... `NAME.n`) one session cookie may have. Default: `32`. */
  maxChunks?: number
  /** Longest token after chunks are joined, in bytes. Default: `131072` (128 KiB). */
  maxTokenBytes?: number
  /** Largest decrypted payload, in bytes. Default: `98304` (96 KiB). */
  maxPayloadBytes?: number
}

/**
 * Why `getToken`/`getBackendToken` return what they return. Never contains a cookie value, token,
 * secret, key or claim value.
 */
export interface TokenReport {
  /** A valid token was found (and, for the backend token, its claim is a string). */
  ok: boolean
  /** `"OK"`, or the reason for `null`. */
  reason: ReasonCode
  /** One actionable sentence. */
  hint: string
  /** The session cookie used (or the one whose failure is the reason), without `.N`. */
  cookieName: string | null
  from: 'cookie' | 'bearer' | null
  format: 'authjs-v5' | 'next-auth-v4' | 'opaque' | 'unknown' | null
  enc: 'A256CBC-HS512' | 'A256GCM' | null
  /** Cookie parts read: 1 when not chunked, 0 when none. */
  chunks: number
  /** Index in the secrets list of the secret that decrypted it. */
  secretIndex: number | null
  protocol: 'https' | 'http' | 'unknown'
  protocolFrom: 'request-url' | 'x-forwarded-proto' | 'forwarded' | 'AUTH_URL' | 'NEXTAUTH_URL' | 'option' | 'secure-cookie-present' | null
  /** Names of every cookie the request carried. */
  presentCookies: Array<string>
  /** Candidate names, in the order they were checked. */
  checkedNames: Array<string>
  /** Every candidate present but not used, and why. */
  rejected: Array<RejectedCookie>
  /** `iat` and `exp` of the token, epoch seconds. */
  issuedAt: number | null
  expiresAt: number | null
  /** Names of the token's claims (never their values). */
  claims: Array<string>
}
