// Structural check of the GitHub Actions workflow (it cannot run here): YAML parses, every job has
// runs-on and steps, `needs` name real jobs, each step has exactly one of uses/run, matrix keys used
// in expressions exist, and every `npm run X` names a script of package.json.
import { readFileSync } from 'node:fs'
import { load } from 'js-yaml'

const file = new URL('../.github/workflows/CI.yml', import.meta.url)
const wf = load(readFileSync(file, 'utf8'))
const scripts = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts
const problems = []
const jobs = wf.jobs ?? {}
if (!wf.on || !Object.keys(jobs).length) problems.push('no triggers or no jobs')
for (const [name, job] of Object.entries(jobs)) {
  if (!job['runs-on']) problems.push(`${name}: no runs-on`)
  for (const need of [job.needs ?? []].flat()) if (!jobs[need]) problems.push(`${name}: needs unknown job ${need}`)
  const matrix = job.strategy?.matrix ?? {}
  const text = JSON.stringify(job)
  for (const [, path] of text.matchAll(/matrix\.([a-zA-Z_.]+)/g)) {
    const [head, ...rest] = path.split('.')
    let value = matrix[head]
    if (value === undefined) problems.push(`${name}: matrix.${path} not defined`)
    else if (rest.length && Array.isArray(value) && !value.every((v) => rest[0] in v)) problems.push(`${name}: matrix.${path} missing in some entries`)
  }
  for (const [i, step] of (job.steps ?? []).entries()) {
    if (!!step.uses === !!step.run) problems.push(`${name} step ${i}: needs exactly one of uses/run`)
  }
  for (const [, script] of text.matchAll(/npm run ([a-z:0-9-]+)/g)) {
    if (!scripts[script]) problems.push(`${name}: npm run ${script} is not a script`)
  }
}
if (problems.length) {
  console.error(problems.join('\n'))
  process.exit(1)
}
console.log(`workflow ok: ${Object.keys(jobs).length} jobs (${Object.keys(jobs).join(', ')})`)
