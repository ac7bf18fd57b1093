import 'reflect-metadata'
import { readFileSync } from 'node:fs'
import { NestFactory } from '@nestjs/core'
import { AppModule } from './app.module.js'

// The API on a sibling subdomain: CORS for the app's one origin, with credentials.
//   ALLOWED_ORIGIN=https://app.example.com AUTH_SECRET=... PORT=4001 npm start
async function bootstrap() {
  const httpsOptions = process.env.TLS_CERT ? { cert: readFileSync(process.env.TLS_CERT), key: readFileSync(process.env.TLS_KEY!) } : undefined
  const app = await NestFactory.create(AppModule, { httpsOptions, logger: ['error', 'warn'] })
  app.enableCors({ origin: process.env.ALLOWED_ORIGIN, credentials: true, allowedHeaders: ['content-type', 'x-csrf-token'] })
  await app.listen(Number(process.env.PORT ?? 4001), process.env.HOST ?? '127.0.0.1')
}
bootstrap()
