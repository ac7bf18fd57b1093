import { cookies } from 'next/headers'
import { createResolver, getSession } from 'nextauth-backend-token'
import { adapter } from '../../lib/db'

const resolver = createResolver({ adapter })

// Server Component: with the cookie store, and with no argument through a resolver.
export default async function Page() {
  const fromStore = await getSession(await cookies(), { adapter })
  const fromContext = await resolver.getSession()
  const email = (s: typeof fromStore) => s?.user.email ?? null
  return <pre id="out">{JSON.stringify({ fromStore: email(fromStore), fromContext: email(fromContext) })}</pre>
}
