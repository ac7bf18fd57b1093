import type { NextAuthOptions } from 'next-auth'
import CredentialsProvider from 'next-auth/providers/credentials'

// The same two demo users as the v5 example: "large" makes NextAuth chunk the session cookie.
const backendTokens: Record<string, string> = {
  small: `small.${'s'.repeat(300)}`,
  large: `large.${'L'.repeat(7000)}`,
}

export const authOptions: NextAuthOptions = {
  session: { strategy: 'jwt' },
  providers: [
    CredentialsProvider({
      credentials: { username: { label: 'Username' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials) {
        const name = String(credentials?.username ?? '')
        if (!(name in backendTokens) || credentials?.password !== 'demo') return null
        return { id: name, name, email: `${name}@example.test`, backendToken: backendTokens[name] }
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user && 'backendToken' in user) token.backendToken = (user as { backendToken: string }).backendToken
      return token
    },
  },
}
