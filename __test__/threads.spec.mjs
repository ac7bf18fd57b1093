// The package loaded in 4 worker threads and the main thread at once, each resolving thousands of
// tokens with different secrets: results stay correct and the shared key cache never answers with
// another secret's key.
import test from 'node:test'
import assert from 'node:assert/strict'
import { Worker } from 'node:worker_threads'
import { encode as authjsEncode } from '@auth/core/jwt'
import { run } from './fixtures/worker.mjs'

const THREADS = 5 // 4 workers + the main thread
const SALTS = ['__Secure-authjs.session-token', 'authjs.session-token']

test('4 workers and the main thread resolve concurrently with different secrets', { timeout: 120_000 }, async () => {
  const sets = []
  for (let t = 0; t < THREADS; t++) {
    const secrets = [`thread-${t}-secret-a-0123456789abcdef`, `thread-${t}-secret-b-0123456789abcdef`]
    const mine = []
    for (let i = 0; i < 6; i++) {
      const salt = SALTS[i % 2]
      const expected = `bt-${t}-${i}`
      const token = await authjsEncode({ token: { backendToken: expected }, secret: secrets[i % 2], salt })
      mine.push({ header: `x=1; ${salt}=${token}`, expected })
    }
    sets.push({ secrets, mine })
  }
  const rounds = 1500
  const jobs = sets.map((s, t) => ({ ...s, rounds, others: sets.filter((_, u) => u !== t).flatMap((o) => o.mine) }))
  const workers = jobs.slice(1).map(
    (job) =>
      new Promise((resolve, reject) => {
        const w = new Worker(new URL('./fixtures/worker.mjs', import.meta.url), { workerData: job })
        w.once('message', resolve)
        w.once('error', reject)
        w.once('exit', (code) => code !== 0 && reject(new Error(`worker exited with ${code}`)))
      }),
  )
  const main = run(jobs[0]) // the main thread works at the same time as the workers
  const results = [main, ...(await Promise.all(workers))]
  for (const [t, r] of results.entries()) {
    assert.deepEqual(r.errors, [], `thread ${t}`)
    assert.equal(r.ok, rounds * 6, `thread ${t}`)
    assert.equal(r.refused, rounds, `thread ${t}`)
  }
})
