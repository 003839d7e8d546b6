-- What PullBridge observed about a cluster when it last connected: from Azure for aks and arc clusters, from the
-- API server for every kind. Recorded by the cluster.connect and cluster.probe jobs.
alter table clusters add column kubernetes_version text;
alter table clusters add column location text;
alter table clusters add column kubelet_object_id uuid;
alter table clusters add column kubelet_client_id uuid;
alter table clusters add column kubelet_service_principal boolean;
alter table clusters add column connectivity_status text;
alter table clusters add column server_version text;
alter table clusters add column namespace_count integer;
-- Fingerprint of the AKS user credentials last fetched (never the credentials): a change rebuilds the client.
alter table clusters add column credential_fingerprint text;
alter table clusters add column probed_at timestamptz;
create index clusters_probe_idx on clusters (probed_at) where phase in ('Ready', 'Degraded');
