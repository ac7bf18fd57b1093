import { cookies } from 'next/headers'
import { getBackendToken } from 'nextauth-backend-token'

// Server Component: with the cookie store, and with no argument at all.
export default async function Page() {
  const fromStore = getBackendToken(await cookies())
  const fromContext = await getBackendToken()
  return <pre id="out">{JSON.stringify({ fromStore, fromContext })}</pre>
}
