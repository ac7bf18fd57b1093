import type { NextApiRequest, NextApiResponse } from 'next'
import { getServerSession } from 'next-auth'
import { getToken } from 'next-auth/jwt'
import { authOptions } from '../../lib/auth'

// What NextAuth itself says: getServerSession's user and next-auth@4's own getToken.
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const session = await getServerSession(req, res, authOptions)
  const jwt = await getToken({ req })
  res.json({ user: session?.user?.name ?? null, token: (jwt?.backendToken as string | undefined) ?? null })
}
