{{/* The chart's name, or nameOverride. */}}
{{- define "pullbridge.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name: objects are named after it. */}}
{{- define "pullbridge.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The management Service's name (its port serves health and metrics). */}}
{{- define "pullbridge.managementName" -}}
{{- printf "%s-management" (include "pullbridge.fullname" . | trunc 52 | trimSuffix "-") }}
{{- end }}

{{- define "pullbridge.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pullbridge.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "pullbridge.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "pullbridge.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "pullbridge.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "pullbridge.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "pullbridge.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/*
Settings that are not secret, as Spring Boot's YAML tree; .Values.config is merged over them. Secrets never appear
here: they reach the container as environment variables from Secrets (see the Deployment).
*/}}
{{- define "pullbridge.generatedConfig" -}}
{{- $audiences := required "auth.audiences is required: the audience(s) PullBridge's tokens carry, e.g. [api://pullbridge]" .Values.auth.audiences }}
server:
  port: 8080
management:
  server:
    port: {{ .Values.management.port }}
spring:
  {{- if .Values.masterKey.previousKeysSecret }}
  # Earlier master keys, one file per key id under pullbridge/security/previous-keys/ (see the Deployment).
  config:
    import: "optional:configtree:/etc/pullbridge/keys/"
  {{- end }}
  datasource:
    hikari:
      maximum-pool-size: {{ .Values.database.maximumPoolSize }}
  security:
    oauth2:
      resourceserver:
        jwt:
          issuer-uri: {{ required "auth.issuerUri is required: the issuer of the tokens PullBridge accepts, e.g. https://login.microsoftonline.com/<tenant-id>/v2.0" .Values.auth.issuerUri | quote }}
          audiences:
            {{- toYaml $audiences | nindent 12 }}
pullbridge:
  azure:
    cloud: {{ .Values.azure.cloud | quote }}
    credential: {{ .Values.azure.credential | quote }}
    {{- with .Values.azure.tenantId }}
    tenant-id: {{ . | quote }}
    {{- end }}
    {{- if eq .Values.azure.credential "workload-identity" }}
    client-id: {{ required "azure.workloadIdentity.clientId is required with azure.credential=workload-identity: the client id of PullBridge's managed identity" .Values.azure.workloadIdentity.clientId | quote }}
    {{- else if and (eq .Values.azure.credential "client-secret") .Values.azure.clientSecret.clientId }}
    client-id: {{ .Values.azure.clientSecret.clientId | quote }}
    {{- end }}
    {{- $endpoints := dict }}
    {{- with .Values.azure.endpoints.resourceManager }}{{ $_ := set $endpoints "resource-manager" . }}{{ end }}
    {{- with .Values.azure.endpoints.graph }}{{ $_ := set $endpoints "graph" . }}{{ end }}
    {{- with .Values.azure.endpoints.authorityHost }}{{ $_ := set $endpoints "authority-host" . }}{{ end }}
    {{- with .Values.azure.endpoints.registrySuffix }}{{ $_ := set $endpoints "registry-suffix" . }}{{ end }}
    {{- with $endpoints }}
    endpoints:
      {{- toYaml . | nindent 6 }}
    {{- end }}
  clusters:
    allowed-hosts: {{ toJson .Values.clusters.allowedHosts }}
    denied-hosts: {{ toJson .Values.clusters.deniedHosts }}
  {{- with .Values.masterKey.keyId }}
  security:
    master-key-id: {{ . | quote }}
  {{- end }}
{{- end }}

{{/* The configuration file the ConfigMap holds: the generated settings with .Values.config merged over them. */}}
{{- define "pullbridge.configFile" -}}
{{- $generated := include "pullbridge.generatedConfig" . | fromYaml }}
{{- $merged := mustMergeOverwrite $generated (deepCopy .Values.config) }}
{{- toYaml $merged }}
{{- end }}
