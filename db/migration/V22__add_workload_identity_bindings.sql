-- Workload-identity bindings (issue 16): no secret anywhere. The binding's spec (namespace, ServiceAccounts,
-- repositories, delivery, the identity it names if any) and what its jobs made (the identity, its federated
-- credentials, the role assignment, the cluster-side objects) are JSON, like a connected registry's.
alter table bindings add column workload_identity jsonb;
alter table bindings add column workload_identity_status jsonb;

do $$
declare
    constraint_name text;
begin
    -- The checks of V1 name the three first methods; they are dropped by what they say, not by generated names.
    for constraint_name in
        select conname from pg_constraint
        where conrelid = 'bindings'::regclass and contype = 'c'
          and (pg_get_constraintdef(oid) like '%kubelet-identity%pull-secret%connected-registry%'
               or pg_get_constraintdef(oid) like '%secret_name IS NOT NULL%')
    loop
        execute format('alter table bindings drop constraint %I', constraint_name);
    end loop;
end $$;

alter table bindings add constraint bindings_method_check
    check (method in ('kubelet-identity', 'pull-secret', 'connected-registry', 'workload-identity'));
alter table bindings add constraint bindings_secret_name_check
    check (method in ('kubelet-identity', 'workload-identity') or secret_name is not null);
alter table bindings add constraint bindings_workload_identity_check
    check ((method = 'workload-identity') = (workload_identity is not null));

-- One binding per (registry, cluster, method, secret name), and for workload identity per namespace too.
drop index bindings_target_uk;
create unique index bindings_target_uk on bindings (registry_id, cluster_id, method, coalesce(secret_name, ''),
    coalesce(workload_identity ->> 'namespace', ''));
