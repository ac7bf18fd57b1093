import { getBackendToken } from 'nextauth-backend-token'

// Route Handler: the raw Cookie header.
export function GET(request: Request) {
  const token = getBackendToken(request.headers.get('cookie'))
  return Response.json({ token }, { status: token ? 200 : 401 })
}
