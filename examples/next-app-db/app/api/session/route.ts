import { getSession, inspectToken } from 'nextauth-backend-token'
import { adapter } from '../../../lib/db'

// Route Handler: the session from the request, looked up with the app's own adapter.
export async function GET(request: Request) {
  try {
    const session = await getSession(request, { adapter })
    if (!session) return Response.json({ reason: (await inspectToken(request, { adapter })).reason }, { status: 401 })
    return Response.json({ strategy: session.strategy, email: session.user.email, userId: session.user.id, expires: session.expires })
  } catch (err) {
    // "Could not check" is not "signed out".
    if ((err as { code?: string }).code === 'ERR_ADAPTER_FAILED') return Response.json({ code: 'ERR_ADAPTER_FAILED' }, { status: 503 })
    throw err
  }
}
