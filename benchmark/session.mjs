// getSession on a database session against calling the adapter directly with the right id: the
// same PostgreSQL server (a throw-away cluster), the same rows, one process, interleaved slices.
//   npm run bench:session        (release build first: npm run build)
import { createRequire } from 'node:module'
import { randomUUID } from 'node:crypto'
import os from 'node:os'
import pg from 'pg'
import PostgresAdapter from '@auth/pg-adapter'
import { startPostgres, SCHEMA } from '../__test__/postgres.mjs'

const require = createRequire(import.meta.url)
const nbt = require(process.env.NBT_MODULE ?? '../index.js')
const QUICK = process.argv.includes('--quick')
const NAME = '__Secure-authjs.session-token'
const NOISE = '_ga=GA1.1.1234567890.1700000000; _gid=GA1.1.987654321.1700000000; theme=dark; locale=en-GB'

const db = await startPostgres()
const pool = new pg.Pool({ host: db.host, port: db.port, user: db.user, database: db.database, max: 1 })
try {
  await pool.query(SCHEMA)
  const adapter = PostgresAdapter(pool)
  const user = await adapter.createUser({ id: randomUUID(), name: 'Ada', email: 'ada@example.test', emailVerified: null, image: null })
  const sessionToken = randomUUID()
  await adapter.createSession({ sessionToken, userId: user.id, expires: new Date(Date.now() + 86_400_000) })
  const header = `${NOISE}; ${NAME}=${sessionToken}`
  const bound = nbt.createResolver({ adapter })
  const contenders = {
    'adapter.getSessionAndUser(id)': () => adapter.getSessionAndUser(sessionToken),
    // The least any wrapper costs: one async function awaiting the adapter, checking expires.
    'async wrapper around the adapter': async () => {
      const answer = await adapter.getSessionAndUser(sessionToken)
      return answer && new Date(answer.session.expires).getTime() > Date.now() ? answer : null
    },
    'getSession(header, { adapter })': () => nbt.getSession(header, { adapter }),
    'createResolver({ adapter }).getSession(header)': () => bound.getSession(header),
  }
  for (const fn of Object.values(contenders)) if (!(await fn())) throw new Error('no session')
  // Paired rounds: in each, every contender runs a short slice right after the others, and its
  // time is taken relative to the adapter's in that same round; the median ratio is reported, so
  // the database's and the machine's drift cancel out.
  const ROUNDS = QUICK ? 15 : 41
  const perSlice = QUICK ? 200 : 400
  const names = Object.keys(contenders)
  const times = Object.fromEntries(names.map((k) => [k, []]))
  for (let r = 0; r < ROUNDS + 1; r++) {
    const order = r % 2 ? [...names].reverse() : names
    for (const name of order) {
      const fn = contenders[name]
      const t = process.hrtime.bigint()
      for (let i = 0; i < perSlice; i++) await fn()
      if (r > 0) times[name][r - 1] = Number(process.hrtime.bigint() - t) / perSlice // round 0 warms up
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const base = times['adapter.getSessionAndUser(id)']
  console.log(`Node ${process.version}, ${os.cpus()[0].model} (${os.cpus().length} cores), PostgreSQL on loopback, ${ROUNDS} paired rounds`)
  console.log('\n| contender | median per call | median vs the adapter in the same round |\n|---|---:|---:|')
  for (const name of names) {
    const ratio = median(times[name].map((t, i) => t / base[i]))
    console.log(`| ${name} | ${(median(times[name]) / 1000).toFixed(1)} µs | ${((ratio - 1) * 100).toFixed(1)}% |`)
  }
} finally {
  await pool.end()
  db.stop()
}
