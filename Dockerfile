# One image for every Vigía app (processor, producers, CLI); docker-compose.yml picks the command.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY . .
RUN node node_modules/vite/bin/vite.js build --config ui/vite.config.ts --logLevel warn
ENV VIGIA_HTTP_HOST=0.0.0.0
# chDB queries run on libuv worker threads; analyst SQL must not take them all (see sql.maxConcurrent)
ENV UV_THREADPOOL_SIZE=16
ENTRYPOINT ["node", "bin/vigia.js"]
