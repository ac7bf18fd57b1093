import { getBackendToken } from 'nextauth-backend-token'

// App Router Route Handler in the same v4 app.
export function GET(request: Request) {
  const token = getBackendToken(request)
  return Response.json({ token }, { status: token ? 200 : 401 })
}
