# One Dockerfile for every image:
#   docker build --build-arg APP=ingest-api -t ms1-ingest-api .      (APP: ingest-api, processor-worker, ms4-sender)
#   docker build --target sims -t ms1-sims .                          (graph-sim and ms4-sim, for the demo only)
# The build stage is the same for all of them up to `ARG APP`: dependencies and the TypeScript build are done once
# and cached; each image then takes only its part. Runtime images: Node 24 LTS, production dependencies only,
# user `node`.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG PNPM_VERSION=10.34.9
RUN npm install -g --loglevel=error pnpm@${PNPM_VERSION}
WORKDIR /src
# The packages named by the lockfile, into pnpm's store: this layer changes only with the lockfile.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY package.json tsconfig.base.json tsconfig.json ./
COPY packages ./packages
COPY apps ./apps
RUN pnpm install --offline --frozen-lockfile
RUN pnpm exec tsc --build apps/ingest-api apps/processor-worker apps/ms4-sender packages/graph-sim packages/ms4-sim
# `pnpm deploy` copies a package with its production dependencies, at the lockfile's versions, from the store
# (workspace packages injected as copies: set for the deploy only, development keeps its symlinks).
ENV npm_config_inject_workspace_packages=true
# The simulators, each with its production dependencies (the demo's `sims` image).
RUN pnpm --filter @ms1/graph-sim deploy --prod --offline /sims/graph-sim \
 && pnpm --filter @ms1/ms4-sim deploy --prod --offline /sims/ms4-sim
# Only from here on does the build differ per app.
FROM build AS app-build
ARG APP
RUN test -n "${APP}" || { echo 'build with --build-arg APP=ingest-api|processor-worker|ms4-sender' >&2; exit 1; } \
 && pnpm --filter "./apps/${APP}" deploy --prod --offline /out

# graph-sim and ms4-sim for compose's demo profile; never used in production. The directories the demo's volumes
# are mounted on belong to `node`, so that a new named volume is writable by the simulators (Docker copies a mount
# point's owner into an empty volume).
FROM ${NODE_IMAGE} AS sims
RUN mkdir -p /run/graph-sim-ca /run/ms1-demo && chown node:node /run/graph-sim-ca /run/ms1-demo
COPY docker/write-demo-settings.sh /usr/local/bin/write-demo-settings
WORKDIR /sims
COPY --from=build /sims ./
USER node

# One app. The entrypoint decides NODE_ENV (production unless the demo's settings are there: docker/README.md).
FROM ${NODE_IMAGE} AS runtime
RUN mkdir -p /data/attachments /run/graph-sim-ca /run/ms1-demo \
 && chown node:node /data /data/attachments /run/graph-sim-ca /run/ms1-demo
COPY docker/app-entrypoint.sh /usr/local/bin/ms1-entrypoint
WORKDIR /app
# The code stays root's: the app cannot change it.
COPY --from=app-build /out ./
# The app's node command is its `start` script, flags included. They may differ per app (README, "Decisions recorded
# here"), so the image runs what its own package.json says, written out here, never a copy kept equal by hand. No
# start script fails the build, not the container's first start.
RUN node -p "require('./package.json').scripts.start ?? process.exit(1)" > /app/start-command
USER node
ENTRYPOINT ["ms1-entrypoint"]
CMD ["/bin/sh", "-c", "exec $(cat /app/start-command)"]
