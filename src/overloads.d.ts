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
/** With an adapter the answer is a Promise: a database session is looked up. */
export declare function getBackendToken(
  source: CookieSource | PromiseLike<CookieSource>,
  options: WithAdapter,
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

/**
 * The same resolution as `getBackendToken`, as a report: which cookies were present, which were
 * checked and rejected and why, the protocol, and the token's format, times and claim names.
 * Never contains a cookie value, token, secret, key or claim value.
 *
 * With no argument, reads `next/headers` and returns a Promise.
 */
export declare function inspectToken(): Promise<TokenReport>
export declare function inspectToken(source: PromiseLike<CookieSource>, options?: ResolveOptions): Promise<TokenReport>
/** With an adapter the report is a Promise: a database session is looked up. */
export declare function inspectToken(source: CookieSource | PromiseLike<CookieSource>, options: WithAdapter): Promise<TokenReport>
export declare function inspectToken(source: CookieSource, options?: ResolveOptions): TokenReport

/**
 * Decrypts a session token as `@auth/core` `decode` or next-auth@4 `decode` would (either format)
 * and validates `exp`/`nbf`. Returns the payload, or `null` for an invalid token.
 */
export declare function decode(params: DecodeParams): Record<string, unknown> | null

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
 * Encrypts claims exactly as `@auth/core` `encode` (`format: 'authjs-v5'`) or next-auth@4
 * `encode` (`format: 'next-auth-v4'`) does: what this encodes, they decode, and the reverse.
 */
export declare function encode(params: EncodeParams): string

export interface EncodeParams {
  /** The claims to encrypt. `iat`, `exp` and `jti` are set as the issuers set them. */
  token: Record<string, unknown>
  /** Secret(s); the first one encrypts. Default: the environment, as for `getToken`. */
  secret?: string | string[]
  /** Salt: the cookie name the token will be stored under (required for Auth.js v5). Default for NextAuth v4: `""`. */
  salt?: string
  /** Lifetime in seconds. Default: 30 days, as both issuers. */
  maxAge?: number
  /** Token format. Default: `"authjs-v5"`. */
  format?: 'authjs-v5' | 'next-auth-v4'
  /** Content encryption for `authjs-v5`. Default: `"A256CBC-HS512"`. */
  enc?: Enc
}

/** One log line for a report, as `debug: true` prints it. Never contains a value. */
export declare function formatReport(report: TokenReport): string

/**
 * Which build answers: `'native'` (the Node-API addon: Node, Bun, Deno) or `'wasm'` (the
 * WebAssembly build: Edge runtimes, Workers, and Node where no prebuilt binary exists).
 */
export declare const implementation: 'native' | 'wasm'


/**
 * What this package uses of an Auth.js adapter (v5 `@auth/*-adapter`, v4 `@next-auth/*-adapter`):
 * pass the adapter object the app gives NextAuth/Auth.js. Only `getSessionAndUser` is called.
 */
export interface SessionAdapter {
  // Optional as in Auth.js's own `Adapter` type; without it the adapter is refused at start-up.
  getSessionAndUser?: (
    sessionToken: string,
  ) => PromiseLike<{ session: AdapterSessionRow; user: object } | null> | { session: AdapterSessionRow; user: object } | null
}

/** A database session row as an adapter returns it (other columns come along). */
export interface AdapterSessionRow {
  sessionToken: string
  userId: string | number
  expires: Date | string
}

/** Options with an adapter: answers become Promises. */
export type WithAdapter = ResolveOptions & { adapter: SessionAdapter }

/** The user of a session. */
export interface SessionUser {
  id?: string
  name?: string | null
  email?: string | null
  image?: string | null
  [field: string]: unknown
}

/** A session of either strategy, shaped like Auth.js's own session. */
export type Session =
  | {
      strategy: 'jwt'
      /** `id` (from `sub`), `name`, `email`, `image` (from `picture`), as Auth.js puts them. */
      user: SessionUser
      /** When the token expires (`exp`), ISO 8601. */
      expires: string | null
      /** The decoded token. */
      token: Record<string, unknown>
    }
  | {
      strategy: 'database'
      /** The user row the adapter returned. */
      user: SessionUser
      /** The session row's `expires`, ISO 8601. */
      expires: string
      /** The session row the adapter returned, `userId` included. */
      session: AdapterSessionRow
    }

/**
 * The session the request carries, of either strategy, or `null` (a reason is available from
 * `inspectToken`). JWT sessions are decrypted and validated; database sessions (the cookie holds
 * an id) are looked up with `options.adapter`, read-only. If the adapter fails or times out it
 * rejects with `ERR_ADAPTER_FAILED` (answer 503), never `null`. With no argument, reads
 * `next/headers`.
 */
export declare function getSession(): Promise<Session | null>
export declare function getSession(source: CookieSource | PromiseLike<CookieSource>, options?: ResolveOptions): Promise<Session | null>

/** `getBackendToken`, `getToken`, `inspectToken` and `getSession` with options validated once. */
export interface Resolver {
  getSession(source?: CookieSource | PromiseLike<CookieSource>): Promise<Session | null>
  getBackendToken(): Promise<string | null>
  getBackendToken(source: PromiseLike<CookieSource>): Promise<string | null>
  getBackendToken(source: CookieSource): string | null
  getToken(): Promise<Record<string, unknown> | null>
  getToken(source: PromiseLike<CookieSource>): Promise<Record<string, unknown> | null>
  getToken(source: CookieSource): Record<string, unknown> | null
  inspectToken(): Promise<TokenReport>
  inspectToken(source: PromiseLike<CookieSource>): Promise<TokenReport>
  inspectToken(source: CookieSource): TokenReport
}

/**
 * Validates `options` once, at start-up, and returns the resolver functions bound to them: calls
 * carry no option cost. Stricter than per-call options: the secrets are settled now (from the
 * environment when `secret` is not given) and a missing one throws `ERR_MISSING_SECRET`, one
 * shorter than 32 characters `ERR_INVALID_OPTION`. Later changes to `options` or the environment
 * do not affect it.
 */
export declare function createResolver(options: WithAdapter): DatabaseResolver
export declare function createResolver(options?: ResolveOptions): Resolver

/** A resolver with an adapter: the backend token and the report are Promises (`getToken` reads JWT sessions only). */
export interface DatabaseResolver extends Omit<Resolver, 'getBackendToken' | 'inspectToken'> {
  getBackendToken(source?: CookieSource | PromiseLike<CookieSource>): Promise<string | null>
  inspectToken(source?: CookieSource | PromiseLike<CookieSource>): Promise<TokenReport>
}

// <options> generated from src/options.rs by `npm run generate`: do not edit
/** Options of `getBackendToken`, `getToken`, `inspectToken` and `createResolver`. */
export interface ResolveOptions {
  /** Secret(s) that may have encrypted the session, newest first (rotation: `[new, old]`). Default: env: AUTH_SECRET_3, _2, _1, AUTH_SECRET, NEXTAUTH_SECRET. */
  secret?: string | string[]
  /** Session cookie name(s) to look for, replacing the defaults; secure-prefixed names are tried first. Default: the six names in "How the cookie is found". */
  cookieName?: string | string[]
  /** Key derivation salt override. Default: the cookie name found (v5), "" (v4). */
  salt?: string
  /** The claim `getBackendToken` returns; it must be a string. Default: "backendToken". */
  claim?: string
  /** Seconds of leeway on `exp` and `nbf`, as Auth.js. Default: 15. */
  clockTolerance?: number
  /** The current time in epoch seconds (for tests). Default: the system clock. */
  now?: number
  /** With no session cookie, accept `Authorization: Bearer <token>` as Auth.js's `getToken` does. Default: true. */
  bearer?: boolean
  /** `true`: only `__Secure-`/`__Host-` names; `false`: any name, secure first; `"auto"`: `true` when the request is known to be HTTPS. Default: "auto". */
  secure?: boolean | 'auto'
  /** Explain each `null`: `true` logs one line (names and reason codes, never values) to stderr; a function receives the report. Also on with `DEBUG=nextauth-backend-token`. Default: false. */
  debug?: boolean | ((report: TokenReport) => void)
  /** Largest Cookie header read (all Cookie headers together), in bytes; a larger one is not read (`TOO_LARGE`). Default: 131072. */
  maxHeaderBytes?: number
  /** Most cookies read from one request; the rest are ignored. Default: 1024. */
  maxCookies?: number
  /** Most chunks (`NAME.0` … `NAME.n`) one session cookie may have. Default: 32. */
  maxChunks?: number
  /** Longest token after chunks are joined, in bytes. Default: 131072. */
  maxTokenBytes?: number
  /** Largest decrypted payload, in bytes. Default: 98304. */
  maxPayloadBytes?: number
  /** The app's Auth.js adapter (v5 `@auth/*-adapter` or v4 `@next-auth/*-adapter`): database sessions are looked up with its `getSessionAndUser`, read-only. Default: none. */
  adapter?: SessionAdapter
  /** Milliseconds an adapter lookup may take before it fails with `ERR_ADAPTER_FAILED`. Default: 5000. */
  adapterTimeout?: number
  /** Seconds a successful database lookup is kept in memory (never past the session's `expires`); sign-out then takes up to this long to be seen. Default: 0 (off). */
  sessionCacheTtl?: number
}
// </options>
