# Local Prometheus for the observability overlay and the cluster (prom/prometheus cannot be pulled):
# Debian's package. Same entrypoint, working directory (/prometheus) and user as upstream; Debian's
# build defaults --storage.tsdb.path to /var/lib/prometheus/metrics2, so that is writable too.
FROM k8s-app-monitor-local/bookworm-minbase:latest
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \
 && mkdir -p /prometheus /etc/prometheus /var/lib/prometheus/metrics2 \
 && chown 65534:65534 /prometheus /var/lib/prometheus /var/lib/prometheus/metrics2
USER 65534:65534
WORKDIR /prometheus
EXPOSE 9090
ENTRYPOINT ["/usr/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
