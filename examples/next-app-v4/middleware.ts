// Middleware on Next.js 15's default runtime, the Edge runtime: no native addon can load here, so
// the package's `edge-light` entry runs its WebAssembly build. Same API, same answers.
import { NextResponse, type NextRequest } from 'next/server'
import { createResolver, implementation } from 'nextauth-backend-token'

// Pass the secret explicitly: Next.js gives Edge code only the variables it names.
const resolver = createResolver({ secret: process.env.NEXTAUTH_SECRET })

export function middleware(request: NextRequest) {
  if (request.nextUrl.pathname === '/edge/probe') {
    // What this sandbox allows (the e2e test forbids compiling WebAssembly from bytes, as Edge
    // hosts do) and which build answered.
    let compileFromBytes = 'allowed'
    try {
      new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))
    } catch {
      compileFromBytes = 'refused'
    }
    return NextResponse.json({ compileFromBytes, implementation })
  }
  const token = resolver.getBackendToken(request)
  if (token === null) {
    return NextResponse.json({ token: null, reason: resolver.inspectToken(request).reason }, { status: 401 })
  }
  return NextResponse.json({ token })
}

export const config = { matcher: '/edge/:path*' }
