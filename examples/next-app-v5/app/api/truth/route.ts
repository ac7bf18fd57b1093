import { getToken } from 'next-auth/jwt'
import { auth } from '../../../auth'

// What Auth.js itself says about this request: the session user from auth(), and the backend
// token from Auth.js's own getToken (told the cookie's secure name, as it needs to be).
export async function GET(request: Request) {
  const session = await auth()
  const secureCookie = (process.env.AUTH_URL ?? '').startsWith('https://')
  const jwt = await getToken({ req: request, secret: process.env.AUTH_SECRET, secureCookie })
  return Response.json({ user: session?.user?.name ?? null, token: (jwt?.backendToken as string | undefined) ?? null })
}
