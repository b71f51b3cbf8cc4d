{{/* The namespace of every object: namespace.name, else the release namespace. */}}
{{- define "k8s-app-monitor.namespace" -}}
{{- .Values.namespace.name | default .Release.Namespace -}}
{{- end }}

{{/* The image tag: image.tag, else the chart's appVersion (the short git SHA of the build). */}}
{{- define "k8s-app-monitor.tag" -}}
{{- .Values.image.tag | default .Chart.AppVersion | toString -}}
{{- end }}

{{/* An image of the project: <registry>/<service>:<tag>; call with (list $ service). */}}
{{- define "k8s-app-monitor.image" -}}
{{- $root := index . 0 -}}
{{- printf "%s/%s:%s" $root.Values.image.registry (index . 1) (include "k8s-app-monitor.tag" $root) -}}
{{- end }}

{{/*
Labels Helm adds to every object: the only ones by which the chart's output may differ from the
kustomize manifests (test/manifests/helm.test.ts).
*/}}
{{- define "k8s-app-monitor.helmLabels" -}}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of the objects of the kustomize base (its `labels:` pairs), plus Helm's. */}}
{{- define "k8s-app-monitor.labels" -}}
app.kubernetes.io/part-of: k8s-app-monitor
{{ include "k8s-app-monitor.helmLabels" . }}
{{- end }}

{{/* metadata: name, namespace and the base labels; call with (list $ name extraLabels). */}}
{{- define "k8s-app-monitor.metadata" -}}
{{- $root := index . 0 -}}
name: {{ index . 1 }}
namespace: {{ include "k8s-app-monitor.namespace" $root }}
labels:
  {{- include "k8s-app-monitor.labels" $root | nindent 2 }}
  {{- with index . 2 }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}

{{/*
metadata of the overlay and Component objects (Ingress, Istio, monitoring): no part-of label, as
in kustomize. Call with (list $ name) or (list $ name extraLabels).
*/}}
{{- define "k8s-app-monitor.overlayMetadata" -}}
{{- $root := index . 0 -}}
name: {{ index . 1 }}
namespace: {{ include "k8s-app-monitor.namespace" $root }}
labels:
  {{- include "k8s-app-monitor.helmLabels" $root | nindent 2 }}
  {{- if gt (len .) 2 }}
  {{- with index . 2 }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
  {{- end }}
{{- end }}

{{/* "true" when the sidecars make the request telemetry (istio.requestTelemetry=mesh), else empty. */}}
{{- define "k8s-app-monitor.meshTelemetry" -}}
{{- if and .Values.istio.enabled (eq .Values.istio.requestTelemetry "mesh") }}true{{ end }}
{{- end }}

{{/* With mesh telemetry, first (as istio/mesh-telemetry's patch puts them): no tracer, no access line. */}}
{{- define "k8s-app-monitor.meshTelemetryEnv" -}}
{{- if include "k8s-app-monitor.meshTelemetry" . }}
- name: OTEL_SDK_DISABLED
  value: "true"
- name: ACCESS_LOG
  value: "false"
{{- end }}
{{- end }}

{{/* The environment both services share after their own settings, in the base's order. */}}
{{- define "k8s-app-monitor.commonEnv" -}}
- name: LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: SHUTDOWN_DELAY_MS
  value: {{ .Values.shutdownDelayMs | int | toString | quote }}
- name: SHUTDOWN_TIMEOUT_MS
  value: {{ .Values.shutdownTimeoutMs | int | toString | quote }}
{{- if not (include "k8s-app-monitor.meshTelemetry" .) }}
- name: OTEL_TRACES_EXPORTER
  value: {{ .Values.tracing.exporter | quote }}
- name: OTEL_EXPORTER_ZIPKIN_ENDPOINT
  value: {{ .Values.tracing.zipkinEndpoint | quote }}
{{- end }}
{{- with .Values.tracing.sampler }}
- name: OTEL_TRACES_SAMPLER
  value: {{ . | quote }}
{{- end }}
{{- with .Values.tracing.samplerArg }}
- name: OTEL_TRACES_SAMPLER_ARG
  value: {{ . | quote }}
{{- end }}
# Defined before OTEL_RESOURCE_ATTRIBUTES: $(VAR) only expands earlier variables.
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: OTEL_RESOURCE_ATTRIBUTES
  value: k8s.namespace.name=$(POD_NAMESPACE),k8s.pod.name=$(POD_NAME)
{{- end }}
