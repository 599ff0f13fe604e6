# syntax=docker/dockerfile:1

# Sequencer production image. One image, two processes:
#   API     node dist/src/api.js      (the default command; listens on PORT, 3000)
#   worker  node dist/src/worker.js   (the Temporal worker; no HTTP port)
# Both need DATABASE_URL, TEMPORAL_ADDRESS and SECRET_KEY (the same value for every API and worker
# process, or mailbox passwords cannot be decrypted). docker-compose.yml wires all of it up.
#
#   docker build -t sequencer .
#   docker run --env-file .env -p 3000:3000 sequencer                          # API
#   docker run --env-file .env sequencer node dist/src/worker.js                # worker

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- toolchain: the npm that wrote package-lock.json and honours package.json "allowScripts"
FROM ${NODE_IMAGE} AS toolchain
ARG NPM_VERSION=11.19.1
RUN npm install --global --no-audit --no-fund npm@${NPM_VERSION} && npm --version
WORKDIR /app
COPY package.json package-lock.json ./

# ---- build: every dependency (TypeScript is a dev dependency), then tsc into dist/ ----------------------------
FROM toolchain AS build
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
RUN npm run build

# ---- prod-deps: runtime dependencies only --------------------------------------------------------------------
# @temporalio/worker (with its webpack bundler and @swc/core) is a regular dependency: the worker bundles the
# workflow code from dist/workflows when it starts, so nothing from the dev dependencies is needed at run time.
FROM toolchain AS prod-deps
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

# ---- runtime: node, production node_modules and dist/ — no npm cache, no sources, no dev tools ----------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
COPY --from=prod-deps /app/package.json /app/package-lock.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Files stay owned by root (read-only for the app); the processes run as the image's unprivileged user.
USER node
EXPOSE 3000
# No HEALTHCHECK here: the worker has no HTTP port. The API's check (GET /readyz) is in docker-compose.yml.
CMD ["node", "dist/src/api.js"]
