// Every `unsafe` block or impl in src/ must be explained by a `// SAFETY:` comment on the lines
// just above it (or by the `SAFETY (each cast)` form covering the lines of one match).
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const files = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.rs') ? [join(dir, e.name)] : []))
const problems = []
let count = 0
for (const file of files(new URL('../src', import.meta.url).pathname)) {
  const lines = readFileSync(file, 'utf8').split('\n')
  lines.forEach((line, i) => {
    if (!/\bunsafe\s*(\{|impl)/.test(line) || line.trim().startsWith('//')) return
    count++
    const above = lines.slice(Math.max(0, i - 3), i + 1).join('\n')
    if (!/SAFETY/.test(above)) problems.push(`${file}:${i + 1}: unsafe without a SAFETY comment`)
  })
}
if (problems.length) {
  console.error(problems.join('\n'))
  process.exit(1)
}
console.log(`safety ok: ${count} unsafe blocks, each with a SAFETY comment`)
