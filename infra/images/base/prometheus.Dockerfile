# Local Prometheus 3 for the observability overlay and the cluster (prom/prometheus cannot be
# pulled): the static binary infra/tools/prometheus.sh builds (Kubernetes discovery only, no web UI
# assets), on the minbase. Same entrypoint path, working directory (/prometheus) and user as upstream.
FROM k8s-app-monitor-local/bookworm-minbase:latest
COPY prometheus /bin/prometheus
RUN mkdir -p /prometheus /etc/prometheus && chown 65534:65534 /prometheus
USER 65534:65534
WORKDIR /prometheus
EXPOSE 9090
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
