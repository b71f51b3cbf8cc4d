# syntax=docker/dockerfile:1.7
# One image definition for both services; pick one with --target:
#   docker build --target k8s-app-monitor-test  -t k8s-app-monitor-test  .
#   docker build --target k8s-app-monitor-agent -t k8s-app-monitor-agent .
# Node 24 LTS (maintained to April 2028), the runtime package.json's engines requires and CI tests.
ARG NODE_MAJOR=24

# 1. Build with dev dependencies: type-check, compile, copy and precompress the assets.
FROM node:${NODE_MAJOR}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

# 2. Production dependencies only, from the same lockfile.
FROM node:${NODE_MAJOR}-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# 3. Runtime: distroless Node.js — no shell, no package manager — as a numeric non-root user.
FROM gcr.io/distroless/nodejs${NODE_MAJOR}-debian12:nonroot AS runtime
# The build's version: CI passes the short git SHA it tags the image with, so spans'
# service.version and the pods' version label (the image tag, in k8s/base) name the same build.
ARG APP_VERSION=dev
# The full commit and the build time, for GET /version (the build context has no .git).
ARG GIT_COMMIT=
ARG BUILD_TIME=
LABEL org.opencontainers.image.version=${APP_VERSION} org.opencontainers.image.revision=${GIT_COMMIT} org.opencontainers.image.created=${BUILD_TIME}
WORKDIR /app
ENV NODE_ENV=production APP_VERSION=${APP_VERSION} GIT_COMMIT=${GIT_COMMIT} BUILD_TIME=${BUILD_TIME}
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER 65532:65532

# The image's entrypoint is node; the command line is src/shared/node-command.ts's (tracing
# preloaded before the app, the young generation bounded, the old one grown by 10% at a time,
# no Maglev), which a test checks these match.
FROM runtime AS k8s-app-monitor-test
EXPOSE 3000 9464
CMD ["--max-semi-space-size=8", "--heap-growing-percent=10", "--no-maglev", "--import", "./dist/monitor-test/instrumentation.js", "./dist/monitor-test/main.js"]

FROM runtime AS k8s-app-monitor-agent
EXPOSE 8888 9465
CMD ["--max-semi-space-size=8", "--heap-growing-percent=10", "--no-maglev", "--import", "./dist/monitor-agent/instrumentation.js", "./dist/monitor-agent/main.js"]
