{{/* HorizontalPodAutoscaler and PodDisruptionBudget of one deployment; call with (dict "root" $ "component" "api" "settings" .Values.api). */}}

{{- define "platform.hpa" -}}
{{- $autoscaling := .settings.autoscaling }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "platform.fullname" .root }}-{{ .component }}
  labels:
    {{- include "platform.componentLabels" (dict "root" .root "component" .component) | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "platform.fullname" .root }}-{{ .component }}
  minReplicas: {{ $autoscaling.minReplicas }}
  maxReplicas: {{ $autoscaling.maxReplicas }}
  metrics:
    {{- with $autoscaling.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
    {{- with $autoscaling.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
{{- end }}

{{- define "platform.pdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "platform.fullname" .root }}-{{ .component }}
  labels:
    {{- include "platform.componentLabels" (dict "root" .root "component" .component) | nindent 4 }}
spec:
  {{- if .settings.podDisruptionBudget.minAvailable }}
  minAvailable: {{ .settings.podDisruptionBudget.minAvailable }}
  {{- else }}
  maxUnavailable: {{ .settings.podDisruptionBudget.maxUnavailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "platform.componentSelectorLabels" (dict "root" .root "component" .component) | nindent 6 }}
{{- end }}
