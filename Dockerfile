# One container runs the orchestrator and all of its instances; the run directory lives on a volume.
FROM node:22-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:22-alpine
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
RUN ln -s /app/bin/tachikoma.js /usr/local/bin/tachikoma
# Mount the code to audit at /workspace and keep the run (store, views, logs) on a volume.
VOLUME ["/run-data"]
WORKDIR /workspace
ENTRYPOINT ["tachikoma"]
EXPOSE 7420
CMD ["run", "--workspace", "/workspace", "--run-dir", "/run-data", "--until-done", "--no-dashboard"]
