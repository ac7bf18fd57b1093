import type { CanActivate, DynamicModule, ExecutionContext } from '@nestjs/common'
import type { IntegrationOptions } from './common.js'
export { AuthError, CsrfReason, IntegrationOptions } from './common.js'

export interface NextAuthModuleOptions extends IntegrationOptions {
  /** Register the guard for every route (`APP_GUARD`); `@Public()` opts a route out. Default: `false`. */
  globalGuard?: boolean
}

/** The module: `NextAuthModule.forRoot(options)` checks the options at start-up and provides the guard. */
export declare class NextAuthModule {
  static forRoot(options?: NextAuthModuleOptions): DynamicModule
}

/** The guard: `@UseGuards(NextAuthGuard)`; puts the session on `request.auth`. */
export declare class NextAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): Promise<boolean>
}

/** Skip the guard for a handler or controller. */
export declare function Public(): MethodDecorator & ClassDecorator

/** The session in a handler: `@NextAuthSession() session`, or one field: `@NextAuthSession('user') user`. */
export declare const NextAuthSession: (field?: string) => ParameterDecorator

/** The injection token of the authenticator the module provides. */
export declare const NEXTAUTH_AUTHENTICATOR: 'NEXTAUTH_AUTHENTICATOR'
