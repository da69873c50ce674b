import { defineConfig } from 'drizzle-kit';

/** drizzle-kit reads this to generate SQL migrations into `drizzle/` (`npm run db:generate`). */
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.ts',
  out: './drizzle',
});
