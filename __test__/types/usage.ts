// Compiled with strict + isolatedModules by types.spec.mjs: the public types as users see them.
import { getBackendToken, getToken, inspectToken, decode, encode, createResolver, getSession } from '../../index.js'
import type { CookieSource, ResolveOptions, DecodeParams, EncodeParams, Resolver, TokenReport, ReasonCode, Session, SessionAdapter, DatabaseResolver } from '../../index.js'

declare const request: Request
declare const cookieStore: { getAll(): { name: string; value: string }[]; get(name: string): unknown }
declare const expressReq: { headers: Record<string, string | string[] | undefined>; cookies: Record<string, string> }

const options: ResolveOptions = { secret: ['new', 'old'], cookieName: 'my.session', clockTolerance: 5, bearer: false }

const fromHeader: string | null = getBackendToken('a=b', options)
const fromRequest: string | null = getBackendToken(request)
const fromHeaders: string | null = getBackendToken(request.headers)
const fromStore: string | null = getBackendToken(cookieStore)
const fromExpress: string | null = getBackendToken(expressReq)
const fromRecord: string | null = getBackendToken(expressReq.cookies)
const fromNothing: null | string = getBackendToken(undefined)
const fromContext: Promise<string | null> = getBackendToken()
const fromPromise: Promise<string | null> = getBackendToken(Promise.resolve(cookieStore), options)
const payload: Record<string, unknown> | null = getToken(request)
const payloadLater: Promise<Record<string, unknown> | null> = getToken()

const decodeParams: DecodeParams = { token: 't', secret: 's', salt: 'authjs.session-token', now: 1 }
const decoded: Record<string, unknown> | null = decode(decodeParams)
const encodeParams: EncodeParams = { token: { backendToken: 'x' }, secret: 's', salt: 'n', format: 'next-auth-v4' }
const encoded: string = encode(encodeParams)
const source: CookieSource = 'a=b'
const auth: Resolver = createResolver({ secret: 'x'.repeat(32), claim: 'accessToken', secure: 'auto' })
const bound: string | null = auth.getBackendToken(request)
const boundLater: Promise<Record<string, unknown> | null> = auth.getToken()
const report: TokenReport = inspectToken('a=b')
const reason: ReasonCode = report.reason
const format: 'authjs-v5' | 'next-auth-v4' | 'opaque' | 'unknown' | null = report.format

declare const adapter: SessionAdapter
const session: Promise<Session | null> = getSession(request, { adapter })
const dbToken: Promise<string | null> = getBackendToken(request, { adapter })
const dbAuth: DatabaseResolver = createResolver({ adapter, sessionCacheTtl: 30 })
const dbBound: Promise<string | null> = dbAuth.getBackendToken(request)
async function user() {
  const s = await getSession()
  if (s?.strategy === 'database') return s.session.userId
  if (s?.strategy === 'jwt') return s.token.sub
  return s
}

// @ts-expect-error with an adapter the backend token is a Promise
const notSync: string | null = getBackendToken(request, { adapter })
// @ts-expect-error report fields are closed sets of strings
const notAReason: ReasonCode = 'SOMETHING_ELSE'
// @ts-expect-error secure is true, false or 'auto'
createResolver({ secure: 'sometimes' })

// @ts-expect-error a synchronous source does not give a Promise
const wrong: Promise<string | null> = getBackendToken('a=b')
// @ts-expect-error the no-argument form is asynchronous
const wrong2: string | null = getBackendToken()
// @ts-expect-error numbers are not sources
getBackendToken(42)
// @ts-expect-error format is a closed set of strings
encode({ token: {}, format: 'v6' })
// @ts-expect-error options are checked
getBackendToken('a=b', { secret: 42 })

export {
  fromHeader, fromRequest, fromHeaders, fromStore, fromExpress, fromRecord, fromNothing, fromContext, fromPromise,
  payload, payloadLater, decoded, encoded, source, wrong, wrong2, bound, boundLater, reason, format, notAReason, session, dbToken, dbBound, user, notSync,
}
