-- What a binding's jobs last observed and made. kubelet_assignment: the role assignment a kubelet-identity binding
-- holds (id, principal, role, scope, and whether PullBridge created it, so detach removes only its own).
alter table bindings add column kubelet_assignment jsonb;
-- When reconciliation last compared the binding with the world, and the drift it found and repaired then.
alter table bindings add column reconciled_at timestamptz;
alter table bindings add column drift jsonb not null default '[]';
