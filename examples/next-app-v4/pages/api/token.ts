import type { NextApiRequest, NextApiResponse } from 'next'
import { getBackendToken } from 'nextauth-backend-token'

// Pages Router API route: the request itself, and its parsed req.cookies.
export default function handler(req: NextApiRequest, res: NextApiResponse) {
  const fromReq = getBackendToken(req)
  const fromCookies = getBackendToken(req.cookies)
  res.status(fromReq ? 200 : 401).json({ fromReq, fromCookies })
}
