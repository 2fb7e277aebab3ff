{{/* The chart's name, as labels carry it. */}}
{{- define "kube-privatelink.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The prefix of every object's name: the release name, or <release>-<chart> when the release name
does not contain the chart's. At most 40 characters, so that "<fullname>-operator-metrics" stays
a valid name.
*/}}
{{- define "kube-privatelink.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "kube-privatelink.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object of the chart. */}}
{{- define "kube-privatelink.labels" -}}
helm.sh/chart: {{ include "kube-privatelink.chart" . }}
app.kubernetes.io/name: {{ include "kube-privatelink.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: kube-privatelink
{{- end }}

{{/*
The operator pods' selector. The forwarder pods the operator creates carry
app.kubernetes.io/managed-by=kube-privatelink and component=forwarder, so they never match it.
*/}}
{{- define "kube-privatelink.operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kube-privatelink.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "kube-privatelink.operator.labels" -}}
{{ include "kube-privatelink.labels" . }}
app.kubernetes.io/component: operator
{{- end }}

{{/*
The forwarder pods the operator creates, whatever their consumer namespace (its own labels,
dev.privatelink.desired.Labels; not the chart's).
*/}}
{{- define "kube-privatelink.forwarder.podSelectorLabels" -}}
app.kubernetes.io/managed-by: kube-privatelink
app.kubernetes.io/component: forwarder
{{- end }}

{{/* A map as key=value,key=value, sorted by key. */}}
{{- define "kube-privatelink.labelPairs" -}}
{{- $pairs := list }}
{{- range $key, $value := . }}
{{- $pairs = append $pairs (printf "%s=%s" $key $value) }}
{{- end }}
{{- join "," $pairs }}
{{- end }}

{{- define "kube-privatelink.forwarder.labels" -}}
{{ include "kube-privatelink.labels" . }}
app.kubernetes.io/component: forwarder
{{- end }}

{{- define "kube-privatelink.operator.name" -}}
{{- printf "%s-operator" (include "kube-privatelink.fullname" .) }}
{{- end }}

{{- define "kube-privatelink.operator.serviceAccountName" -}}
{{- default (include "kube-privatelink.operator.name" .) .Values.operator.serviceAccount.name }}
{{- end }}

{{- define "kube-privatelink.forwarder.name" -}}
{{- printf "%s-forwarder" (include "kube-privatelink.fullname" .) }}
{{- end }}

{{/* The ClusterRole the operator binds the forwarders to in each consumer namespace (pods, read). */}}
{{- define "kube-privatelink.forwarder.podReaderRole" -}}
{{- printf "%s-pods" (include "kube-privatelink.forwarder.name" .) }}
{{- end }}


{{/* Pull secrets by name, comma-separated: the operator puts them on each forwarder's own ServiceAccount. */}}
{{- define "kube-privatelink.imagePullSecretNames" -}}
{{- $names := list }}
{{- range .Values.imagePullSecrets }}
{{- $names = append $names .name }}
{{- end }}
{{- join "," $names }}
{{- end }}

{{/* The Lease the operator replicas elect a leader with: fixed in the operator (LeaderElection.LEASE). */}}
{{- define "kube-privatelink.leaseName" -}}
kube-privatelink-operator
{{- end }}

{{/* repository:tag, or repository@sha256:... for a digest. */}}
{{- define "kube-privatelink.imageRef" -}}
{{- $repository := index . 0 }}
{{- $tag := index . 1 }}
{{- if hasPrefix "sha256:" $tag }}
{{- printf "%s@%s" $repository $tag }}
{{- else }}
{{- printf "%s:%s" $repository $tag }}
{{- end }}
{{- end }}

{{- define "kube-privatelink.operator.image" -}}
{{- include "kube-privatelink.imageRef" (list .Values.image.repository (default .Chart.AppVersion .Values.image.tag)) }}
{{- end }}

{{- define "kube-privatelink.forwarder.image" -}}
{{- $repository := default .Values.image.repository .Values.forwarder.image.repository }}
{{- $tag := default (default .Chart.AppVersion .Values.image.tag) .Values.forwarder.image.tag }}
{{- include "kube-privatelink.imageRef" (list $repository $tag) }}
{{- end }}

{{/* Pull secrets, for the operator's ServiceAccount. */}}
{{- define "kube-privatelink.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ .name }}
{{- end }}
{{- end }}
{{- end }}

{{/* The gateway: the provider side of cross-cluster endpoints (gateway.enabled). */}}
{{- define "kube-privatelink.gateway.name" -}}
{{- printf "%s-gateway" (include "kube-privatelink.fullname" .) }}
{{- end }}

{{- define "kube-privatelink.gateway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kube-privatelink.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: gateway
{{- end }}

{{- define "kube-privatelink.gateway.labels" -}}
{{ include "kube-privatelink.labels" . }}
app.kubernetes.io/component: gateway
{{- end }}

{{- define "kube-privatelink.gateway.image" -}}
{{- $repository := default .Values.image.repository .Values.gateway.image.repository }}
{{- $tag := default (default .Chart.AppVersion .Values.image.tag) .Values.gateway.image.tag }}
{{- include "kube-privatelink.imageRef" (list $repository $tag) }}
{{- end }}
