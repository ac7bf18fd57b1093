// The integrations' public types, as users import them (compiled by types.spec.mjs).
import Fastify from 'fastify'
import { Hono } from 'hono'
import { authenticate as expressAuth, AuthError } from 'nextauth-backend-token/express'
import nextAuth from 'nextauth-backend-token/fastify'
import { authenticate as honoAuth, type NextAuthVariables } from 'nextauth-backend-token/hono'
import { NextAuthModule, NextAuthGuard, Public, NextAuthSession } from 'nextauth-backend-token/nest'
import type { Session } from 'nextauth-backend-token'

const middleware = expressAuth({ secret: 'x'.repeat(32), allowedOrigins: ['https://app.example.com'], required: false })

const app = Fastify()
app.register(nextAuth, { secret: 'x'.repeat(32), decorator: 'authenticate' })
app.get('/me', { onRequest: [app.authenticate] }, async (request) => {
  const session: Session | null = request.auth
  return session?.user ?? null
})

const hono = new Hono<{ Variables: NextAuthVariables }>()
hono.use('/api/*', honoAuth({ secret: 'x'.repeat(32) }))
hono.get('/api/me', (c) => c.json({ email: c.get('auth')?.user.email ?? null }))

const module = NextAuthModule.forRoot({ secret: 'x'.repeat(32), globalGuard: true })
const guard: typeof NextAuthGuard = NextAuthGuard
const decorators = [Public(), NextAuthSession('user')]
const isAuthError = (e: unknown): e is AuthError => e instanceof AuthError
function status(e: AuthError): 401 | 403 | 503 {
  return e.status
}

// @ts-expect-error allowedOrigins is a list of origins
expressAuth({ allowedOrigins: 'https://app.example.com' })
// @ts-expect-error csrf is a boolean
honoAuth({ csrf: 'yes' })

export { middleware, module, guard, decorators, isAuthError, status }
