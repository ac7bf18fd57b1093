import { auth } from '../../../auth'

// What Auth.js itself says: auth() reads (and, for an expired row, deletes) the session.
export async function GET() {
  const session = await auth()
  return Response.json({ email: session?.user?.email ?? null, expires: session?.expires ?? null })
}
