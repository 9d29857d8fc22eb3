{{/*
The objects here are the same as weir::manifests::build_objects (k8s/manifests/src/objects.cpp) renders;
tests/chart compares both field by field, so change both together.
*/}}

{{- define "weir.secretName" -}}{{ .Values.name }}-credentials{{- end }}

{{- define "weir.adminTokenSecretName" -}}{{ .Values.adminTokenSecret | default (printf "%s-admin-token" .Values.proxyName) }}{{- end }}

{{/* NetworkPolicy peers: this namespace's pods and those of the listed namespaces; "*" = every pod. Argument: the value. */}}
{{- define "weir.namespacePeers" -}}
{{- if eq . "*" }}
- namespaceSelector: {}
{{- else }}
- podSelector: {}
{{- if . }}
- namespaceSelector:
    matchExpressions:
      - key: kubernetes.io/metadata.name
        operator: In
        values:
          {{- range splitList "," . }}
          - {{ . }}
          {{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels of pod templates; objects add app.kubernetes.io/managed-by. */}}
{{- define "weir.podLabels" -}}
app: {{ .app }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/instance: {{ .root.Values.name }}
app.kubernetes.io/name: {{ .app }}
app.kubernetes.io/part-of: weir
{{- end }}

{{- define "weir.dbPodLabels" -}}
{{ include "weir.podLabels" (dict "root" . "app" .Values.name "component" "database") }}
{{- end }}

{{- define "weir.proxyPodLabels" -}}
{{ include "weir.podLabels" (dict "root" . "app" .Values.proxyName "component" "proxy") }}
{{- end }}

{{- define "weir.dbLabels" -}}
{{ include "weir.dbPodLabels" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "weir.proxyLabels" -}}
{{ include "weir.proxyPodLabels" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "weir.dbSelector" -}}
app: {{ .Values.name }}
app.kubernetes.io/name: {{ .Values.name }}
{{- end }}

{{- define "weir.proxySelector" -}}
app: {{ .Values.proxyName }}
app.kubernetes.io/name: {{ .Values.proxyName }}
{{- end }}

{{- define "weir.databaseImage" -}}
{{- if .Values.databaseImage }}{{ .Values.databaseImage }}{{ else if eq .Values.flavour "mysql" }}mysql:8.0{{ else }}mariadb:11.4{{ end }}
{{- end }}

{{- define "weir.backupImage" -}}
{{- if .Values.backupImage }}{{ .Values.backupImage }}{{ else if eq .Values.flavour "mysql" }}percona/percona-xtrabackup:8.0{{ else }}{{ include "weir.databaseImage" . }}{{ end }}
{{- end }}

{{/* A pod's preference for nodes without another pod of the same selector. Argument: the selector. */}}
{{- define "weir.antiAffinity" -}}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - podAffinityTerm:
        labelSelector:
          matchLabels:
            {{- . | nindent 12 }}
        topologyKey: kubernetes.io/hostname
      weight: 100
{{- end }}

{{- define "weir.securityContext" -}}
allowPrivilegeEscalation: false
capabilities:
  drop:
    - ALL
runAsGroup: {{ . }}
runAsNonRoot: true
runAsUser: {{ . }}
{{- end }}

{{/* Environment of every container running `weir pod ...`. */}}
{{- define "weir.podEnv" -}}
- name: WEIR_ROOT_PASSWORD_FILE
  value: /etc/weir/secrets/root-password
- name: WEIR_REPL_USER
  value: repl
- name: WEIR_REPL_PASSWORD_FILE
  value: /etc/weir/secrets/replication-password
- name: MARIADB_PLUGIN_DIR
  value: /opt/weir/lib/plugin
{{- end }}

{{/* `weir pod <step...>`: argument (list root step...). */}}
{{- define "weir.podCommand" -}}
{{- $root := index . 0 -}}
- /opt/weir/bin/weir
- pod
{{- range (rest .) }}
- {{ . }}
{{- end }}
- --flavour
- {{ $root.Values.flavour }}
- --service
- {{ $root.Values.name }}
{{- end }}

{{/* weir.yaml of the proxy (render_proxy_config). */}}
{{- define "weir.proxyConfig" -}}
# weir proxy in Kubernetes; see examples/weir.yaml for every key.
listen:
  address: 0.0.0.0
  port: 3306
admin:
  address: 0.0.0.0
  port: 9033
  # /healthz and /readyz (the probes) stay open; every other endpoint needs this bearer token.
  token_file: /etc/weir/admin/token
load_users_from_backend:
  enabled: true
monitor:
  user: weir_monitor
  password_file: /etc/weir/secrets/monitor-password
backends:
  # The pods of the headless Service, from its EndpointSlices (this pod's namespace and
  # service account): {{ .Values.name }}-0 is the primary, the other ready pods are replicas.
  discovery: kubernetes
  kubernetes:
    service: {{ .Values.name }}
    port: 3306
{{- end }}

{{/* weir-accounts.sh (render_accounts_script). */}}
{{- define "weir.accountsScript" -}}
{{- $mysql := eq .Values.flavour "mysql" -}}
# Sourced by the image's entrypoint when it creates the data directory (the primary's first
# start; replicas are cloned). The password comes from the Secret, never from this file.
docker_process_sql --database=mysql <<EOSQL
CREATE USER IF NOT EXISTS 'weir_monitor'@'%' {{ if $mysql }}IDENTIFIED WITH mysql_native_password BY{{ else }}IDENTIFIED BY{{ end }} '${WEIR_MONITOR_PASSWORD}';
GRANT {{ if $mysql }}PROCESS, REPLICATION CLIENT{{ else }}PROCESS, REPLICATION CLIENT, SLAVE MONITOR{{ end }} ON *.* TO 'weir_monitor'@'%';
GRANT SELECT ON mysql.* TO 'weir_monitor'@'%';
CREATE DATABASE IF NOT EXISTS weir;
GRANT ALL PRIVILEGES ON weir.* TO 'weir_monitor'@'%';
EOSQL
{{- end }}
