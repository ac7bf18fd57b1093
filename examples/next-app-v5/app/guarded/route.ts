// Reached only through proxy.ts, which refuses requests without a backend token.
export function GET() {
  return Response.json({ guarded: 'ok' })
}
