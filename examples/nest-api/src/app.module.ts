import { Module } from '@nestjs/common'
import PostgresAdapter from '@auth/pg-adapter'
import { Pool } from 'pg'
import { NextAuthModule } from 'nextauth-backend-token/nest'
import { MeController } from './me.controller.js'

const allowedOrigins = process.env.ALLOWED_ORIGIN ? [process.env.ALLOWED_ORIGIN] : []

// With DATABASE_URL: database sessions through the same Auth.js adapter the app uses; otherwise
// JWT sessions with the app's AUTH_SECRET. Either way a mistake fails here, at start-up.
function sessionOptions() {
  if (!process.env.DATABASE_URL) return {}
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 4, connectionTimeoutMillis: 2000 })
  pool.on('error', () => {})
  return { adapter: PostgresAdapter(pool), adapterTimeout: 3000 }
}

@Module({
  imports: [NextAuthModule.forRoot({ ...sessionOptions(), allowedOrigins, globalGuard: true })],
  controllers: [MeController],
})
export class AppModule {}
