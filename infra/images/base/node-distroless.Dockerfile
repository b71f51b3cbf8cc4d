# Local stand-in for gcr.io/distroless/nodejs24-debian12:nonroot: Node, the C runtime distroless
# ships (all of glibc, libgcc and libstdc++, as in distroless/cc: native addons such as resvg's need
# librt, which node itself does not link), CA certificates, /etc basics and the nonroot user (65532).
# No shell, no package manager. Entrypoint /nodejs/bin/node, as distroless has it.
FROM k8s-app-monitor-local/bookworm-minbase:latest AS assemble
COPY node/bin/node /out/nodejs/bin/node
RUN set -e; mkdir -p /out/etc /out/tmp /out/home/nonroot /out/etc/ssl/certs; \
    chmod 1777 /out/tmp; chown 65532:65532 /out/home/nonroot; \
    for lib in $(ldd /out/nodejs/bin/node | grep -oE '/[^ ]+'); do \
      cp --parents -L "$lib" /out/; \
    done; \
    dpkg -L libc6 libgcc-s1 libstdc++6 | grep -E '^/(usr/)?lib' | while read -r f; do \
      if [ -f "$f" ] && [ ! -e "/out$f" ]; then cp --parents -L "$f" /out/; fi; \
    done; \
    cp /etc/ssl/certs/ca-certificates.crt /out/etc/ssl/certs/; \
    cp /etc/nsswitch.conf /etc/os-release /out/etc/; \
    printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >/out/etc/passwd; \
    printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' >/out/etc/group

FROM scratch
COPY --from=assemble /out/ /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
USER 65532:65532
WORKDIR /home/nonroot
ENTRYPOINT ["/nodejs/bin/node"]
