import { defineConfig } from 'drizzle-kit';

/** drizzle-kit reads this to generate Postgres migrations into `drizzle-pg/` (`npm run db:generate:pg`). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/pg-schema.ts',
  out: './drizzle-pg',
});
