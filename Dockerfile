# syntax=docker/dockerfile:1
# The bot in a container: SQLite on the /data volume by default.
#   docker build -t support-bot .
#   docker run -p 3978:3978 -v bot-data:/data support-bot
# Configuration comes from the environment (see .env.example); HOST and DATABASE_PATH are set here.

# --- Build: install the dependencies. better-sqlite3 is a native module; when its prebuilt binary
# cannot be downloaded, it compiles from source (python3, make, g++). The runtime stage has the same
# base image, so the compiled module fits it.
FROM node:20-bookworm-slim AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The lockfile alone first: this layer is rebuilt only when the dependencies change.
COPY package.json package-lock.json ./
# tsx is a runtime dependency (the bot runs its TypeScript directly), so pruning the dev tools keeps it.
RUN npm ci --no-audit --no-fund \
  && npm prune --omit=dev --no-audit --no-fund

# --- Runtime: no compilers, not root.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3978 \
    DATABASE_PATH=/data/bot.sqlite
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY src ./src
COPY adapters ./adapters
COPY intents ./intents
COPY drizzle ./drizzle
# Postgres's migrations (DATABASE_URL; see compose.yaml).
COPY drizzle-pg ./drizzle-pg
# The FAQ and the bilingual texts (.dockerignore leaves any local database out).
COPY data ./data
# The dev set a knowledge-base retrain is scored on before it goes live.
COPY test/fixtures/devset.jsonl ./test/fixtures/devset.jsonl
# The database (and the web visitor secret kept beside it) live on the volume, owned by the
# unprivileged `node` user of the base image; set before VOLUME, which keeps later changes out.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3978
# The bot stops taking messages, finishes its turns, gives back the outbox rows it held and exits
# within 9 s of SIGTERM (under `docker stop`'s 10 s grace).
STOPSIGNAL SIGTERM
# No curl in the slim image: node asks /healthz (503 when the database cannot be queried).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3978) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself (not npm) as the main process, so SIGTERM reaches the bot.
CMD ["node", "--import", "tsx", "src/main.ts"]
