# One image for every Zenne service; the compose file picks the command.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# g++/make/python3 build the serial port bindings if no prebuild matches the platform.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY device-profiles/package.json device-profiles/
COPY firmware-bridges/package.json firmware-bridges/
COPY edge-agent/package.json edge-agent/
COPY cloud/package.json cloud/
COPY twin-viewer/package.json twin-viewer/
COPY simulations/package.json simulations/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build -w twin-viewer

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app /app
ENV NODE_ENV=production
# Named volumes take the ownership of these folders, so the node user can write its data and state.
RUN mkdir -p /var/lib/zenne /var/lib/zenne-worker /var/lib/zenne-agent && chown node:node /var/lib/zenne /var/lib/zenne-worker /var/lib/zenne-agent
USER node
