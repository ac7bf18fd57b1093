'use client'
import { useActionState } from 'react'
import { readToken } from './actions'

export default function Page() {
  const [state, run] = useActionState(async () => readToken(), null)
  return (
    <form action={run}>
      <button id="run" type="submit">read token</button>
      <pre id="out">{state ? JSON.stringify(state) : ''}</pre>
    </form>
  )
}
