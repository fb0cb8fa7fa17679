# syntax=docker/dockerfile:1
# One image for localcloud, the API and the worker; compose picks the command.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY shared ./shared
COPY api ./api
COPY worker ./worker
COPY localcloud ./localcloud
COPY dev ./dev
COPY cli ./cli
RUN npm run build

FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only: no compiler, test runner or linter in the running image.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
# The processes' live heap is small (a worker with 1,000 instances waiting stays under 128 MB of old
# space); without a cap V8 grows the heap lazily and RSS drifts past 200 MB. See bench/README.md.
ENV NODE_OPTIONS=--max-old-space-size=128
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# `node bin/openclaw-fleet.mjs` (the operator CLI) runs dist/cli/main.js here.
COPY bin ./bin
COPY package.json ./
# The compose file shares localcloud's ids through a named volume at /ids; a new named volume takes the
# owner of the image's directory, so the non-root user can write it.
RUN mkdir -p /ids && chown node:node /ids
# The same for localcloud's state file volume (/state).
RUN mkdir -p /state && chown node:node /state
USER node
EXPOSE 3000 4566
# The API answers /healthz; worker and localcloud services override this check in compose.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/api/main.js"]
