// The public types compile under strict + isolatedModules, and the @ts-expect-error lines prove
// the types reject what they should (tsc fails on an unused @ts-expect-error).
import test from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

// The core types need no @types/node; the integrations' are checked with the frameworks' own types.
for (const [what, config] of [['index.d.ts', 'tsconfig.json'], ['the integrations\' .d.ts files', 'integrations.tsconfig.json']]) {
  test(`${what} compile in a strict, isolatedModules project and reject misuse`, () => {
    const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url))
    const project = fileURLToPath(new URL(`./types/${config}`, import.meta.url))
    let out = ''
    try {
      out = execFileSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' })
    } catch (e) {
      assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`)
    }
    assert.equal(out.trim(), '')
  })
}
