import PostgresAdapter from '@auth/pg-adapter'
import { Pool } from 'pg'

// One pool and one adapter for the whole app: Auth.js and nextauth-backend-token use the same.
export const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 4, connectionTimeoutMillis: 2000 })
// Idle clients report a lost server here; requests see it as a failed query.
pool.on('error', () => {})
export const adapter = PostgresAdapter(pool)
