{{/*
One service's ServiceAccount, Service, Deployment, HorizontalPodAutoscaler and
PodDisruptionBudget, as in k8s/base/<service>.yaml. Called with a dict:
  root: $, name: the service (and DNS) name, component: its app.kubernetes.io/component,
  settings: its values (test or agent), env: its own environment variables (YAML),
  moreEnv: variables after the shared ones (YAML, may be empty).
*/}}
{{- define "k8s-app-monitor.workload" -}}
{{- $root := .root -}}
{{- $name := .name -}}
{{- $s := .settings -}}
{{- /* version: the image tag, so Istio's telemetry, Grafana and Zipkin tell deploys apart. */ -}}
{{- $version := include "k8s-app-monitor.tag" $root -}}
{{- $podLabels := dict "app" $name "version" $version "app.kubernetes.io/name" $name "app.kubernetes.io/version" $version "app.kubernetes.io/component" .component -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  {{- include "k8s-app-monitor.metadata" (list $root $name (dict "app" $name)) | nindent 2 }}
automountServiceAccountToken: false
---
apiVersion: v1
kind: Service
metadata:
  {{- include "k8s-app-monitor.metadata" (list $root $name (dict "app" $name "app.kubernetes.io/name" $name)) | nindent 2 }}
spec:
  selector:
    app: {{ $name }}
  ports:
    - name: http
      port: {{ $s.port }}
      targetPort: http
      appProtocol: http
    - name: http-metrics
      port: {{ $s.metricsPort }}
      targetPort: http-metrics
      appProtocol: http
---
apiVersion: apps/v1
kind: Deployment
metadata:
  {{- include "k8s-app-monitor.metadata" (list $root $name $podLabels) | nindent 2 }}
spec:
  replicas: {{ $s.replicas }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app: {{ $name }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  template:
    metadata:
      # app and version: the labels Istio's telemetry and service graph read.
      labels:
        {{- toYaml $podLabels | nindent 8 }}
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ $s.metricsPort | quote }}
        prometheus.io/path: /metrics
        # With a sidecar, Istio would otherwise merge the app's metrics into the sidecar's on 15020
        # as plain Prometheus text, losing the trace-id exemplars. Unmerged, Prometheus scrapes
        # the app here in OpenMetrics, and the sidecar's own metrics on 15090.
        prometheus.istio.io/merge-metrics: "false"
        {{- if $root.Values.istio.enabled }}
        # The app starts only once its sidecar is ready, so its first calls are not refused.
        proxy.istio.io/config: "holdApplicationUntilProxyStarts: true"
        {{- end }}
    spec:
      serviceAccountName: {{ $name }}
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: {{ $root.Values.terminationGracePeriodSeconds }}
      securityContext:
        runAsNonRoot: true
        runAsUser: 65532
        runAsGroup: 65532
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: {{ $name }}
          image: {{ include "k8s-app-monitor.image" (list $root $name) }}
          {{- with $root.Values.image.pullPolicy }}
          imagePullPolicy: {{ . }}
          {{- end }}
          {{- if include "k8s-app-monitor.meshTelemetry" $root }}
          {{- $dir := trimPrefix "k8s-app-" $name }}
          # The image's command line with a smaller young generation (istio/mesh-telemetry's args).
          args: ["--max-semi-space-size=4", "--heap-growing-percent=10", "--no-maglev", "--import", "./dist/{{ $dir }}/instrumentation.js", "./dist/{{ $dir }}/main.js"]
          {{- end }}
          ports:
            - name: http
              containerPort: {{ $s.port }}
            - name: http-metrics
              containerPort: {{ $s.metricsPort }}
          env:
            {{- include "k8s-app-monitor.meshTelemetryEnv" $root | nindent 12 }}
            {{- .env | nindent 12 }}
            {{- include "k8s-app-monitor.commonEnv" $root | nindent 12 }}
            {{- with .moreEnv }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with $s.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          readinessProbe:
            httpGet:
              path: /readyz
              port: http
            periodSeconds: 5
            failureThreshold: 2
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: 10
            failureThreshold: 3
          resources:
            {{- toYaml $s.resources | nindent 12 }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
{{- if $s.autoscaling.enabled }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  {{- include "k8s-app-monitor.metadata" (list $root $name dict) | nindent 2 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $name }}
  minReplicas: {{ $s.autoscaling.minReplicas }}
  maxReplicas: {{ $s.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $s.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- if $s.podDisruptionBudget.enabled }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  {{- include "k8s-app-monitor.metadata" (list $root $name dict) | nindent 2 }}
spec:
  minAvailable: {{ $s.podDisruptionBudget.minAvailable }}
  selector:
    matchLabels:
      app: {{ $name }}
{{- end }}
{{- end }}
