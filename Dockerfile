# expert-draw as a container: built with every dependency, run with the production ones only, as a user without
# privileges. `docker build -t expert-draw .`; keys, volumes, compose and systemd: docs/operations.md.
# Both Node images come from the same tag, so the native module built in `deps` fits the runtime.
ARG NODE_VERSION=20

# 1. Production dependencies. --ignore-scripts: the `prepare` script would compile the TypeScript, which needs the dev
#    dependencies; the one native module (better-sqlite3) is then built explicitly, with this image's build tools.
FROM node:${NODE_VERSION}-bookworm AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3 && npm cache clean --force

# 2. The build: every dependency (no install scripts: nothing native is needed to compile), then dist/.
FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY console ./console
RUN npm run build

# 3. The runtime: Node, the production dependencies and dist/. Production mode: the service refuses to start without
#    production keys and settings (docs/operations.md says which).
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    EXPERT_DRAW_MODE=production \
    EXPERT_DRAW_HOST=0.0.0.0 \
    EXPERT_DRAW_PORT=3000 \
    EXPERT_DRAW_METRICS_HOST=0.0.0.0 \
    EXPERT_DRAW_METRICS_PORT=9464 \
    EXPERT_DRAW_DATA_DIR=/var/lib/expert-draw \
    EXPERT_DRAW_KEYS_DIR=/etc/expert-draw/keys
RUN groupadd --system --gid 10001 expert-draw \
 && useradd --system --uid 10001 --gid expert-draw --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin expert-draw \
 && install -d -o expert-draw -g expert-draw -m 0700 /var/lib/expert-draw /etc/expert-draw/keys
WORKDIR /app
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER expert-draw:expert-draw
# The SQLite data (one instance) and the keys: kept outside the image, never baked into it.
VOLUME ["/var/lib/expert-draw", "/etc/expert-draw/keys"]
# The API (behind the centre's TLS proxy) and the Prometheus metrics (monitoring network only).
EXPOSE 3000 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "dist/src/healthcheck.js", "/readyz"]
# Exec form: node is PID 1 and gets SIGTERM itself; it finishes the draws under way and closes the log (docs/operations.md).
STOPSIGNAL SIGTERM
CMD ["node", "--max-semi-space-size=32", "dist/src/server.js"]
