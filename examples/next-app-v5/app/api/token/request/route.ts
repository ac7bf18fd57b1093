import { getBackendToken } from 'nextauth-backend-token'

// Route Handler: the Request itself.
export function GET(request: Request) {
  const token = getBackendToken(request)
  return Response.json({ token }, { status: token ? 200 : 401 })
}
