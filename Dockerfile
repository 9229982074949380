# One Dockerfile, one image per app: docker build --build-arg APP=ingest-api -t ms1-ingest-api .
# Multi-stage on Node 24 LTS; the runtime stage holds only the app's production dependencies and runs as `node`.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG APP
RUN npm install -g pnpm@10
WORKDIR /src
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json tsconfig.base.json tsconfig.json ./
COPY packages ./packages
COPY apps ./apps
RUN pnpm install --frozen-lockfile
RUN pnpm exec tsc --build
RUN pnpm --filter "./apps/${APP}" deploy --legacy --prod /out

FROM ${NODE_IMAGE} AS runtime
ARG APP
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /out ./
RUN mkdir -p /data/attachments && chown -R node:node /data
USER node
CMD ["node", "dist/main.js"]
