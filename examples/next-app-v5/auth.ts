import NextAuth from 'next-auth'
import Credentials from 'next-auth/providers/credentials'

// Two demo users: "small" keeps a short backend token; "large" one big enough (7,000 characters)
// that Auth.js splits the session cookie into chunks.
const backendTokens: Record<string, string> = {
  small: `small.${'s'.repeat(300)}`,
  large: `large.${'L'.repeat(7000)}`,
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  session: { strategy: 'jwt' },
  // An API on a sibling subdomain (api.example.com next to app.example.com) receives the session
  // cookie only when its Domain covers both: COOKIE_DOMAIN=.example.com.
  ...(process.env.COOKIE_DOMAIN ? { cookies: { sessionToken: { options: { domain: process.env.COOKIE_DOMAIN } } } } : {}),
  providers: [
    Credentials({
      credentials: { username: { label: 'Username' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials) {
        const name = String(credentials?.username ?? '')
        if (!(name in backendTokens) || credentials?.password !== 'demo') return null
        return { id: name, name, email: `${name}@example.test`, backendToken: backendTokens[name] }
      },
    }),
  ],
  callbacks: {
    // Keep the backend token inside the encrypted session cookie (never in the client session).
    jwt({ token, user }) {
      if (user && 'backendToken' in user) token.backendToken = user.backendToken
      return token
    },
  },
})
