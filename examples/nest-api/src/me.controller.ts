import { Body, Controller, Get, Post } from '@nestjs/common'
import type { Session } from 'nextauth-backend-token'
import { NextAuthSession, Public } from 'nextauth-backend-token/nest'

// Every route needs a session (the guard is global, see app.module.ts) unless marked @Public().
@Controller()
export class MeController {
  @Public()
  @Get('health')
  health() {
    return { ok: true }
  }

  @Get('me')
  me(@NextAuthSession() session: Session) {
    return {
      strategy: session.strategy,
      email: session.user.email ?? null,
      token: session.strategy === 'jwt' ? (session.token.backendToken ?? null) : null,
    }
  }

  // A cookie-authenticated write: accepted from the app's origin (CSRF protection refuses others).
  @Post('notes')
  note(@NextAuthSession('user') user: Session['user'], @Body() body: { note?: string }) {
    return { saved: true, by: user.email ?? null, note: body?.note ?? null }
  }
}
