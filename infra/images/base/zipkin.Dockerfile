# Local Zipkin for the observability overlay and the cluster (openzipkin/zipkin cannot be pulled):
# Debian's Java runtime and the zipkin-server exec jar from Maven Central (.ci/run caches it).
FROM k8s-app-monitor-local/bookworm-minbase:latest
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
COPY zipkin-server-exec.jar /zipkin/zipkin-server-exec.jar
USER 65534:65534
EXPOSE 9411
ENV JAVA_TOOL_OPTIONS="-Xmx256m -XX:TieredStopAtLevel=1"
ENTRYPOINT ["java", "-jar", "/zipkin/zipkin-server-exec.jar"]
