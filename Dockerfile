# One image for every Vigía app (processor, producers, CLI); docker-compose.yml picks the command.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY . .
RUN node node_modules/vite/bin/vite.js build --config ui/vite.config.ts --logLevel warn
# All interfaces inside the container, so that a published port reaches it; docker-compose.yml
# publishes it on the host's 127.0.0.1 only. The API asks for VIGIA_TOKEN (else a token is
# generated into the data dir), and Host names other than localhost need VIGIA_HTTP_ALLOWED_HOSTS.
ENV VIGIA_HTTP_HOST=0.0.0.0
# chDB queries run on libuv worker threads; analyst SQL must not take them all (see sql.maxConcurrent)
ENV UV_THREADPOOL_SIZE=16
ENTRYPOINT ["node", "bin/vigia.js"]
