import { NextResponse, type NextRequest } from 'next/server'
import { getBackendToken } from 'nextauth-backend-token'

// Next 16's proxy (formerly middleware) runs on the Node.js runtime, so the native package loads.
export function proxy(request: NextRequest) {
  if (!getBackendToken(request)) return NextResponse.json({ error: 'unauthorized' }, { status: 401 })
  return NextResponse.next()
}

export const config = { matcher: ['/guarded'] }
