# The Reelay gateway as an image: the same compiled main that `npm start` runs.
#
#   docker build -t reelay .
#   docker run --rm -p 8080:8080 -v reelay-data:/data reelay          # API and worker, embedded database
#   docker run … reelay api | worker                                   # one role alone (needs DATABASE_URL)
#
# See docs/deploy.md ("With containers") and compose.yaml for the scale-out deployment.

# Build: every dependency, then `npm run build` into packages/server/dist.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/contract/package.json packages/contract/
COPY packages/catalog/package.json packages/catalog/
COPY packages/server/package.json packages/server/
COPY packages/client/package.json packages/client/
COPY packages/cli/package.json packages/cli/
COPY bench/package.json bench/
# No install scripts: `prepare` would build before the sources are here, and the build needs none of the others.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN npm run build

# Runtime: production dependencies, the build, ffmpeg and ffprobe from Debian.
FROM node:20-bookworm-slim AS runtime
RUN apt-get update \
  && apt-get install -y --no-install-recommends ffmpeg \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/contract/package.json packages/contract/
COPY packages/catalog/package.json packages/catalog/
COPY packages/server/package.json packages/server/
COPY packages/client/package.json packages/client/
COPY packages/cli/package.json packages/cli/
COPY bench/package.json bench/
# The gateway looks for ffmpeg and ffprobe on PATH first, so Debian's (/usr/bin) are the ones it runs; the copies
# shipped in npm packages are removed to keep the image small.
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts \
  && rm -rf node_modules/@ffmpeg-installer/linux-* node_modules/@ffprobe-installer/linux-* \
  && npm cache clean --force \
  && ffmpeg -hide_banner -version > /dev/null \
  && ffprobe -hide_banner -version > /dev/null
COPY --from=build /app/packages/server/dist packages/server/dist

# Listen on every interface of the container; keep the embedded database, local storage, renders and the
# development key in /data. NODE_ENV is left unset: as with `npm start`, the development account runs until
# another account has a live key (REELAY_DEV_ACCOUNT decides otherwise).
ENV HOST=0.0.0.0 \
  PORT=8080 \
  MALLOC_ARENA_MAX=2 \
  MALLOC_MMAP_THRESHOLD_=262144 \
  REELAY_DATA_DIR=/data
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 8080

# Readiness of an API process (the database answers). A worker serves no HTTP: run it without this check
# (`--no-healthcheck`; compose.yaml disables it for the worker service).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# No argument: API and worker in one process; `api` or `worker`: that role alone.
ENTRYPOINT ["node", "--enable-source-maps", "packages/server/dist/main.js"]
