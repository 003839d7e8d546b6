-- How an AKS cluster is signed in to (its Microsoft Entra integration and whether local accounts are disabled, as
-- ARM reports them) and how PullBridge reaches each cluster and as whom (status.access). Recorded by the
-- cluster.connect and cluster.probe jobs; no secret among them.
alter table clusters add column entra_managed boolean;
alter table clusters add column entra_azure_rbac boolean;
alter table clusters add column entra_tenant_id text;
alter table clusters add column local_accounts_disabled boolean;
alter table clusters add column access_mode text check (access_mode in ('entra', 'local-account', 'kubeconfig'));
alter table clusters add column access_object_id uuid;
alter table clusters add column access_tenant_id text;
