'use strict'
// NestJS: a guard per route (@UseGuards(NextAuthGuard)) or for the whole app
// (NextAuthModule.forRoot({ ..., globalGuard: true }) registers it as APP_GUARD), @Public() to skip
// it, @NextAuthSession() for the session in a handler. Works on the Express and Fastify platforms.
// Refusals are Nest's own UnauthorizedException / ForbiddenException / ServiceUnavailableException,
// whose body carries `code` and `reason`.
const { createParamDecorator, ForbiddenException, Inject, Injectable, Module, SetMetadata, ServiceUnavailableException, UnauthorizedException } = require('@nestjs/common')
const { APP_GUARD, Reflector } = require('@nestjs/core')
const { AuthError, authenticator, headerValue } = require('./common.js')

/** The injection token of the authenticator `NextAuthModule.forRoot` makes. */
const NEXTAUTH_AUTHENTICATOR = 'NEXTAUTH_AUTHENTICATOR'
const IS_PUBLIC = 'nextauth:public'

/** Marks a handler or controller as reachable without a session. */
const Public = () => SetMetadata(IS_PUBLIC, true)

/** The session the guard put on the request (`@NextAuthSession('user')` for one field). */
const NextAuthSession = createParamDecorator((field, ctx) => {
  const session = ctx.switchToHttp().getRequest().auth ?? null
  return field && session ? session[field] : session
})

const EXCEPTIONS = { 401: UnauthorizedException, 403: ForbiddenException, 503: ServiceUnavailableException }

class NextAuthGuard {
  constructor(reflector, authenticate) {
    this.reflector = reflector
    this.authenticate = authenticate
  }

  async canActivate(context) {
    if (this.reflector.getAllAndOverride(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true
    const req = context.switchToHttp().getRequest()
    try {
      req.auth = await this.authenticate({ method: req.method, header: (name) => headerValue(req.headers[name]), source: req })
    } catch (err) {
      if (!(err instanceof AuthError)) throw err
      const body = { statusCode: err.status, code: err.code, reason: err.reason, message: err.message }
      throw new EXCEPTIONS[err.status](body, { cause: err })
    }
    return true
  }
}
Injectable()(NextAuthGuard)
Inject(Reflector)(NextAuthGuard, undefined, 0)
Inject(NEXTAUTH_AUTHENTICATOR)(NextAuthGuard, undefined, 1)

class NextAuthModule {
  /** Options of the resolver and the integration, checked now: a mistake fails at start-up. */
  static forRoot(options = {}) {
    const { globalGuard = false, ...rest } = options ?? {}
    const providers = [{ provide: NEXTAUTH_AUTHENTICATOR, useValue: authenticator(rest) }, NextAuthGuard]
    if (globalGuard) providers.push({ provide: APP_GUARD, useExisting: NextAuthGuard })
    return { module: NextAuthModule, global: true, providers, exports: [NEXTAUTH_AUTHENTICATOR, NextAuthGuard] }
  }
}
Module({})(NextAuthModule)

module.exports = { NextAuthModule, NextAuthGuard, Public, NextAuthSession, NEXTAUTH_AUTHENTICATOR, AuthError }
