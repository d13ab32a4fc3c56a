# syntax=docker/dockerfile:1
# gic's container image (deploy/base/deployment.yaml runs it): Node.js 24, the compiled CLI and
# server with production dependencies only, running as the non-root numeric user 65532; the root
# filesystem can be mounted read-only (only /tmp is written, an emptyDir in the Deployment).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY examples ./examples
# Read at run time: every text the model reads, and the chat page's browser files (tsc copies neither).
COPY prompts ./prompts
COPY src/web ./src/web
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["node", "bin/gic.js"]
CMD ["serve"]
