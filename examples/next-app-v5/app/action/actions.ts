'use server'
import { getBackendToken } from 'nextauth-backend-token'

// Server Action: no request object, only the next/headers context.
export async function readToken(): Promise<{ token: string | null }> {
  return { token: await getBackendToken() }
}
