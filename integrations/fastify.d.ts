import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify'
import type { IntegrationOptions, Session } from './common.js'
export { AuthError, CsrfReason, IntegrationOptions } from './common.js'

export interface NextAuthFastifyOptions extends IntegrationOptions {
  /** The name of the hook decorator. Default: `'authenticate'`. */
  decorator?: string
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The session, once `app.authenticate` has run (null before, or with `required: false`). */
    auth: Session | null
  }
  interface FastifyInstance {
    /** An `onRequest` hook: resolves the session into `request.auth` or fails with 401/403/503. */
    authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void>
  }
}

/** The plugin (encapsulation skipped, as with fastify-plugin): `await app.register(nextAuth, { secret })`. */
declare const nextAuth: FastifyPluginCallback<NextAuthFastifyOptions>
export default nextAuth
export { nextAuth }
