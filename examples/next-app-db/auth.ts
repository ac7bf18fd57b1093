import NextAuth from 'next-auth'
import Nodemailer from 'next-auth/providers/nodemailer'
import { adapter } from './lib/db'

// Database sessions (the default with an adapter, spelled out): the cookie holds only a session
// id; the session lives in PostgreSQL. Email sign-in ("magic link") through an SMTP server.
export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  adapter,
  session: { strategy: 'database' },
  // An API on a sibling subdomain receives the session cookie only when its Domain covers both.
  ...(process.env.COOKIE_DOMAIN ? { cookies: { sessionToken: { options: { domain: process.env.COOKIE_DOMAIN } } } } : {}),
  providers: [
    Nodemailer({
      server: {
        host: '127.0.0.1',
        port: Number(process.env.SMTP_PORT ?? 2525),
        secure: false,
        ignoreTLS: true,
        auth: { user: process.env.SMTP_USER ?? 'app', pass: process.env.SMTP_PASSWORD ?? 'app' },
      },
      from: 'app@example.test',
    }),
  ],
})
