-- What Azure says about a registry, recorded by its create job and by discovery.
alter table registries add column sku text;
alter table registries add column location text;
alter table registries add column abac_enabled boolean;
alter table registries add column data_endpoint_enabled boolean;
