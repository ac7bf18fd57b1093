// 1,000,000 resolutions with RSS and heap flat. The bounds are generous (noise on a shared machine
// is several MiB) but a leak of even 40 bytes per call would exceed them.
import test from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

test('1,000,000 resolutions: RSS and heap stay flat', { timeout: 300_000 }, () => {
  const child = fileURLToPath(new URL('./fixtures/memory-child.mjs', import.meta.url))
  const r = spawnSync(process.execPath, ['--expose-gc', child, '1000000'], { encoding: 'utf8', timeout: 290_000 })
  assert.equal(r.status, 0, r.stderr)
  const { before, after } = JSON.parse(r.stdout)
  const mib = (b) => (b / 1048576).toFixed(1)
  console.log(`# heap ${mib(before.heap)} -> ${mib(after.heap)} MiB, RSS ${mib(before.rss)} -> ${mib(after.rss)} MiB`)
  assert.ok(after.heap - before.heap < 8 * 1048576, `heap grew ${mib(after.heap - before.heap)} MiB`)
  assert.ok(after.rss - before.rss < 40 * 1048576, `RSS grew ${mib(after.rss - before.rss)} MiB`)
})
