import type { NextRequest } from 'next/server'
import { getBackendToken } from 'nextauth-backend-token'

// Route Handler: NextRequest's cookie store.
export function GET(request: NextRequest) {
  const token = getBackendToken(request.cookies)
  return Response.json({ token }, { status: token ? 200 : 401 })
}
