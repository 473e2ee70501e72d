# Sluice controller image: `docker build -t sluice .` then `docker run sluice --help`.
# The entrypoint is `sluice controller`; the Deployment in examples/install passes only its flags.
# test/scenarios/install-dockerfile.test.ts checks every COPY source and replays the runtime stages without an engine.

ARG NODE_IMAGE=node:20-alpine

# 1. Compile TypeScript (needs the dev dependencies). Scripts are skipped: `prepare` would build before src/ is here.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build

# 2. Production dependencies only. --ignore-scripts: npm runs the root `prepare` (a tsc build) even with --omit=dev,
#    and TypeScript is a dev dependency; no runtime dependency needs an install script.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# 3. Runtime: node, the compiled code, production node_modules, and the data files Sluice reads at run time.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY crds ./crds
COPY analysis-templates ./analysis-templates
COPY --from=build /src/dist/src ./dist/src
# The numeric id of the image's `node` user, so that runAsNonRoot can verify it; nothing is written at run time, so
# the root filesystem can be mounted read-only.
USER 1000:1000
EXPOSE 8090
ENTRYPOINT ["node", "/app/dist/src/cli/main.js", "controller"]
