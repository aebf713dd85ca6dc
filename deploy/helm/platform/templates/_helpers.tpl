{{/*
Shared names, labels and the pod template of the api and worker deployments.
Kept to the template subset rendered by deploy/render (see deploy/README.md).
*/}}

{{- define "platform.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Resource name prefix: the release name, suffixed with the chart name unless they are equal. */}}
{{- define "platform.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if eq .Release.Name (include "platform.name" .) }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "platform.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "platform.selectorLabels" -}}
app.kubernetes.io/name: {{ include "platform.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "platform.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | trunc 63 | trimSuffix "-" }}
{{ include "platform.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: platform
{{- end }}

{{/* Labels of one component; call with (dict "root" $ "component" "api"). */}}
{{- define "platform.componentLabels" -}}
{{ include "platform.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "platform.componentSelectorLabels" -}}
{{ include "platform.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "platform.image" -}}
{{ .Values.image.repository }}:{{ default .Chart.AppVersion .Values.image.tag }}
{{- end }}

{{- define "platform.secretName" -}}
{{ default (include "platform.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{- define "platform.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "platform.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Non-secret environment (the ConfigMap data); its checksum rolls the pods when it changes. */}}
{{- define "platform.configData" -}}
HOST: "0.0.0.0"
PORT: "8080"
DATA_DIR: {{ .Values.config.dataDir | quote }}
APPS: {{ include "platform.apps" . | quote }}
MOUNT_AT_ROOT: {{ if .Values.mountAtRoot }}"1"{{ else }}"0"{{ end }}
AUTH_MODE: {{ .Values.config.authMode | quote }}
LOG_LEVEL: {{ .Values.config.logLevel | quote }}
NODE_ENV: "production"
{{- with .Values.config.publicUrl }}
PUBLIC_URL: {{ . | quote }}
{{- end }}
{{- with .Values.config.natsUrl }}
NATS_URL: {{ . | quote }}
{{- end }}
{{- with .Values.config.trustedProxies }}
TRUSTED_PROXIES: {{ . | quote }}
{{- end }}
{{- with .Values.config.corsOrigins }}
CORS_ORIGINS: {{ . | quote }}
{{- end }}
{{- with .Values.config.adminEmails }}
ADMIN_EMAILS: {{ . | quote }}
{{- end }}
{{- with .Values.config.sessionTtlHours }}
SESSION_TTL_HOURS: {{ . | quote }}
{{- end }}
{{- with .Values.config.oidc.issuer }}
OIDC_ISSUER: {{ . | quote }}
{{- end }}
{{- with .Values.config.oidc.clientId }}
OIDC_CLIENT_ID: {{ . | quote }}
{{- end }}
{{- with .Values.config.oidc.providerName }}
OIDC_PROVIDER_NAME: {{ . | quote }}
{{- end }}
{{- with .Values.config.oidc.allowedDomains }}
OIDC_ALLOWED_DOMAINS: {{ . | quote }}
{{- end }}
{{- if .Values.syslog.enabled }}
OPMAS_SYSLOG_UDP_PORT: {{ if .Values.syslog.udp }}{{ .Values.syslog.containerPort | quote }}{{ else }}"off"{{ end }}
OPMAS_SYSLOG_TCP_PORT: {{ if .Values.syslog.tcp }}{{ .Values.syslog.containerPort | quote }}{{ else }}"off"{{ end }}
{{- end }}
{{- range $name, $value := .Values.extraEnv }}
{{ $name }}: {{ $value | quote }}
{{- end }}
{{- end }}

{{/* Secret data created by the chart when no existingSecret is named. */}}
{{- define "platform.secretData" -}}
DATABASE_URL: {{ required "secrets.databaseUrl is required (PostgreSQL 15+), or name secrets.existingSecret" .Values.secrets.databaseUrl | b64enc | quote }}
PLATFORM_SECRET_KEYS: {{ required "secrets.platformSecretKeys is required (Fernet keys shared by all replicas), or name secrets.existingSecret" .Values.secrets.platformSecretKeys | b64enc | quote }}
{{- with .Values.secrets.oidcClientSecret }}
OIDC_CLIENT_SECRET: {{ . | b64enc | quote }}
{{- end }}
{{- with .Values.secrets.metricsToken }}
METRICS_TOKEN: {{ . | b64enc | quote }}
{{- end }}
{{- end }}

{{/*
Pod template of a platform process; call with
(dict "root" $ "component" "api" "role" "api" "settings" .Values.api "listener" true).
"listener" marks the process that runs the OPMAS syslog listeners: the worker, or the api when it runs every duty.
*/}}
{{- define "platform.podTemplate" -}}
{{- $root := .root }}
{{- $values := .root.Values -}}
metadata:
  labels:
    {{- include "platform.componentLabels" (dict "root" $root "component" .component) | nindent 4 }}
  annotations:
    checksum/config: {{ include "platform.configData" $root | sha256sum }}
    {{- if not $values.secrets.existingSecret }}
    checksum/secret: {{ include "platform.secretData" $root | sha256sum }}
    {{- end }}
    {{- with .settings.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "platform.serviceAccountName" $root }}
  automountServiceAccountToken: {{ $values.serviceAccount.automountServiceAccountToken }}
  {{- with $values.imagePullSecrets }}
  imagePullSecrets:
    {{- range . }}
    - name: {{ . }}
    {{- end }}
  {{- end }}
  securityContext:
    {{- toYaml $values.podSecurityContext | nindent 4 }}
  terminationGracePeriodSeconds: 30
  containers:
    - name: platform
      image: {{ include "platform.image" $root }}
      imagePullPolicy: {{ $values.image.pullPolicy }}
      command: ["node", "packages/kernel/src/server.ts"]
      env:
        - name: ROLE
          value: {{ .role | quote }}
      envFrom:
        - configMapRef:
            name: {{ include "platform.fullname" $root }}
        - secretRef:
            name: {{ include "platform.secretName" $root }}
      ports:
        - name: http
          containerPort: 8080
          protocol: TCP
        {{- if and $values.syslog.enabled .listener }}
        {{- if $values.syslog.udp }}
        - name: syslog-udp
          containerPort: {{ $values.syslog.containerPort }}
          protocol: UDP
        {{- end }}
        {{- if $values.syslog.tcp }}
        - name: syslog-tcp
          containerPort: {{ $values.syslog.containerPort }}
          protocol: TCP
        {{- end }}
        {{- end }}
      startupProbe:
        httpGet:
          path: /healthz
          port: http
        periodSeconds: {{ $values.probes.startup.periodSeconds }}
        failureThreshold: {{ $values.probes.startup.failureThreshold }}
      livenessProbe:
        httpGet:
          path: /healthz
          port: http
        periodSeconds: {{ $values.probes.liveness.periodSeconds }}
        timeoutSeconds: {{ $values.probes.liveness.timeoutSeconds }}
        failureThreshold: {{ $values.probes.liveness.failureThreshold }}
      readinessProbe:
        httpGet:
          path: /readyz
          port: http
        periodSeconds: {{ $values.probes.readiness.periodSeconds }}
        timeoutSeconds: {{ $values.probes.readiness.timeoutSeconds }}
        failureThreshold: {{ $values.probes.readiness.failureThreshold }}
      resources:
        {{- toYaml .settings.resources | nindent 8 }}
      securityContext:
        {{- toYaml $values.securityContext | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        - name: data
          mountPath: {{ $values.config.dataDir }}
  volumes:
    - name: tmp
      emptyDir: {}
    - name: data
      {{- if $values.persistence.enabled }}
      persistentVolumeClaim:
        claimName: {{ default (printf "%s-data" (include "platform.fullname" $root)) $values.persistence.existingClaim }}
      {{- else }}
      emptyDir: {}
      {{- end }}
  {{- with .settings.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .settings.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .settings.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{/* APPS: the hosted app ids, or "all". */}}
{{- define "platform.apps" -}}
{{ if .Values.apps }}{{ join "," .Values.apps }}{{ else }}all{{ end }}
{{- end }}

{{- define "platform.apiRole" -}}
{{ if .Values.worker.enabled }}api{{ else }}all{{ end }}
{{- end }}
